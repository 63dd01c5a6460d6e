"""Applying fixes: text replacements, never overlapping, applied back to front."""
from __future__ import annotations

from .findings import Finding


def apply_fixes(text: str, findings: list[Finding]) -> tuple[str, list[Finding]]:
    """The text with every non-overlapping fix applied, and the findings whose fix was applied.

    Fixes are taken in file order; one that overlaps a fix already taken is left for the next run."""
    chosen: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for finding in sorted((f for f in findings if f.fix), key=lambda f: (f.fix[0].start, f.rule_id)):
        spans = [(r.start, r.end) for r in finding.fix]
        if any(_overlaps(s, t) for s in spans for t in taken):
            continue
        taken.extend(spans)
        chosen.append(finding)
    edits = sorted((r for f in chosen for r in f.fix), key=lambda r: (r.start, r.end), reverse=True)
    for r in edits:
        text = text[:r.start] + r.text + text[r.end:]
    return text, chosen


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    # two insertions at the same point also conflict
    return a[0] < b[1] and b[0] < a[1] or a == b
