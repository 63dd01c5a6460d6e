"""MI2xx: the audience a token is requested for (`resource=` of a token request, `az account
get-access-token --resource`, `Get-AzAccessToken -ResourceUrl`) against the audiences Azure AD knows,
the cloud the file works in, and the service the token is then sent to."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from .. import knowledge as K
from ..facts.urls import is_encoded, parse_url
from ..lstr import LStr
from . import CheckContext, Edit, Hit, registry
from .http_view import host_cloud, host_service, known_host, token_requests

CHECKS, check = registry()

_GET_TOKEN_CMDLETS = ("get-azaccesstoken",)
_TOKEN_URL_PARAMS = ("resourceurl", "resource", "resourceuri")
_DOUBLE_ENCODED = re.compile(r"%25[0-9A-Fa-f]{2}")
# DNS zones in which a known audience's first label may be paired with the wrong zone
_AUDIENCE_ZONES = frozenset({"azure.com", "azure.net", "windows.net", "core.windows.net", "azure.cn",
                             "usgovcloudapi.net", "chinacloudapi.cn", "microsoftazure.de", "cloudapi.de"})
_ZONE_SWAP_LABELS = frozenset({"vault", "management", "storage", "database", "datalake"})


@dataclass
class AudienceUse:
    value: LStr  # the audience, decoded
    raw: LStr  # as written (what a fix replaces)
    origin: str  # "request", "cli" or "powershell"
    fact: dict


def audience_uses(ctx: CheckContext, origins: tuple[str, ...] = ("request", "cli", "powershell")) -> list[AudienceUse]:
    uses: list[AudienceUse] = []
    if "request" in origins:
        for request in token_requests(ctx):
            value, raw = request["resource"], request["resource_raw"]
            if value is not None and raw is not None and value.known:
                uses.append(AudienceUse(value, raw, "request", request))
    if "cli" in origins:
        for command in ctx.facts_of("cli_command"):
            if command["command"] == "account get-access-token":
                value = (command["options"].get("--resource") or [None])[0]
                if value is not None and value.known:
                    uses.append(AudienceUse(value, value, "cli", command))
    if "powershell" in origins:
        for command in ctx.facts_of("ps_command"):
            if command["cmdlet"] in _GET_TOKEN_CMDLETS:
                value = next((command["params"][k] for k in _TOKEN_URL_PARAMS if k in command["params"]), None)
                if isinstance(value, LStr) and value.known:
                    uses.append(AudienceUse(value, value, "powershell", command))
    return uses


@dataclass
class AudienceParts:
    scheme: Optional[LStr]
    host: Optional[LStr]  # None when the value has no scheme (then `bare_host` may say what it names)
    path: str
    extra: bool  # a port, query or fragment follows the host
    bare_host: Optional[str] = None  # `management.azure.com/` written without a scheme


def split_audience(value: LStr) -> AudienceParts:
    text = str(value)
    if "://" not in text:
        first = text.split("/", 1)[0].lower()
        return AudienceParts(None, None, text[len(first):], False, first if first in K.AUDIENCES else None)
    url = parse_url(value)
    extra = url.query_text is not None or url.fragment is not None or url.port is not None
    return AudienceParts(url.scheme, url.host, str(url.path or ""), extra)


def canonical_for(host: str) -> Optional[str]:
    """The documented audience for a host a token is meant for (the service's, not the instance's)."""
    if host in K.AUDIENCES:
        return K.AUDIENCES[host][2]
    for suffix, audience_host in K.INSTANCE_HOST_AUDIENCES.items():
        if host.endswith(suffix):
            return K.AUDIENCES[audience_host][2]
    if host_service(host) == "Azure Storage":
        return K.AUDIENCES["storage.azure.com"][2]
    return None


def audience_service(value: str) -> Optional[str]:
    """The service an audience value is for (Key Vault, Resource Manager, Storage...), or None."""
    if value.lower() == K.AAD_GRAPH_APP_ID:
        return "Azure AD Graph"
    parts = split_audience(LStr.of(value))
    host = parts.bare_host or (parts.host.lower() if parts.host is not None and parts.host.known else None)
    if host is None:
        return None
    if host in K.AUDIENCES:
        return K.AUDIENCES[host][0]
    for suffix, audience_host in K.INSTANCE_HOST_AUDIENCES.items():
        if host.endswith(suffix):
            return K.AUDIENCES[audience_host][0]
    return host_service(host)


def _replacement(use: AudienceUse, audience: str) -> list[Edit]:
    """Replace the written value with `audience`, percent-encoded when the value was."""
    if use.origin == "request" and is_encoded(use.raw):
        from urllib.parse import quote

        audience = quote(audience, safe="*")
    return [Edit(use.raw, audience)]


def _host_of(use: AudienceUse) -> Optional[str]:
    host = split_audience(use.value).host
    return host.lower() if host is not None and host.known else None


# ---------------------------------------------------------------- MI202
@check("MI202")
def resource_instance_host(ctx: CheckContext) -> Iterable[Hit]:
    for use in audience_uses(ctx):
        host = _host_of(use)
        if host is None or host in K.AUDIENCES:
            continue
        for suffix, audience_host in K.INSTANCE_HOST_AUDIENCES.items():
            if host.endswith(suffix):
                service, _, audience = K.AUDIENCES[audience_host]
                yield Hit(at=use.value, args={"resource": str(use.value), "service": service, "expected": audience},
                          fix=_replacement(use, audience))
                break


# ---------------------------------------------------------------- MI203
def near_audience(host: str) -> Optional[str]:
    """The known audience host a mistyped or mis-zoned host most likely means, if exactly one."""
    if host in K.WRONG_AUDIENCE_HOSTS:
        return K.WRONG_AUDIENCE_HOSTS[host]
    if len(host) > 253:  # longer than any DNS name
        return None
    first, _, rest = host.partition(".")
    cloud = host_cloud("." + host)
    found = set()
    for known in K.AUDIENCES:
        known_first, _, known_rest = known.partition(".")
        if len(known_first) < 4 or known.startswith("*"):
            continue
        if known_rest == rest and first != known_first and abs(len(first) - len(known_first)) <= 2:
            if _distance(first, known_first) <= (1 if len(known_first) <= 5 else 2):
                found.add(known)
        elif known_first == first and known_rest != rest and first in _ZONE_SWAP_LABELS and rest in _AUDIENCE_ZONES:
            if K.AUDIENCES[known][1] in (None, cloud):
                found.add(known)
    return found.pop() if len(found) == 1 else None


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit."""
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        rows[i][0] = i
    for j in range(len(b) + 1):
        rows[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[len(a)][len(b)]


@check("MI203")
def resource_typo(ctx: CheckContext) -> Iterable[Hit]:
    for use in audience_uses(ctx):
        parts = split_audience(use.value)
        host_value = parts.host
        if host_value is None or not host_value.known:
            continue
        host = host_value.lower()
        if host in K.AUDIENCES or any(host.endswith(s) for s in K.INSTANCE_HOST_AUDIENCES):
            continue
        meant = near_audience(host)
        if meant is None:
            continue
        yield Hit(at=host_value, args={"host": str(host_value), "expected": meant,
                                       "service": K.AUDIENCES[meant][0]},
                  fix=[Edit(host_value, meant)])


# ---------------------------------------------------------------- MI204
def _form_problem(parts: AudienceParts) -> Optional[str]:
    if parts.bare_host is not None:
        return "it has no `https://`"
    if parts.host is None or not parts.host.known or parts.host.lower() not in K.AUDIENCES:
        return None
    if parts.scheme is not None and parts.scheme.known and parts.scheme.lower() != "https":
        return f"it starts with `{parts.scheme}://` instead of `https://`"
    path = parts.path
    if path.lower().endswith("/.default") and path.count("/") <= 2:
        return None  # a v2 scope: MI205
    if path not in ("", "/"):
        return f"it carries the path `{path}`, but an audience names the service only"
    if parts.extra:
        return "it carries a port, query or fragment, but an audience names the service only"
    return None


@check("MI204")
def resource_malformed(ctx: CheckContext) -> Iterable[Hit]:
    for use in audience_uses(ctx):
        parts = split_audience(use.value)
        problem = _form_problem(parts)
        if problem is None:
            continue
        host = parts.bare_host or parts.host.lower()
        audience = K.AUDIENCES[host][2]
        yield Hit(at=use.value, args={"resource": str(use.value), "problem": problem, "expected": audience},
                  fix=_replacement(use, audience))


# ---------------------------------------------------------------- MI205
@check("MI205")
def resource_v2_scope(ctx: CheckContext) -> Iterable[Hit]:
    for use in audience_uses(ctx, ("request",)):
        text = str(use.value)
        if not text.lower().endswith("/.default") or len(text) <= len("/.default"):
            continue
        base = text[:-len("/.default")]
        host = _host_of(AudienceUse(LStr.of(base), LStr.of(base), use.origin, use.fact))
        keep_slash = host is not None and host in K.AUDIENCES and K.AUDIENCES[host][2].endswith("/")
        cut = len(text) - len(".default") if keep_slash else len(text) - len("/.default")
        expected = text[:cut]
        yield Hit(at=use.value.sub(len(text) - len("/.default")), args={"resource": text, "expected": expected},
                  fix=[Edit(use.value.sub(cut), "")])


# ---------------------------------------------------------------- MI206
@check("MI206")
def resource_double_encoded(ctx: CheckContext) -> Iterable[Hit]:
    for use in audience_uses(ctx, ("request",)):
        if not _DOUBLE_ENCODED.search(str(use.raw)):
            continue
        yield Hit(at=use.raw, args={"raw": str(use.raw), "expected": str(use.value)},
                  fix=[Edit(use.raw, str(use.value))])


# ---------------------------------------------------------------- MI207
def _retired(host: str) -> Optional[tuple[str, str, str]]:
    return K.RETIRED_AUDIENCES.get(host)


@check("MI207")
def resource_retired_service(ctx: CheckContext) -> Iterable[Hit]:
    for use in audience_uses(ctx):
        text = str(use.value).strip()
        host = _host_of(use) or split_audience(use.value).bare_host
        if text.lower() == K.AAD_GRAPH_APP_ID:
            host = "graph.windows.net"
        retired = _retired(host) if host else None
        if retired is None:
            continue
        service, date, replacement = retired
        yield Hit(at=use.value, args={"value": text, "service": service, "date": date, "replacement": replacement})
    for command in ctx.facts_of("cli_command"):
        if command["command"] != "account get-access-token":
            continue
        value = (command["options"].get("--resource-type") or [None])[0]
        if value is None or not value.known or value.lower() not in K.RETIRED_CLI_RESOURCE_TYPES:
            continue
        service, date, replacement = K.RETIRED_AUDIENCES[K.RETIRED_CLI_RESOURCE_TYPES[value.lower()]]
        yield Hit(at=value, args={"value": f"--resource-type {value}", "service": service, "date": date,
                                  "replacement": replacement})


# ---------------------------------------------------------------- MI208
def _explicit_clouds(ctx: CheckContext) -> Optional[list[tuple[str, object]]]:
    """Clouds a file selects (`az cloud set`, `Connect-AzAccount -Environment`); None if one is unknown."""
    found: list[tuple[str, object]] = []
    for command in ctx.facts_of("cli_command"):
        if command["command"] == "cloud set":
            value = (command["options"].get("--name") or [None])[0]
            if value is None or not value.known or value.lower() not in K.CLOUD_NAMES:
                return None
            found.append((K.CLOUD_NAMES[value.lower()], value))
    for command in ctx.facts_of("ps_command"):
        if command["cmdlet"] not in ("connect-azaccount", "add-azaccount", "login-azaccount",
                                     "connect-azurermaccount", "add-azurermaccount", "login-azurermaccount"):
            continue
        value = command["params"].get("environment", command["params"].get("environmentname"))
        if value is None:
            continue
        if not isinstance(value, LStr) or not value.known or value.lower() not in K.CLOUD_NAMES:
            return None
        found.append((K.CLOUD_NAMES[value.lower()], value))
    return found


def _host_clouds(ctx: CheckContext) -> list[tuple[str, object]]:
    found = []
    for call in ctx.facts_of("rest_call"):
        cloud = host_cloud(known_host(call))
        if cloud is not None:
            found.append((cloud, call["host"]))
    return found


def file_cloud(ctx: CheckContext) -> Optional[tuple[str, object]]:
    """The one cloud a file works in, with where that shows, or None (several, or no sign)."""
    explicit = _explicit_clouds(ctx)
    if explicit is None:
        return None
    signs = explicit or _host_clouds(ctx)
    clouds = {cloud for cloud, _ in signs}
    return (signs[0][0], signs[0][1]) if len(clouds) == 1 else None


def _cloud_audiences(ctx: CheckContext) -> Iterable[tuple[AudienceUse, str, str]]:
    """(use, service, cloud) for each token audience that belongs to one cloud."""
    for use in audience_uses(ctx):
        host = _host_of(use) or split_audience(use.value).bare_host
        if host is not None and host in K.AUDIENCES:
            service, own_cloud, _ = K.AUDIENCES[host]
            if own_cloud is not None:
                yield use, service, own_cloud


def _same_service_in(service: str, cloud: str) -> str:
    expected = next((a for h, (s, c, a) in K.AUDIENCES.items() if s == service and c == cloud
                     and ".core." not in h), None)
    return f": request `{expected}`" if expected else ""


@check("MI208")
def resource_cloud_mismatch(ctx: CheckContext) -> Iterable[Hit]:
    uses = list(_cloud_audiences(ctx))
    if not uses:
        return
    found = file_cloud(ctx)
    if found is None:
        return
    cloud, evidence = found
    for use, service, own_cloud in uses:
        if own_cloud != cloud:
            yield Hit(at=use.value, args={"resource": str(use.value), "service": service,
                                          "audience_cloud": own_cloud, "cloud": cloud,
                                          "instead": _same_service_in(service, cloud)},
                      related=[(evidence, f"this file works in {cloud}")])


# ---------------------------------------------------------------- MI210
def targeted_clouds(ctx: CheckContext) -> list[str]:
    """The `clouds` option as canonical cloud names (the configuration has checked them against the
    rule's option-choices, in any letter case)."""
    return [K.CLOUD_NAMES[str(name).lower()] for name in ctx.options.get("clouds") or []]


@check("MI210")
def resource_outside_clouds(ctx: CheckContext) -> Iterable[Hit]:
    clouds = targeted_clouds(ctx)
    if not clouds:
        return  # the repository has not said which clouds it targets
    for use, service, own_cloud in _cloud_audiences(ctx):
        if own_cloud not in clouds:
            instead = _same_service_in(service, clouds[0]) if len(clouds) == 1 else ""
            yield Hit(at=use.value, args={"resource": str(use.value), "service": service,
                                          "audience_cloud": own_cloud, "clouds": ", ".join(clouds),
                                          "instead": instead})


# ---------------------------------------------------------------- MI209
def _token_services(ctx: CheckContext) -> dict[str, list[tuple[str, object, str]]]:
    """variable -> [(service, where the audience is written, audience)] for tokens stored in variables."""
    tokens: dict[str, list[tuple[str, object, str]]] = {}
    for use in audience_uses(ctx, ("request", "cli")):
        var = use.fact.get("result_var")
        service = audience_service(str(use.value))
        if var and service:
            tokens.setdefault(var, []).append((service, use.value, str(use.value)))
    for command in ctx.facts_of("cli_command"):
        var = command.get("result_var")
        if not var or command["command"] != "account get-access-token" or "--resource" in command["options"]:
            continue
        if "--scope" in command["options"]:
            continue
        kind = (command["options"].get("--resource-type") or [None])[0]
        if kind is not None and (not kind.known or kind.lower() not in K.CLI_RESOURCE_TYPES):
            continue
        host = K.CLI_RESOURCE_TYPES[kind.lower()] if kind is not None else "management.azure.com"
        tokens.setdefault(var, []).append((K.AUDIENCES[host][0], kind if kind is not None else command["at"],
                                           K.AUDIENCES[host][2]))
    return tokens


@check("MI209")
def token_sent_to_other_service(ctx: CheckContext) -> Iterable[Hit]:
    tokens = _token_services(ctx)
    if not tokens:
        return
    for call in ctx.facts_of("rest_call"):
        var = call.get("auth_var")
        if not var or len(tokens.get(var, ())) != 1:
            continue
        token_service, written, audience = tokens[var][0]
        host = known_host(call)
        service = host_service(host)
        if service is None or service == token_service:
            continue
        expected = canonical_for(host)
        instead = f"; request the token with `resource={expected}`" if expected else ""
        yield Hit(at=call["host"], args={"host": str(call["host"]), "service": service, "var": var,
                                         "token_service": token_service, "audience": audience, "instead": instead},
                  related=[(written, f"the token in ${var} is requested for {token_service} here")])
