"""MI4xx: Azure CLI and PowerShell identity commands."""
from __future__ import annotations

import re
from typing import Iterable, Optional

from .. import knowledge_identity as KI
from ..facts.resource_ids import looks_like_placeholder, user_assigned_id_problem
from ..lstr import LStr, UNKNOWN
from . import CheckContext, Edit, Hit, registry
from .edits import plain_edit
from .scripts_of import script_of

CHECKS, check = registry()

SYSTEM = "[system]"


def _first(command: dict, option: str) -> Optional[LStr]:
    values = command["options"].get(option)
    return values[0] if values else None


def written(value: Optional[LStr]) -> Optional[str]:
    """A value as the script writes it: known text lower-cased, each unknown part replaced by the
    expression that produces it (``$VM``), so two uses of one variable compare equal."""
    if value is None:
        return None
    text = str(value)
    if UNKNOWN not in text:
        return text.lower()
    out = []
    for i, ch in enumerate(text):
        out.append((value.unknown_source(i) or "\x00") if ch == UNKNOWN else ch.lower())
    return "".join(out)


def _machine(command: dict) -> Optional[tuple]:
    """(vm|vmss, resource group, name) that an `az vm|vmss ...` command acts on, as written."""
    group = command["command"].split()[0] if command["command"] else ""
    if group not in ("vm", "vmss") or "--ids" in command["options"]:
        return None
    name = _first(command, "--name")
    if name is None:
        name = _first(command, "--vm-name" if group == "vm" else "--vmss-name")
    rg = _first(command, "--resource-group")
    if name is None or rg is None:
        return None
    return group, written(rg), written(name)


def _gives_user_identities(command: dict) -> bool:
    cmd = command["command"]
    if cmd in ("vm identity assign", "vmss identity assign"):
        values = command["options"].get("--identities") or []
    elif cmd in ("vm create", "vmss create"):
        values = command["options"].get("--assign-identity") or []
    else:
        return False
    return any(str(v).lower() != SYSTEM for v in values)


# ---------------------------------------------------------------- MI402
@check("MI402")
def cli_clear_user_assigned_without_null(ctx: CheckContext) -> Iterable[Hit]:
    given: dict = {}  # machine -> the command that gave it user-assigned identities
    for command in ctx.facts_of("cli_command"):
        machine = _machine(command)
        script = script_of(command)
        if machine is None or script is None:
            continue
        machine = (script,) + machine
        cmd = command["command"]
        if _gives_user_identities(command):
            given[machine] = command
        elif cmd.endswith(" identity remove"):
            given.pop(machine, None)  # what is left we cannot tell
        elif cmd.endswith(" update") and machine in given:
            value = command["sets"].get("identity.type")
            if value is None or not value.known or "identity.userassignedidentities" in command["sets"]:
                continue
            if re.sub(r"\s+", "", str(value)).lower() not in ("systemassigned", "none"):
                continue
            yield Hit(at=value, args={"value": str(value)},
                      related=[(given[machine]["at"], "user-assigned identities are given here")])


# ---------------------------------------------------------------- MI403
@check("MI403")
def ps_identity_type_invalid(ctx: CheckContext) -> Iterable[Hit]:
    for item in ctx.facts_of("identity_assignment"):
        if item.get("via") != "powershell" or item.get("cmdlet") not in KI.PS_IDENTITY_CMDLETS:
            continue
        value = item.get("type")
        items = item.get("type_items")
        if items is not None:  # SystemAssigned, UserAssigned unquoted: an array, not an enum value
            words = {str(i).strip().lower() for i in items if i.known}
            if len(words) == len(items) and words == {"systemassigned", "userassigned"}:
                yield Hit(at=item["type_at"], args={"value": str(item["type_at"]),
                                                    "hint": "a comma makes it an array"},
                          fix=_list(_replace_text(ctx, item["type_at"], "SystemAssignedUserAssigned")))
            continue
        if value is None or not value.known or looks_like_placeholder(str(value)):
            continue
        norm = re.sub(r"\s+", "", str(value)).lower()
        if norm in KI.PS_IDENTITY_TYPES:
            continue
        words = {w for w in re.split(r"[^a-z]+", norm) if w}
        if words == {"systemassigned", "userassigned"}:
            hint = "PowerShell spells both identities as one enum name"
            fix = plain_edit(ctx, value, "SystemAssignedUserAssigned")
        else:
            hint = "it is none of the cmdlet's values"
            fix = None
        yield Hit(at=value, args={"value": str(value), "hint": hint}, fix=_list(fix))


def _list(edit: Optional[Edit]) -> Optional[list[Edit]]:
    return [edit] if edit is not None else None


def _replace_text(ctx: CheckContext, at, text: str) -> Optional[Edit]:
    """Replace a whole argument as written (an array literal has no single value)."""
    return Edit(at, text) if at is not None else None


# ---------------------------------------------------------------- MI404
@check("MI404")
def ps_user_assigned_without_identity_id(ctx: CheckContext) -> Iterable[Hit]:
    for item in ctx.facts_of("identity_assignment"):
        if item.get("via") != "powershell" or item.get("cmdlet") not in KI.PS_CONFIG_CMDLETS:
            continue
        value = item.get("type")
        if item.get("splatted") or item.get("identity_id_given") or value is None or not value.known:
            continue
        norm = re.sub(r"\s+", "", str(value)).lower()
        if norm in ("userassigned", "systemassigneduserassigned"):
            yield Hit(at=value, args={"cmdlet": item["cmdlet_name"], "value": str(value)})


# ---------------------------------------------------------------- MI405
@check("MI405")
def ps_identity_id_not_resource_id(ctx: CheckContext) -> Iterable[Hit]:
    for item in ctx.facts_of("identity_assignment"):
        if item.get("via") != "powershell" or not item.get("identity_id_given"):
            continue
        for value in item.get("user_assigned") or []:
            problem = user_assigned_id_problem(value) or _name_placeholder(value)
            if problem:
                yield Hit(at=value, args={"value": str(value).replace(UNKNOWN, "…"), "problem": problem})


def _name_placeholder(value: LStr) -> Optional[str]:
    """A placeholder that asks for a name (``<USER ASSIGNED IDENTITY NAME>``) where an ID belongs."""
    text = str(value).upper()
    if value.known and looks_like_placeholder(text) and "NAME" in text and not re.search(r"\bIDS?\b", text):
        return "the placeholder asks for the identity's name"
    return None


# ---------------------------------------------------------------- MI406
@check("MI406")
def cli_identity_name_from_other_group(ctx: CheckContext) -> Iterable[Hit]:
    created: dict = {}  # (script, identity name) -> (its resource group, the command)
    for command in ctx.facts_of("cli_command"):
        cmd = command["command"]
        script = script_of(command)
        if script is None:
            continue
        if cmd == "identity create":
            name, rg = _first(command, "--name"), _first(command, "--resource-group")
            if name is not None and rg is not None and name.known and rg.known:
                created[(script, str(name).lower())] = (rg, command)
            continue
        if cmd in ("vm identity assign", "vmss identity assign"):
            values = command["options"].get("--identities") or []
        elif cmd in ("vm create", "vmss create"):
            values = command["options"].get("--assign-identity") or []
        else:
            continue
        rg = _first(command, "--resource-group")
        if rg is None or not rg.known:
            continue
        for value in values:
            if not value.known or "/" in str(value) or str(value).lower() == SYSTEM:
                continue
            found = created.get((script, str(value).lower()))
            if found is None or str(found[0]).lower() == str(rg).lower():
                continue
            yield Hit(at=value, args={"name": str(value), "group": str(rg), "home": str(found[0])},
                      related=[(found[1]["at"], "the identity is created here")])


# ---------------------------------------------------------------- MI407
# -word-word: one dash, then letters and digits in dash-separated parts (no `--` inside, none at
# the end; checked in code: a repeated group would cost `re` memory for every part of a long word)
_SINGLE_DASH_LONG = re.compile(r"-[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]")


def _single_dash_long(text: str) -> bool:
    if not _SINGLE_DASH_LONG.fullmatch(text) or "--" in text:
        return False
    rest = text[2:]  # after the dash and the first letter
    return "-" not in rest or len(rest.rsplit("-", 1)[1]) >= 2  # a last part of one letter is a value


@check("MI407")
def cli_long_option_single_dash(ctx: CheckContext) -> Iterable[Hit]:
    for command in ctx.facts_of("cli_command"):
        words = command["words"]
        start = 1 + len(command["command"].split()) if command["command"] else 1
        for word in words[start:]:
            text = str(word)
            if len(text) >= 4 and _single_dash_long(text) and word.known:
                fix = [Edit(word.sub(0, 0), "-")] if plain_edit(ctx, word, text) else None
                yield Hit(at=word, args={"option": text, "expected": "-" + text}, fix=fix)


# ---------------------------------------------------------------- MI408
@check("MI408")
def ps_assign_identity_switch(ctx: CheckContext) -> Iterable[Hit]:
    for command in ctx.facts_of("ps_command"):
        if command["cmdlet"] not in KI.PS_IDENTITY_CMDLETS or "assignidentity" not in command["params"]:
            continue
        at = command["param_at"]["assignidentity"]
        value = command["params"]["assignidentity"]
        fix = None
        if value is True or str(at).lower() == "-assignidentity:$true":  # the switch on: same meaning
            fix = plain_edit(ctx, at, "-IdentityType SystemAssigned")
        yield Hit(at=at, args={"param": str(at)}, fix=_list(fix))


# ---------------------------------------------------------------- MI409
@check("MI409")
def ps_update_azvm_virtualmachine_parameter(ctx: CheckContext) -> Iterable[Hit]:
    for command in ctx.facts_of("ps_command"):
        if command["cmdlet"] not in ("update-azvm", "update-azurermvm"):
            continue
        if "virtualmachine" in command["params"] and "vm" not in command["params"]:
            at = command["param_at"]["virtualmachine"]
            name = at.sub(0, len(str(at).split(":")[0]))
            yield Hit(at=name, args={"param": str(name)}, fix=_list(plain_edit(ctx, name, "-VM")))


# ---------------------------------------------------------------- MI410
def _is_mi_extension(extension: dict) -> bool:
    for key in ("type", "name"):
        value = extension.get(key)
        if isinstance(value, LStr) and value.known and value.lower() in KI.MI_EXTENSION_TYPES:
            return True
    return False


@check("MI410")
def identity_disabled_extension_left(ctx: CheckContext) -> Iterable[Hit]:
    extensions = [e for e in ctx.facts_of("vm_extension") if _is_mi_extension(e) and e.get("operation") == "set"]
    if not extensions:
        return
    for block in ctx.facts_of("identity_block"):
        value = block.get("type")
        if block.get("context") != "arm" or value is None or not value.known or _norm(value) != "none":
            continue
        for extension in extensions:
            if extension.get("via") == "arm" and extension.get("machine") == block.get("resource"):
                yield Hit(at=value, args={"extension": str(extension["type"])},
                          related=[(extension["at"], "the extension, still deployed")])
                break
    if any(e.get("operation") == "delete" and (_is_mi_extension(e) or not _known_name(e))
           for e in ctx.facts_of("vm_extension")):
        return  # the script removes it (or removes something we cannot name)
    yield from _cli_disables(ctx, [e for e in extensions if e.get("via") != "arm" and e.get("target")])
    yield from _ps_disables(ctx, [e for e in extensions if e.get("via") == "powershell"])


def _cli_disables(ctx: CheckContext, extensions: list[dict]) -> Iterable[Hit]:
    """`az vm|vmss update --set identity.type=none` on the very machine (as written) the script
    installs the extension on."""
    installed = {(script_of(e), e["target"], written(e.get("group")), written(e.get("machine"))): e
                 for e in extensions if script_of(e) is not None}
    for command in ctx.facts_of("cli_command"):
        value = command["sets"].get("identity.type")
        machine = _machine(command)
        machine = (script_of(command),) + machine if machine is not None and script_of(command) is not None else None
        if not command["command"].endswith(" update") or value is None or not value.known or _norm(value) != "none":
            continue
        extension = installed.get(machine) if machine is not None else None
        if extension is not None:
            yield Hit(at=value, args={"extension": str(extension["type"])},
                      related=[(extension["at"], "the extension is installed here")])


def _ps_disables(ctx: CheckContext, extensions: list[dict]) -> Iterable[Hit]:
    """`Update-AzVM|Update-AzVmss -IdentityType None` in a script whose every machine lookup
    (`Get-AzVM -Name`, `Get-AzVmss -VMScaleSetName`) names the machine the extension is set on."""
    if any(script_of(e) != "" for e in extensions):
        return  # only a whole PowerShell file is one script here
    machines = {written(e.get("machine")) for e in extensions}
    looked_up = set()
    for command in ctx.facts_of("ps_command"):
        if command["cmdlet"] in ("get-azvm", "get-azvmss", "get-azurermvm", "get-azurermvmss"):
            name = command["params"].get("name", command["params"].get("vmscalesetname"))
            looked_up.add(written(_as_lstr(name)))
    if len(machines) != 1 or None in machines or looked_up != machines:
        return
    for item in ctx.facts_of("identity_assignment"):
        value = item.get("type")
        if item.get("via") == "powershell" and value is not None and value.known and _norm(value) == "none" \
                and script_of(item) == "":
            yield Hit(at=value, args={"extension": str(extensions[0]["type"])},
                      related=[(extensions[0]["at"], "the extension is installed here")])


def _as_lstr(value) -> Optional[LStr]:
    """A PowerShell argument as a located string: a `$variable` or expression becomes unknown."""
    if isinstance(value, LStr) or value is None:
        return value
    text = getattr(value, "text", None)
    return LStr.unknown(0, len(text), parent=text, raw=str(text)) if isinstance(text, LStr) else None


def _known_name(extension: dict) -> bool:
    return any(isinstance(extension.get(k), LStr) and extension[k].known for k in ("type", "name"))


def _norm(value) -> str:
    return re.sub(r"\s+", "", str(value)).lower()


# ---------------------------------------------------------------- MI411
_AZURERM = re.compile(r"^[a-z]+-azurerm[a-z]*$")


@check("MI411")
def azurerm_cmdlet(ctx: CheckContext) -> Iterable[Hit]:
    for command in ctx.facts_of("ps_command"):
        name = command["name"]
        if not isinstance(name, LStr) or not _AZURERM.match(command["cmdlet"]):
            continue
        text = str(name)
        i = text.lower().find("-azurerm")
        az = text[:i] + "-Az" + text[i + len("-azurerm"):]
        yield Hit(at=name, args={"cmdlet": text, "az": az})


# ---------------------------------------------------------------- MI412
@check("MI412")
def cli_identity_group_without_command(ctx: CheckContext) -> Iterable[Hit]:
    for command in ctx.facts_of("cli_command"):
        if command["command"] not in ("vm identity", "vmss identity") or not command["options"]:
            continue
        if set(command["options"]) <= {"--help"}:
            continue
        name = _first(command, "--name")
        group = command["command"].split()[0]
        if name is not None and name.known and name.lower() in KI.MI_EXTENSION_TYPES:
            how = f"to remove the extension, use `az {group} extension delete`"
        else:
            how = "name the action: assign, remove or show"
        yield Hit(at=_span_words(command["words"][:3]) or command["at"],
                  args={"command": f"az {command['command']}", "how": how})


def _span_words(words: list) -> Optional[object]:
    """Where a run of words stands, from the first's start to the last's end."""
    if not words:
        return None
    from ..lstr import Where

    first, last = words[0], words[-1]
    return Where(lambda: (first.span()[0], last.span()[1]))


# ---------------------------------------------------------------- MI413
@check("MI413")
def update_drops_system_identity(ctx: CheckContext) -> Iterable[Hit]:
    """An update that adds user-assigned identities with type UserAssigned, to a machine the same
    file gave a system-assigned identity: the system-assigned identity is deleted."""
    enabled: dict = {}
    for item in ctx.facts_of("identity_assignment"):
        value = item.get("type")
        if item.get("via") != "powershell" or value is None or not value.known:
            continue
        if script_of(item) is None:
            continue
        key = (script_of(item), item["target"], written(item.get("group")), written(item.get("machine")))
        norm = _norm(value)
        if "systemassigned" in norm and item.get("machine") is not None:
            enabled[key] = item
        elif norm == "userassigned" and item.get("identity_id_given") and key in enabled:
            yield Hit(at=value, args={"value": str(value), "keep": "-IdentityType SystemAssignedUserAssigned"},
                      related=[(enabled.pop(key)["type"], "the system-assigned identity is enabled here")])
    enabled = {}
    for block in ctx.facts_of("identity_block"):
        value, url = block.get("type"), block.get("resource_url")
        if block.get("context") != "rest" or value is None or not value.known or url is None:
            continue
        if script_of(block) is None:
            continue
        key = (script_of(block), written(url).split("?")[0])  # the resource as written; api-versions may differ
        norm = _norm(value)
        if "systemassigned" in norm:
            enabled[key] = block
        elif norm == "userassigned" and block.get("operation") == "patch" and block.get("user_assigned") \
                and key in enabled:
            yield Hit(at=value, args={"value": str(value), "keep": '"type": "SystemAssigned, UserAssigned"'},
                      related=[(enabled.pop(key)["type"], "the system-assigned identity is enabled here")])
