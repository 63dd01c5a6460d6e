"""HTTP requests made by Java code: HttpURLConnection, java.net.http.HttpRequest builders, OkHttp
Request.Builder and Apache HttpClient request objects."""
from __future__ import annotations

from typing import Optional

from ..lstr import LStr
from ..sources.code import NAME
from .code_http import CarrierRules, assigned_to, read_carrier, string_arg
from .code_model import Call, Code
from .code_values import Values
from .requests import HttpRequest

_CONNECTION_RULES = CarrierRules(header_calls=frozenset({".setRequestProperty", ".addRequestProperty"}),
                                 method_calls=frozenset({".setRequestMethod"}),
                                 senders=frozenset())
_APACHE = {"new HttpGet": "GET", "new HttpPost": "POST", "new HttpPut": "PUT", "new HttpDelete": "DELETE",
           "new HttpPatch": "PATCH", "new HttpHead": "HEAD"}
_APACHE_RULES = CarrierRules(header_calls=frozenset({".addHeader", ".setHeader"}),
                             senders=frozenset({"execute"}))
# builder chains: start call path -> (url method, header methods)
_BUILDERS = {
    "HttpRequest.newBuilder": ("uri", {"header", "setHeader", "headers"}),
    "java.net.http.HttpRequest.newBuilder": ("uri", {"header", "setHeader", "headers"}),
    "new Request.Builder": ("url", {"header", "addHeader"}),
    "new okhttp3.Request.Builder": ("url", {"header", "addHeader"}),
}
_VERB_METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "get", "post", "put", "delete", "head", "patch"}


def java_requests(code: Code) -> list[HttpRequest]:
    values = Values(code)
    out = []
    for call in code.calls():
        req = None
        if call.name == "openConnection" and call.receiver is not None:
            req = _connection(code, values, call)
        elif call.path in _BUILDERS:
            req = _builder(code, values, call, *_BUILDERS[call.path])
        elif call.path in _APACHE:
            url = string_arg(values, call, 0)
            if url is not None:
                carrier = read_carrier(code, values, assigned_to(code, call), _APACHE_RULES)
                out.append(HttpRequest(tool="HttpClient", url=url, default_method=_APACHE[call.path],
                                       headers=carrier.headers, headers_known=carrier.headers_known))
        if req is not None:
            out.append(req)
    return out


def _connection(code: Code, values: Values, call: Call) -> Optional[HttpRequest]:
    """`url.openConnection()`: the URL is the receiver's value (new URL(...) or a variable)."""
    url = values.maybe_string(*call.receiver)
    if url is None:
        return None
    carrier = read_carrier(code, values, assigned_to(code, call), _CONNECTION_RULES)
    return HttpRequest(tool="HttpURLConnection", url=url, method=carrier.method, headers=carrier.headers,
                       headers_known=carrier.headers_known)


def _builder(code: Code, values: Values, call: Call, url_method: str, header_methods: set) -> Optional[HttpRequest]:
    url = string_arg(values, call, 0)
    headers: list[tuple[LStr, LStr]] = []
    method: Optional[LStr] = None
    headers_known = True
    t = code.tokens
    i = call.close + 1
    steps = []
    while code.is_op(i, ".") and i + 2 < len(t) and t[i + 1].kind == NAME and code.is_op(i + 2, "("):
        step = code.call_at(i + 1)
        if step is None:
            break
        steps.append(step)
        i = step.close + 1
    assign = assigned_to(code, call)
    if assign is not None and not (steps and steps[-1].name == "build"):
        a, b = code.window(assign)  # a builder kept in a variable: later calls add to it
        steps.extend(u.call for u in code.uses(assign.name, a + 1, b) if u.action == "call" and u.call is not None)
    for step in steps:
        args = [x for x in step.args if not x.splat]
        if step.name == url_method and args:
            url = values.string(args[0].start, args[0].end)
        elif step.name in header_methods:
            if len(args) % 2 or not args:
                headers_known = False
            for k in range(0, len(args) - 1, 2):
                headers.append((values.string(args[k].start, args[k].end),
                                values.string(args[k + 1].start, args[k + 1].end)))
        elif step.name in _VERB_METHODS:
            tok = t[step.index]
            method = LStr.atom(step.name.upper(), tok.start, tok.end, parent=tok.src)
        elif step.name == "method" and args:
            method = values.string(args[0].start, args[0].end)
    if url is None:
        return None
    return HttpRequest(tool="HttpRequest" if "newBuilder" in call.path else "OkHttp", url=url, method=method,
                       headers=headers, headers_known=headers_known)
