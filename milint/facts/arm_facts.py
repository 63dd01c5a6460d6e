"""Facts from ARM templates: identity blocks and assignments, identity names, VM extensions, and
the scripts a template carries (extension commands, deployment scripts, outputs)."""
from __future__ import annotations

from typing import Optional

from .. import knowledge as K
from .. import knowledge_identity as KI
from ..lstr import LStr
from ..sources.arm import ArmResource, ArmTemplate
from ..sources.jsonc import JsonDocument
from . import fact
from .arm_rbac import full_name, key_of, resource_facts, template_string_facts, written
from .identity_blocks import identity_block, member
from .requests import Context
from .scripts import script_facts

_COMPUTE_EXTENSION_PARENTS = ("microsoft.compute/virtualmachines", "microsoft.compute/virtualmachinescalesets")


def arm_template_facts(doc: JsonDocument, ctx: Context) -> list[dict]:
    root = ArmTemplate(doc)
    resources = list(root.all_resources())
    # a walk over every string of the template: only when a rule reads what it finds
    facts: list[dict] = (template_string_facts(root, resources)
                         if ctx.wants_any("resource_type_ref", "arm_reference", "id_value") else [])
    want_resources = ctx.wants_any("arm_resource", "role_assignment", "role_definition", "id_value")
    # resources whose dependsOn a rule reads: readers of another resource's identity, machines
    # given user-assigned identities, extensions declared on their own
    readers = {f["resource"] for f in facts if f["kind"] == "arm_reference" and f["chain"]}
    names: dict = {}
    for resource in resources:
        names[resource.path] = full_name(resource, names)
        if resource.condition_is_false():
            continue
        blocks = _identity_facts(resource, names[resource.path])
        facts.extend(blocks)
        if resource.type_lower == K.USER_ASSIGNED_IDENTITY_TYPE:
            facts.extend(_identity_name(resource))
        facts.extend(_extension_facts(resource, ctx, names))
        facts.extend(_deployment_script_facts(resource, ctx))
        need_depends = (key_of(resource) in readers or any(b.get("entries") for b in blocks)
                        or resource.parent is None and resource.type_lower.endswith("/extensions"))
        if want_resources:
            facts.extend(resource_facts(resource, names[resource.path], need_depends))
    for template in root.templates():
        facts.extend(_output_facts(template, ctx))
    return facts


# where an identity object may be written inside a resource; only the first is right
_IDENTITY_PLACES = (((), "top"), (("properties",), "properties"),
                    (("properties", "virtualMachineProfile"), "virtualMachineProfile"))


def _identity_facts(resource: ArmResource, name: Optional[LStr]) -> list[dict]:
    facts: list[dict] = []
    for base, placement in _IDENTITY_PLACES:
        if placement != "top" and resource.type_lower not in KI.COMPUTE_TYPES:
            break  # other providers may nest objects called identity (encryption settings...)
        if not isinstance(resource.get(*base, "identity"), dict):
            continue
        identity = resource.eval(*base, "identity")
        if not isinstance(identity, dict):
            continue
        if placement != "top" and member(identity, "type")[0] is None:
            continue
        block = identity_block(
            identity, resource.key_where(*base, "identity"),
            lambda rel, base=base: resource.where(*base, "identity", *rel),
            raw_keys=_written_keys(resource, base + ("identity",)),
            via="arm", context="arm", operation="put", placement=placement,
            resource_type=resource.type_lower, api_version=resource.api_version,
            api_version_at=written(resource, ("apiVersion",)) if resource.api_version else None,
            resource_name=name, resource=key_of(resource), template=key_of(resource.template))
        facts.append(block)
        if placement == "top" and resource.type_lower in K.IMDS_COMPUTE_TYPES:
            parts = block["type_parts"]
            system = None if parts is None else "systemassigned" in {p.replace(" ", "") for p in parts}
            users = block["user_assigned"] if parts is None or "userassigned" in parts else []
            facts.append(fact("identity_assignment", block["at"], target=resource.type_lower, system=system,
                              user_assigned=users, count=len(users) if users is not None else None,
                              via="arm"))
    return facts


def _written_keys(resource: ArmResource, path: tuple) -> Optional[list]:
    """The keys of the identity's userAssignedIdentities as written (before evaluation)."""
    key, raw = member(resource.get(*path), "userAssignedIdentities")
    if not isinstance(raw, dict):
        return None
    return [resource.key_where(*path, str(key), k) for k in raw]


def _identity_name(resource: ArmResource) -> list[dict]:
    name = resource.eval("name")
    if not isinstance(name, LStr):
        return []
    written = resource.template.doc.string(resource.path + ("name",), resource.value.get("name", ""))
    related = []
    if str(written).startswith("["):
        related.append({"at": written, "message": "the resource name that uses this value"})
    return [fact("identity_name", name, name=name, via="arm", related=related,
                 resource_type=resource.type_lower)]


def _extension_facts(resource: ArmResource, ctx: Context, names: dict) -> list[dict]:
    facts: list[dict] = []
    t = resource.type_lower
    if t.endswith("/extensions") and t.rsplit("/", 1)[0] in _COMPUTE_EXTENSION_PARENTS:
        facts.extend(_one_extension(resource, ("properties",), ctx, _extension_target(resource, names)))
    if t == "microsoft.compute/virtualmachinescalesets":
        extensions = resource.get("properties", "virtualMachineProfile", "extensionProfile", "extensions")
        if isinstance(extensions, list):
            for i, _ in enumerate(extensions):
                base = ("properties", "virtualMachineProfile", "extensionProfile", "extensions", i)
                facts.extend(_one_extension(resource, base + ("properties",), ctx, key_of(resource)))
    if t == "microsoft.compute/virtualmachines/runcommands" or t.endswith("/runcommands"):
        script = resource.eval("properties", "source", "script")
        if isinstance(script, LStr):
            facts.extend(script_facts(script, ctx))
    return facts


def _extension_target(resource: ArmResource, names: dict) -> Optional[str]:
    """The key of the machine an extension resource belongs to, when the template deploys it."""
    if resource.parent is not None:
        return key_of(resource.parent)
    name = names.get(resource.path)
    if name is None or not name.known or "/" not in name:
        return None
    machine = str(name).split("/")[0].lower()
    parent_type = resource.type_lower.rsplit("/", 1)[0]
    for other in resource.template.resources():
        other_name = names.get(other.path)
        if other.type_lower == parent_type and other_name is not None and other_name.lower() == machine:
            return key_of(other)
    return None


def _one_extension(resource: ArmResource, props: tuple, ctx: Context, target: Optional[str] = None
                   ) -> list[dict]:
    publisher = resource.eval(*props, "publisher")
    ext_type = resource.eval(*props, "type")
    publisher = publisher if isinstance(publisher, LStr) else None
    ext_type = ext_type if isinstance(ext_type, LStr) else None
    facts = [fact("vm_extension", ext_type if ext_type is not None else resource.where(*props),
                  publisher=publisher, type=ext_type, name=None, operation="set", via="arm",
                  machine=target)]
    windows = ext_type is not None and ext_type.lower() in ("customscriptextension",)
    for settings in ("settings", "protectedSettings"):
        command = resource.eval(*props, settings, "commandToExecute")
        if isinstance(command, LStr):
            facts.extend(script_facts(command, ctx, "powershell" if windows else None))
    return facts


def _deployment_script_facts(resource: ArmResource, ctx: Context) -> list[dict]:
    if resource.type_lower != "microsoft.resources/deploymentscripts":
        return []
    content = resource.eval("properties", "scriptContent")
    if not isinstance(content, LStr):
        return []
    kind = resource.eval("kind")
    language = None
    if isinstance(kind, LStr) and kind.known:
        language = "powershell" if "powershell" in kind.lower() else "bash"
    return script_facts(content, ctx, language)


def _output_facts(template: ArmTemplate, ctx: Context) -> list[dict]:
    outputs = template.value.get("outputs") if isinstance(template.value, dict) else None
    if not isinstance(outputs, dict):
        return []
    facts: list[dict] = []
    for name, output in outputs.items():
        if isinstance(output, dict) and isinstance(output.get("value"), str):
            value = template.eval_at(template.path + ("outputs", name, "value"))
            if isinstance(value, LStr) and _looks_like_command(value):
                facts.extend(script_facts(value, ctx))
    return facts


def _looks_like_command(value: str) -> bool:
    """Outputs that print a command for the user to run (curl ..., Invoke-RestMethod ...)."""
    low = value.lower()
    return any(mark in low for mark in ("curl ", "wget ", "invoke-", "az ", "connect-az"))
