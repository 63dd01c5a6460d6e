"""Facts from JSON that is not a whole template: a REST request body, a lone resource, an
`identity` object shown in documentation.

`fragment_facts` reads a JSON file or block; `rest_body_facts` reads the JSON body of one
`rest_call` fact (``curl -d``, ``az rest --body``, ``Invoke-RestMethod -Body``), where the URL tells
the resource type, the api-version and whether the call creates (PUT) or updates (PATCH).
"""
from __future__ import annotations

from collections import deque
from typing import Any, Optional

from .. import knowledge_identity as KI
from ..lstr import LStr
from . import fact
from .identity_blocks import identity_block, located_json, member, walk_strings
from .requests import Context
from .resource_ids import provider_path, type_mentions

MAX_NODES = 200_000  # a fragment bigger than this is data, not a sample: only its top is read


def fragment_facts(parsed, ctx: Context) -> list[dict]:
    """identity_block facts for `identity` objects found in the fragment, the VM extensions of a
    scale set's `extensionProfile` shown in it, the identifiers written in it, and the resource
    types it names."""
    facts: list[dict] = []
    for path, holder in _identity_holders(parsed.value):
        facts.extend(_fragment_block(parsed, path, holder))
    facts.extend(_extension_profile_facts(parsed))
    facts.extend(_loose_facts(parsed))
    return facts


def _identity_holders(value: Any):
    """(path, object) for every object with an ``identity`` member, breadth first."""
    for path, node in _objects(value):
        if isinstance(member(node, "identity")[1], dict):
            yield path, node


def _objects(value: Any):
    """(path, object) for every JSON object in `value`, breadth first, up to MAX_NODES nodes."""
    queue = deque([((), value)])
    seen = 0
    while queue and seen < MAX_NODES:
        path, node = queue.popleft()
        seen += 1
        if isinstance(node, dict):
            yield path, node
            queue.extend((path + (k,), v) for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            queue.extend((path + (i,), v) for i, v in enumerate(node) if isinstance(v, (dict, list)))


def _extension_profile_facts(parsed) -> list[dict]:
    """vm_extension facts for the entries of every ``extensionProfile.extensions`` list: docs show
    the scale set's profile on its own, without the template around it.  The machine is unknown."""
    facts: list[dict] = []
    for path, holder in _objects(parsed.value):
        profile_key, profile = member(holder, "extensionProfile")
        list_key, extensions = member(profile, "extensions")
        if not isinstance(extensions, list):
            continue
        for i, entry in enumerate(extensions):
            props_key, props = member(entry, "properties")
            if not isinstance(props, dict):
                continue
            base = path + (str(profile_key), str(list_key), i, str(props_key))
            located = {name: _string_member(parsed, base, props, name) for name in ("publisher", "type")}
            facts.append(fact("vm_extension", located["type"] or parsed.value_span(base),
                              publisher=located["publisher"], type=located["type"], name=None,
                              operation="set", via="json", machine=None))
    return facts


def _string_member(parsed, base: tuple, mapping: dict, name: str) -> Optional[LStr]:
    key, value = member(mapping, name)
    return parsed.string(base + (str(key),), value) if isinstance(value, str) else None


def _fragment_block(parsed, path: tuple, holder: dict) -> list[dict]:
    key, identity = member(holder, "identity")
    placement = "top"
    resource = holder
    if path and path[-1] == "properties":
        # `identity` inside properties: only judged when the resource around it is known
        placement, resource = "properties", _at(parsed.value, path[:-1])
    rtype = member(resource, "type")[1]
    resource_type = rtype.lower() if isinstance(rtype, str) and rtype.lower().startswith("microsoft.") else None
    if placement == "properties" and (resource_type not in KI.COMPUTE_TYPES or member(identity, "type")[0] is None):
        return []
    if resource_type is None and not _looks_like_managed_identity(identity):
        return []  # an `identity` of something else (a user, a service account...)
    api_key, api = member(resource, "apiVersion")
    api = api if isinstance(api, str) and not api.startswith("[") else None
    api_path = (path[:-1] if placement == "properties" else path) + (str(api_key),)
    ipath = path + (str(key),)
    located = located_json(parsed, ipath, identity)
    return [identity_block(
        located, parsed.key_text(ipath), lambda rel: parsed.value_span(ipath + rel),
        via="json", context="fragment", operation=None, placement=placement,
        resource_type=resource_type, api_version=api,
        api_version_at=parsed.string(api_path, api) if api else None,
        resource_name=None, resource=None, template=None)]


def _looks_like_managed_identity(identity: dict) -> bool:
    """A managed identity object: a type that names one, or a list of user-assigned identities."""
    if member(identity, "userAssignedIdentities")[0] is not None or member(identity, "identityIds")[0] is not None:
        return True
    value = member(identity, "type")[1]
    if not isinstance(value, str):
        return False
    low = value.lower()
    return "assigned" in low or low.strip() in ("none", "")


def _worth_reading(member, is_key: bool, text: str) -> bool:
    """What _loose_facts reads: an identifier under an ID member, a resource type."""
    if not is_key and isinstance(member, str) and member.lower() in KI.ID_MEMBERS:
        return True
    return "microsoft." in text.lower()


def _loose_facts(parsed) -> list[dict]:
    """Identifiers under members such as clientId, and resource types named in strings."""
    facts: list[dict] = []
    for path, is_key, text in walk_strings(parsed.value, wanted=_worth_reading):
        last = path[-1] if path else None
        role = None if is_key or not isinstance(last, str) else KI.ID_MEMBERS.get(last.lower())
        has_type = "microsoft." in text.lower()  # else the string was wanted for its role
        located = parsed.key_text(path) if is_key else parsed.string(path, text)
        if role:
            facts.append(fact("id_value", located, value=located, role=role, strict=False,
                              source=f"`{last}`", member=None, member_name=None, via="json"))
        if has_type:
            for at, namespace, rtype in type_mentions(located):
                facts.append(fact("resource_type_ref", at, namespace=namespace, type=rtype, via="json"))
    return facts


# ---------------------------------------------------------------- request bodies
def rest_body_facts(call: dict) -> list[dict]:
    """identity_block facts of the JSON body of a `rest_call` fact that creates or updates an
    Azure resource (PUT or PATCH with a JSON object body)."""
    body = call.get("body")
    method = call.get("method_value")
    if not isinstance(body, LStr) or method not in ("PUT", "PATCH") or not str(body).lstrip().startswith("{"):
        return []
    from ..sources.jsonc import JsonDocument, JsonError  # only a script with a JSON body pays for it

    try:
        parsed = JsonDocument(body)
    except (JsonError, RecursionError):
        return []
    if not isinstance(parsed.value, dict):
        return []
    found = provider_path(call.get("segments") or [])
    resource_type = found[0] if found is not None and len(found[1]) == found[0].count("/") else None
    api = _query_value(call, "api-version")
    facts: list[dict] = [fact("resource_body", call.get("at") or call.get("url") or body, operation=method.lower(), resource_type=resource_type,
                              members=sorted(_joined(k) for k in parsed.value),
                              method=call.get("method"), via=call.get("tool", "rest"))]
    for base, placement in (((), "top"), (("properties",), "properties"),
                            (("properties", "virtualMachineProfile"), "virtualMachineProfile")):
        holder = _at(parsed.value, base)
        key, identity = member(holder, "identity")
        if not isinstance(identity, dict):
            continue
        if placement != "top" and (resource_type not in KI.COMPUTE_TYPES or member(identity, "type")[0] is None):
            continue
        ipath = base + (str(key),)
        located = located_json(parsed, ipath, identity)
        facts.append(identity_block(
            located, parsed.key_text(ipath), lambda rel, ipath=ipath: parsed.value_span(ipath + rel),
            via=call.get("tool", "rest"), context="rest", operation=method.lower(), placement=placement,
            resource_type=resource_type, api_version=str(api) if api is not None and api.known else None,
            api_version_at=api, resource_name=None, resource=None, template=None,
            resource_url=call.get("url")))
    facts.extend(_loose_facts(parsed))
    return facts


def _joined(name: str) -> str:
    """A member name with its line breaks removed (a wrapped line in copied text) and lower-cased."""
    return str(name).replace("\r", "").replace("\n", "").lower()


def _query_value(call: dict, name: str) -> Optional[LStr]:
    found = [q["value"] for q in call.get("query") or [] if str(q["name"]) == name]
    return found[-1] if found and isinstance(found[-1], LStr) else None


def _at(value: Any, path: tuple) -> Any:
    for step in path:
        value = member(value, step)[1]
    return value


def with_body_facts(facts: list[dict]) -> list[dict]:
    """`facts` plus the body facts of every rest_call among them.  A body sent to several URLs by
    one command is read once, and a call already read (`body_read`) is not read again, so callers
    at two levels may both ask."""
    extra: list[dict] = []
    seen: set = set()
    for call in facts:
        if call["kind"] != "rest_call" or call.get("body_read") or id(call.get("body")) in seen:
            continue
        call["body_read"] = True
        seen.add(id(call.get("body")))
        extra.extend(rest_body_facts(call))
    return facts + extra if extra else facts
