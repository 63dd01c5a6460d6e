"""Shared pieces of the HTTP client recognisers (code_http_<language>.py): which variable a call's
result is stored in, what later statements do to that variable (headers, method, query), and the
turning of mappings into headers and query parameters."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..lstr import LStr
from ..sources.code import NAME, OP
from .code_model import Assign, Call, Code
from .code_values import Mapping, Values, replace_query
from .urls import QueryParam


@dataclass
class Carrier:
    """What statements on a request (or client) variable add to the request."""

    headers: list[tuple[LStr, LStr]] = field(default_factory=list)
    headers_known: bool = True
    method: Optional[LStr] = None
    query: Optional[LStr] = None  # a replacement query string (Go RawQuery, Ruby uri.query)
    extra_query: list[QueryParam] = field(default_factory=list)
    passed_to: list[Call] = field(default_factory=list)  # calls that receive the variable


@dataclass
class CarrierRules:
    header_calls: frozenset = frozenset()  # use paths of calls adding one header: ".Header.Add"
    header_index: frozenset = frozenset()  # use paths of `var<path>[k] = v`: ".Headers", ""
    header_mapping_calls: frozenset = frozenset()  # calls adding a mapping of headers: ".headers.update"
    method_assign: frozenset = frozenset()  # `var.Method = "POST"`
    method_calls: frozenset = frozenset()  # `var.setRequestMethod("POST")`
    query_assign: frozenset = frozenset()  # `var.URL.RawQuery = ...`
    query_calls: frozenset = frozenset()  # calls adding one query parameter: ".QueryString.Add"
    senders: frozenset = frozenset()  # calls that may receive the variable harmlessly


def assigned_to(code: Code, call: Call) -> Optional[Assign]:
    """The assignment whose value is `call` (possibly cast, awaited, or chained after)."""
    start = code.chain_start(call.index)
    for assigns in _assigns_near(code, start):
        a = assigns
        if a.rhs is None:
            continue
        s, e = a.rhs
        if not (s <= start and call.close < e):
            continue
        between = code.tokens[s:start]
        if all(t.kind == NAME or (t.kind == OP and t.text in ("(", ")", "&", "*", "<", ">", ".", "!"))
               for t in between):
            return a
    return None


def _assigns_near(code: Code, start: int):
    for assigns in code.assignments().values():
        for a in assigns:
            if a.rhs is not None and a.rhs[0] <= start < a.rhs[1]:
                yield a


def read_carrier(code: Code, values: Values, assign: Optional[Assign], rules: CarrierRules) -> Carrier:
    carrier = Carrier()
    if assign is None:
        return carrier
    a, b = code.window(assign)
    for use in code.uses(assign.name, a + 1, b):
        _read_use(code, values, use, rules, carrier)
    return carrier


def _read_use(code: Code, values: Values, use, rules: CarrierRules, carrier: Carrier) -> None:
    path = use.path
    if use.action == "call" and use.call is not None:
        args = [x for x in use.call.args if not x.splat]
        if path in rules.header_calls and len(args) >= 2:
            carrier.headers.append((values.string(args[0].start, args[0].end),
                                    _first_of_list(values, args[1].start, args[1].end)))
        elif path in rules.header_mapping_calls and args:
            add_mapping_headers(carrier, values.mapping(args[0].start, args[0].end))
        elif path in rules.method_calls and args:
            carrier.method = values.string(args[0].start, args[0].end)
        elif path in rules.query_calls and len(args) >= 2:
            k, v = values.string(args[0].start, args[0].end), values.string(args[1].start, args[1].end)
            carrier.extra_query.append(QueryParam(k, v, v, k))
        elif "header" in path.lower():
            carrier.headers_known = False  # a header call we do not read
        if use.call.has_splat and "header" in path.lower():
            carrier.headers_known = False
    elif use.action == "index-assign" and path in rules.header_index:
        carrier.headers.append((values.string(*use.key), _first_of_list(values, *use.value)))
    elif use.action == "assign" and path in rules.method_assign:
        carrier.method = values.string(*use.value)
    elif use.action == "assign" and path in rules.query_assign:
        carrier.query = values.string(*use.value)
    elif use.action in ("assign", "index-assign") and "header" in path.lower():
        carrier.headers_known = False
    elif use.action == "passed" and use.call is not None:
        carrier.passed_to.append(use.call)
        if use.call.name not in rules.senders:
            carrier.headers_known = False  # another function may add headers


def _first_of_list(values: Values, a: int, b: int) -> LStr:
    """A header value; Go writes []string{"true"}."""
    t = values.code.tokens
    last = t[b - 1]
    if last.kind == OP and last.text == "}" and values.code.partner[b - 1] > a and t[a].text == "[":
        o = values.code.partner[b - 1]
        inner = values.maybe_string(o + 1, b - 1)
        if inner is not None:
            return inner
    return values.string(a, b)


def add_mapping_headers(carrier: Carrier, mapping: Optional[Mapping]) -> None:
    if mapping is None:
        carrier.headers_known = False
        return
    carrier.headers.extend(mapping.entries)
    carrier.headers_known = carrier.headers_known and mapping.complete


def mapping_params(mapping: Optional[Mapping]) -> tuple[list[QueryParam], bool]:
    """Query parameters given as a mapping (params=, url.Values, axios params)."""
    if mapping is None:
        return [], False
    return [QueryParam(k, v, v, k) for k, v in mapping.entries], mapping.complete


def with_query(url: LStr, query: Optional[LStr]) -> LStr:
    return url if query is None else replace_query(url, query)


def string_arg(values: Values, call: Call, position: int, *names: str) -> Optional[LStr]:
    arg = call.arg(position, *names)
    if arg is None:
        return None
    return values.string(arg.start, arg.end)


def mapping_arg(values: Values, call: Call, position: int, *names: str) -> tuple[bool, Optional[Mapping]]:
    """(present, mapping) for an argument that should be a mapping."""
    arg = call.arg(position, *names)
    if arg is None:
        return False, None
    return True, values.mapping(arg.start, arg.end)


def symbolic_method(code: Code, values: Values, a: int, b: int) -> LStr:
    """An HTTP method written as a constant: HttpMethod.Get, http.MethodPost, :get, Method.GET."""
    text = code.text(a, b)
    last = code.tokens[b - 1]
    for prefix in ("HttpMethod.", "http.Method", "System.Net.Http.HttpMethod.", "Method.", "HttpMethod::"):
        if text.startswith(prefix) and last.kind == NAME:
            name = text[len(prefix):]
            if name.isalpha():
                return LStr.atom(name.upper(), last.start, last.end, parent=last.src)
    return values.string(a, b)
