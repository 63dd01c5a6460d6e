"""Applying fixes: text replacements, never overlapping, applied back to front; and `--fix` on files.

`fix_file` re-reads a file, refuses it when its bytes differ from those that were checked, applies
the safe fixes of its unsuppressed findings, checks the new text again and repeats until no fix
applies (fixes that overlapped wait for the next pass), so running `--fix` twice changes nothing the
second time.  The result is written back in the file's own encoding, byte-order mark and line
endings, through a temporary file renamed over the original, and only if the file still holds the
bytes that were checked.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .findings import Finding

MAX_PASSES = 10


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


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class FileFix:
    """What `--fix` did (or `--diff` would do) to one file."""

    path: str  # as reported
    before: str = ""
    after: str = ""
    fixed: list[Finding] = field(default_factory=list)  # as they were found, pass by pass
    remaining: Optional[list[Finding]] = None  # the findings of the fixed text; None: unchanged
    refused: str = ""  # why the file was left alone
    written: bool = False

    @property
    def changed(self) -> bool:
        return self.after != self.before


def fix_file(path: Path, relpath: str, checked_digest: str, findings: list[Finding],
             recheck: Callable[[bytes], list[Finding]], safe_rules: set[str], write: bool) -> FileFix:
    """Fix one file (see the module docs); `recheck` checks new file bytes as the run did."""
    from .text import DecodeError, decode, encode

    result = FileFix(relpath)
    real = Path(os.path.realpath(path))  # a link inside the tree: change its target, keep the link
    try:
        data = real.read_bytes()
        decoded = decode(data)
    except (OSError, DecodeError) as exc:
        result.refused = f"cannot read it again: {exc}"
        return result
    if digest(data) != checked_digest:
        result.refused = "it changed after it was checked; run milint again"
        return result
    text = result.before = result.after = decoded.text
    for _ in range(MAX_PASSES):
        fixable = [f for f in findings if f.fix and f.suppression is None and f.rule_id in safe_rules]
        new_text, applied = apply_fixes(text, fixable)
        if not applied or new_text == text:
            break
        result.fixed.extend(applied)
        text = new_text
        findings = recheck(encode(text, decoded))
        result.remaining = findings
    result.after = text
    if not write or not result.changed:
        return result
    try:
        if digest(real.read_bytes()) != checked_digest:
            result.refused = "it changed while it was being fixed; run milint again"
            return result
        _replace(real, encode(text, decoded))
    except OSError as exc:
        result.refused = f"cannot write it: {exc.strerror or exc}"
        return result
    result.written = True
    return result


def _replace(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, keeping the file's permissions."""
    import shutil
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".milint-fix", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def unified_diff(fix: FileFix) -> str:
    """The change as a unified diff (a/ and b/ paths, like git)."""
    import difflib

    lines = difflib.unified_diff(fix.before.splitlines(keepends=True), fix.after.splitlines(keepends=True),
                                 f"a/{fix.path}", f"b/{fix.path}")
    out = []
    for line in lines:
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)
