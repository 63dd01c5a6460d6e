"""HTTP requests made by Go code with net/http: http.NewRequest (+ Header.Add/Set, URL.RawQuery) and
the http.Get/Post helpers."""
from __future__ import annotations

import re
from typing import Optional

from ..lstr import LStr
from .code_http import CarrierRules, assigned_to, read_carrier, string_arg, symbolic_method, with_query
from .code_model import Call, Code
from .code_values import Values, query_text
from .requests import HttpRequest
from .urls import parse_query

_REQUEST_RULES = CarrierRules(header_calls=frozenset({".Header.Add", ".Header.Set"}),
                              header_index=frozenset({".Header"}), method_assign=frozenset({".Method"}),
                              query_assign=frozenset({".URL.RawQuery"}),
                              senders=frozenset({"Do", "RoundTrip"}))
_HELPERS = {"http.Get": "GET", "http.Head": "HEAD", "http.Post": "POST", "http.PostForm": "POST"}


def go_requests(code: Code) -> list[HttpRequest]:
    values = Values(code)
    out = []
    for call in code.calls():
        req = None
        if call.path in ("http.NewRequest", "http.NewRequestWithContext"):
            req = _new_request(code, values, call, 0 if call.path == "http.NewRequest" else 1)
        elif call.path in _HELPERS or (call.name in ("Get", "Head", "Post", "PostForm") and _is_client(code, call)):
            url = string_arg(values, call, 0)
            if url is not None:
                tok = code.tokens[call.index]
                req = HttpRequest(tool="net/http", url=url, method=LStr.atom(
                    _HELPERS.get("http." + call.name, "GET"), tok.start, tok.end, parent=tok.src))
        if req is not None:
            out.append(req)
    return out


def _is_client(code: Code, call: Call) -> bool:
    """`client.Get(url)` where client is an http.Client made in this file."""
    if call.receiver is None:
        return False
    receiver = code.text(*call.receiver)
    if receiver == "http.DefaultClient":
        return True
    assign = code.assignment_before(receiver, call.index) if call.receiver[1] - call.receiver[0] == 1 else None
    return assign is not None and assign.rhs is not None and "http.Client" in code.text(*assign.rhs)


def _new_request(code: Code, values: Values, call: Call, first: int) -> Optional[HttpRequest]:
    method_arg, url_arg = call.arg(first), call.arg(first + 1)
    if url_arg is None:
        return None
    url = values.string(url_arg.start, url_arg.end)
    method = symbolic_method(code, values, method_arg.start, method_arg.end) if method_arg else None
    assign = assigned_to(code, call)
    carrier = read_carrier(code, values, assign, _REQUEST_RULES)
    if carrier.query is not None and assign is not None:
        a, b = code.window(assign)
        for use in code.uses(assign.name, a + 1, b):
            if use.action == "assign" and use.path == ".URL.RawQuery":
                own = _own_query(code, values, assign.name, url, *use.value)
                carrier.query = own if own is not None else carrier.query
    return HttpRequest(tool="net/http", url=with_query(url, carrier.query), method=carrier.method or method,
                       headers=carrier.headers, headers_known=carrier.headers_known)


def _own_query(code: Code, values: Values, req: str, url: LStr, s: int, e: int) -> Optional[LStr]:
    """`q := req.URL.Query(); q.Add(...); req.URL.RawQuery = q.Encode()`: q starts from the URL's query."""
    m = re.fullmatch(r"(\w+)\.Encode\(\)", code.text(s, e))
    if not m:
        return None
    assign = code.visible_assignment(m.group(1), s)
    if assign is None or code.text(*assign.rhs) != f"{req}.URL.Query()":
        return None
    mark = str(url).find("?")
    entries = [(p.name, p.value if p.value is not None else LStr(""))
               for p in (parse_query(url.sub(mark + 1)) if mark >= 0 else [])]
    a, b = code.window(assign)
    for use in code.uses(assign.name, a + 1, b):
        if use.action == "call" and use.call is not None and use.path in (".Add", ".Set") and len(use.call.args) >= 2:
            k, v = use.call.args[0], use.call.args[1]
            entries.append((values.string(k.start, k.end), values.string(v.start, v.end)))
        elif use.action == "call" and use.path not in (".Encode", ".Get", ".Has"):
            return None
    return query_text(entries)
