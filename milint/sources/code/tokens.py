"""The tokens every code lexer produces: names, operators, numbers, string literals (decoded, with
each character still located) and opaque literals (regular expressions, character literals,
heredocs) whose value milint does not read.  Comments and whitespace produce no token; a token
only remembers whether a line break came before it."""
from __future__ import annotations

from typing import Optional, Union

from ...lstr import LStr

NAME = "name"
OP = "op"
NUM = "num"
STR = "str"
OPAQUE = "opaque"


class Hole:
    """An interpolated part of a string literal: ``{expr}``, ``${expr}``, ``#{expr}``.

    `start`/`end` cover the whole hole with its braces; `expr_start`/`expr_end` the expression."""

    __slots__ = ("src", "start", "end", "expr_start", "expr_end", "language")

    def __init__(self, src: LStr, start: int, end: int, expr_start: int, expr_end: int, language: str):
        self.src = src
        self.start, self.end = start, end
        self.expr_start, self.expr_end = expr_start, expr_end
        self.language = language

    @property
    def expression(self) -> str:
        return str.__getitem__(self.src, slice(self.expr_start, self.expr_end))

    def unknown(self, raw: Optional[str] = None) -> LStr:
        return LStr.unknown(self.start, self.end, parent=self.src,
                            raw=self.expression if raw is None else raw)

    def tokens(self) -> list["Token"]:
        """The expression's own tokens (lexed on demand)."""
        from . import lex

        return lex(self.language, self.src.sub(self.expr_start, self.expr_end))


Part = Union[LStr, Hole]


class Token:
    __slots__ = ("kind", "start", "end", "text", "nl", "src", "parts")

    def __init__(self, kind: str, start: int, end: int, text: str, nl: bool, src: LStr,
                 parts: Optional[tuple] = None):
        self.kind = kind
        self.start = start  # offsets in `src`
        self.end = end
        self.text = text  # the source text of the token
        self.nl = nl  # a line break stands between the previous token and this one
        self.src = src
        self.parts = parts  # STR only: LStr runs and Holes, in order

    def located(self) -> LStr:
        """The token's source text as a located string."""
        return self.src.sub(self.start, self.end)

    @property
    def value(self) -> LStr:
        """STR: the decoded value, interpolated parts unknown."""
        parts = self.parts or ()
        if not parts:
            return LStr.empty_at(self.start, self.src)
        return LStr.concat([p.unknown() if isinstance(p, Hole) else p for p in parts])

    @property
    def holes(self) -> list[Hole]:
        return [p for p in self.parts or () if isinstance(p, Hole)]

    def is_op(self, *texts: str) -> bool:
        return self.kind == OP and self.text in texts

    def is_name(self, *texts: str) -> bool:
        return self.kind == NAME and (not texts or self.text in texts)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Token({self.kind}, {self.text!r}@{self.start})"
