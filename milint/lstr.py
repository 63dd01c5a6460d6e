"""Located strings: string values that remember where each character came from.

Every parser in milint turns source text into values (a JSON string, a shell word, a PowerShell
argument, a URL query parameter).  Those values are decoded -- escapes resolved, quotes removed,
percent-encoding undone -- yet a finding must still point at the exact characters in the file.
`LStr` is a `str` (so rules, jmespath and json treat it as the plain value) that also maps every
character back to a half-open range of offsets in the file's decoded text.

The mapping is a chain of pieces; each piece maps a run of characters either one-to-one onto a
parent (`LStr` or the file itself) or, as a whole, onto a range (an escape such as ``\\u0041`` or
``%2F``, or an unknown value such as ``$VAR``).  Positions are only computed when asked for, and a
string can be *lazy*: a callback produces the mapped string on first use (used by the fast JSON
path, which parses positions only when a finding needs them).

Unknown parts of a value (a shell variable, an ARM expression that cannot be evaluated) are kept in
the text as the placeholder `UNKNOWN` so that the known parts stay usable.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Callable, Iterable, Optional

UNKNOWN = "\ufffc"  # OBJECT REPLACEMENT CHARACTER: stands for a value that cannot be known

# piece kinds
_LINEAR = 0  # text[t0:t1] maps one-to-one onto parent[p0:p0 + (t1 - t0)]
_ATOM = 1  # text[t0:t1] maps as a whole onto parent range [p0, p1)

# what `_locate` looks for
_POINT, _START, _END = range(3)  # the gap before an index, where a character starts, where it ends


class LStr(str):
    """A string whose characters map back to offsets in a file (see module docs)."""

    # str subclasses cannot have non-empty __slots__; attributes live in __dict__, and only those
    # that differ from these class-level defaults are set (hundreds of thousands are made per run)
    _base: Optional[int] = None  # contiguous in the file starting at this offset
    _pieces: Optional[tuple] = None  # tuple of (t0, t1, kind, parent, p0, p1); parent None = file
    _lazy: Optional[Callable[[], "LStr"]] = None
    _anchor: Optional[tuple] = None  # (parent, offset) position for an empty string
    _starts = None

    def __new__(cls, text: str = "", *, base: Optional[int] = None,
                pieces: Optional[tuple] = None, lazy: Optional[Callable[[], "LStr"]] = None,
                anchor: Optional[tuple] = None):
        self = str.__new__(cls, text)
        if base is not None:
            self._base = base
        if pieces is not None:
            self._pieces = pieces
        if lazy is not None:
            self._lazy = lazy
        if anchor is not None:
            self._anchor = anchor
        return self

    # ------------------------------------------------------------------ construction
    @classmethod
    def at(cls, text: str, offset: int) -> "LStr":
        """`text` stands verbatim in the file at `offset`."""
        return cls(text, base=offset)

    @classmethod
    def atom(cls, text: str, start: int, end: int, parent: Optional["LStr"] = None) -> "LStr":
        """`text` as a whole comes from parent range [start, end) (an escape, a decoded run)."""
        if not text:
            return cls("", anchor=(parent, start))
        self = str.__new__(cls, text)  # the constructor, inlined: made tens of thousands of times a run
        self._pieces = ((0, len(text), _ATOM, parent, start, end),)
        return self

    @classmethod
    def unknown(cls, start: int, end: int, parent: Optional["LStr"] = None,
                raw: Optional[str] = None) -> "LStr":
        """A value that cannot be known statically, written at parent range [start, end).

        `raw` is the expression as written (``$IDENTITY_ENDPOINT``); by default the parent's text."""
        self = cls.atom(UNKNOWN, start, end, parent)
        if raw is None and parent is not None:
            raw = str.__getitem__(parent, slice(start, end))
        self._raw = raw
        return self

    @classmethod
    def lazy(cls, text: str, resolve: Callable[[], "LStr"]) -> "LStr":
        """`text` whose positions are produced by `resolve()` on first use."""
        self = str.__new__(cls, text)  # the constructor, inlined: one per JSON string a rule reads
        self._lazy = resolve
        return self

    @classmethod
    def empty_at(cls, offset: int, parent: Optional["LStr"] = None) -> "LStr":
        return cls("", anchor=(parent, offset))

    @staticmethod
    def of(value: str) -> "LStr":
        """Wrap a plain str that has no place in any file (positions resolve to 0)."""
        return value if isinstance(value, LStr) else LStr(value, base=None, pieces=())

    @classmethod
    def concat(cls, parts: Iterable[str]) -> "LStr":
        """Join located strings, keeping each character's origin."""
        pieces = []
        texts = []
        pos = 0
        anchor = None
        for part in parts:
            if not part:
                if anchor is None and isinstance(part, LStr):
                    anchor = (part, 0)
                continue
            n = len(part)
            if isinstance(part, LStr):
                pieces.append((pos, pos + n, _LINEAR, part, 0, n))
            else:
                pieces.append((pos, pos + n, _ATOM, None, -1, -1))
            texts.append(str(part))
            pos += n
        if not pieces:
            return cls("", anchor=anchor)
        if len(pieces) == 1 and isinstance(pieces[0][3], LStr):
            return pieces[0][3]
        return cls("".join(texts), pieces=tuple(pieces))

    # ------------------------------------------------------------------ queries
    @property
    def known(self) -> bool:
        """True when no part of the value is unknown."""
        return UNKNOWN not in self

    @property
    def value(self) -> Optional[str]:
        """The plain value, or None when any part of it is unknown."""
        return None if UNKNOWN in self else str(self)

    def sub(self, start: int, end: Optional[int] = None) -> "LStr":
        """The located substring [start, end)."""
        n = len(self)
        if end is None or end > n:
            end = n
        if start < 0:
            start = 0
        if start == 0 and end == n:
            return self
        if start >= end:
            return LStr("", anchor=(self, start))
        part = str.__new__(LStr, str.__getitem__(self, slice(start, end)))  # the constructor, inlined
        part._pieces = ((0, end - start, _LINEAR, self, start, end),)
        return part

    def strip_located(self, chars: Optional[str] = None) -> "LStr":
        text = str(self)
        left = len(text) - len(text.lstrip(chars))
        right = len(text.rstrip(chars))
        return self.sub(left, max(left, right))

    def split_located(self, sep: str, maxsplit: int = -1) -> list["LStr"]:
        if not sep:  # as str.split: an empty separator would never move on
            raise ValueError("empty separator")
        out = []
        start = 0
        text = str(self)
        while maxsplit != 0:
            i = text.find(sep, start)
            if i < 0:
                break
            out.append(self.sub(start, i))
            start = i + len(sep)
            maxsplit -= 1
        out.append(self.sub(start, len(text)))
        return out

    def unknown_source(self, i: int) -> Optional[str]:
        """The expression as written for the unknown character at index i (e.g. ``$HOST``)."""
        node, j = self, i
        for _ in range(10_000):
            raw = node.__dict__.get("_raw")
            if raw is not None:
                return raw
            node._resolved()
            if not node._pieces:
                return None
            t0, t1, kind, parent, p0, p1 = node._piece(j)
            if parent is None:
                return None
            j = p0 + j - t0 if kind == _LINEAR else p0
            node = parent
        return None

    # ------------------------------------------------------------------ positions
    def span(self, start: int = 0, end: Optional[int] = None) -> tuple[int, int]:
        """File offsets [s, e) of the characters [start, end) of this string."""
        n = len(self)
        if end is None or end > n:
            end = n
        if start > end:
            start = end
        if start == end:
            p = self._point(start)
            return p, p
        first = self._char_start(start)
        # characters evaluated from several places (a variable declared after its use) can end
        # before they start: never hand out a reversed range
        return first, max(first, self._char_end(end - 1))

    def _resolved(self) -> "LStr":
        if self._lazy is not None:
            target = self._lazy()
            self._lazy = None
            self._base = target._base
            self._pieces = target._pieces
            self._anchor = target._anchor
        return self

    def _point(self, i: int) -> int:
        """File offset of the gap before character i (i may equal len)."""
        return self._locate(_POINT, i)

    def _char_start(self, i: int) -> int:
        return self._locate(_START, i)

    def _char_end(self, i: int) -> int:
        return self._locate(_END, i)

    def _piece(self, i: int):
        pieces = self._pieces
        if self._starts is None:
            self._starts = [p[0] for p in pieces]
        k = bisect_right(self._starts, i) - 1
        return pieces[k]

    def _locate(self, op: int, i: int) -> int:
        """Follow a character (op START/END: where it begins or ends) or a gap (POINT) down the
        chain of parents to a file offset.  A loop, not recursion: chains can be long."""
        node = self
        while True:
            node._resolved()
            if op == _POINT:
                n = len(node)
                if n == 0:
                    if node._anchor is None:
                        return node._base if node._base is not None else 0
                    parent, offset = node._anchor
                    if parent is None:
                        return offset
                    node, i = parent, offset
                    continue
                op, i = (_START, i) if i < n else (_END, n - 1)
                continue
            end = 1 if op == _END else 0
            if node._base is not None:
                return node._base + i + end
            if not node._pieces:
                return 0
            t0, t1, kind, parent, p0, p1 = node._piece(i)
            if kind == _LINEAR:
                if parent is None:
                    return p0 + i - t0 + end
                node, i = parent, p0 + i - t0
                continue
            # an atom maps as a whole: its start is the gap before p0, its end the end of p1 - 1
            mark = p1 if end else p0
            if mark < 0:
                return 0
            if parent is None:
                return mark
            if end and p1 > p0:
                node, i = parent, p1 - 1
            else:
                node, i, op = parent, mark, _POINT

    # str subclass hygiene: slicing returns plain str; pickling keeps the plain value only
    def __reduce__(self):
        return (str, (str(self),))


class Where:
    """A place in a file whose offsets are computed on first use; like LStr, it has `.span()`."""

    __slots__ = ("_resolve", "_span")

    def __init__(self, resolve: Callable[[], tuple[int, int]]):
        self._resolve = resolve
        self._span = None

    def span(self) -> tuple[int, int]:
        if self._span is None:
            self._span = self._resolve()
        return self._span


def located(value) -> Optional[LStr]:
    """`value` if it is a located string, else None."""
    return value if isinstance(value, LStr) else None
