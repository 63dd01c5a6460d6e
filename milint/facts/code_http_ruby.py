"""HTTP requests made by Ruby code: Net::HTTP request objects and helpers, and HTTParty."""
from __future__ import annotations

from typing import Optional

from ..lstr import LStr
from ..sources.code import STR
from .code_http import Carrier, CarrierRules, add_mapping_headers, assigned_to, mapping_params, read_carrier
from .code_model import Call, Code
from .code_values import Values
from .requests import HttpRequest

_VERBS = {"Get": "GET", "Post": "POST", "Put": "PUT", "Delete": "DELETE", "Patch": "PATCH", "Head": "HEAD"}
_REQUEST_RULES = CarrierRules(header_calls=frozenset({".add_field", ".[]="}), header_index=frozenset({""}),
                              header_mapping_calls=frozenset({".initialize_http_header"}),
                              senders=frozenset({"request", "start"}))


def ruby_requests(code: Code) -> list[HttpRequest]:
    values = Values(code)
    out = []
    for call in code.calls():
        req = None
        prefix = call.path.rsplit(".", 1)[0]
        if call.name == "new" and prefix.startswith("Net::HTTP::") and prefix[len("Net::HTTP::"):] in _VERBS:
            req = _request_object(code, values, call, _VERBS[prefix[len("Net::HTTP::"):]])
        elif call.path in ("Net::HTTP.get", "Net::HTTP.get_response"):
            req = _helper(code, values, call)
        elif call.path.startswith("HTTParty.") and call.name in ("get", "post", "put", "delete", "patch", "head"):
            req = _httparty(code, values, call)
        if req is not None:
            out.append(req)
    return out


def _request_object(code: Code, values: Values, call: Call, verb: str) -> Optional[HttpRequest]:
    first = call.arg(0)
    if first is None or first.splat:
        return None
    url = values.string(first.start, first.end)
    carrier = read_carrier(code, values, assigned_to(code, call), _REQUEST_RULES)
    headers_arg = call.arg(1)
    if headers_arg is not None:
        initial = Carrier()
        add_mapping_headers(initial, values.mapping(headers_arg.start, headers_arg.end))
        carrier.headers = initial.headers + carrier.headers
        carrier.headers_known = carrier.headers_known and initial.headers_known
    return HttpRequest(tool="Net::HTTP", url=url, default_method=verb, headers=carrier.headers,
                       headers_known=carrier.headers_known and not call.has_splat)


def _helper(code: Code, values: Values, call: Call) -> Optional[HttpRequest]:
    first, second = call.arg(0), call.arg(1)
    if first is None or first.splat:
        return None
    carrier = Carrier()
    if second is not None:
        if code.tokens[second.start].kind == STR:
            return None  # Net::HTTP.get(host, path): not a URL
        add_mapping_headers(carrier, values.mapping(second.start, second.end))
    return HttpRequest(tool="Net::HTTP", url=values.string(first.start, first.end), headers=carrier.headers,
                       headers_known=carrier.headers_known)


def _httparty(code: Code, values: Values, call: Call) -> Optional[HttpRequest]:
    first = call.arg(0)
    if first is None or first.splat:
        return None
    carrier = Carrier()
    headers = call.arg(99, "headers")
    if headers is not None:
        add_mapping_headers(carrier, values.mapping(headers.start, headers.end))
    query = call.arg(99, "query")
    extra, known = mapping_params(values.mapping(query.start, query.end)) if query is not None else ([], True)
    tok = code.tokens[call.index]
    return HttpRequest(tool="HTTParty", url=values.string(first.start, first.end),
                       method=LStr.atom(call.name.upper(), tok.start, tok.end, parent=tok.src),
                       headers=carrier.headers, headers_known=carrier.headers_known and not call.has_splat,
                       extra_query=extra, query_known=known and not call.has_splat)
