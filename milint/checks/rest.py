"""MI5xx: REST calls around identities (Resource Manager, Key Vault, Graph, Storage) written so that
the service refuses them: missing or wrong headers, missing api-version, wrong method, bodies that
are not JSON.  Headers a tool sends by itself (`az rest`, `curl --json`) count as sent."""
from __future__ import annotations

import re
from typing import Iterable, Optional

from .. import knowledge as K
from ..lstr import UNKNOWN
from . import CheckContext, Edit, Hit, registry
from .http_view import (append_argument, cli_command_of, has_body, header_value, host_service, is_arm_call,
                        json_body, known_host, lacks_header, powershell_command_of, same_case, shell_of)

CHECKS, check = registry()

_JSON_APIS = ("Azure Resource Manager", "Azure Key Vault", "Microsoft Graph", "Azure AD Graph")
_BEARER_APIS = ("Azure Resource Manager", "Azure Key Vault", "Microsoft Graph", "Azure AD Graph",
                "Azure Data Lake Storage Gen1")
_PS_AUTH_PARAMS = ("authentication", "token", "credential", "usedefaultcredentials", "websession", "certificate",
                   "certificatethumbprint")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}")


def _service(call: dict) -> Optional[str]:
    if is_arm_call(call, unknown_host=True):
        return "Azure Resource Manager"
    return host_service(known_host(call))


def _method(call: dict) -> Optional[str]:
    return call["method_value"]


def _where_method(call: dict):
    return call["method"] if call["method"] is not None else call["base_url"]


def _mangled(call: dict) -> bool:
    """A body meant as JSON that does not parse often means a stray quote ended the shell string
    early and took later options with it: MI509 reports that cause; header rules keep quiet."""
    return json_body(call)[1] is not None


def _powershell_sets(ctx: CheckContext, call: dict, params: tuple[str, ...]) -> bool:
    """Whether a PowerShell web request may get headers we cannot see (auth parameters, a web
    session, default parameter values set in the script)."""
    command = powershell_command_of(ctx, call)
    if command is None:
        return False
    if "psdefaultparametervalues" in ctx.document.lower:
        return True
    return any(p in command["params"] for p in params)


# ---------------------------------------------------------------- MI502
@check("MI502")
def json_body_without_content_type(ctx: CheckContext) -> Iterable[Hit]:
    for call in ctx.facts_of("rest_call"):
        method = _method(call)
        service = _service(call)
        if method not in ("PUT", "PATCH", "POST") or service not in _JSON_APIS:
            continue
        body = call["body"]
        if isinstance(body, dict) or body is None:
            continue  # a form hashtable is another mistake; no body needs no type
        present = has_body(call)
        if present is False or (present is None and method == "POST"):
            continue  # an empty POST (listKeys) needs no type; an unknown POST body may be empty
        if _powershell_sets(ctx, call, ("websession", "contenttype")) or _mangled(call):
            continue
        declared = header_value(call, "content-type")
        if declared is not None:
            if not declared.known or "json" in declared.lower():
                continue
            yield Hit(at=declared, args={"method": method, "service": service,
                                         "problem": f"declares `{declared}`"},
                      fix=[Edit(declared, K.JSON_CONTENT_TYPE)])
            continue
        if not lacks_header(call, "content-type"):
            continue
        sent = "form data" if call["tool"] in ("curl", "wget") or method == "POST" else "no content type"
        yield Hit(at=call["base_url"], args={"method": method, "service": service,
                                             "problem": f"declares no content type, so it goes out as {sent}"},
                  fix=append_argument(call, "-H Content-Type:application/json"))


# ---------------------------------------------------------------- MI503 / MI504
def _scheme_of(value) -> Optional[tuple[object, str]]:
    """The scheme word of a known `Authorization` value (`Bearer`, `bearer`, `Basic`...)."""
    text = str(value)
    stripped = text.lstrip()
    if not stripped or stripped[0] == UNKNOWN:
        return None
    start = len(text) - len(stripped)
    word = stripped.split(None, 1)[0]
    if UNKNOWN in word:
        return None
    return value.sub(start, start + len(word)), word


@check("MI503")
def arm_request_without_bearer(ctx: CheckContext) -> Iterable[Hit]:
    for call in ctx.facts_of("rest_call"):
        service = _service(call)
        if service not in _BEARER_APIS:
            continue
        value = header_value(call, "authorization")
        if value is None:
            if service != "Azure Resource Manager" or not is_arm_call(call) or not lacks_header(call, "authorization"):
                continue
            if _powershell_sets(ctx, call, _PS_AUTH_PARAMS) or _mangled(call):
                continue
            yield Hit(at=call["base_url"], args={"service": service, "problem": "sends no `Authorization` header"})
            continue
        found = _scheme_of(value)
        if found is None:
            continue
        word_at, word = found
        if word.lower() == "bearer":
            continue
        problem = ("writes `Bearer:` with a colon" if word.lower() == "bearer:"
                   else f"uses the `{word}` scheme")
        yield Hit(at=word_at, args={"service": service, "problem": problem})


@check("MI504")
def bearer_scheme_casing(ctx: CheckContext) -> Iterable[Hit]:
    for call in ctx.facts_of("rest_call"):
        if _service(call) is None and not _azure_host(known_host(call)):
            continue
        value = header_value(call, "authorization")
        found = _scheme_of(value) if value is not None else None
        if found is None:
            continue
        word_at, word = found
        if word.lower() != "bearer" or word == "Bearer":
            continue
        yield Hit(at=word_at, args={"scheme": word}, fix=[Edit(word_at, "Bearer")])


def _azure_host(host: Optional[str]) -> bool:
    return host is not None and any(host.endswith(suffix) for suffix, _ in K.HOST_CLOUDS)


# ---------------------------------------------------------------- MI505
def _api_version_from_cli(ctx: CheckContext, call: dict) -> bool:
    command = cli_command_of(ctx, call)
    if command is None:
        return False
    return any(str(v).lower().startswith("api-version") for v in command["options"].get("--url-parameters", []))


@check("MI505")
def rest_without_api_version(ctx: CheckContext) -> Iterable[Hit]:
    for call in ctx.facts_of("rest_call"):
        service = _service(call)
        if service not in ("Azure Resource Manager", "Azure Key Vault") or not call["query_complete"]:
            continue
        if service == "Azure Resource Manager" and not is_arm_call(call):
            continue
        path = str(call["path"] or "").strip("/")
        if not path:
            continue
        if any(str(p["name"]) == "api-version" for p in call["query"]) or _api_version_from_cli(ctx, call):
            continue
        yield Hit(at=call["base_url"], args={"service": service})


# ---------------------------------------------------------------- MI506 / MI507
def _action(call: dict) -> Optional[object]:
    segments = call["segments"]
    if not segments or not segments[-1].known:
        return None
    lower = [str(s).lower() for s in segments]
    if "providers" not in lower or lower[-1] not in K.ARM_POST_ACTIONS:
        return None
    return segments[-1]


@check("MI506")
def list_action_not_post(ctx: CheckContext) -> Iterable[Hit]:
    for call in ctx.facts_of("rest_call"):
        if not is_arm_call(call, unknown_host=True):
            continue
        action = _action(call)
        method = _method(call)
        if action is None or method is None or method == "POST":
            continue
        written = call["method"]
        fix = None
        if written is not None and call["tool"] not in ("curl", "wget"):
            fix = [Edit(written, same_case(str(written), "POST"))]
        yield Hit(at=written if written is not None else action, args={"action": str(action), "method": method},
                  fix=fix)


@check("MI507")
def curl_post_without_body(ctx: CheckContext) -> Iterable[Hit]:
    for call in ctx.facts_of("rest_call"):
        if call["tool"] != "curl" or _method(call) != "POST" or call["method"] is None:
            continue
        if call["body"] is not None or not is_arm_call(call, unknown_host=True):
            continue
        if not lacks_header(call, "content-length"):
            continue
        yield Hit(at=call["method"], args={}, fix=append_argument(call, "-H Content-Length:0"))


# ---------------------------------------------------------------- MI508
def _resource_type(call: dict) -> Optional[str]:
    """`Namespace/type` of a top-level resource URL (`.../providers/<ns>/<type>/<name>`), as written."""
    segments = [str(s) for s in call["segments"]]
    lower = [s.lower() for s in segments]
    if "providers" not in lower:
        return None
    i = lower.index("providers")
    if len(lower) != i + 4:
        return None
    return f"{segments[i + 1]}/{segments[i + 2]}"


@check("MI508")
def put_without_location(ctx: CheckContext) -> Iterable[Hit]:
    for call in ctx.facts_of("rest_call"):
        if _method(call) != "PUT" or not is_arm_call(call, unknown_host=True):
            continue
        resource_type = _resource_type(call)
        if resource_type is None or resource_type.lower() not in K.LOCATION_REQUIRED_TYPES:
            continue
        body, _ = json_body(call)
        if not isinstance(body, dict) or any(str(k).lower() == "location" for k in body):
            continue
        keys = {str(k).lower() for k in body}
        identity_only = bool(keys) and keys <= {"identity", "tags"}
        advice = ("to change only the identity of an existing resource send PATCH with this body"
                  if identity_only else "add the resource's `location` to the body")
        fix = None
        if identity_only and call["method"] is not None:
            fix = [Edit(call["method"], same_case(str(call["method"]), "PATCH"))]
        yield Hit(at=_where_method(call), args={"type": resource_type, "advice": advice}, fix=fix)


# ---------------------------------------------------------------- MI509
@check("MI509")
def json_body_invalid(ctx: CheckContext) -> Iterable[Hit]:
    for call in ctx.facts_of("rest_call"):
        if _service(call) not in _JSON_APIS:
            continue
        _, error = json_body(call)
        if error is None:
            continue
        body = call["body"]
        pos = min(error.pos, len(body) - 1)
        yield Hit(at=body.sub(pos, pos + 1), args={"error": _json_problem(error),
                                                   "line": error.lineno, "column": error.colno})


def _json_problem(error) -> str:
    return error.msg.removesuffix(" at").lower()


# ---------------------------------------------------------------- MI510
_ESCAPES = {"bash": "\\", "powershell": "`"}


@check("MI510")
def odata_option_lost(ctx: CheckContext) -> Iterable[Hit]:
    for call in ctx.facts_of("rest_call"):
        for param in call["query"]:
            name = param["name"]
            text = str(name)
            if text == UNKNOWN:
                written = (name.unknown_source(0) or "").strip()
                option = written[1:].lower() if written.startswith("$") else ""  # `${filter}` is meant
                if option not in K.ODATA_OPTIONS:
                    continue
                escape = _ESCAPES.get(shell_of(call) or "")
                yield Hit(at=name, args={"written": written, "option": option,
                                         "why": "the shell expands it as a variable inside double quotes"},
                          fix=[Edit(name.sub(0, 0), escape)] if escape else None)
            elif text.lower().startswith("24") and text[2:].lower() in K.ODATA_OPTIONS:
                yield Hit(at=name, args={"written": text, "option": text[2:].lower(),
                                         "why": "the `%` of `%24` is missing"},
                          fix=[Edit(name.sub(0, 0), "%")])


# ---------------------------------------------------------------- MI511
@check("MI511")
def storage_bearer_without_version(ctx: CheckContext) -> Iterable[Hit]:
    for call in ctx.facts_of("rest_call"):
        if host_service(known_host(call)) != "Azure Storage":
            continue
        value = header_value(call, "authorization")
        found = _scheme_of(value) if value is not None else None
        if found is None or found[1].lower() != "bearer":
            continue
        version = header_value(call, "x-ms-version")
        if version is None:
            if lacks_header(call, "x-ms-version"):
                yield Hit(at=call["base_url"], args={"problem": "sends no `x-ms-version` header",
                                                     "minimum": K.STORAGE_OAUTH_MIN_VERSION})
            continue
        if version.known and _VERSION.fullmatch(str(version)) and str(version) < K.STORAGE_OAUTH_MIN_VERSION:
            yield Hit(at=version, args={"problem": f"asks for service version `{version}`",
                                        "minimum": K.STORAGE_OAUTH_MIN_VERSION})


# ---------------------------------------------------------------- MI512
def _jwt_spans(text: str) -> Iterable[tuple[int, int]]:
    """Where whole JSON Web Tokens stand in a header value (three base64url parts, two `eyJ` ones)."""
    start = 0
    for word in text.split(" "):
        parts = word.split(".")
        if (len(parts) == 3 and len(word) >= 100 and parts[0].startswith("eyJ") and parts[1].startswith("eyJ")
                and all(len(p) >= 10 and _BASE64URL.fullmatch(p) for p in parts)):
            yield start, start + len(word)
        start += len(word) + 1


@check("MI512")
def literal_access_token(ctx: CheckContext) -> Iterable[Hit]:
    for call in ctx.facts_of("rest_call"):
        value = header_value(call, "authorization")
        if value is None or "eyJ" not in value:
            continue
        for s, e in _jwt_spans(str(value)):
            yield Hit(at=value.sub(s, e), args={"start": str(value)[s:s + 12]})
