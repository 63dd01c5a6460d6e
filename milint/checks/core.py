"""The core rules that need logic beyond a declarative condition."""
from __future__ import annotations

import re
from typing import Iterable

from .. import knowledge as K
from ..facts.urls import is_encoded
from .http_view import is_arm_call
from ..lstr import LStr
from . import CheckContext, Edit, Hit, registry

CHECKS, check = registry()


# ---------------------------------------------------------------- MI201
@check("MI201")
def token_resource_trailing_slash(ctx: CheckContext) -> Iterable[Hit]:
    for request in ctx.facts_of("token_request"):
        resource, raw = request["resource"], request["resource_raw"]
        if resource is None or not resource.known or raw is None:
            continue
        service = K.SLASH_AUDIENCES.get(str(resource).lower())
        if service is None:
            continue
        slash = "%2F" if is_encoded(raw) else "/"
        yield Hit(at=resource, args={"resource": str(resource), "service": service,
                                     "expected": str(resource) + "/"},
                  fix=[Edit(raw.sub(len(raw)), slash)])


# ---------------------------------------------------------------- MI501
@check("MI501")
def resource_groups_casing(ctx: CheckContext) -> Iterable[Hit]:
    for call in ctx.facts_of("rest_call"):
        segments = call["segments"]
        if len(segments) < 3 or str(segments[0]).lower() != "subscriptions":
            continue
        segment = segments[2]
        if not segment.known or segment.lower() != "resourcegroups" or segment == "resourceGroups":
            continue
        if not is_arm_call(call, unknown_host=True):
            continue
        yield Hit(at=segment, args={"segment": str(segment)}, fix=[Edit(segment, "resourceGroups")])


# ---------------------------------------------------------------- MI101
@check("MI101")
def deprecated_extension_endpoint(ctx: CheckContext) -> Iterable[Hit]:
    for request in ctx.facts_of("token_request"):
        if request["endpoint"] != "vm_extension":
            continue
        at = _base_url(request["url"])
        yield Hit(at=at, args={"url": str(at)})


# ---------------------------------------------------------------- MI102
@check("MI102")
def deprecated_identity_extension(ctx: CheckContext) -> Iterable[Hit]:
    for extension in ctx.facts_of("vm_extension"):
        ext_type, publisher = extension["type"], extension["publisher"]
        if extension["operation"] != "set" or ext_type is None or not ext_type.known:
            continue
        if ext_type.lower() not in K.EXTENSION_TYPES:
            continue
        if publisher is not None and publisher.known and publisher.lower() != K.EXTENSION_PUBLISHER:
            continue
        yield Hit(at=ext_type, args={"type": str(ext_type)})


# ---------------------------------------------------------------- MI301
_VALID_NAME = re.compile(r"[A-Za-z0-9_-]{3,128}")
_PLACEHOLDER = re.compile(r"^(?:<[^<>]*>|\{[^{}]*\}|\[[^\[\]]*\]|%[^%]*%|__[A-Za-z0-9_]+__)$")


def is_placeholder(value: str) -> bool:
    """Doc placeholders such as <IDENTITY NAME> or {name} stand for a value; they are unknown."""
    return bool(_PLACEHOLDER.match(value.strip()))


@check("MI301")
def identity_name_invalid(ctx: CheckContext) -> Iterable[Hit]:
    for item in ctx.facts_of("identity_name"):
        name = item["name"]
        if name is None or not name.known or is_placeholder(name) or _VALID_NAME.fullmatch(name):
            continue
        yield Hit(at=name, args={"name": str(name), "problem": _name_problem(str(name))},
                  related=[(r["at"], r["message"]) for r in item.get("related", [])])


def _name_problem(name: str) -> str:
    bad = sorted({c for c in name if not (c.isascii() and (c.isalnum() or c in "_-"))})
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        return f"it contains {shown}; only letters, digits, '_' and '-' are allowed"
    if len(name) < 3:
        return f"it has {len(name)} character{'s' if len(name) != 1 else ''}; at least 3 are needed"
    return f"it has {len(name)} characters; at most 128 are allowed"


# ---------------------------------------------------------------- MI103
_SELECTABLE_ENDPOINTS = ("imds", "vm_extension")


@check("MI103")
def multiple_identities_without_client_id(ctx: CheckContext) -> Iterable[Hit]:
    # in a Markdown file each top-level section is its own article: never link across them
    sections: dict = {}
    for kind in ("identity_assignment", "token_request", "identity_login"):
        for item in ctx.facts_of(kind):
            sections.setdefault(item.get("section"), {}).setdefault(kind, []).append(item)
    for facts in sections.values():
        yield from _unnamed_requests(facts)


def _unnamed_requests(facts: dict) -> Iterable[Hit]:
    assignments = [a for a in facts.get("identity_assignment", []) if a["target"] in K.IMDS_COMPUTE_TYPES]
    if not assignments or any(a["system"] is not False for a in assignments):
        return  # a system-assigned identity (or one we cannot rule out) is IMDS's default
    several = [a for a in assignments if (a["count"] or 0) >= 2]
    if not several:
        return
    related = [(a["at"], f"{a['count']} user-assigned identities and no system-assigned one")
               for a in several]
    count = max(a["count"] for a in several)
    for request in facts.get("token_request", []):
        if request["endpoint"] not in _SELECTABLE_ENDPOINTS or request["selectors"]:
            continue
        if not request["query_complete"]:
            continue  # parameters we cannot see may name the identity
        yield Hit(at=_base_url(request["url"]), args={"what": "this token request", "count": count,
                                                      "how": "add client_id=<client id> (or object_id / mi_res_id) to the query"},
                  related=related)
    for login in facts.get("identity_login", []):
        if login["selector"] is not None or login.get("splatted"):
            continue
        how = ("add --client-id <client id> (or --object-id / --resource-id)" if login["tool"] == "az login"
               else "add -AccountId <client id>")
        yield Hit(at=login["at"], args={"what": "this sign-in", "count": count, "how": how}, related=related)


def _base_url(url: LStr) -> LStr:
    end = str(url).find("?")
    return url.sub(0, end) if end > 0 else url
