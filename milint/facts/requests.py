"""From one HTTP request (whatever tool or language made it) to `rest_call` and `token_request` facts.

Every source describes a request the same way (`HttpRequest`); this module alone decides whether it
is a managed-identity token request, for which endpoint, and what it asks for.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .. import knowledge as K
from ..lstr import LStr, UNKNOWN
from . import fact
from .urls import QueryParam, Url, parse_query, parse_url


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


@dataclass
class Context:
    """What a source knows about the document around a request."""

    cloud_shell: bool = False  # the file (or doc section) is about Azure Cloud Shell


def request_facts(req: HttpRequest, ctx: Context) -> list[dict]:
    url = parse_url(req.url)
    query = list(url.query) + list(req.extra_query)
    headers = _headers(req.headers)
    method = req.method
    method_value = method.upper() if method is not None and method.known else (
        None if method is not None else req.default_method)
    body_params = _form_params(req.body)
    complete = req.query_known and all(p.name.known for p in query) and (
        url.query_text is None or not str(url.query_text).endswith(UNKNOWN))
    facts = [fact(
        "rest_call", req.at or req.url, tool=req.tool, url=req.url, method=method,
        method_value=method_value, scheme=url.scheme, host=url.host, port=url.port, path=url.path,
        segments=url.segments, query=[_param_dict(p) for p in query], headers=headers,
        headers_known=req.headers_known, body=req.body, query_complete=complete,
    )]
    endpoint = classify_endpoint(url, method_value, body_params, ctx)
    if endpoint is None:
        return facts
    params = query + (body_params if endpoint == "cloud_shell" else [])
    facts.append(fact(
        "token_request", req.at or req.url, tool=req.tool, endpoint=endpoint, url=req.url,
        method=method, method_value=method_value, host=url.host, port=url.port, path=url.path,
        query=[_param_dict(p) for p in params], query_complete=complete,
        api_version=_value(params, "api-version"), resource=_value(params, "resource"),
        resource_raw=_raw(params, "resource"),
        selectors=[_param_dict(p) for p in params if str(p.name).lower() in K.IDENTITY_SELECTORS],
        headers=headers, headers_known=req.headers_known,
    ))
    return facts


def classify_endpoint(url: Url, method: Optional[str], body_params: list[QueryParam],
                      ctx: Context) -> Optional[str]:
    """Which managed-identity token endpoint a URL calls, or None if it is not one."""
    path = str(url.path or "").lower()
    host = url.host
    if host is None:
        return None
    if host.known:
        h = host.lower()
        if h == K.IMDS_HOST:
            return "imds" if ("/identity" in path or "oauth2" in path) and "/metadata" in path else None
        if h in K.LOCAL_HOSTS and path.rstrip("/").endswith("oauth2/token"):
            port = url.port.value if url.port is not None else None
            if port == K.ARC_PORT:
                return "arc"
            posted_resource = method == "POST" and any(str(p.name) == "resource" for p in body_params)
            if ctx.cloud_shell or posted_resource:
                return "cloud_shell"
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


def _headers(items: list[tuple[LStr, LStr]]) -> dict:
    out: dict = {}
    for name, value in items:
        out[str(name).lower()] = {"name": name, "value": value}
    return out


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
