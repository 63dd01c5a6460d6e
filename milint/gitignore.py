"""`.gitignore` patterns, read the way git reads them (last match wins; `!` re-includes).

A `.gitignore` comes with the files being checked, so it is hostile input like any of them.  Globs
are translated into regular expressions that cannot backtrack catastrophically: every wildcard but
the last of its kind commits to the earliest place where the text after it matches (an atomic
group, written as a look-ahead and a back-reference so that it works before Python 3.11).  A
pattern that is not a valid glob is left out, and a `.gitignore` is read only when it is a regular
file inside the tree (a symbolic link is not followed, as git does not follow it either).
"""
from __future__ import annotations

import itertools
import os
import re
import stat
from pathlib import Path
from typing import Optional

MAX_IGNORE_FILE_BYTES = 4 * 1024 * 1024  # more than any real .gitignore; the rest is not read

_ANY_DIRS = "(?:[^/]*/)*"  # `**/`: zero or more whole folders


def _class(pattern: str, i: int) -> tuple[Optional[str], int]:
    """The bracket expression starting at pattern[i] == '[' as a regex, and the index after it;
    (None, i + 1) when it is not closed (the '[' is then a literal character)."""
    j = i + 1
    negate = pattern[j:j + 1] in ("!", "^")
    if negate:
        j += 1
    body_start = j
    if pattern[j:j + 1] == "]":  # a ']' right after the opening is a member
        j += 1
    close = pattern.find("]", j)
    if close < 0:
        return None, i + 1
    out = []
    k = body_start
    while k < close:
        c = pattern[k]
        if c == "\\" and k + 1 < close:
            out.append(re.escape(pattern[k + 1]))
            k += 2
            continue
        out.append("-" if c == "-" and body_start < k < close - 1 else re.escape(c))
        k += 1
    # a bracket expression never matches the folder separator
    return "(?!/)[" + ("^" if negate else "") + "".join(out) + "]", close + 1


def _segment(segment: str, names) -> str:
    """One path component of a glob (no '/') as a regex; `*` stays inside the component."""
    chunks: list[list[str]] = [[]]  # the single-character matchers between stars
    i, n = 0, len(segment)
    while i < n:
        c = segment[i]
        if c == "*":
            while i < n and segment[i] == "*":
                i += 1
            chunks.append([])
            continue
        if c == "?":
            chunks[-1].append("[^/]")
        elif c == "[":
            regex, i = _class(segment, i)
            chunks[-1].append(regex if regex is not None else re.escape("["))
            continue
        elif c == "\\" and i + 1 < n:
            i += 1
            chunks[-1].append(re.escape(segment[i]))
        else:
            chunks[-1].append(re.escape(c))
        i += 1
    out = ["".join(chunks[0])]
    last = len(chunks) - 1
    for k in range(1, len(chunks)):
        text = "".join(chunks[k])
        if k < last:  # not the last star: take the earliest place where the next chunk fits
            name = f"s{next(names)}"
            out.append(f"(?=(?P<{name}>[^/]*?{text}))(?P={name})")
        else:
            out.append("[^/]*" + text)
    return "".join(out)


def _translate(pattern: str) -> str:
    """A gitignore glob (without its leading '/' and trailing '/') as a regular expression.

    `**` as a whole component matches any number of folders (`**/x`, `a/**/b`) or, at the end,
    everything inside (`a/**`); anywhere else it is a plain `*`."""
    parts: list[Optional[str]] = []  # a component, or None for `**`
    for component in pattern.split("/"):
        if component == "**":
            if not parts or parts[-1] is not None:
                parts.append(None)
        else:
            parts.append(component)
    names = itertools.count()
    out: list[str] = []
    k = 0
    while k < len(parts):
        part = parts[k]
        if part is not None:
            out.append(_segment(part, names))
            if k + 1 < len(parts):
                out.append("/")
            k += 1
            continue
        if k + 1 == len(parts):  # trailing `/**` (or the pattern `**`): everything below
            out.append(".*")
            break
        # the components up to the next `**` (or the end) follow any number of folders
        nxt = next((m for m in range(k + 1, len(parts)) if parts[m] is None), len(parts))
        chunk = []
        for m in range(k + 1, nxt):
            chunk.append(_segment(parts[m], names))
            if m + 1 < len(parts):
                chunk.append("/")
        text = "".join(chunk)
        if nxt < len(parts):  # more `**` follow: commit to the earliest fit
            name = f"d{next(names)}"
            out.append(f"(?=(?P<{name}>{_ANY_DIRS}?{text}))(?P={name})")
        else:
            out.append(_ANY_DIRS + text)
        k = nxt
    return "".join(out)


def _strip_trailing_spaces(line: str) -> str:
    """Trailing spaces do not count unless the last one is escaped with a backslash."""
    stripped = line.rstrip(" ")
    if len(stripped) < len(line) and stripped.endswith("\\") and not stripped.endswith("\\\\"):
        return stripped + " "
    return stripped


class IgnoreFile:
    """The patterns of one .gitignore, relative to the folder that holds it."""

    def __init__(self, base: str, lines: list[str]):
        self.base = base.strip("/")  # '' for the root
        # (regex, negated, dir_only, basename_only)
        self.rules: list[tuple[re.Pattern, bool, bool, bool]] = []
        for line in lines:
            stripped = _strip_trailing_spaces(line.rstrip("\r\n"))
            if not stripped or stripped.startswith("#"):
                continue
            negated = stripped.startswith("!")
            if negated:
                stripped = stripped[1:]
            dir_only = stripped.endswith("/")
            stripped = stripped.rstrip("/")
            if not stripped:
                continue
            anchored = "/" in stripped  # else it matches a file or folder name at any depth
            try:
                regex = re.compile(_translate(stripped.lstrip("/")) + r"\Z", re.DOTALL)
            except (re.error, RecursionError, OverflowError):
                continue  # not a glob git could use either (`[z-a]`): leave it out
            self.rules.append((regex, negated, dir_only, not anchored))

    @classmethod
    def read(cls, path: Path, base: str) -> Optional["IgnoreFile"]:
        """The ignore file at `path`, if it is a regular file (symbolic links are not followed)."""
        try:
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode):
                return None
            with open(path, "rb") as fh:
                data = fh.read(MAX_IGNORE_FILE_BYTES)
        except (OSError, ValueError):
            return None
        return cls(base, data.decode("utf-8", errors="replace").splitlines())

    def verdict(self, relpath: str, is_dir: bool) -> Optional[bool]:
        """True (ignored), False (re-included) or None (no pattern matched) for a root-relative path."""
        if self.base:
            if not relpath.startswith(self.base + "/"):
                return None
            relpath = relpath[len(self.base) + 1:]
        name = relpath.rsplit("/", 1)[-1]
        result = None
        for regex, negated, dir_only, basename_only in self.rules:
            if dir_only and not is_dir:
                continue
            if regex.match(name if basename_only else relpath):
                result = not negated
        return result


def is_ignored(files: list[IgnoreFile], relpath: str, is_dir: bool) -> bool:
    ignored = False
    for f in files:
        v = f.verdict(relpath, is_dir)
        if v is not None:
            ignored = v
    return ignored
