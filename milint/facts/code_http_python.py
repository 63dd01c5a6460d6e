"""HTTP requests made by Python code: requests, httpx, aiohttp sessions and urllib.request."""
from __future__ import annotations

from typing import Optional

from ..lstr import LStr
from ..sources.code import NAME
from .code_http import (Carrier, CarrierRules, add_mapping_headers, assigned_to, mapping_arg, mapping_params,
                        read_carrier, string_arg)
from .code_model import Call, Code
from .code_values import Values
from .requests import HttpRequest

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")
_MODULES = ("requests", "httpx")
_SESSIONS = {"requests.Session", "requests.session", "requests.sessions.Session", "httpx.Client",
             "httpx.AsyncClient", "aiohttp.ClientSession", "ClientSession", "Session", "AsyncClient"}
_URLLIB_REQUEST = {"urllib.request.Request", "request.Request", "Request", "urllib2.Request"}
_URLOPEN = {"urllib.request.urlopen", "request.urlopen", "urlopen", "urllib2.urlopen"}

_SESSION_RULES = CarrierRules(header_index=frozenset({".headers"}),
                              header_mapping_calls=frozenset({".headers.update"}),
                              senders=frozenset())
_URLLIB_RULES = CarrierRules(header_calls=frozenset({".add_header", ".add_unredirected_header"}),
                             header_index=frozenset({".headers"}),
                             senders=frozenset({"urlopen", "open"}))


def python_requests(code: Code) -> list[HttpRequest]:
    values = Values(code)
    out = []
    for call in code.calls():
        req = None
        if call.path in _URLLIB_REQUEST:
            req = _urllib_request(code, values, call)
        elif call.path in _URLOPEN:
            req = _urlopen(code, values, call)
        elif call.name in _VERBS + ("request", "stream") or call.path == "requests.Request":
            req = _client_call(code, values, call)
        if req is not None:
            out.append(req)
    return out


def _client_call(code: Code, values: Values, call: Call) -> Optional[HttpRequest]:
    session: Optional[Carrier] = None
    base_url: Optional[LStr] = None  # httpx.Client(base_url=...)
    receiver = code.text(*call.receiver) if call.receiver else ""
    if call.path == "requests.Request":
        pass
    elif receiver in _MODULES:
        pass
    elif receiver.endswith("()") and receiver[:-2] in _SESSIONS:
        session = Carrier()
    elif call.receiver and call.receiver[1] - call.receiver[0] == 1:
        assign = code.assignment_before(receiver, call.index)
        ctor = _constructor(code, assign)
        if ctor is None:
            return None  # not a client we know (a dict's .get, an unknown object)
        session = read_carrier(code, values, assign, _SESSION_RULES)
        present, mapping = mapping_arg(values, ctor, 99, "headers")
        if present:
            add_mapping_headers(session, mapping)
        base_url = string_arg(values, ctor, 99, "base_url")
    else:
        return None
    if call.name in ("request", "stream") or call.path == "requests.Request":
        method_arg, url_arg = call.arg(0, "method"), call.arg(1, "url")
        method = values.string(method_arg.start, method_arg.end) if method_arg else None
    else:
        method_arg, url_arg = None, call.arg(0, "url")
        method = LStr.atom(call.name.upper(), code.tokens[call.index].start, code.tokens[call.index].end,
                           parent=code.tokens[call.index].src)
    if url_arg is None or url_arg.splat:
        return None
    url = values.string(url_arg.start, url_arg.end)
    if base_url is not None and not str(url).startswith(("http:", "https:")):
        url = LStr.concat([base_url, url])
    present, headers = mapping_arg(values, call, 99, "headers")
    carrier = Carrier()
    if present:
        add_mapping_headers(carrier, headers)
    if session is not None:
        carrier.headers = session.headers + carrier.headers
        carrier.headers_known = carrier.headers_known and session.headers_known
    present, params = mapping_arg(values, call, 99, "params")
    extra, query_known = mapping_params(params) if present else ([], True)
    body = None
    for key in ("data", "json", "content"):
        present, mapping = mapping_arg(values, call, 99, key)
        if present:
            body = dict(mapping.entries) if mapping is not None and key != "json" else LStr("")
    return HttpRequest(tool="requests" if "httpx" not in receiver else "httpx", url=url, method=method,
                       headers=carrier.headers, headers_known=carrier.headers_known and not call.has_splat,
                       body=body, extra_query=extra, query_known=query_known and not call.has_splat)


def _constructor(code: Code, assign) -> Optional[Call]:
    """The session/client constructor call a variable was assigned from."""
    if assign is None or assign.rhs is None:
        return None
    s, e = assign.rhs
    if code.is_op(e - 1, ")") and code.partner[e - 1] > s:
        call = code.call_at(code.partner[e - 1] - 1)
        if call is not None and call.path in _SESSIONS:
            return call
    return None


def _urllib_request(code: Code, values: Values, call: Call) -> Optional[HttpRequest]:
    url = string_arg(values, call, 0, "url")
    if url is None:
        return None
    carrier = read_carrier(code, values, assigned_to(code, call), _URLLIB_RULES)
    present, headers = mapping_arg(values, call, 2, "headers")
    if present:
        add_mapping_headers(carrier, headers)
    data = call.arg(1, "data")
    method = string_arg(values, call, 99, "method")
    return HttpRequest(tool="urllib", url=url, method=method, default_method="POST" if data else "GET",
                       headers=carrier.headers, headers_known=carrier.headers_known and not call.has_splat,
                       query_known=not call.has_splat)


def _urlopen(code: Code, values: Values, call: Call) -> Optional[HttpRequest]:
    arg = call.arg(0, "url")
    if arg is None or arg.splat:
        return None
    if arg.end - arg.start == 1 and code.tokens[arg.start].kind == NAME:
        assign = code.assignment_before(code.tokens[arg.start].text, arg.start)
        if assign is None or assign.rhs is None:
            return None
        rhs_calls = [c for c in code.calls() if assign.rhs[0] <= c.index < assign.rhs[1]]
        if any(c.path in _URLLIB_REQUEST for c in rhs_calls):
            return None  # a Request object: reported where it is built
    elif any(c.path in _URLLIB_REQUEST for c in code.calls() if arg.start <= c.index < arg.end):
        return None
    url = values.string(arg.start, arg.end)
    data = call.arg(1, "data")
    return HttpRequest(tool="urllib", url=url, default_method="POST" if data else "GET")
