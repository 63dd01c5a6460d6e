"""HTTP requests made by C# code: WebRequest/HttpWebRequest, HttpClient (with HttpRequestMessage)
and WebClient."""
from __future__ import annotations

from typing import Optional

from ..lstr import LStr
from .code_http import (Carrier, CarrierRules, assigned_to, read_carrier, string_arg,
                        symbolic_method)
from .code_model import Call, Code
from .code_values import Values
from .requests import HttpRequest

_WEB_REQUEST = {"WebRequest.Create", "HttpWebRequest.Create", "WebRequest.CreateHttp", "HttpWebRequest.CreateHttp",
                "System.Net.WebRequest.Create"}
_CLIENT_METHODS = {"GetAsync": "GET", "GetStringAsync": "GET", "GetStreamAsync": "GET", "GetByteArrayAsync": "GET",
                   "GetFromJsonAsync": "GET", "PostAsync": "POST", "PostAsJsonAsync": "POST", "PutAsync": "PUT",
                   "PutAsJsonAsync": "PUT", "PatchAsync": "PATCH", "DeleteAsync": "DELETE"}
_WEB_CLIENT_METHODS = {"DownloadString": "GET", "DownloadStringTaskAsync": "GET", "DownloadData": "GET",
                       "DownloadDataTaskAsync": "GET", "OpenRead": "GET", "OpenReadTaskAsync": "GET",
                       "UploadString": "POST", "UploadStringTaskAsync": "POST"}

_REQUEST_RULES = CarrierRules(
    header_calls=frozenset({".Headers.Add", ".Headers.Set", ".Headers.TryAddWithoutValidation"}),
    header_index=frozenset({".Headers"}), method_assign=frozenset({".Method"}),
    senders=frozenset({"SendAsync", "Send", "GetResponse", "GetResponseAsync"}))
_CLIENT_RULES = CarrierRules(
    header_calls=frozenset({".DefaultRequestHeaders.Add", ".DefaultRequestHeaders.TryAddWithoutValidation",
                            ".Headers.Add", ".Headers.Set"}),
    header_index=frozenset({".Headers"}), query_calls=frozenset({".QueryString.Add"}),
    senders=frozenset())


def csharp_requests(code: Code) -> list[HttpRequest]:
    values = Values(code)
    out = []
    for call in code.calls():
        req = None
        if call.path in _WEB_REQUEST:
            req = _web_request(code, values, call)
        elif call.path in ("new HttpRequestMessage", "new System.Net.Http.HttpRequestMessage"):
            req = _request_message(code, values, call)
        elif call.name in _CLIENT_METHODS and call.receiver is not None:
            req = _client_call(code, values, call, _CLIENT_METHODS[call.name], "new HttpClient")
        elif call.name in _WEB_CLIENT_METHODS and call.receiver is not None:
            req = _client_call(code, values, call, _WEB_CLIENT_METHODS[call.name], "new WebClient")
        if req is not None:
            out.append(req)
    return out


def _web_request(code: Code, values: Values, call: Call) -> Optional[HttpRequest]:
    url = string_arg(values, call, 0)
    if url is None:
        return None
    carrier = read_carrier(code, values, assigned_to(code, call), _REQUEST_RULES)
    return HttpRequest(tool="WebRequest", url=url, method=carrier.method, headers=carrier.headers,
                       headers_known=carrier.headers_known)


def _request_message(code: Code, values: Values, call: Call) -> Optional[HttpRequest]:
    method_arg, url_arg = call.arg(0), call.arg(1)
    url = values.string(url_arg.start, url_arg.end) if url_arg else None
    method = symbolic_method(code, values, method_arg.start, method_arg.end) if method_arg else None
    carrier = Carrier()
    init = call.close + 1
    if code.is_op(init, "{") and code.partner[init] > init:  # object initializer
        members = values.mapping(init, code.partner[init] + 1)
        for key, value in (members.entries if members else []):
            if str(key) == "RequestUri":
                url = value
            elif str(key) == "Method":
                method = value
        headers = _initializer_headers(code, values, init)
        if headers is None:
            carrier.headers_known = False
        else:
            carrier.headers.extend(headers)
    if url is None:
        return None
    assign = assigned_to(code, call)
    later = read_carrier(code, values, assign, _REQUEST_RULES)
    carrier.headers.extend(later.headers)
    carrier.headers_known = carrier.headers_known and later.headers_known
    method = later.method or method
    for sender in later.passed_to:  # the client that sends it adds its default headers
        if sender.name in ("SendAsync", "Send") and sender.receiver is not None:
            client = _client_carrier(code, values, sender, "new HttpClient")
            carrier.headers.extend(client.headers)
            carrier.headers_known = carrier.headers_known and client.headers_known
    return HttpRequest(tool="HttpClient", url=url, method=method, headers=carrier.headers,
                       headers_known=carrier.headers_known)


def _initializer_headers(code: Code, values: Values, init: int) -> Optional[list[tuple[LStr, LStr]]]:
    """`Headers = { { "Metadata", "true" } }` inside an HttpRequestMessage initializer."""
    t = code.tokens
    end = code.partner[init]
    for i in range(init + 1, end - 2):
        if t[i].is_name("Headers") and code.is_op(i + 1, "=") and code.enclosing[i] == init:
            if code.is_op(i + 2, "{") and code.partner[i + 2] > i:
                mapping = values.mapping(i + 2, code.partner[i + 2] + 1)
                return list(mapping.entries) if mapping is not None and mapping.complete else None
            return None
    return []


def _client_carrier(code: Code, values: Values, call: Call, constructor: str) -> Carrier:
    receiver = code.text(*call.receiver)
    if receiver.startswith("new") and receiver.endswith("()"):
        return Carrier()  # new HttpClient().GetAsync(...): no default headers
    if call.receiver[1] - call.receiver[0] != 1:
        return Carrier(headers_known=False)
    assign = code.assignment_before(receiver, call.index)
    if assign is None or assign.rhs is None or code.text(*assign.rhs) != constructor.replace(" ", "") + "()":
        return Carrier(headers_known=False)  # a client made elsewhere (or with a handler) may add headers
    return read_carrier(code, values, assign, _CLIENT_RULES)


def _client_call(code: Code, values: Values, call: Call, method: str, constructor: str) -> Optional[HttpRequest]:
    url = string_arg(values, call, 0)
    if url is None:
        return None
    client = _client_carrier(code, values, call, constructor)
    tok = code.tokens[call.index]
    return HttpRequest(tool="HttpClient" if "Http" in constructor else "WebClient", url=url,
                       method=LStr.atom(method, tok.start, tok.end, parent=tok.src), headers=client.headers,
                       headers_known=client.headers_known, extra_query=client.extra_query)
