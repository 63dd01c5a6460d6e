"""Facts from ARM templates: identity blocks and assignments, identity names, VM extensions, and
the scripts a template carries (extension commands, deployment scripts, outputs)."""
from __future__ import annotations

from typing import Any, Optional

from .. import knowledge as K
from ..lstr import LStr
from ..sources.arm import ArmResource, ArmTemplate
from ..sources.arm_expressions import Unknown
from ..sources.jsonc import JsonDocument
from . import fact
from .requests import Context
from .scripts import script_facts

_COMPUTE_EXTENSION_PARENTS = ("microsoft.compute/virtualmachines", "microsoft.compute/virtualmachinescalesets")


def arm_template_facts(doc: JsonDocument, ctx: Context) -> list[dict]:
    root = ArmTemplate(doc)
    facts: list[dict] = []
    for resource in root.all_resources():
        if resource.condition_is_false():
            continue
        facts.extend(_identity_facts(resource))
        if resource.type_lower == K.USER_ASSIGNED_IDENTITY_TYPE:
            facts.extend(_identity_name(resource))
        facts.extend(_extension_facts(resource, ctx))
        facts.extend(_deployment_script_facts(resource, ctx))
    for template in root.templates():
        facts.extend(_output_facts(template, ctx))
    return facts


def get_ci(mapping: Any, name: str) -> Any:
    """A member of an evaluated object by case-insensitive name (ARM property names are)."""
    if not isinstance(mapping, dict):
        return None
    low = name.lower()
    for key, value in mapping.items():
        if isinstance(key, str) and key.lower() == low:
            return value
    return None


def identity_type_parts(value: Optional[LStr]) -> Optional[frozenset]:
    """{'systemassigned', 'userassigned'} from 'SystemAssigned, UserAssigned'; None if unknown."""
    if value is None or not isinstance(value, LStr) or not value.known:
        return None
    return frozenset(p.strip().lower() for p in str(value).split(",") if p.strip())


def _identity_facts(resource: ArmResource) -> list[dict]:
    if resource.get("identity") is None:
        return []
    identity = resource.eval("identity")
    at = resource.key_where("identity")
    if not isinstance(identity, dict):
        return []
    type_value = get_ci(identity, "type")
    type_value = type_value.as_lstr() if isinstance(type_value, Unknown) else type_value
    ua = get_ci(identity, "userAssignedIdentities")
    ids = get_ci(identity, "identityIds")
    form = "dictionary" if ua is not None else "array" if ids is not None else None
    entries: Optional[list] = None
    if isinstance(ua, dict):
        entries = list(ua.keys())
    elif isinstance(ids, list):
        entries = [item.as_lstr() if isinstance(item, Unknown) else item for item in ids]
    elif ua is None and ids is None:
        entries = []
    count = len(entries) if entries is not None else None
    parts = identity_type_parts(type_value if isinstance(type_value, LStr) else None)
    facts = [fact("identity_block", at, resource_type=resource.type_lower, api_version=resource.api_version,
                  type=type_value if isinstance(type_value, LStr) else None, type_parts=parts,
                  user_assigned=entries, form=form, count=count, via="arm")]
    if resource.type_lower in K.IMDS_COMPUTE_TYPES:
        system = None if parts is None else "systemassigned" in {p.replace(" ", "") for p in parts}
        users = entries if parts is None or "userassigned" in parts else []
        facts.append(fact("identity_assignment", at, target=resource.type_lower, system=system,
                          user_assigned=users, count=len(users) if users is not None else None, via="arm"))
    return facts


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


def _extension_facts(resource: ArmResource, ctx: Context) -> list[dict]:
    facts: list[dict] = []
    t = resource.type_lower
    if t.endswith("/extensions") and t.rsplit("/", 1)[0] in _COMPUTE_EXTENSION_PARENTS:
        facts.extend(_one_extension(resource, ("properties",), ctx))
    if t == "microsoft.compute/virtualmachinescalesets":
        extensions = resource.get("properties", "virtualMachineProfile", "extensionProfile", "extensions")
        if isinstance(extensions, list):
            for i, _ in enumerate(extensions):
                base = ("properties", "virtualMachineProfile", "extensionProfile", "extensions", i)
                facts.extend(_one_extension(resource, base + ("properties",), ctx))
    if t == "microsoft.compute/virtualmachines/runcommands" or t.endswith("/runcommands"):
        script = resource.eval("properties", "source", "script")
        if isinstance(script, LStr):
            facts.extend(script_facts(script, ctx))
    return facts


def _one_extension(resource: ArmResource, props: tuple, ctx: Context) -> list[dict]:
    publisher = resource.eval(*props, "publisher")
    ext_type = resource.eval(*props, "type")
    publisher = publisher if isinstance(publisher, LStr) else None
    ext_type = ext_type if isinstance(ext_type, LStr) else None
    facts = [fact("vm_extension", ext_type if ext_type is not None else resource.where(*props),
                  publisher=publisher, type=ext_type, name=None, operation="set", via="arm")]
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
