"""Calls and member reads inside ARM template expressions, with their places in the file.

`arm_expressions` evaluates an expression to a value; some rules need its shape instead: which
resource a ``reference(...)`` call reads, whether it passes ``'Full'``, and which property is read
from the result (``.identity.principalId``, ``.clientId``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ..lstr import LStr
from ..sources.arm_expressions import ExpressionError, evaluate, is_expression, parse_expression


@dataclass
class Call:
    """A function call in an expression and the members read from its result."""

    name: str  # lower case
    text: LStr  # the call as written, name through ')'
    args: list  # AST nodes
    arg_texts: list  # each argument as written (LStr), or the located string of a literal
    chain: list[str] = field(default_factory=list)  # members read from the result, lower case
    chain_at: list[LStr] = field(default_factory=list)  # where each member name is written


def parse(src: LStr) -> Optional[Any]:
    """The AST of a template string that is an expression, or None."""
    if not is_expression(str(src)):
        return None
    try:
        return parse_expression(src)
    except (ExpressionError, RecursionError):
        return None


def calls(src: LStr, wanted: str) -> list[Call]:
    """Every call of function `wanted` (lower case) in the expression `src`."""
    tree = parse(src)
    if tree is None:
        return []
    found: list[Call] = []
    _visit(src, tree, wanted, found)
    return found


def last_member(src: LStr) -> Optional[LStr]:
    """The member name the whole expression ends by reading (``.clientId`` in
    ``[reference(x).clientId]``), located; None when the expression ends otherwise."""
    tree = parse(src)
    if tree is None or tree[0] not in ("prop", "index"):
        return None
    return _member_name(src, tree)


def evaluate_node(src: LStr, node: Any, scope: Any) -> Any:
    """The value of one sub-expression, evaluated in the template's scope."""
    if node[0] == "str":
        return node[1]
    if node[0] in ("num", "lit"):
        return node[1]
    text = src.sub(node[3], node[4])
    return evaluate(LStr.concat([LStr.of("["), text, LStr.of("]")]), scope)


def _visit(src: LStr, node: Any, wanted: str, found: list[Call]) -> None:
    kind = node[0]
    if kind in ("prop", "index"):
        base, chain, chain_at, inner = _unwind(src, node)
        if base[0] == "call" and base[1] == wanted:
            found.append(_call(src, base, chain, chain_at))
            for arg in base[2]:
                _visit(src, arg, wanted, found)
        else:
            _visit(src, base, wanted, found)
        for index_node in inner:
            _visit(src, index_node, wanted, found)
    elif kind == "call":
        if node[1] == wanted:
            found.append(_call(src, node, [], []))
        for arg in node[2]:
            _visit(src, arg, wanted, found)


def _unwind(src: LStr, node: Any) -> tuple[Any, list[str], list[LStr], list]:
    """(base node, member names from the base outwards, their places, index expressions)."""
    chain: list[str] = []
    chain_at: list[LStr] = []
    inner: list = []
    while node[0] in ("prop", "index"):
        name_at = _member_name(src, node)
        chain.append(str(name_at).lower() if name_at is not None else "")
        chain_at.append(name_at if name_at is not None else src.sub(node[4], node[4]))
        if node[0] == "index" and node[2][0] != "str":
            inner.append(node[2])
        node = node[1]
    chain.reverse()
    chain_at.reverse()
    return node, chain, chain_at, inner


def _member_name(src: LStr, node: Any) -> Optional[LStr]:
    if node[0] == "prop":
        where = _member_range(src, node)
        return src.sub(*where) if where is not None else None
    key = node[2]
    return key[1] if key[0] == "str" else None


def _member_range(src: LStr, node: Any) -> Optional[tuple[int, int]]:
    """Indexes of a `.name` read in the expression text.  `.a.b` may be one token whose parts
    share an end offset, so the name is searched after where its base ends."""
    name = node[2]
    base = node[1]
    if base[0] == "prop":
        inner = _member_range(src, base)
        start = inner[1] if inner is not None else base[4]
    elif base[0] in ("call", "index"):
        start = base[4]
    else:
        start = node[3]
    i = str(src).find(name, start, node[4])
    return (i, i + len(name)) if i >= 0 else None


def _call(src: LStr, node: Any, chain: list[str], chain_at: list[LStr]) -> Call:
    args = node[2]
    texts = [a[1] if a[0] == "str" else (src.sub(a[3], a[4]) if a[0] in ("call", "prop", "index") else None)
             for a in args]
    return Call(name=node[1], text=src.sub(node[3], node[4]), args=args, arg_texts=texts,
                chain=chain, chain_at=chain_at)


def close_paren(call: Call) -> LStr:
    """An empty place just before the call's closing parenthesis (to insert an argument)."""
    n = len(call.text)
    return call.text.sub(n - 1, n - 1)


def string_arg(call: Call, i: int) -> Optional[LStr]:
    """Argument i when it is a string literal."""
    if i < len(call.args) and call.args[i][0] == "str":
        return call.args[i][1]
    return None
