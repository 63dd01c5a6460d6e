"""Facts from ARM templates about resources, dependencies, role assignments and identifiers:
`arm_resource`, `arm_reference`, `role_assignment`, `role_definition`, `id_value` and
`resource_type_ref`."""
from __future__ import annotations

import re
from typing import Any, Optional

from .. import knowledge_identity as KI
from ..lstr import LStr
from ..sources.arm import ArmResource, ArmTemplate
from . import fact
from .arm_calls import calls, close_paren, evaluate_node, last_member, string_arg
from .identity_blocks import as_lstr, walk_strings
from .resource_ids import type_mentions

def key_of(node: Any) -> str:
    """A plain-data key naming a resource or template (`ArmResource`, `ArmTemplate`): its JSON path,
    after where its JSON starts in the file, so that two templates of one file (two Markdown
    blocks) never share keys."""
    key = node.__dict__.get("_key")
    if key is None:  # asked for tens of times per resource: made once
        doc = node.doc if isinstance(node, ArmTemplate) else node.template.doc
        start = doc.source.span(0, 0)[0]
        key = node._key = f"{start}:" + "/".join(str(p) for p in node.path)
    return key


# ---------------------------------------------------------------- per resource
def resource_facts(resource: ArmResource, full_name: Optional[LStr], need_depends: bool) -> list[dict]:
    """`arm_resource`, and the role-assignment facts of one resource.

    `need_depends`: evaluate `dependsOn` (costly on big templates; only the resources that other
    facts relate to another resource need it).  Otherwise `depends_on` is None: unknown."""
    entries = None
    if need_depends:
        depends = resource.eval("dependsOn") if resource.get("dependsOn") is not None else []
        entries = [as_lstr(d) or LStr.of("\ufffc") for d in depends] if isinstance(depends, list) else None
    facts = [fact("arm_resource", resource.type_lstr if resource.type_lstr is not None else resource.where(),
                  type=resource.type_lower, name=full_name, name_at=written(resource, ("name",)),
                  key=key_of(resource),
                  template=key_of(resource.template),
                  parent=key_of(resource.parent) if resource.parent is not None else None,
                  depends_on=entries, api_version=resource.api_version,
                  members=sorted(k.lower() for k in resource.value if isinstance(k, str)))]
    t = resource.type_lower
    if t == KI.ROLE_ASSIGNMENT_TYPE or t.endswith("/providers/roleassignments"):
        facts.extend(_role_assignment(resource, full_name))
    elif t == KI.ROLE_DEFINITION_TYPE:
        name = resource.eval("properties", "roleName")
        if isinstance(name, LStr):
            facts.append(fact("role_definition", name, name=name, via="arm"))
    elif t in ("microsoft.keyvault/vaults", "microsoft.keyvault/vaults/accesspolicies"):
        facts.extend(_access_policies(resource))
    return facts


def _role_assignment(resource: ArmResource, name: Optional[LStr]) -> list[dict]:
    principal = evaluated(resource, ("properties", "principalId"))
    facts = [fact("role_assignment", resource.type_lstr if resource.type_lstr is not None else resource.where(),
                  via="arm", principal=principal, principal_slot="object_id", role=None,
                  role_definition_id=evaluated(resource, ("properties", "roleDefinitionId")),
                  role_definition_id_at=written(resource, ("properties", "roleDefinitionId")),
                  scope=evaluated(resource, ("properties", "scope")),
                  scope_at=written(resource, ("properties", "scope")),
                  name=name, name_at=written(resource, ("name",)), resource=key_of(resource))]
    if resource.get("properties", "principalId") is not None:
        facts.append(_id_value(resource, ("properties", "principalId"), "principal_id", True,
                               "the role assignment's principalId", principal))
    return facts


_RUNTIME_ONLY = re.compile(r"\b(?:reference|list\w*|newguid|guid|uniquestring)\s*\(", re.IGNORECASE)


def evaluated(resource: ArmResource, rel: tuple) -> Optional[LStr]:
    """A member's value as a located string; an expression that reads the deployment's runtime
    (reference(), list*(), guid()...) is unknown without evaluating its arguments."""
    raw = resource.get(*rel)
    if isinstance(raw, str) and raw.startswith("[") and _RUNTIME_ONLY.search(raw):
        located = written(resource, rel)
        return LStr.unknown(0, len(located), parent=located, raw=raw)
    return as_lstr(resource.eval(*rel)) if raw is not None else None


def written(resource: ArmResource, rel: tuple) -> Any:
    """Where a member's value is written (a string's located text; otherwise the value's span)."""
    raw = resource.get(*rel)
    if raw is None:
        return None
    if isinstance(raw, str):
        return resource.template.doc.string(resource.path + rel, raw)
    return resource.where(*rel)


def _access_policies(resource: ArmResource) -> list[dict]:
    policies = resource.get("properties", "accessPolicies")
    if not isinstance(policies, list):
        return []
    facts = []
    for i, policy in enumerate(policies):
        if not isinstance(policy, dict):
            continue
        for member, role in (("objectId", "principal_id"), ("tenantId", "tenant_id"),
                             ("applicationId", "client_id")):
            if member in policy:
                facts.append(_id_value(resource, ("properties", "accessPolicies", i, member), role, True,
                                       f"the access policy's {member}"))
    return facts


def _id_value(resource: ArmResource, rel: tuple, role: str, strict: bool, source: str,
              value: Optional[LStr] = None) -> dict:
    """An identifier slot of a resource: its evaluated value and, for an expression that reads a
    client ID, the member it ends by reading (``reference(...).clientId``)."""
    value = value if value is not None else evaluated(resource, rel)
    raw = resource.get(*rel)
    member = None
    if isinstance(raw, str) and "clientid" in raw.lower():
        member = last_member(resource.template.doc.string(resource.path + rel, raw))
    return fact("id_value", value if value is not None else resource.where(*rel), value=value, role=role,
                strict=strict, source=source, member=member,
                member_name=str(member).lower() if member is not None else None, via="arm")


# ---------------------------------------------------------------- over every string
def template_string_facts(root: ArmTemplate, resources: list[ArmResource]) -> list[dict]:
    """`arm_reference`, `resource_type_ref` and loose `id_value` facts found in any string of the
    template (values and member names)."""
    doc = root.doc
    templates = {t.path: t for t in root.templates()}
    by_path = {r.path: r for r in resources}
    covered = {r.path + ("properties", "principalId") for r in resources}
    facts: list[dict] = []
    for path, is_key, text in walk_strings(doc.value, wanted=_worth_reading):
        low = text.lower()
        has_type = "microsoft." in low
        has_reference = not is_key and text.startswith("[") and "reference" in low
        role = None if is_key or text.startswith("[") or path in covered else _id_member(path)
        if not (has_type or has_reference or role):
            continue
        located = doc.key_text(path) if is_key else doc.string(path, text)
        if has_type:
            for at, namespace, rtype in type_mentions(located):
                facts.append(fact("resource_type_ref", at, namespace=namespace, type=rtype, via="arm"))
        if has_reference:
            template = _innermost(templates, path)
            resource = _innermost(by_path, path)
            if resource is not None and resource.template is not template:
                resource = None
            facts.extend(_reference_facts(located, template, resource, path))
        if role:
            facts.append(fact("id_value", located, value=located, role=role, strict=False,
                              source=f"`{path[-1]}`", member=None, member_name=None, via="arm"))
    facts.extend(_parameter_ids(root))
    return facts


def _worth_reading(member, is_key: bool, text: str) -> bool:
    """What template_string_facts reads: a resource type, a reference() call, a loose identifier."""
    low = text.lower()
    if "microsoft." in low:
        return True
    if is_key:
        return False
    if text.startswith("["):
        return "reference" in low
    return isinstance(member, str) and member.lower() in KI.ID_MEMBERS


def _id_member(path: tuple) -> Optional[str]:
    last = path[-1] if path else None
    return KI.ID_MEMBERS.get(last.lower()) if isinstance(last, str) else None


def _parameter_ids(root: ArmTemplate) -> list[dict]:
    """Defaults of parameters named like an identity's IDs (``appIdentityClientId``)."""
    facts = []
    for template in root.templates():
        params = template.value.get("parameters") if isinstance(template.value, dict) else None
        if not isinstance(params, dict):
            continue
        for name, definition in params.items():
            low = name.lower() if isinstance(name, str) else ""
            role = next((r for suffix, r in (("clientid", "client_id"), ("principalid", "principal_id"),
                                               ("objectid", "object_id"), ("tenantid", "tenant_id"))
                         if low.endswith(suffix)), None)
            if role is None or not isinstance(definition, dict):
                continue
            default = definition.get("defaultValue")
            if isinstance(default, str) and not default.startswith("["):
                path = template.path + ("parameters", name, "defaultValue")
                value = root.doc.string(path, default)
                facts.append(fact("id_value", value, value=value, role=role, strict=False,
                                  source=f"parameter `{name}`", member=None, member_name=None, via="arm"))
    return facts


def _innermost(by_path: dict, path: tuple) -> Any:
    for k in range(len(path), -1, -1):
        found = by_path.get(path[:k])
        if found is not None:
            return found
    return None


def _reference_facts(located: LStr, template: Optional[ArmTemplate], resource: Optional[ArmResource],
                     path: tuple) -> list[dict]:
    facts = []
    for call in calls(located, "reference"):
        if not call.args:
            continue
        target = evaluate_node(located, call.args[0], template.scope) if template is not None else None
        target = as_lstr(target)
        if len(call.args) >= 3:
            third = string_arg(call, 2)
            full: Optional[bool] = None if third is None or not third.known else third.lower() == "full"
        else:
            full = False
        facts.append(fact(
            "arm_reference", call.text, target=target, api_version=string_arg(call, 1),
            args=len(call.args), full=full, chain=call.chain,
            member_at=call.chain_at[0] if call.chain_at else None, insert_at=close_paren(call),
            resource=key_of(resource) if resource is not None else None,
            template=key_of(template) if template is not None else None,
            in_outputs=template is not None and path[len(template.path):len(template.path) + 1] == ("outputs",),
        ))
    return facts


# resources whose names rules compare (an identity, a machine, an extension, a role assignment)
NAMED_TYPES = KI.COMPUTE_TYPES | {KI.USER_ASSIGNED_IDENTITY_TYPE.lower(), KI.ROLE_ASSIGNMENT_TYPE,
                                  "microsoft.compute/virtualmachines/extensions",
                                  "microsoft.compute/virtualmachinescalesets/extensions"}


def full_name(resource: ArmResource, names: dict) -> Optional[LStr]:
    """The resource's name with its parents' names (``vm/extension``) for a nested child; None
    for resources of other types (no rule compares their names)."""
    t = resource.type_lower
    if t not in NAMED_TYPES and not t.endswith("/providers/roleassignments"):
        return None
    name = resource.eval("name") if "name" in resource.value else None
    name = as_lstr(name) if not isinstance(name, (dict, list)) else None
    if name is None or resource.parent is None:
        return name
    parent = names.get(resource.parent.path)
    if parent is None:
        return None
    return LStr.concat([parent, LStr.of("/"), name])
