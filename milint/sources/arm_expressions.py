"""A partial evaluator for ARM template expressions (``[concat(parameters('a'), '-x')]``).

It knows the functions whose result can be decided from the template alone (parameters with
defaults, variables, string and collection functions, resourceId) and returns `Unknown` for the
rest (reference(), uniqueString(), subscription(), a parameter without a default, ...).  A rule
never turns an `Unknown` into a finding.  Strings come back as located strings, so a value built
with concat() still points at the characters of the literals and defaults it was made from.
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable, Optional

from ..lstr import LStr
from ..timelimit import check as check_time

MAX_EVAL_DEPTH = 64
# The largest value an expression may build, in characters plus items.  ARM itself refuses a
# template larger than 4 MB once variables are expanded, so no real template comes near it.
MAX_VALUE_SIZE = 4 * 1024 * 1024


class Unknown:
    """A value that cannot be known statically; `where` is the expression it came from."""

    __slots__ = ("where",)

    def __init__(self, where: LStr):
        self.where = where

    def as_lstr(self) -> LStr:
        return LStr.unknown(0, len(self.where), parent=self.where, raw=str(self.where))

    def __repr__(self):
        return f"Unknown({str(self.where)!r})"


class ExpressionError(ValueError):
    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


class OverBudget(ValueError):
    """Evaluating the template has done more work than its size can justify (see `Budget`)."""


class Budget:
    """A bound on the work of evaluating one template, shared by its nested templates.

    Expressions can multiply text: a variable that concatenates another one twice, thirty times
    over, is a few lines long and a billion characters big (the "billion laughs" of ARM).  Every
    call is charged the size of its arguments and of its result, so the work -- and the size of
    the values handed on to script parsers and rules -- stays proportional to the file.  Once
    the budget is spent, expressions evaluate to `Unknown`, which never becomes a finding.
    """

    AMPLIFICATION = 16  # what a real template needs is a small multiple of its length

    def __init__(self, text_length: int = 0):
        self.left = max(MAX_VALUE_SIZE, self.AMPLIFICATION * text_length)
        self.spent_out = False
        self._sizes: dict[int, tuple[Any, int]] = {}  # id -> (container, size), kept alive

    def charge(self, amount: int) -> None:
        self.left -= amount
        if self.left < 0:
            self.spent_out = True
            raise OverBudget("the template expands beyond what milint evaluates")

    def size(self, value: Any) -> int:
        """Characters and items of `value`, a shared part counted each time it appears (capped
        just above MAX_VALUE_SIZE); containers are measured once and remembered."""
        if isinstance(value, str):
            return len(value) + 1
        if not isinstance(value, (dict, list)):
            return 1
        memo = self._sizes
        known = memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        stack = [(value, False)]
        while stack:
            node, children_done = stack.pop()
            known = memo.get(id(node))
            if known is not None and known[0] is node:
                continue
            items = node.items() if isinstance(node, dict) else enumerate(node)
            if not children_done:
                stack.append((node, True))
                stack.extend((child, False) for _, child in items if isinstance(child, (dict, list)))
                continue
            total = 1
            for key, child in items:
                total += (len(key) + 1 if isinstance(key, str) else 0) + self.size(child)
                if total > MAX_VALUE_SIZE:
                    break
            memo[id(node)] = (node, min(total, MAX_VALUE_SIZE + 1))
        return memo[id(value)][1]


def budget_of(scope: Any) -> Budget:
    """The scope's budget (an `ArmTemplate` has one); a fresh one for other scopes."""
    budget = getattr(scope, "budget", None)
    return budget if isinstance(budget, Budget) else Budget()


# ---------------------------------------------------------------- parsing
# AST nodes are tuples: ("str", lstr) ("num", int) ("call", name, args, a, b) ("prop", obj, name, a, b)
# ("index", obj, expr, a, b); a, b are offsets into the expression text.

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?")
_NUM = re.compile(r"-?\d+")
_WS = re.compile(r"\s*")


def is_expression(text: str) -> bool:
    return len(text) >= 2 and text[0] == "[" and text[-1] == "]" and not text.startswith("[[")


def parse_expression(src: LStr):
    """Parse the inside of ``[...]``; src is the whole string including the brackets."""
    text = str(src)
    parser = _Parser(src, text)
    node = parser.expr(1)
    pos = _WS.match(text, parser.pos).end()
    if pos != len(text) - 1:
        raise ExpressionError("unexpected text in expression", pos)
    return node


class _Parser:
    def __init__(self, src: LStr, text: str):
        self.src = src
        self.text = text
        self.pos = 0
        self.depth = 0

    def expr(self, pos: int):
        self.depth += 1
        if self.depth > MAX_EVAL_DEPTH:
            raise ExpressionError("expression nested too deeply", pos)
        text = self.text
        pos = _WS.match(text, pos).end()
        start = pos
        if pos >= len(text):
            raise ExpressionError("unexpected end of expression", pos)
        ch = text[pos]
        if ch == "'":
            node, pos = self.string(pos)
        elif ch == "-" or ch.isdigit():
            m = _NUM.match(text, pos)
            if not m:
                raise ExpressionError("bad number", pos)
            node, pos = ("num", int(m.group())), m.end()
        else:
            m = _IDENT.match(text, pos)
            if not m:
                raise ExpressionError(f"unexpected character {ch!r}", pos)
            name = m.group()
            pos = _WS.match(text, m.end()).end()
            if pos >= len(text) or text[pos] != "(":
                if name.lower() in ("true", "false", "null"):
                    node = ("lit", {"true": True, "false": False, "null": None}[name.lower()])
                else:
                    raise ExpressionError(f"expected '(' after {name}", pos)
            else:
                args = []
                pos = _WS.match(text, pos + 1).end()
                if pos < len(text) and text[pos] == ")":
                    pos += 1
                else:
                    while True:
                        arg = self.expr(pos)
                        args.append(arg)
                        pos = _WS.match(text, self.pos).end()
                        if pos < len(text) and text[pos] == ",":
                            pos += 1
                            continue
                        if pos < len(text) and text[pos] == ")":
                            pos += 1
                            break
                        raise ExpressionError("expected ',' or ')'", pos)
                node = ("call", name.lower(), args, start, pos)
        # accessors
        while True:
            p = _WS.match(text, pos).end()
            if p < len(text) and text[p] == ".":
                m = _IDENT.match(text, p + 1)
                if not m:
                    raise ExpressionError("expected a property name after '.'", p + 1)
                node = ("prop", node, m.group().split(".")[0], start, m.end())
                pos = m.end()
                if "." in m.group():  # a.b matched as one identifier: split
                    for part in m.group().split(".")[1:]:
                        node = ("prop", node, part, start, pos)
                continue
            if p < len(text) and text[p] == "[":
                inner = self.expr(p + 1)
                q = _WS.match(text, self.pos).end()
                if q >= len(text) or text[q] != "]":
                    raise ExpressionError("expected ']'", q)
                node = ("index", node, inner, start, q + 1)
                pos = q + 1
                continue
            break
        self.pos = pos
        self.depth -= 1
        return node

    def string(self, pos: int):
        text = self.text
        i = pos + 1
        parts = []
        run = i
        while True:
            j = text.find("'", i)
            if j < 0:
                raise ExpressionError("unterminated string literal", pos)
            if text.startswith("''", j):
                parts.append(self.src.sub(run, j + 1))  # keep one quote of the pair
                i = run = j + 2
                continue
            parts.append(self.src.sub(run, j))
            return ("str", LStr.concat(parts) if len(parts) > 1 else parts[0]), j + 1


# ---------------------------------------------------------------- evaluation
class Scope:
    """What an expression can refer to; ArmTemplate implements it."""

    def parameter(self, name: str) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def variable(self, name: str) -> Any:  # pragma: no cover - interface
        raise NotImplementedError


def evaluate(src: LStr, scope: Scope) -> Any:
    """Evaluate a template string: an expression, an escaped '[[' literal, or plain text."""
    text = str(src)
    if not is_expression(text):
        if text.startswith("[["):
            return src.sub(1)
        return src
    try:
        node = parse_expression(src)
    except ExpressionError:
        return Unknown(src)
    try:
        return _Eval(src, scope).run(node)
    except (RecursionError, ValueError, TypeError, KeyError, IndexError, ZeroDivisionError,
            OverflowError, MemoryError):
        return Unknown(src)


def to_lstr(value: Any, where: LStr) -> LStr:
    """A value as a located string: unknowns become placeholders, other scalars atoms."""
    if isinstance(value, LStr):
        return value
    if isinstance(value, Unknown):
        return value.as_lstr()
    if isinstance(value, str):
        return LStr.atom(value, 0, len(where), parent=where) if value else where.sub(0, 0)
    if isinstance(value, bool):
        text = "True" if value else "False"
    elif isinstance(value, (int, float)):
        text = str(value)
    elif value is None:
        text = ""
    else:
        return LStr.unknown(0, len(where), parent=where, raw=str(where))
    return LStr.atom(text, 0, len(where), parent=where) if text else where.sub(0, 0)


def _truthy(value):
    if isinstance(value, Unknown):
        return value
    return bool(value)


class _Eval:
    def __init__(self, src: LStr, scope: Scope):
        self.src = src
        self.scope = scope
        self.budget = budget_of(scope)

    def where(self, a: int, b: int) -> LStr:
        return self.src.sub(a, b)

    def run(self, node):
        check_time()
        kind = node[0]
        if kind == "str":
            return node[1]
        if kind in ("num", "lit"):
            return node[1]
        if kind == "prop":
            obj = self.run(node[1])
            return self._member(obj, node[2], node[3], node[4])
        if kind == "index":
            obj = self.run(node[1])
            key = self.run(node[2])
            return self._member(obj, key, node[3], node[4])
        name, args_nodes, a, b = node[1], node[2], node[3], node[4]
        here = self.where(a, b)
        func = _FUNCTIONS.get(name)
        if func is None:
            return Unknown(here)
        args = [self.run(arg) for arg in args_nodes]
        budget = self.budget
        cost = 0
        for arg in args:  # no function does more than read its arguments once or twice
            cost += len(arg) + 1 if isinstance(arg, str) else budget.size(arg)
        budget.charge(cost)
        result = func(self, here, args)
        size = len(result) + 1 if isinstance(result, str) else budget.size(result)
        if size > MAX_VALUE_SIZE:
            return Unknown(here)
        budget.charge(size)
        return result

    def _member(self, obj, key, a, b):
        if isinstance(obj, Unknown) or isinstance(key, Unknown):
            return Unknown(self.where(a, b))
        if isinstance(obj, dict):
            for k, v in obj.items():
                if isinstance(k, str) and isinstance(key, str) and k.lower() == key.lower():
                    return v
            return Unknown(self.where(a, b))
        if isinstance(obj, list) and isinstance(key, int) and not isinstance(key, bool):
            return obj[key] if -len(obj) <= key < len(obj) else Unknown(self.where(a, b))
        return Unknown(self.where(a, b))


def _any_unknown(args):
    return any(isinstance(a, Unknown) for a in args)


def _f_parameters(ev, here, args):
    if len(args) != 1 or not isinstance(args[0], str) or isinstance(args[0], Unknown):
        return Unknown(here)
    return _placed(ev.scope.parameter(str(args[0])), here)


def _f_variables(ev, here, args):
    if len(args) != 1 or not isinstance(args[0], str):
        return Unknown(here)
    return _placed(ev.scope.variable(str(args[0])), here)


def _placed(value, here: LStr):
    """An unknown that has no place of its own (no declaration) stands where it is used."""
    if isinstance(value, Unknown) and not value.where:
        return Unknown(here)
    return value


def _f_concat(ev, here, args):
    if not args:
        return Unknown(here)
    if any(isinstance(a, list) for a in args):
        if _any_unknown(args) or not all(isinstance(a, list) for a in args):
            return Unknown(here)
        if sum(len(a) for a in args) > MAX_VALUE_SIZE:
            return Unknown(here)
        return [item for a in args for item in a]
    parts = [to_lstr(a, here) for a in args]
    return _joined(parts, here)


def _joined(parts: list, here: LStr):
    """The parts concatenated, unless that would be bigger than any value milint builds."""
    if sum(len(p) for p in parts) > MAX_VALUE_SIZE:
        return Unknown(here)
    return LStr.concat(parts)


_FORMAT_HOLE = re.compile(r"\{(\d+)(?::[^}]*)?\}|\{\{|\}\}")


def _f_format(ev, here, args):
    if not args or not isinstance(args[0], LStr):
        return Unknown(here)
    fmt = args[0]
    parts = []
    last = 0
    for m in _FORMAT_HOLE.finditer(str(fmt)):
        parts.append(fmt.sub(last, m.start()))
        if m.group(1) is None:
            parts.append(fmt.sub(m.start(), m.start() + 1))
        else:
            i = int(m.group(1)) + 1
            if i >= len(args):
                return Unknown(here)
            if m.group(0) != "{%s}" % m.group(1):  # a format spec we do not model
                parts.append(LStr.unknown(0, len(here), parent=here))
            else:
                parts.append(to_lstr(args[i], here))
        last = m.end()
    parts.append(fmt.sub(last))
    return _joined(parts, here)


def _same_length(func):
    def apply(ev, here, args):
        if len(args) != 1 or not isinstance(args[0], str):
            return Unknown(here)
        value = args[0]
        text = func(str(value))
        if isinstance(value, LStr) and len(text) == len(value):
            return LStr.concat([value]) if text == str(value) else _remap(text, value)
        return LStr.atom(text, 0, len(here), parent=here)
    return apply


def _remap(text: str, like: LStr) -> LStr:
    """`text` (same length as `like`) positioned character by character where `like` is."""
    from ..lstr import _LINEAR
    return LStr(text, pieces=((0, len(text), _LINEAR, like, 0, len(like)),))


def _f_string(ev, here, args):
    if len(args) != 1 or isinstance(args[0], Unknown):
        return Unknown(here)
    value = args[0]
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return LStr.atom("True" if value else "False", 0, len(here), parent=here)
    if isinstance(value, (int, float)):
        return LStr.atom(str(value), 0, len(here), parent=here)
    try:
        return LStr.atom(json.dumps(value, separators=(",", ":")), 0, len(here), parent=here)
    except TypeError:
        return Unknown(here)


def _f_resource_id(ev, here, args):
    """resourceId([subscriptionId], [resourceGroupName], type, name1, name2...)."""
    type_index = next((i for i, a in enumerate(args) if isinstance(a, str) and "/" in str(a)), None)
    if type_index is None or type_index > 2:
        return Unknown(here)
    rtype = args[type_index]
    names = args[type_index + 1:]
    segments = str(rtype).split("/")
    if len(names) != len(segments) - 1:
        return Unknown(here)
    scope = args[:type_index]
    sub = to_lstr(scope[-2], here) if len(scope) == 2 else LStr.unknown(0, len(here), parent=here, raw="subscription().subscriptionId")
    rg = to_lstr(scope[-1], here) if len(scope) >= 1 else LStr.unknown(0, len(here), parent=here, raw="resourceGroup().name")
    rtype_l = to_lstr(rtype, here)
    type_parts = rtype_l.split_located("/")
    parts = [LStr.atom("/subscriptions/", 0, len(here), parent=here), sub,
             LStr.atom("/resourceGroups/", 0, len(here), parent=here), rg,
             LStr.atom("/providers/", 0, len(here), parent=here), type_parts[0]]
    for type_part, name in zip(type_parts[1:], names):
        parts += [LStr.atom("/", 0, len(here), parent=here), type_part,
                  LStr.atom("/", 0, len(here), parent=here), to_lstr(name, here)]
    return LStr.concat(parts)


def _f_if(ev, here, args):
    if len(args) != 3:
        return Unknown(here)
    cond = args[0]
    if isinstance(cond, Unknown) or not isinstance(cond, bool):
        return Unknown(here)
    return args[1] if cond else args[2]


def _plain(value):
    if isinstance(value, LStr):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def _f_equals(ev, here, args):
    if len(args) != 2 or _any_unknown(args) or _has_unknown(args):
        return Unknown(here)
    return _plain(args[0]) == _plain(args[1])


def _has_unknown(value) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, LStr):
        return not value.known
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(_has_unknown(k) or _has_unknown(v) for k, v in value.items())
    return False


def _f_not(ev, here, args):
    if len(args) != 1 or not isinstance(args[0], bool):
        return Unknown(here)
    return not args[0]


def _f_and(ev, here, args):
    if any(a is False for a in args):
        return False
    if all(a is True for a in args):
        return True
    return Unknown(here)


def _f_or(ev, here, args):
    if any(a is True for a in args):
        return True
    if all(a is False for a in args):
        return False
    return Unknown(here)


def _f_bool(ev, here, args):
    if len(args) != 1 or isinstance(args[0], Unknown):
        return Unknown(here)
    value = args[0]
    if isinstance(value, str):
        low = str(value).lower()
        return True if low == "true" else False if low == "false" else Unknown(here)
    return bool(value)


def _f_create_array(ev, here, args):
    return list(args)


def _f_create_object(ev, here, args):
    if len(args) % 2 or _any_unknown(args[0::2]):
        return Unknown(here)
    return {k: v for k, v in zip(args[0::2], args[1::2])}


def _f_union(ev, here, args):
    if not args or _any_unknown(args):
        return Unknown(here)
    if all(isinstance(a, dict) for a in args):
        out = {}
        for a in args:
            out.update(a)
        return out
    if all(isinstance(a, list) for a in args):
        out = []
        seen = set()
        for a in args:
            for item in a:
                key = _canonical(item)  # hashing keeps this linear: `in` on a list is quadratic
                if key not in seen:
                    seen.add(key)
                    out.append(item)
        return out
    return Unknown(here)


def _canonical(value) -> str:
    """A text that is equal for equal JSON values (an unknown is only equal to itself)."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"),
                      default=lambda other: f"unknown:{id(other)}")


def _f_length(ev, here, args):
    if len(args) != 1 or isinstance(args[0], Unknown):
        return Unknown(here)
    value = args[0]
    if isinstance(value, LStr) and not value.known:
        return Unknown(here)
    return len(value) if isinstance(value, (str, list, dict)) else Unknown(here)


def _f_empty(ev, here, args):
    length = _f_length(ev, here, args)
    return length == 0 if isinstance(length, int) else length


def _f_coalesce(ev, here, args):
    for a in args:
        if isinstance(a, Unknown):
            return Unknown(here)
        if a is not None:
            return a
    return None


def _f_first(ev, here, args):
    if len(args) != 1 or isinstance(args[0], Unknown):
        return Unknown(here)
    value = args[0]
    if isinstance(value, list):
        return value[0] if value else Unknown(here)
    if isinstance(value, LStr) and value:
        return value.sub(0, 1)
    return Unknown(here)


def _f_last(ev, here, args):
    if len(args) != 1 or isinstance(args[0], Unknown):
        return Unknown(here)
    value = args[0]
    if isinstance(value, list):
        return value[-1] if value else Unknown(here)
    if isinstance(value, LStr) and value:
        return value.sub(len(value) - 1)
    return Unknown(here)


def _f_split(ev, here, args):
    if len(args) != 2 or not isinstance(args[0], LStr) or not isinstance(args[1], str) or not args[0].known:
        return Unknown(here)
    if not args[1]:  # an empty delimiter: not a split milint models
        return Unknown(here)
    return args[0].split_located(str(args[1]))


def _f_json(ev, here, args):
    if len(args) != 1 or not isinstance(args[0], LStr) or not args[0].known:
        return Unknown(here)
    try:
        return json.loads(str(args[0]))
    except ValueError:
        return Unknown(here)


def _f_replace(ev, here, args):
    if len(args) != 3 or not all(isinstance(a, LStr) and a.known for a in args):
        return Unknown(here)
    text, old, new = args
    if not old:
        return text
    s = str(text)
    if len(s) + s.count(str(old)) * max(0, len(new) - len(old)) > MAX_VALUE_SIZE:
        return Unknown(here)
    parts = []
    last = 0
    i = s.find(str(old))
    while i >= 0:
        parts += [text.sub(last, i), new]
        last = i + len(old)
        i = s.find(str(old), last)
    parts.append(text.sub(last))
    return LStr.concat(parts)


def _f_trim(ev, here, args):
    if len(args) != 1 or not isinstance(args[0], LStr):
        return Unknown(here)
    return args[0].strip_located()


_FUNCTIONS: dict[str, Callable] = {
    "parameters": _f_parameters,
    "variables": _f_variables,
    "concat": _f_concat,
    "format": _f_format,
    "tolower": _same_length(str.lower),
    "toupper": _same_length(str.upper),
    "string": _f_string,
    "resourceid": _f_resource_id,
    "if": _f_if,
    "equals": _f_equals,
    "not": _f_not,
    "and": _f_and,
    "or": _f_or,
    "bool": _f_bool,
    "createarray": _f_create_array,
    "array": lambda ev, here, args: args[0] if len(args) == 1 and isinstance(args[0], list) else (
        [args[0]] if len(args) == 1 and not isinstance(args[0], Unknown) else Unknown(here)),
    "createobject": _f_create_object,
    "union": _f_union,
    "length": _f_length,
    "empty": _f_empty,
    "coalesce": _f_coalesce,
    "first": _f_first,
    "last": _f_last,
    "split": _f_split,
    "json": _f_json,
    "replace": _f_replace,
    "trim": _f_trim,
}


def function_names() -> list[str]:
    """Names of the ARM functions the evaluator can decide (for documentation)."""
    return sorted(_FUNCTIONS)


def literal_or_none(value: Any) -> Optional[str]:
    """A fully known string value, else None."""
    if isinstance(value, LStr):
        return value.value
    if isinstance(value, str):
        return value
    return None
