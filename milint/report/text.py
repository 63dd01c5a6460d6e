"""Human output in the style of compilers and ruff: path:line:col: ID [level] message."""
from __future__ import annotations

from collections import Counter

from .safe import printable


def finding_line(f) -> str:
    r = f.region
    fixable = " (fixable)" if f.fix else ""
    return printable(f"{f.path}:{r.start_line}:{r.start_column}: {f.rule_id} [{f.level}] {f.message}{fixable}")


def summary(report) -> str:
    active = [f for f in report.findings if f.suppression is None]
    suppressed = len(report.findings) - len(active)
    files = len({f.path for f in active})
    levels = Counter(f.level for f in active)
    parts = [f"{levels[lvl]} {lvl}{'s' if levels[lvl] != 1 else ''}" for lvl in ("error", "warning", "note")
             if levels[lvl]]
    checked = f"{report.files_seen} file{'s' if report.files_seen != 1 else ''} checked"
    if report.files_cached:
        checked += f", {report.files_cached} of them unchanged since an earlier run"
    extra = f"; {suppressed} suppressed" if suppressed else ""
    if not active:
        return f"No problems found ({checked}{extra})."
    noun = "problem" if len(active) == 1 else "problems"
    return (f"Found {len(active)} {noun} ({', '.join(parts)}) in {files} file{'s' if files != 1 else ''}"
            f" ({checked}{extra}).")


def statistics(report) -> list[str]:
    """One line per rule with unsuppressed findings, most frequent first: count, id, name, level and
    how many of them --fix can fix (for triage when adopting milint on a large repository)."""
    active = [f for f in report.findings if f.suppression is None]
    counts = Counter((f.rule_id, f.rule_name, f.level) for f in active)
    fixable = Counter(f.rule_id for f in active if f.fix)
    width = len(str(max(counts.values(), default=0)))
    lines = []
    for (rule_id, name, level), n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        fixes = f"  ({fixable[rule_id]} fixable)" if fixable[rule_id] else ""
        lines.append(f"{n:>{width}}  {rule_id}  {name}  [{level}]{fixes}")
    return lines


def render(report, show_suppressed: bool = False, statistics_only: bool = False, **_) -> str:
    if statistics_only:
        lines = statistics(report)
    else:
        lines = [finding_line(f) for f in report.findings if f.suppression is None or show_suppressed]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
