"""From one HTTP request (whatever tool or language made it) to `rest_call` and `token_request` facts.

Every source describes a request the same way (`HttpRequest`); this module alone decides whether it
is a managed-identity token request, for which endpoint, and what it asks for.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from .. import knowledge as K
from ..lstr import LStr, UNKNOWN
from . import fact
from .urls import QueryParam, Url, base_of, is_broken, is_cut, is_open_ended, parse_query, parse_url


@dataclass
class HttpRequest:
    tool: str  # curl, wget, Invoke-WebRequest, az rest, requests, ...
    url: LStr
    at: object = None  # where to point for the request as a whole (defaults to the URL)
    method: Optional[LStr] = None  # None: the tool's default
    default_method: str = "GET"
    headers: list[tuple[LStr, LStr]] = field(default_factory=list)
    headers_known: bool = True  # False when headers come from a variable or splat
    body: object = None  # LStr, a dict of LStr -> LStr (form/hashtable), or None
    extra_query: list[QueryParam] = field(default_factory=list)  # params added outside the URL
    query_known: bool = True  # False when query params may be added in ways we cannot see
    # Added for the rule catalogue; every field has a default, so sources may ignore them.
    command_text: Optional[LStr] = None  # the whole command as written: a fix may append an argument to it
    shell: Optional[str] = None  # "bash" or "powershell" when the request is a shell command line
    implicit_headers: tuple[str, ...] = ()  # lower-case names of headers the tool sends by itself
    result_var: Optional[str] = None  # the variable that receives the response (or a value from it)


@dataclass
class Context:
    """What a source knows about the document around a request, and what the rules need."""

    cloud_shell: bool = False  # the file (or doc section) is about Azure Cloud Shell
    # the fact kinds the rules that can fire on this file read; None: every kind.  A source may skip
    # work whose only product is a kind nobody wants (facts are cheap to make, not free).
    wants: Optional[frozenset] = None

    def wants_any(self, *kinds: str) -> bool:
        return self.wants is None or not self.wants.isdisjoint(kinds)


def request_facts(req: HttpRequest, ctx: Context) -> list[dict]:
    url = parse_url(req.url)
    query = list(url.query) + list(req.extra_query)
    headers = _headers(req.headers)
    method = req.method
    method_value = method.upper() if method is not None and method.known else (
        None if method is not None else req.default_method)
    body_params = _form_params(req.body)
    broken = is_broken(req.url)
    cut = is_cut(req.url)
    complete = req.query_known and all(p.name.known for p in query) and not broken and not is_open_ended(url)
    if method_value == "GET" and isinstance(req.body, LStr) and not req.body.known:
        complete = False  # PowerShell sends a GET body (a hashtable in a variable) as query parameters
    base_url = base_of(req.url)
    implicit = sorted(set(req.implicit_headers) | set(K.TOOL_IMPLICIT_HEADERS.get(req.tool, ())))
    common = dict(tool=req.tool, url=req.url, base_url=base_url, method=method, method_value=method_value,
                  scheme=url.scheme, host=url.host, port=url.port, path=url.path, headers=headers,
                  headers_known=req.headers_known and not cut, url_broken=broken,
                  implicit_headers=implicit, body=req.body, query_complete=complete, command_text=req.command_text, shell=req.shell, result_var=req.result_var)
    facts = [fact("rest_call", req.at or req.url, segments=url.segments,
                  query=[_param_dict(p) for p in query], auth_var=_auth_var(headers), **common)]
    endpoint = classify_endpoint(url, method_value, body_params, ctx, headers)
    if endpoint is None:
        return facts
    params = query + (body_params if endpoint == "cloud_shell" else [])
    facts.append(fact(
        "token_request", req.at or req.url, endpoint=endpoint,
        query=[_param_dict(p) for p in params],
        api_version=_value(params, "api-version"), resource=_value(params, "resource"),
        resource_raw=_raw(params, "resource"),
        selectors=[_param_dict(p) for p in params if str(p.name).lower() in K.IDENTITY_SELECTORS],
        **common,
    ))
    return facts


def classify_endpoint(url: Url, method: Optional[str], body_params: list[QueryParam],
                      ctx: Context, headers: Optional[dict] = None) -> Optional[str]:
    """Which managed-identity token endpoint a URL calls, or None if it is not one.

    A local `/oauth2/token` on a port other than the VM extension's (50342, configurable) and Arc's
    is taken for the extension only when it sends the `Metadata` header: many local development
    token servers answer on that path too."""
    path = str(url.path or "").lower()
    host = url.host
    if host is None:
        return None
    if host.known:
        h = host.lower()
        if h == K.IMDS_HOST:
            return "imds" if is_imds_token_path(path) else None
        if h in K.LOCAL_HOSTS and path.rstrip("/").endswith("oauth2/token"):
            port = url.port.value if url.port is not None else None
            if port == K.ARC_PORT:
                return "arc"
            posted_resource = method == "POST" and any(str(p.name) == "resource" for p in body_params)
            if ctx.cloud_shell or posted_resource:
                return "cloud_shell"
            if port not in (None, K.VM_EXTENSION_DEFAULT_PORT) and headers is not None and "metadata" not in headers:
                return None
            return "vm_extension"
        return None
    # the base URL is a variable: recognise the well-known endpoint variables
    if not str(host).startswith(UNKNOWN):
        return None
    name = (host.unknown_source(0) or "").lower()
    if any(v in name for v in K.APP_SERVICE_ENDPOINT_VARS):
        return "app_service"
    if any(v in name for v in K.LEGACY_ENDPOINT_VARS):
        return "cloud_shell" if ctx.cloud_shell else "app_service_legacy"
    return None


def is_imds_token_path(path: str) -> bool:
    """The IMDS token path, or a near miss of it (`/metadata/oauth2/token`, `/oauth2/token`).

    Other IMDS APIs (`/metadata/instance`, `/metadata/identity/info`, scheduled events) and the
    AWS and GCP metadata paths on the same address are not token requests."""
    p = path.lower().rstrip("/")
    if p == K.IMDS_TOKEN_PATH or p == K.VM_EXTENSION_TOKEN_PATH:
        return True
    return p.startswith("/metadata/") and ("oauth2" in p or p.endswith("/token"))


def _headers(items: list[tuple[LStr, LStr]]) -> dict:
    out: dict = {}
    for name, value in items:
        out[str(name).lower()] = {"name": name, "value": value}
    return out


_VARIABLE = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$")


def _auth_var(headers: dict) -> Optional[str]:
    """`Authorization: Bearer $TOKEN`: the name of the variable that holds the token."""
    header = headers.get("authorization")
    if header is None:
        return None
    value = header["value"]
    text = str(value)
    if not text.lower().startswith("bearer ") or text[7:].strip() != UNKNOWN:
        return None
    m = _VARIABLE.match(value.unknown_source(text.index(UNKNOWN)) or "")
    return m.group(1) if m else None


def _form_params(body: object) -> list[QueryParam]:
    if isinstance(body, LStr) and "=" in body:
        return parse_query(body)
    if isinstance(body, dict):
        return [QueryParam(k, v, v, k) for k, v in body.items() if isinstance(k, LStr) and isinstance(v, LStr)]
    return []


def _param_dict(p: QueryParam) -> dict:
    return {"name": p.name, "value": p.value, "raw": p.raw_value, "text": p.text}


def _value(params: list[QueryParam], name: str) -> Optional[LStr]:
    found = [p for p in params if str(p.name) == name]
    return found[-1].value if found else None


def _raw(params: list[QueryParam], name: str) -> Optional[LStr]:
    found = [p for p in params if str(p.name) == name]
    return found[-1].raw_value if found else None
