"""Questions the token, audience and REST checks ask of `rest_call` / `token_request` facts.

No CHECKS table here: these are shared helpers.  They read facts only, and answer None where a
fact leaves the answer unknown.
"""
from __future__ import annotations

import json
from typing import Optional

from .. import knowledge as K
from ..lstr import LStr, UNKNOWN
from . import CheckContext, Edit

# labels for messages
ENDPOINT_NAMES = {
    "imds": "the instance metadata service (IMDS)", "vm_extension": "the retired VM extension endpoint",
    "arc": "the Azure Arc identity endpoint", "cloud_shell": "the Cloud Shell token endpoint",
    "app_service": "the App Service identity endpoint", "app_service_legacy": "the App Service 2017 identity endpoint",
}
_WEB_CMDLETS = {"invoke-restmethod", "invoke-webrequest", "irm", "iwr"}


def token_requests(ctx: CheckContext, endpoints=None) -> list[dict]:
    """Token requests, optionally only those to some endpoints."""
    wanted = set(endpoints) if endpoints is not None else None
    return [r for r in ctx.facts_of("token_request") if wanted is None or r["endpoint"] in wanted]


def header_value(call: dict, name: str) -> Optional[LStr]:
    entry = call["headers"].get(name)
    return entry["value"] if entry is not None else None


def lacks_header(call: dict, name: str) -> bool:
    """True only when the header is certainly not sent (not written, not added by the tool)."""
    return call["headers_known"] and name not in call["headers"] and name not in call["implicit_headers"]


def known_host(call: dict) -> Optional[str]:
    host = call["host"]
    return host.lower() if host is not None and host.known else None


def path_lower(call: dict) -> Optional[str]:
    path = call["path"]
    return path.lower() if path is not None and path.known else None


def is_arm_call(call: dict, unknown_host: bool = False) -> bool:
    """A request to Azure Resource Manager: a known ARM host, or `az rest` given a bare path; with
    `unknown_host`, also `$ARM/subscriptions/...` whose path says ARM."""
    host = call["host"]
    if host is None:
        path = str(call["path"] or "").lower()
        return call["tool"] == "az rest" and path.startswith(("/subscriptions", "/providers"))
    if host.known:
        return host.lower() in K.ARM_HOSTS
    segments = call.get("segments") or []
    return unknown_host and bool(segments) and str(segments[0]).lower() == "subscriptions"


def host_service(host: Optional[str]) -> Optional[str]:
    """The Azure service a host serves (Resource Manager, Key Vault, Storage, ...), or None."""
    if not host:
        return None
    for suffix, service in K.HOST_SERVICES:
        if host == suffix or (suffix.startswith(".") and host.endswith(suffix)):
            return service
    parts = host.split(".", 2)
    if len(parts) == 3 and parts[1] in K.STORAGE_SERVICES and parts[2] in K.STORAGE_ZONES:
        return "Azure Storage"
    return None


def host_cloud(host: Optional[str]) -> Optional[str]:
    if not host:
        return None
    for suffix, cloud in K.HOST_CLOUDS:
        if host.endswith(suffix):
            return cloud
    return None


def is_storage_host(host: Optional[str]) -> bool:
    return host_service(host) == "Azure Storage"


def json_body(call: dict) -> tuple[object, Optional[json.JSONDecodeError]]:
    """(parsed value, None), (None, the error) for a known body that is meant as JSON, else (None, None).

    Line breaks are read as wraps of a long line (pages and PDFs wrap long samples in the middle of
    a string), so a body is judged as if its lines were joined; the error position is the original's."""
    body = call["body"]
    if not isinstance(body, LStr) or not body.known or not body.strip().startswith(("{", "[")):
        return None, None
    text = str(body)
    kept = [i for i, c in enumerate(text) if c not in "\r\n"]
    joined = "".join(text[i] for i in kept)
    try:
        return json.loads(joined), None
    except json.JSONDecodeError as exc:
        pos = kept[exc.pos] if exc.pos < len(kept) else len(text)
        return None, json.JSONDecodeError(exc.msg, text, pos)
    except RecursionError:
        return None, None


def has_body(call: dict) -> Optional[bool]:
    """True for a non-empty body, False for none or an empty one, None when it is unknown."""
    body = call["body"]
    if body is None:
        return False
    if isinstance(body, dict):
        return bool(body)
    if not isinstance(body, LStr):
        return None
    known_text = str(body).replace(UNKNOWN, "").strip()
    if known_text:
        return True  # whatever the variables in it hold, the body is not empty
    return None if not body.known else False


def append_argument(call: dict, text: str) -> Optional[list[Edit]]:
    """A fix that appends ` text` to a curl/wget command line (text holds no quotes or spaces that
    could clash with the quoting the command is embedded in)."""
    command = call.get("command_text")
    if command is None or call["tool"] not in ("curl", "wget"):
        return None
    return [Edit(command.sub(len(command)), " " + text)]


def same_case(written: str, word: str) -> str:
    """`word` in the letter case `written` uses (GET -> POST, get -> post, Get -> Post)."""
    if written.isupper():
        return word.upper()
    if written.islower():
        return word.lower()
    return word[:1].upper() + word[1:].lower()


def shell_of(call: dict) -> Optional[str]:
    """The shell a request is written in ("bash", "powershell"), or None (application code)."""
    if call.get("shell"):
        return call["shell"]
    return "powershell" if str(call["tool"]).lower() in _WEB_CMDLETS else None


def powershell_command_of(ctx: CheckContext, call: dict) -> Optional[dict]:
    """The `ps_command` fact of an Invoke-RestMethod / Invoke-WebRequest request (same -Uri value)."""
    if str(call["tool"]).lower() not in _WEB_CMDLETS:
        return None
    index = _index(ctx, "ps_command", lambda c: [c["params"].get("uri")] + c["positional"][:1])
    return index.get(id(call["url"]))


def cli_command_of(ctx: CheckContext, call: dict) -> Optional[dict]:
    """The `cli_command` fact of an `az rest` request (same --uri value)."""
    if call["tool"] != "az rest":
        return None
    index = _index(ctx, "cli_command",
                   lambda c: (c["options"].get("--uri") or [None])[:1] if c["command"] == "rest" else [])
    return index.get(id(call["url"]))


def _index(ctx: CheckContext, kind: str, keys) -> dict:
    """{id(value): fact} over the facts of a kind, built once per check context."""
    cache = ctx.__dict__.setdefault("_http_view_index", {})
    if kind not in cache:
        table = {}
        for item in ctx.facts_of(kind):
            for value in keys(item):
                if value is not None:
                    table.setdefault(id(value), item)
        cache[kind] = table
    return cache[kind]
