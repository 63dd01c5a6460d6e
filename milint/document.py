"""A file as milint reads it: its kind, decoded text, and the way from offsets to SARIF regions."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from .lstr import LStr
from .text import Decoded, LineIndex


class Document:
    """One file to check.  Sources fill `facts`; rules read them."""

    def __init__(self, path: Path, relpath: str, kind: str, decoded: Decoded):
        self.path = path
        self.relpath = relpath
        self.kind = kind
        self.decoded = decoded
        self.text = decoded.text
        self._lines: Optional[LineIndex] = None
        self._source: Optional[LStr] = None
        self._lower: Optional[str] = None
        self.problems: list[tuple[str, int, int]] = []  # (message, start, end): parse problems
        # set by suppress.suppress_inline: a suppression here has an expiry date, so the same bytes
        # will give another result on another day (the result cache must not keep it)
        self.suppressions_expire = False

    @property
    def source(self) -> LStr:
        """The whole text as a located string (offset 0 is the first character after any BOM)."""
        if self._source is None:
            self._source = LStr.at(self.text, 0)
        return self._source

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines

    @property
    def lower(self) -> str:
        if self._lower is None:
            self._lower = self.text.lower()
        return self._lower

    def region(self, start: int, end: int) -> tuple[int, int, int, int]:
        """(start_line, start_column, end_line, end_column): 1-based, UTF-16 columns, end exclusive."""
        sl, sc = self.lines.position(start)
        el, ec = self.lines.position(end)
        return sl, sc, el, ec

    def problem(self, message: str, start: int = 0, end: Optional[int] = None) -> None:
        """Record that part of the file could not be read (reported through the parse-error rule)."""
        self.problems.append((message, start, start if end is None else end))
