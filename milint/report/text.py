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
    extra = f"; {suppressed} suppressed" if suppressed else ""
    if not active:
        return f"No problems found ({checked}{extra})."
    noun = "problem" if len(active) == 1 else "problems"
    return (f"Found {len(active)} {noun} ({', '.join(parts)}) in {files} file{'s' if files != 1 else ''}"
            f" ({checked}{extra}).")


def render(report, show_suppressed: bool = False, **_) -> str:
    lines = [finding_line(f) for f in report.findings if f.suppression is None or show_suppressed]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
