"""Identity and RBAC facts of PowerShell cmdlet calls: role assignments, the identifiers given to
``-ObjectId`` / ``-ApplicationId`` / ``-AccountId`` / ``-Tenant``, and resource types in values."""
from __future__ import annotations

import re
from typing import Optional

from ..lstr import LStr
from ..sources.powershell import PsArray, PsCommand, PsParam, PsUnknown
from . import fact
from .resource_ids import type_mentions

_SWITCHES = frozenset({"identity", "allowdelegation", "skipclientsidescopevalidation", "force", "passthru",
                       "whatif", "confirm", "asjob", "serviceprincipal", "usedeviceauthentication"})
_MEMBER_AT_END = re.compile(r"\.\s*([A-Za-z_]\w*)\s*$")


def _value(named: dict, key: str):
    if key not in named or isinstance(named[key][1], bool):
        return None
    return named[key][1]


def _as_lstr(value) -> Optional[LStr]:
    if isinstance(value, LStr):
        return value
    if value is None:
        return None
    text = value.text
    return LStr.unknown(0, len(text), parent=text, raw=str(text))


def trailing_member(value) -> Optional[LStr]:
    """``ClientId`` in ``(Get-AzUserAssignedIdentity ...).ClientId`` or ``$id.ClientId``."""
    if not isinstance(value, PsUnknown):
        return None
    m = _MEMBER_AT_END.search(str(value.text))
    return value.text.sub(m.start(1), m.end(1)) if m else None


def ps_identity_facts(command: PsCommand, name: str) -> list[dict]:
    named, _ = command.bind(_SWITCHES)
    facts: list[dict] = []
    if "roleassignment" in name:
        object_id = _value(named, "objectid")
        facts.append(fact(
            "role_assignment", command.text, via="powershell", command=name,
            principal=_as_lstr(object_id), principal_slot="object_id" if object_id is not None else "other",
            role=_as_lstr(_value(named, "roledefinitionname")),
            role_definition_id=_as_lstr(_value(named, "roledefinitionid")),
            scope=_as_lstr(_value(named, "scope")), name=None, resource=None, splatted=command.splatted))
        slots = (("objectid", "principal_id"), ("applicationid", "client_id"))
    else:  # sign-in
        slots = (("accountid", "client_id"), ("tenant", "tenant_id"), ("tenantid", "tenant_id"))
        if "identity" not in named:
            slots = slots[1:]
    for key, role in slots:
        value = _value(named, key)
        if value is None or isinstance(value, PsArray):
            continue
        member = trailing_member(value)
        strict = key in ("objectid", "applicationid")
        facts.append(fact("id_value", _as_lstr(value) if isinstance(value, LStr) else value.text,
                          value=_as_lstr(value), role=role, strict=strict,
                          source=f"`-{named[key][0].name}`", member=member,
                          member_name=str(member).lower() if member is not None else None,
                          via="powershell"))
    return facts


def ps_type_mentions(command: PsCommand) -> list[dict]:
    """Resource types written in the literal arguments of a command."""
    facts = []
    for element in command.elements:
        value = element.value if isinstance(element, PsParam) else element
        items = value.items if isinstance(value, PsArray) else [value]
        for item in items:
            if isinstance(item, LStr):
                for at, namespace, rtype in type_mentions(item):
                    facts.append(fact("resource_type_ref", at, namespace=namespace, type=rtype,
                                      via="powershell"))
    return facts
