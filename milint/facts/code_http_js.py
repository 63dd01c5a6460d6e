"""HTTP requests made by JavaScript/TypeScript code: fetch, axios (and axios instances) and Node's
http/https modules."""
from __future__ import annotations

from typing import Optional

from ..lstr import LStr
from .code_http import Carrier, add_mapping_headers, mapping_params
from .code_model import Call, Code
from .code_values import Mapping, Values
from .requests import HttpRequest

_FETCH = {"fetch", "window.fetch", "globalThis.fetch", "nodeFetch", "self.fetch"}
_AXIOS_NO_DATA = {"get", "delete", "head", "options"}
_AXIOS_DATA = {"post", "put", "patch"}


def js_requests(code: Code) -> list[HttpRequest]:
    values = Values(code)
    out = []
    for call in code.calls():
        req = None
        if call.path in _FETCH:
            req = _fetch(code, values, call)
        elif call.path in ("axios", "axios.request"):
            req = _axios_config(code, values, call, None)
        elif call.name in _AXIOS_NO_DATA | _AXIOS_DATA and call.receiver is not None:
            req = _axios_method(code, values, call)
        if req is None and call.name in ("request", "get") and call.receiver is not None and \
                code.text(*call.receiver) in ("http", "https"):
            req = _node_http(code, values, call)
        if req is not None:
            out.append(req)
    return out


def _options(values: Values, call: Call, position: int) -> tuple[bool, Optional[Mapping]]:
    arg = call.arg(position)
    if arg is None:
        return False, None
    return True, values.mapping(arg.start, arg.end)


def _fetch(code: Code, values: Values, call: Call) -> Optional[HttpRequest]:
    first = call.arg(0)
    if first is None or first.splat:
        return None
    url = values.string(first.start, first.end)
    present, init = _options(values, call, 1)
    carrier = Carrier()
    method = None
    if present:
        if init is None:
            carrier.headers_known = False
        else:
            method = init.get("method")
            _config_headers(code, values, init, carrier)
            carrier.headers_known = carrier.headers_known and init.complete
    return HttpRequest(tool="fetch", url=url, method=method, headers=carrier.headers,
                       headers_known=carrier.headers_known)


def _config_headers(code: Code, values: Values, config: Mapping, carrier: Carrier) -> None:
    """The `headers` entry of a fetch/axios/http options object (an object, new Headers({...}), a variable)."""
    entry = _entry_range(code, config, "headers")
    if entry is None:
        return
    add_mapping_headers(carrier, values.mapping(*entry))


def _entry_range(code: Code, config: Mapping, key: str) -> Optional[tuple[int, int]]:
    """Token range of the value of `key` in an options object literal."""
    return config.ranges.get(key)


def _axios_method(code: Code, values: Values, call: Call) -> Optional[HttpRequest]:
    receiver = code.text(*call.receiver)
    instance: Optional[Mapping] = None
    if receiver != "axios":
        if call.receiver[1] - call.receiver[0] != 1:
            return None
        assign = code.assignment_before(receiver, call.index)
        if assign is None or assign.rhs is None or not code.text(*assign.rhs).startswith("axios.create("):
            return None
        create = code.call_at(assign.rhs[0] + 2)
        present, instance = _options(values, create, 0) if create else (False, None)
        if present and instance is None:
            instance = Mapping(complete=False)
    position = 1 if call.name in _AXIOS_NO_DATA else 2
    tok = code.tokens[call.index]
    method = LStr.atom(call.name.upper(), tok.start, tok.end, parent=tok.src)
    return _axios_config(code, values, call, instance, url_arg=0, config_arg=position, method=method)


def _axios_config(code: Code, values: Values, call: Call, instance: Optional[Mapping], url_arg: int = -1,
                  config_arg: int = 0, method: Optional[LStr] = None) -> Optional[HttpRequest]:
    present, config = _options(values, call, config_arg)
    if present and config is None:
        config = Mapping(complete=False)
    url = None
    if url_arg >= 0:
        first = call.arg(url_arg)
        if first is None or first.splat:
            return None
        url = values.string(first.start, first.end)
    carrier = Carrier()
    extra, query_known = [], True
    for source in (instance, config):
        if source is None:
            continue
        if url is None and source.get("url") is not None:
            url = source.get("url")
        method = source.get("method") or method
        _config_headers(code, values, source, carrier)
        params = _entry_range(code, source, "params")
        if params is not None:
            found, known = mapping_params(values.mapping(*params))
            extra.extend(found)
            query_known = query_known and known
        carrier.headers_known = carrier.headers_known and source.complete
        query_known = query_known and source.complete
    if url is None:
        return None
    base = next((s.get("baseURL") for s in (config, instance) if s is not None and s.get("baseURL") is not None), None)
    if base is not None and not str(url).startswith(("http:", "https:")):
        url = LStr.concat([base, url])
    return HttpRequest(tool="axios", url=url, method=method, headers=carrier.headers,
                       headers_known=carrier.headers_known, extra_query=extra, query_known=query_known)


def _node_http(code: Code, values: Values, call: Call) -> Optional[HttpRequest]:
    """http.get(url[, options][, callback]) / http.request(options[, callback])."""
    first = call.arg(0)
    if first is None or first.splat:
        return None
    options = values.mapping(first.start, first.end)
    carrier = Carrier()
    if options is not None and options.get("path") is not None:
        host = options.get("hostname") or options.get("host")
        if host is None:
            return None
        scheme = "https://" if code.text(*call.receiver) == "https" else "http://"
        port = options.get("port")
        at = host.span()[0]  # the scheme is implied: place it where the host is written
        url = LStr.concat([LStr.atom(scheme, at, at), host] + ([":", port] if port is not None else [])
                          + [options.get("path")])
        config = options
    else:
        url = values.string(first.start, first.end)
        present, config = _options(values, call, 1)
        if present and config is None:
            carrier.headers_known = False
    method = None
    if config is not None:
        method = config.get("method")
        _config_headers(code, values, config, carrier)
        carrier.headers_known = carrier.headers_known and config.complete
    return HttpRequest(tool="http", url=url, method=method, headers=carrier.headers,
                       headers_known=carrier.headers_known)
