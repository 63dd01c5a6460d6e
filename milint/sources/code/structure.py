"""Structure over a token list that every language shares: matching brackets, splitting a range
at top-level separators, and the operands of a string concatenation (`+`, and adjacent literals
where the language joins them)."""
from __future__ import annotations

from typing import Callable, Optional

from ...lstr import LStr
from .tokens import OP, STR, Hole, Token

_PAIRS = {"(": ")", "[": "]", "{": "}"}
ADJACENT_CONCAT = frozenset({"python", "ruby"})  # "a" "b" is one string


def brackets(tokens: list[Token]) -> tuple[list[int], list[int]]:
    """(partner, enclosing): the index of each bracket's partner (-1 if unmatched or not a
    bracket), and the index of the innermost open bracket around each token (-1 at top level)."""
    n = len(tokens)
    partner = [-1] * n
    enclosing = [-1] * n
    stack: list[int] = []
    for i, tok in enumerate(tokens):
        enclosing[i] = stack[-1] if stack else -1
        if tok.kind != OP:
            continue
        text = tok.text
        if text in _PAIRS:
            stack.append(i)
        elif text in (")", "]", "}"):
            # pop to the matching opener; stray closers are ignored
            for depth in range(len(stack) - 1, -1, -1):
                if _PAIRS[tokens[stack[depth]].text] == text:
                    opener = stack[depth]
                    del stack[depth:]
                    partner[opener], partner[i] = i, opener
                    enclosing[i] = stack[-1] if stack else -1
                    break
    return partner, enclosing


def split(tokens: list[Token], partner: list[int], a: int, b: int, sep: str = ",") -> list[tuple[int, int]]:
    """[a, b) cut at top-level `sep` operators; empty pieces (a trailing comma) are dropped."""
    pieces = []
    start = i = a
    while i < b:
        tok = tokens[i]
        if tok.kind == OP:
            if tok.text in _PAIRS and partner[i] > i:
                i = min(partner[i], b - 1) + 1
                continue
            if tok.text == sep:
                if i > start:
                    pieces.append((start, i))
                start = i + 1
        i += 1
    if b > start:
        pieces.append((start, b))
    return pieces


def concat_operands(tokens: list[Token], partner: list[int], a: int, b: int, language: str) -> list[tuple[int, int]]:
    """The operands of `x + "y" + z` in [a, b); adjacent literals ("a" "b") are separate operands
    in languages that join them.  A unary or trailing `+` yields an empty list (not a concat)."""
    out = []
    for start, end in split(tokens, partner, a, b, "+"):
        if language in ADJACENT_CONCAT and end - start > 1 and all(t.kind == STR for t in tokens[start:end]):
            out.extend((k, k + 1) for k in range(start, end))
        else:
            out.append((start, end))
    pieces = split(tokens, partner, a, b, "+")
    if not pieces or pieces[0][0] != a or pieces[-1][1] != b:
        return []
    return out


def literal_value(token: Token, resolve_hole: Optional[Callable[[Hole], Optional[LStr]]] = None) -> LStr:
    """A string token's value, with interpolations resolved where `resolve_hole` can."""
    parts = token.parts or ()
    if not parts:
        return LStr.empty_at(token.start, token.src)
    out = []
    for part in parts:
        if isinstance(part, Hole):
            value = resolve_hole(part) if resolve_hole is not None else None
            out.append(value if value is not None else part.unknown())
        else:
            out.append(part)
    return LStr.concat(out)


def join_literals(tokens: list[Token], partner: list[int], a: int, b: int, language: str,
                  operand: Optional[Callable[[int, int], Optional[LStr]]] = None,
                  resolve_hole: Optional[Callable[[Hole], Optional[LStr]]] = None) -> Optional[LStr]:
    """The string an expression builds by concatenation, or None when it is not one.

    Literal operands are decoded; parenthesised ones are joined recursively; any other operand is
    given to `operand(start, end)`, and is unknown when that returns None."""
    if a >= b:
        return None
    ops = concat_operands(tokens, partner, a, b, language)
    if not ops:
        return None
    values = []
    for start, end in ops:
        first = tokens[start]
        if end - start == 1 and first.kind == STR:
            values.append(literal_value(first, resolve_hole))
            continue
        if first.text == "(" and partner[start] == end - 1 and end - start > 2:
            inner = join_literals(tokens, partner, start + 1, end - 1, language, operand, resolve_hole)
            if inner is not None:
                values.append(inner)
                continue
        value = operand(start, end) if operand is not None else None
        if value is None:
            if len(ops) == 1:
                return None
            value = LStr.unknown(first.start, tokens[end - 1].end, parent=first.src, raw="<expression>")
        values.append(value)
    return LStr.concat(values)
