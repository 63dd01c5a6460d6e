"""`.gitignore` patterns, read the way git reads them (last match wins; `!` re-includes)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional


def _translate(pattern: str) -> str:
    """A gitignore glob (without its leading '/' and trailing '/') as a regular expression."""
    out = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                before_ok = i == 0 or pattern[i - 1] == "/"
                after = pattern[i + 2:i + 3]
                if before_ok and after == "/":
                    out.append("(?:[^/]*/)*")  # **/ : zero or more directories
                    i += 3
                    continue
                if before_ok and after == "":
                    out.append(".*")  # trailing /** : everything inside
                    i += 2
                    continue
                out.append("[^/]*")
                i += 2
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 2 if pattern[i + 1:i + 2] in ("!", "^") else i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1:j]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


class IgnoreFile:
    """The patterns of one .gitignore, relative to the folder that holds it."""

    def __init__(self, base: str, lines: list[str]):
        self.base = base.strip("/")  # '' for the root
        self.rules: list[tuple[re.Pattern, bool, bool]] = []  # (regex, negated, dir_only)
        for line in lines:
            line = line.rstrip("\n").rstrip("\r")
            stripped = re.sub(r"(?<!\\)\s+$", "", line)
            if not stripped or stripped.startswith("#"):
                continue
            negated = stripped.startswith("!")
            if negated:
                stripped = stripped[1:]
            dir_only = stripped.endswith("/")
            stripped = stripped.rstrip("/")
            if not stripped:
                continue
            anchored = "/" in stripped
            body = _translate(stripped.lstrip("/"))
            prefix = "^" if anchored else "^(?:.*/)?"
            self.rules.append((re.compile(prefix + body + "$", re.DOTALL), negated, dir_only))

    @classmethod
    def read(cls, path: Path, base: str) -> Optional["IgnoreFile"]:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        return cls(base, text.splitlines())

    def verdict(self, relpath: str, is_dir: bool) -> Optional[bool]:
        """True (ignored), False (re-included) or None (no pattern matched) for a root-relative path."""
        if self.base:
            if not relpath.startswith(self.base + "/"):
                return None
            relpath = relpath[len(self.base) + 1:]
        result = None
        for regex, negated, dir_only in self.rules:
            if dir_only and not is_dir:
                continue
            if regex.match(relpath):
                result = not negated
        return result


def is_ignored(files: list[IgnoreFile], relpath: str, is_dir: bool) -> bool:
    ignored = False
    for f in files:
        v = f.verdict(relpath, is_dir)
        if v is not None:
            ignored = v
    return ignored
