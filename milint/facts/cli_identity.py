"""Identity and RBAC facts of one parsed ``az`` command: ``--set identity.type=`` updates, role
assignments and custom role definitions, identifiers given to options, resource types in values."""
from __future__ import annotations

from typing import Optional

from ..lstr import LStr
from . import fact
from .identity_blocks import identity_block
from .resource_ids import type_mentions

# options whose value is an identity's GUID: command -> {option: (role, strict)}
_ID_OPTIONS = {
    "login": {"--client-id": ("client_id", True), "--object-id": ("object_id", True),
              "--username": ("client_id", False), "--tenant": ("tenant_id", False)},
    "role assignment create": {"--assignee-object-id": ("principal_id", True),
                               "--assignee": ("principal_id", False)},
    "role assignment delete": {"--assignee-object-id": ("principal_id", True),
                               "--assignee": ("principal_id", False)},
}


def cli_identity_facts(parsed: dict, at: object, via: str) -> list[dict]:
    command = parsed["command"]
    options = parsed["options"]
    first = lambda name: (options.get(name) or [None])[0]  # noqa: E731
    facts: list[dict] = []
    identity_type = parsed["sets"].get("identity.type")
    if identity_type is not None and command.endswith(" update"):
        facts.append(identity_block(
            {LStr.of("type"): identity_type}, identity_type, lambda rel: identity_type,
            via=via, context="cli", operation="patch", placement="top",
            resource_type=_cli_resource_type(command), api_version=None, api_version_at=None,
            resource_name=first("--name"), resource=None, template=None))
    for option, (role, strict) in _ID_OPTIONS.get(command, {}).items():
        value = first(option)
        if value is not None and (command != "login" or role == "tenant_id" or "--identity" in options):
            facts.append(fact("id_value", value, value=value, role=role, strict=strict,
                              source=f"`{option}`", member=None, member_name=None, via=via))
    if command in ("role assignment create", "role assignment delete"):
        object_id = first("--assignee-object-id")
        facts.append(fact("role_assignment", at, via=via, command=command,
                          principal=object_id if object_id is not None else first("--assignee"),
                          principal_slot="object_id" if object_id is not None else "assignee",
                          role=first("--role"), role_definition_id=None, scope=first("--scope"),
                          name=None, resource=None))
    elif command == "role definition create":
        name = _role_definition_name(first("--role-definition"))
        if name is not None:
            facts.append(fact("role_definition", name, name=name, via=via))
    for values in options.values():
        for value in values:
            for where, namespace, rtype in type_mentions(value):
                facts.append(fact("resource_type_ref", where, namespace=namespace, type=rtype, via=via))
    return facts


def _cli_resource_type(command: str) -> Optional[str]:
    group = command.split()[0]
    return {"vm": "microsoft.compute/virtualmachines",
            "vmss": "microsoft.compute/virtualmachinescalesets"}.get(group)


def _role_definition_name(value: Optional[LStr]) -> Optional[LStr]:
    """The name of a custom role given inline as JSON (``--role-definition '{"Name": ...}'``)."""
    if value is None or not str(value).lstrip().startswith("{"):
        return None
    from ..sources.jsonc import JsonDocument, JsonError

    try:
        doc = JsonDocument(value)
    except (JsonError, RecursionError):
        return None
    if not isinstance(doc.value, dict):
        return None
    for key, item in doc.value.items():
        if isinstance(key, str) and key.lower() in ("name", "rolename") and isinstance(item, str):
            return doc.string((key,), item)
    return None
