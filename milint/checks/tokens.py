"""MI1xx: how token requests to the managed-identity endpoints are written (IMDS, the VM extension,
Azure Arc, Cloud Shell, App Service).  Every check reads `token_request` facts, so requests made by
curl, PowerShell or application code are judged alike."""
from __future__ import annotations

import re
from typing import Iterable, Iterator, Optional

from .. import knowledge as K
from ..lstr import UNKNOWN, Where
from . import CheckContext, Edit, Hit, registry
from .core import is_placeholder
from .http_view import ENDPOINT_NAMES, append_argument, header_value, lacks_header, same_case, token_requests

CHECKS, check = registry()

_API_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}(?:-preview)?")
_GUID_SHAPE = re.compile(r"[0-9A-Za-z]{8}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{12}")


def _params(request: dict) -> list[dict]:
    return [p for p in request["query"] if p["name"].known]


def _names(request: dict) -> set[str]:
    return {str(p["name"]) for p in _params(request)}


# ---------------------------------------------------------------- MI104
@check("MI104")
def metadata_header_missing(ctx: CheckContext) -> Iterable[Hit]:
    for request in token_requests(ctx, K.METADATA_HEADER_ENDPOINTS):
        if not lacks_header(request, "metadata"):
            continue
        yield Hit(at=request["base_url"], args={"endpoint": ENDPOINT_NAMES[request["endpoint"]]},
                  fix=append_argument(request, "-H Metadata:true"))


# ---------------------------------------------------------------- MI105 / MI106
@check("MI105")
def metadata_header_not_true(ctx: CheckContext) -> Iterable[Hit]:
    for request in token_requests(ctx, K.METADATA_HEADER_ENDPOINTS):
        value = header_value(request, "metadata")
        if value is None or not value.known or str(value) == K.METADATA_HEADER_VALUE:
            continue
        yield Hit(at=value, args={"value": str(value)}, fix=[Edit(value, K.METADATA_HEADER_VALUE)])


@check("MI106")
def metadata_header_powershell_boolean(ctx: CheckContext) -> Iterable[Hit]:
    fixable = ctx.document.kind in ("powershell", "markdown")
    for request in token_requests(ctx, K.METADATA_HEADER_ENDPOINTS):
        value = header_value(request, "metadata")
        if value is None or value.known or str(value).strip() != UNKNOWN:
            continue
        written = (value.unknown_source(0) or "").strip()
        if written.lower() != "$true":
            continue
        yield Hit(at=value, args={"value": written},
                  fix=[Edit(value, "'true'")] if fixable else None)


# ---------------------------------------------------------------- MI107 / MI108 / MI109
@check("MI107")
def api_version_missing(ctx: CheckContext) -> Iterable[Hit]:
    for request in token_requests(ctx, K.API_VERSION_ENDPOINTS):
        if not request["query_complete"] or "api-version" in _names(request):
            continue
        fix = None
        if request["endpoint"] == "imds" and "?" in request["url"]:
            url = request["url"]
            q = str(url).index("?") + 1
            fix = [Edit(url.sub(q, q), f"api-version={K.IMDS_MIN_API_VERSION}&")]
        version = K.IMDS_MIN_API_VERSION if request["endpoint"] in ("imds", "arc") else K.APP_SERVICE_API_VERSION
        yield Hit(at=request["base_url"], args={"endpoint": ENDPOINT_NAMES[request["endpoint"]],
                                                 "version": version}, fix=fix)


def _api_version_params(request: dict) -> list[dict]:
    return [p for p in _params(request) if str(p["name"]) == "api-version" and p["value"] is not None]


@check("MI108")
def imds_api_version_too_old(ctx: CheckContext) -> Iterable[Hit]:
    for request in token_requests(ctx, ("imds",)):
        for param in _api_version_params(request):
            value = param["value"]
            if value.known and _API_VERSION.fullmatch(str(value)) and str(value) < K.IMDS_MIN_API_VERSION:
                yield Hit(at=value, args={"version": str(value), "minimum": K.IMDS_MIN_API_VERSION},
                          fix=[Edit(param["raw"], K.IMDS_MIN_API_VERSION)])


@check("MI109")
def api_version_malformed(ctx: CheckContext) -> Iterable[Hit]:
    for request in token_requests(ctx, ("imds", "arc", "app_service", "app_service_legacy")):
        for param in _api_version_params(request):
            value = param["value"]
            text = str(value)
            if not value.known or _API_VERSION.fullmatch(text) or is_placeholder(text):
                continue
            joined = "".join(text.split())
            fix = [Edit(param["raw"], joined)] if joined != text and _API_VERSION.fullmatch(joined) else None
            at = value if text.strip() else param["text"]
            yield Hit(at=at, args={"version": text.replace("\n", "\\n").replace("\r", "\\r")}, fix=fix)


# ---------------------------------------------------------------- MI110
@check("MI110")
def resource_missing(ctx: CheckContext) -> Iterable[Hit]:
    for request in token_requests(ctx):
        if not request["query_complete"] or "resource" in _names(request):
            continue
        body = request["body"]
        if request["endpoint"] == "cloud_shell" and body is not None and not (isinstance(body, dict) or body.known):
            continue  # Cloud Shell reads `resource` from a form body we cannot see
        yield Hit(at=request["base_url"], args={"endpoint": ENDPOINT_NAMES[request["endpoint"]]})


# ---------------------------------------------------------------- MI111 / MI112
@check("MI111")
def imds_not_plain_http(ctx: CheckContext) -> Iterable[Hit]:
    for request in token_requests(ctx, ("imds",)):
        scheme, port, host = request["scheme"], request["port"], request["host"]
        if scheme is not None and scheme.known and scheme.lower() != "http":
            yield Hit(at=scheme, args={"problem": f"`{scheme}` is not served; IMDS speaks plain HTTP"},
                      fix=[Edit(scheme, "http")])
        if port is not None and port.known and port.value != "80":
            colon_port = Where(lambda h=host, p=port: (h.span()[1], p.span()[1]))
            problem = (f"port {port} is the retired VM extension's port" if port.value == K.VM_EXTENSION_DEFAULT_PORT
                       else f"nothing listens on port {port}") + "; IMDS answers on port 80"
            yield Hit(at=colon_port, args={"problem": problem}, fix=[Edit(colon_port, "")])


@check("MI112")
def imds_token_path_wrong(ctx: CheckContext) -> Iterable[Hit]:
    for request in token_requests(ctx, ("imds",)):
        path = request["path"]
        if path is None or not path.known or str(path).lower().rstrip("/") == K.IMDS_TOKEN_PATH:
            continue
        yield Hit(at=path, args={"path": str(path), "expected": K.IMDS_TOKEN_PATH},
                  fix=[Edit(path, K.IMDS_TOKEN_PATH)])


# ---------------------------------------------------------------- MI113 / MI114 / MI115
@check("MI113")
def query_parameter_duplicated(ctx: CheckContext) -> Iterable[Hit]:
    for request in token_requests(ctx):
        seen: dict[str, dict] = {}
        for param in _params(request):
            name = str(param["name"])
            if name in seen:
                yield Hit(at=param["text"], args={"name": name},
                          related=[(seen[name]["text"], "the first occurrence")])
            else:
                seen[name] = param


def _documented_params(endpoint: str) -> Optional[frozenset]:
    if endpoint in ("imds", "arc"):
        return K.IMDS_TOKEN_PARAMS
    if endpoint == "vm_extension":
        return K.EXTENSION_TOKEN_PARAMS | {"api-version"}  # an api-version is ignored there, not wrong
    return None


@check("MI114")
def query_parameter_unknown(ctx: CheckContext) -> Iterable[Hit]:
    for request in token_requests(ctx, ("imds", "arc", "vm_extension")):
        documented = _documented_params(request["endpoint"])
        for param in _params(request):
            name = str(param["name"])
            if name in documented:
                continue
            meant = K.PARAMETER_SPELLINGS.get(name.lower())
            if meant is None and name.lower() in documented:
                meant = name.lower()
            if meant is not None and meant not in documented:
                meant = None
            hint = f"; did you mean `{meant}`?" if meant else ""
            renamable = meant is not None and name.lower() not in ("scope", "scopes")
            yield Hit(at=param["name"], args={"name": name, "endpoint": ENDPOINT_NAMES[request["endpoint"]],
                                              "documented": ", ".join(sorted(documented)), "hint": hint},
                      fix=[Edit(param["name"], meant)] if renamable else None)


@check("MI115")
def multiple_identity_selectors(ctx: CheckContext) -> Iterable[Hit]:
    for request in token_requests(ctx):
        first: Optional[dict] = None
        for param in _params(request):
            name = str(param["name"])
            if name not in K.SELECTOR_KINDS:
                continue
            if first is None:
                first = param
            elif name != str(first["name"]):
                yield Hit(at=param["text"], args={"first": str(first["name"]), "second": name},
                          related=[(first["text"], "the identity already named here")])


# ---------------------------------------------------------------- MI116 / MI117: App Service
def _app_service_requests(ctx: CheckContext) -> Iterator[tuple[dict, str, dict]]:
    """(request, api-version, protocol) of the App Service token requests whose protocol is known."""
    for request in token_requests(ctx):
        if request["endpoint"] not in ("app_service", "app_service_legacy"):
            continue
        version = request["api_version"]
        if version is None or not version.known:
            continue
        protocol = K.APP_SERVICE_PROTOCOLS.get(str(version))
        if protocol:
            yield request, str(version), protocol


_SELECTOR_RENAMES = {  # (selector, protocol version) -> the name that protocol reads
    ("clientid", "2019-08-01"): "client_id", ("msi_res_id", "2019-08-01"): "mi_res_id",
    ("client_id", "2017-09-01"): "clientid",
}


@check("MI116")
def selector_name_for_protocol(ctx: CheckContext) -> Iterable[Hit]:
    for request, version, protocol in _app_service_requests(ctx):
        for param in _params(request):
            name = str(param["name"])
            if name not in K.SELECTOR_KINDS or name in protocol["selectors"]:
                continue
            meant = _SELECTOR_RENAMES.get((name, version))
            accepted = ", ".join(f"`{s}`" for s in sorted(protocol["selectors"]))
            yield Hit(at=param["name"], args={"name": name, "version": version, "accepted": accepted},
                      fix=[Edit(param["name"], meant)] if meant else None)


@check("MI117")
def app_service_identity_header(ctx: CheckContext) -> Iterable[Hit]:
    for request, version, protocol in _app_service_requests(ctx):
        if not lacks_header(request, protocol["header"]):
            continue
        others = [p["header"] for v, p in K.APP_SERVICE_PROTOCOLS.items() if v != version
                  and p["header"] in request["headers"]]
        sent = f"; `{request['headers'][others[0]]['name']}` belongs to the other protocol version" if others else ""
        yield Hit(at=request["base_url"], args={"version": version, "header": _header_name(protocol["header"]),
                                                "variable": protocol["variable"], "sent": sent})


def _header_name(lower: str) -> str:
    return "X-IDENTITY-HEADER" if lower == "x-identity-header" else lower


# ---------------------------------------------------------------- MI118
@check("MI118")
def imds_method_not_get(ctx: CheckContext) -> Iterable[Hit]:
    for request in token_requests(ctx, ("imds",)):
        value = request["method_value"]
        if value is None or value == K.IMDS_TOKEN_METHOD:
            continue
        method = request["method"]
        fix = None
        if method is not None and request["body"] is None:
            fix = [Edit(method, same_case(str(method), "GET"))]
        yield Hit(at=method if method is not None else request["base_url"], args={"method": value}, fix=fix)


# ---------------------------------------------------------------- MI120
def _selector_problem(name: str, value: str, endpoint: str) -> Optional[tuple[str, Optional[str]]]:
    """What is wrong with a selector's value, and the parameter it belongs in (or None)."""
    kind = K.SELECTOR_KINDS.get(name)
    resource_name = "mi_res_id" if endpoint.startswith("app_service") else "msi_res_id"
    is_resource_id = value.lower().startswith("/subscriptions/")
    if kind == "guid":
        if is_resource_id:
            return "it is a resource ID", resource_name
        if not _GUID_SHAPE.fullmatch(value):
            return "it is not an ID at all (a name?); use the identity's client ID", None
        return None
    if kind == "resource id":
        if _GUID_SHAPE.fullmatch(value):
            return "it is a GUID, not a resource ID", "client_id"
        if not is_resource_id:
            return "it is not a resource ID (`/subscriptions/.../userAssignedIdentities/<name>`)", None
        provider = _resource_type(value)
        if provider is not None and provider.lower() != K.USER_ASSIGNED_IDENTITY_TYPE:
            return f"it names a `{provider}` resource, not a user-assigned identity", None
    return None


def _resource_type(resource_id: str) -> Optional[str]:
    parts = [p for p in resource_id.split("/") if p]
    lower = [p.lower() for p in parts]
    if "providers" not in lower:
        return None
    i = len(lower) - 1 - lower[::-1].index("providers")
    return "/".join(parts[i + 1:i + 3]) if len(parts) >= i + 3 else None


@check("MI120")
def selector_value_kind(ctx: CheckContext) -> Iterable[Hit]:
    for request in token_requests(ctx):
        for param in _params(request):
            name, value = str(param["name"]), param["value"]
            if name not in K.SELECTOR_KINDS or value is None or not value.known or not value.strip():
                continue
            if is_placeholder(str(value)):
                continue
            found = _selector_problem(name, str(value).strip(), request["endpoint"])
            if found is None:
                continue
            problem, other = found
            hint = f" Pass it as `{other}` instead." if other else ""
            yield Hit(at=value, args={"name": name, "problem": problem, "hint": hint,
                                      "kind": _KIND_TEXT[K.SELECTOR_KINDS[name]]})


_KIND_TEXT = {"guid": "a GUID (the identity's client or object ID)",
              "resource id": "the resource ID of a user-assigned identity"}


# ---------------------------------------------------------------- MI121
# `az ... --query <path>` outputs that are an identity's object ID or its client ID (seed L2238-L2240).
_QUERY_KINDS = {"principalid": "object", "objectid": "object", "clientid": "client", "appid": "client"}
_SELECTOR_WANTS = {"client_id": "client", "clientid": "client", "object_id": "object", "principal_id": "object"}
_QUERY_NAMES = {"object": "principal (object) ID", "client": "client ID"}
_RIGHT_SELECTOR = {"object": "object_id", "client": "client_id"}


def _id_kind_of_query(query: str) -> Optional[str]:
    """`principalId`, `identity.principalId`, `[0].clientId` -> "object" / "client"; else None."""
    last = query.strip().strip("'\"").rsplit(".", 1)[-1].strip("[]*0123456789")
    return _QUERY_KINDS.get(last.lower())


def _variables_holding_ids(ctx) -> dict[str, tuple[str, object]]:
    """variable -> (id kind, where the query is written) for `X=$(az ... --query principalId -o tsv)`."""
    found: dict[str, tuple[str, object]] = {}
    for command in ctx.facts_of("cli_command"):
        var = command.get("result_var")
        query = (command["options"].get("--query") or [None])[0]
        if not var or query is None or not query.known:
            continue
        kind = _id_kind_of_query(str(query))
        if kind is not None:
            found[var] = (kind, query)
    return found


@check("MI121")
def selector_gets_other_id_kind(ctx: CheckContext) -> Iterable[Hit]:
    holders = _variables_holding_ids(ctx)
    if not holders:
        return
    for request in token_requests(ctx):
        for param in _params(request):
            wants = _SELECTOR_WANTS.get(str(param["name"]))
            value = param["value"]
            if wants is None or value is None or str(value) != UNKNOWN:
                continue
            written = (value.unknown_source(0) or "").strip()
            var = written[1:].strip("{}") if written.startswith("$") else ""
            if var not in holders or holders[var][0] == wants:
                continue
            kind, query = holders[var]
            yield Hit(at=value, args={"name": str(param["name"]), "var": f"${var}", "holds": _QUERY_NAMES[kind],
                                      "right": _RIGHT_SELECTOR[kind], "wanted": _QUERY_NAMES[wants]},
                      related=[(query, f"${var} is filled with the {_QUERY_NAMES[kind]} here")])
