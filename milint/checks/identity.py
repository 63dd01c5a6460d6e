"""MI3xx: identity blocks (ARM templates, REST bodies, JSON samples) and the template structure
around identities (reference(), dependsOn, extension resources)."""
from __future__ import annotations

import re
from typing import Iterable, Optional

from .. import knowledge_identity as KI
from ..facts.resource_ids import (looks_like_placeholder, misspelled_type, type_mentions,
                                  user_assigned_id_problem)
from ..lstr import LStr, UNKNOWN
from . import CheckContext, Edit, Hit, registry
from .edits import place, plain_edit

CHECKS, check = registry()

_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


def _norm(value: str) -> str:
    return re.sub(r"\s+", "", value).lower()


def _known_type(block: dict) -> Optional[LStr]:
    value = block.get("type")
    if value is None or not value.known or looks_like_placeholder(str(value)) and str(value).strip():
        return None
    return value


# ---------------------------------------------------------------- MI302
@check("MI302")
def identity_type_invalid(ctx: CheckContext) -> Iterable[Hit]:
    for block in ctx.facts_of("identity_block"):
        value = _known_type(block)
        if value is None:
            continue
        norm = _norm(str(value))
        if norm in KI.IDENTITY_TYPES or norm in KI.BOTH_TYPES_ALIASES and norm != "systemassigneduserassigned":
            continue
        words = {w for w in re.split(r"[^a-z]+", norm) if w}
        fix = None
        if words == {"systemassigned", "userassigned"} or norm == "systemassigneduserassigned":
            hint = "write `SystemAssigned, UserAssigned` for both identities"
            fix = plain_edit(ctx, value, "SystemAssigned, UserAssigned")
        elif not norm:
            hint = "it is empty"
        else:
            hint = "it is none of the four values the API takes"
        yield Hit(at=value if str(value) else block["at"], args={"value": str(value), "hint": hint},
                  fix=[fix] if fix else None)


# ---------------------------------------------------------------- MI303
@check("MI303")
def identity_type_noncanonical(ctx: CheckContext) -> Iterable[Hit]:
    for block in ctx.facts_of("identity_block"):
        value = _known_type(block)
        if value is None or block.get("context") == "cli":
            continue  # the CLI has its own spelling rules (MI401)
        if (block.get("resource_type") or "").startswith(KI.LOWER_CAMEL_TYPE_PROVIDERS):
            continue
        text = str(value)
        norm = _norm(text)
        reordered = norm == "userassigned,systemassigned"
        canonical = KI.IDENTITY_TYPES.get("systemassigned,userassigned" if reordered else norm)
        if canonical is None or text == canonical:
            continue
        if block.get("resource_type") in KI.SPACED_PAIR_TYPES:
            expected = canonical
        elif reordered:  # keep the separator as written: providers spell the pair differently
            expected = re.sub(r"^\s*[A-Za-z]+(\s*,\s*)[A-Za-z]+\s*$", r"SystemAssigned\1UserAssigned", text)
        else:
            expected = _recase(text)
        if expected == text:
            continue
        yield Hit(at=value, args={"value": text, "expected": expected},
                  fix=_list(plain_edit(ctx, value, expected)))


def _recase(text: str) -> str:
    """The parts of a type value in their canonical case, separators kept as written."""
    return re.sub(r"[A-Za-z]+", lambda m: KI.IDENTITY_TYPES.get(m.group().lower(), m.group()), text)


def _list(edit: Optional[Edit]) -> Optional[list[Edit]]:
    return [edit] if edit is not None else None


# ---------------------------------------------------------------- MI304
@check("MI304")
def identity_type_list_mismatch(ctx: CheckContext) -> Iterable[Hit]:
    for block in ctx.facts_of("identity_block"):
        value = _known_type(block)
        if value is None or block.get("context") == "cli" or block.get("both_lists"):
            continue
        norm = _norm(str(value))
        if norm not in KI.IDENTITY_TYPES:
            continue  # an invalid type is MI302's finding
        wants_users = "userassigned" in norm
        users = block.get("user_assigned")
        related = [(block["list_key"], "the user-assigned identities")] if block.get("list_key") is not None else []
        if wants_users and block.get("operation") == "put":
            if block.get("list_key") is None:
                yield Hit(at=value, args={"value": str(value), "problem": "no user-assigned identity is listed",
                                          "how": "add them under userAssignedIdentities (or identityIds)"})
            elif users == [] and block.get("list_kind") in ("object", "array") and not _removals(block):
                yield Hit(at=value, args={"value": str(value), "problem": "the list of user-assigned identities is empty",
                                          "how": "list them, or drop UserAssigned from the type"},
                          related=related)
        elif not wants_users and users:
            yield Hit(at=value, args={"value": str(value),
                                      "problem": f"{len(users)} user-assigned identit{'y is' if len(users) == 1 else 'ies are'} listed",
                                      "how": "add UserAssigned to the type, or remove the list"},
                      related=related)


def _removals(block: dict) -> bool:
    return any(e["value"] == "null" for e in block.get("entries") or [])


# ---------------------------------------------------------------- MI305
@check("MI305")
def identity_list_api_version(ctx: CheckContext) -> Iterable[Hit]:
    for block in ctx.facts_of("identity_block"):
        if block.get("resource_type") not in KI.COMPUTE_TYPES or block.get("list_key") is None or block.get("both_lists"):
            continue
        date = _api_date(block.get("api_version"))
        if date is None:
            continue
        api = block["api_version"]
        related = [(block["api_version_at"], f"api-version {api}")] if block.get("api_version_at") is not None else []
        form = block["form"]
        if date < KI.UA_SUPPORTED_FROM:
            problem = f"api-version {api} has no user-assigned identities; they need {KI.UA_SUPPORTED_FROM} or later"
        elif form == "dictionary" and date < KI.UA_DICTIONARY_FROM:
            problem = (f"api-version {api} takes an identityIds array; userAssignedIdentities needs "
                       f"{KI.UA_DICTIONARY_FROM} or later")
        elif form == "array" and date >= KI.UA_DICTIONARY_FROM:
            problem = (f"api-version {api} takes a userAssignedIdentities dictionary "
                       f"keyed by resource ID; identityIds belongs to {KI.UA_SUPPORTED_FROM}")
        else:
            continue
        yield Hit(at=block["list_key"], args={"list": str(block["list_key"]), "problem": problem}, related=related)


def _api_date(api) -> Optional[str]:
    m = _DATE.match(str(api)) if api is not None else None
    return m.group(1) if m else None


# ---------------------------------------------------------------- MI306
@check("MI306")
def user_assigned_id_malformed(ctx: CheckContext) -> Iterable[Hit]:
    for block in ctx.facts_of("identity_block"):
        for entry in block.get("entries") or []:
            value = entry["id"]
            problem = user_assigned_id_problem(value, joined=True) if value is not None else None
            if problem:
                yield Hit(at=place(ctx, value, entry["at"]), args={"value": _shown(value), "problem": problem})
    # a token request's mi_res_id / msi_res_id holding something else is MI120's


def _shown(value: LStr) -> str:
    return str(value).replace(UNKNOWN, "…")


# ---------------------------------------------------------------- MI307
@check("MI307")
def identity_misplaced(ctx: CheckContext) -> Iterable[Hit]:
    for block in ctx.facts_of("identity_block"):
        if block.get("placement") in ("properties", "virtualMachineProfile"):
            yield Hit(at=block["at"], args={"place": block["placement"]})


# ---------------------------------------------------------------- MI308
@check("MI308")
def resource_type_misspelled(ctx: CheckContext) -> Iterable[Hit]:
    seen: set = set()
    mentions = [(f["at"], f["namespace"], f["type"]) for f in ctx.facts_of("resource_type_ref")]
    for call in ctx.facts_of("rest_call"):
        if isinstance(call.get("url"), LStr):
            mentions.extend(type_mentions(call["url"]))
    for at, namespace, rtype in mentions:
        expected = misspelled_type(namespace, rtype)
        if expected is None:
            continue
        span = at.span()
        if span in seen:
            continue
        seen.add(span)
        yield Hit(at=at, args={"value": f"{namespace}/{rtype}", "expected": expected})


# ---------------------------------------------------------------- MI309
@check("MI309")
def user_assigned_list_malformed(ctx: CheckContext) -> Iterable[Hit]:
    for block in ctx.facts_of("identity_block"):
        for stray in block.get("stray_ids") or []:
            yield Hit(at=stray, args={"problem": "this identity ID is a member of `identity` itself, outside the list",
                                      "how": "move it into userAssignedIdentities (check the braces)"})
        key, kind, form = block.get("list_key"), block.get("list_kind"), block.get("form")
        if key is None or block.get("both_lists"):
            continue
        if form == "dictionary" and kind in ("array", "string"):
            yield Hit(at=block["list_at"], args={"problem": f"userAssignedIdentities is a JSON {kind}",
                                                  "how": "make it an object whose keys are the identities' resource IDs and whose values are empty objects"})
        elif form == "array" and kind in ("object", "string"):
            yield Hit(at=block["list_at"], args={"problem": f"identityIds is a JSON {kind}",
                                                  "how": "make it an array of the identities' resource IDs"})
        for entry in block.get("entries") or []:
            if form == "array" and entry["value"] == "null":
                yield Hit(at=entry["at"], args={"problem": "identityIds holds null",
                                                "how": "leave out the identity to remove: the array replaces the whole list"})
            elif form == "array" and entry["value"] in ("object", "array", "other"):
                yield Hit(at=entry["at"], args={"problem": f"identityIds holds a JSON {entry['value']}",
                                                "how": "list resource ID strings only"})
            elif form == "dictionary" and entry["value"] in ("string", "array", "other"):
                yield Hit(at=entry["at"], args={"problem": "the value given for this identity is not an object",
                                                "how": "give an empty object (or null to remove it in a PATCH)"})


# ---------------------------------------------------------------- MI310
@check("MI310")
def reference_identity_without_full(ctx: CheckContext) -> Iterable[Hit]:
    for ref in ctx.facts_of("arm_reference"):
        if not ref["chain"] or ref["chain"][0] != "identity" or ref["full"] is not False:
            continue
        fix = [Edit(ref["insert_at"], ", 'Full'")] if ref["args"] == 2 else None
        how = "add 'Full' as the third argument" if ref["args"] == 2 else \
            "pass the resource's api-version and 'Full' as second and third arguments"
        yield Hit(at=ref["at"], args={"call": str(ref["at"]), "how": how}, fix=fix)


# ---------------------------------------------------------------- dependencies in a template
class _Resources(dict):
    """The template's resources by key, and by (template, type, name) for dependency look-ups."""

    def __init__(self, facts: list[dict]):
        super().__init__((r["key"], r) for r in facts)
        self.by_name: dict[tuple, dict] = {}
        for r in facts:
            if r["name"] is not None and r["name"].known:
                self.by_name.setdefault((r["template"], r["type"], str(r["name"]).lower()), r)


def _resources(ctx: CheckContext) -> _Resources:
    return _Resources(ctx.facts_of("arm_resource"))


def _named_target(target: Optional[LStr]) -> Optional[tuple[str, str]]:
    """(type, name) of the resource a resource ID names, both known; None otherwise."""
    if target is None:
        return None
    text = str(target)
    low = text.lower()
    i = low.rfind("/providers/")
    if i < 0:
        return None
    parts = text[i + len("/providers/"):].split("/")
    if len(parts) < 3 or len(parts) % 2 == 0:
        return None
    types = [parts[0]] + parts[1::2]
    names = parts[2::2]
    if any(UNKNOWN in p or not p for p in types + names):
        return None
    return "/".join(types).lower(), "/".join(names).lower()


def _deployed(resources: _Resources, template: str, rtype: str, name: str) -> Optional[dict]:
    return resources.by_name.get((template, rtype, name))


def _depends_on(resources: dict, resource: dict, target: dict) -> bool:
    """True when `resource` depends on `target`, or might (an entry we cannot read)."""
    node = resource
    while node is not None:  # a nested child depends on its parents
        if node["key"] == target["key"]:
            return True
        node = resources.get(node["parent"]) if node["parent"] else None
    entries = resource["depends_on"]
    if entries is None:
        return True
    last = str(target["name"]).rsplit("/", 1)[-1].lower()
    for entry in entries:
        tail = str(entry).rstrip("/").rsplit("/", 1)[-1]
        if UNKNOWN in tail or tail.lower() == last:
            return True
    return False


_IDENTITY_READS = ("identity", "principalid", "clientid", "tenantid")


@check("MI311")
def identity_reference_missing_depends_on(ctx: CheckContext) -> Iterable[Hit]:
    resources = _resources(ctx)
    for ref in ctx.facts_of("arm_reference"):
        if not ref["chain"] or ref["chain"][0] not in _IDENTITY_READS or ref["in_outputs"]:
            continue
        holder = resources.get(ref["resource"]) if ref["resource"] else None
        named = _named_target(ref["target"])
        if holder is None or named is None:
            continue  # a reference by name makes ARM wait by itself
        target = _deployed(resources, ref["template"], *named)
        if target is None or _depends_on(resources, holder, target):
            continue
        yield Hit(at=ref["at"], args={"name": str(target["name"]), "holder": str(holder["at"])},
                  related=[(target["at"], "the resource this reads, deployed by the same template")])


@check("MI312")
def user_assigned_identity_missing_depends_on(ctx: CheckContext) -> Iterable[Hit]:
    resources = _resources(ctx)
    for block in ctx.facts_of("identity_block"):
        if block.get("context") != "arm" or block.get("placement") != "top":
            continue
        holder = resources.get(block.get("resource"))
        if holder is None:
            continue
        for entry in block.get("entries") or []:
            named = _named_target(entry["id"])
            if named is None or named[0] != KI.USER_ASSIGNED_IDENTITY_TYPE.lower() or entry["value"] == "null":
                continue
            target = _deployed(resources, holder["template"], *named)
            if target is None or _depends_on(resources, holder, target):
                continue
            yield Hit(at=entry["at"], args={"name": str(target["name"])},
                      related=[(target["at"], "the identity, created by the same template")])


# ---------------------------------------------------------------- extension resources
_EXTENSION_TYPES = ("microsoft.compute/virtualmachines/extensions",
                    "microsoft.compute/virtualmachinescalesets/extensions")


@check("MI313")
def extension_name_segments(ctx: CheckContext) -> Iterable[Hit]:
    for resource in ctx.facts_of("arm_resource"):
        name = resource["name"]
        if resource["type"] not in _EXTENSION_TYPES or resource["parent"] or name is None:
            continue
        text = str(name)
        if re.search(r"\s/|/\s", text):
            problem = "it has whitespace next to '/'"
        elif not name.known:
            continue
        elif text.count("/") != 1 or text.startswith("/") or text.endswith("/"):
            problem = f"it has {len([p for p in text.split('/') if p])} segment(s)"
        else:
            continue
        yield Hit(at=place(ctx, name, resource["name_at"]),
                  args={"name": text.replace(UNKNOWN, "…"), "problem": problem})


@check("MI314")
def extension_missing_depends_on_machine(ctx: CheckContext) -> Iterable[Hit]:
    resources = _resources(ctx)
    for resource in resources.values():
        name = resource["name"]
        if resource["type"] not in _EXTENSION_TYPES or resource["parent"] or name is None:
            continue
        machine = str(name).split("/")[0]
        if UNKNOWN in machine or "/" not in str(name):
            continue
        parent_type = resource["type"].rsplit("/", 1)[0]
        target = _deployed(resources, resource["template"], parent_type, machine.lower())
        if target is None or _depends_on(resources, resource, target):
            continue
        yield Hit(at=place(ctx, name, resource["name_at"]), args={"machine": machine},
                  related=[(target["at"], "the machine, deployed by the same template")])


# ---------------------------------------------------------------- MI315
@check("MI315")
def compute_api_version_unknown(ctx: CheckContext) -> Iterable[Hit]:
    for block in ctx.facts_of("identity_block"):
        if block.get("resource_type") not in KI.COMPUTE_TYPES or block.get("api_version_at") is None:
            continue
        api = str(block.get("api_version") or "")
        date = _api_date(api)
        if date is None or date > KI.COMPUTE_API_VERSIONS_KNOWN_UNTIL or api in KI.COMPUTE_API_VERSIONS:
            continue
        yield Hit(at=block["api_version_at"], args={"api": api})


# ---------------------------------------------------------------- MI316
@check("MI316")
def identity_extension_publisher(ctx: CheckContext) -> Iterable[Hit]:
    for extension in ctx.facts_of("vm_extension"):
        ext_type, publisher = extension.get("type"), extension.get("publisher")
        if extension.get("operation") != "set" or ext_type is None or publisher is None:
            continue
        if not ext_type.known or not publisher.known or ext_type.lower() not in KI.MI_EXTENSION_TYPES:
            continue
        if publisher.lower() == KI.MI_EXTENSION_PUBLISHER.lower():
            continue
        yield Hit(at=publisher, args={"publisher": str(publisher), "type": str(ext_type)})


# ---------------------------------------------------------------- MI317
@check("MI317")
def identity_resource_without_location(ctx: CheckContext) -> Iterable[Hit]:
    # REST PUTs without location are MI508's; this rule covers template resources
    for resource in ctx.facts_of("arm_resource"):
        if resource["type"] == KI.USER_ASSIGNED_IDENTITY_TYPE.lower() and "location" not in resource["members"]:
            yield Hit(at=resource["at"], args={"type": str(resource["at"])})


