"""Facts from PowerShell scripts: web requests, Az cmdlets, and native az/curl calls."""
from __future__ import annotations

import re
from typing import Optional, Union

from ..lstr import LStr
from ..sources.powershell import PsArray, PsCommand, PsHashtable, PsParam, PsUnknown, parse_powershell
from . import fact
from .json_fragments import with_body_facts
from .ps_identity import ps_identity_facts, ps_type_mentions
from .ps_wrapped import unwrapped_commands
from .requests import Context, HttpRequest, request_facts
from .shell_facts import command_words_facts, program_name

_WEB_CMDLETS = {"invoke-webrequest", "invoke-restmethod", "iwr", "irm"}
_WEB_SWITCHES = frozenset({
    "usebasicparsing", "usedefaultcredentials", "disablekeepalive", "skipcertificatecheck",
    "skipheadervalidation", "passthru", "resume", "skiphttperrorcheck", "allowunencryptedauthentication",
    "allowinsecureredirect", "noproxy", "preservehttpmethodonredirect", "preserveauthorizationonredirect",
})
_LOGIN_CMDLETS = {"connect-azaccount", "add-azaccount", "login-azaccount", "connect-azurermaccount",
                  "add-azurermaccount", "login-azurermaccount"}
_LOGIN_SWITCHES = frozenset({"identity", "servicePrincipal".lower(), "usedeviceauthentication",
                             "skipcontextpopulation", "force", "skipvalidation"})
_ASSIGN_CMDLETS = {
    "update-azvm": "virtualmachines", "new-azvmconfig": "virtualmachines",
    "update-azvmss": "virtualmachinescalesets", "new-azvmssconfig": "virtualmachinescalesets",
    "update-azurermvm": "virtualmachines", "new-azurermvmconfig": "virtualmachines",
    "update-azurermvmss": "virtualmachinescalesets", "new-azurermvmssconfig": "virtualmachinescalesets",
}
_EXTENSION_CMDLET = re.compile(r"^(set|add|remove)-az(urerm)?(vm|vmss)extension$")
_COMMON_SWITCHES = frozenset({"asjob", "force", "nowait", "whatif", "confirm", "passthru", "verbose",
                              "debug", "systemassignedidentity"})

PsValue = Union[LStr, PsHashtable, PsArray, PsUnknown]


def value_lstr(value: PsValue) -> LStr:
    """A PowerShell value as a located string; anything not a literal becomes unknown."""
    if isinstance(value, LStr):
        return value
    text = value.text
    return LStr.unknown(0, len(text), parent=text, raw=str(text))


def hashtable_items(value: PsValue) -> Optional[list[tuple[LStr, LStr]]]:
    """Key/value pairs of a literal hashtable, or None when the value is not one."""
    if not isinstance(value, PsHashtable):
        return None
    return [(k, value_lstr(v)) for k, v in value.entries]


def native_words(command: PsCommand) -> list[LStr]:
    """The argument words a native program (az, curl.exe) receives."""
    words = [command.name]
    for element in command.elements:
        if isinstance(element, PsParam):
            dash = element.text.sub(0, len(element.name) + 1)
            words.append(dash)
            if element.value is not None:
                words.extend(_value_words(element.value))
        else:
            words.extend(_value_words(element))
    return words


def _value_words(value: PsValue) -> list[LStr]:
    if isinstance(value, PsArray):
        return [w for item in value.items for w in _value_words(item)]
    return [value_lstr(value)]


def _web_request(command: PsCommand, ctx: Context) -> list[dict]:
    named, positional = command.bind(_WEB_SWITCHES)
    uri = named.get("uri", (None, positional[0] if positional else None))[1]
    if uri is None or isinstance(uri, bool):
        return []
    uri = value_lstr(uri)
    headers: list[tuple[LStr, LStr]] = []
    headers_known = not command.splatted
    if "headers" in named:
        value = named["headers"][1]
        items = hashtable_items(value) if not isinstance(value, bool) else None
        if items is None:
            headers_known = False
        else:
            headers.extend(items)
    if "contenttype" in named and not isinstance(named["contenttype"][1], bool):
        headers.append((LStr.of("Content-Type"), value_lstr(named["contenttype"][1])))
    method = named.get("method", (None, None))[1]
    method = value_lstr(method) if method is not None and not isinstance(method, bool) else None
    body_value = named.get("body", (None, None))[1]
    body: object = None
    extra = []
    if isinstance(body_value, PsHashtable):
        body = dict(hashtable_items(body_value) or [])
        if method is None or (method.known and method.upper() == "GET"):
            from .urls import QueryParam  # GET turns a -Body hashtable into query parameters
            extra = [QueryParam(k, v, v, k) for k, v in body.items()]
            body = None
    elif body_value is not None and not isinstance(body_value, bool):
        body = value_lstr(body_value)
    req = HttpRequest(tool=str(command.name), url=uri, method=method, headers=headers,
                      headers_known=headers_known, body=body, extra_query=extra,
                      query_known=not command.splatted)
    return with_body_facts(request_facts(req, ctx))


def _login(command: PsCommand) -> list[dict]:
    named, _ = command.bind(_LOGIN_SWITCHES)
    if "identity" not in named:
        return []
    selector = None
    for key in ("accountid", "applicationid"):
        if key in named and not isinstance(named[key][1], bool):
            selector = {"option": named[key][0].name, "value": value_lstr(named[key][1])}
    return [fact("identity_login", command.text, tool=str(command.name), selector=selector,
                 via="powershell", splatted=command.splatted)]


def _assignment(command: PsCommand, target: str) -> list[dict]:
    named, _ = command.bind(_COMMON_SWITCHES)
    if "identitytype" not in named or isinstance(named["identitytype"][1], bool):
        return []
    raw_type = named["identitytype"][1]
    type_value = value_lstr(raw_type)
    if not type_value.known:
        system = None
    else:
        system = "systemassigned" in type_value.lower().replace(" ", "")
    users: list[LStr] = []
    count: Optional[int] = 0
    if "identityid" in named and not isinstance(named["identityid"][1], bool):
        ids = named["identityid"][1]
        if isinstance(ids, PsArray):
            users = [value_lstr(item) for item in ids.items]
            count = len(users)
        else:
            users = [value_lstr(ids)]
            count = 1 if users[0].known else None
    return [fact("identity_assignment", named["identitytype"][0].text, target=f"microsoft.compute/{target}",
                 system=system, user_assigned=users, count=count, via="powershell",
                 type=type_value, command_at=command.text, cmdlet=program_name(command.name),
                 cmdlet_name=str(command.name),
                 type_at=raw_type if isinstance(raw_type, LStr) else raw_type.text,
                 type_items=[value_lstr(i) for i in raw_type.items] if isinstance(raw_type, PsArray) else None,
                 identity_id_given="identityid" in named and not isinstance(named["identityid"][1], bool),
                 splatted=command.splatted, machine=_machine_of(named),
                 group=_named_lstr(named, "resourcegroupname"))]


def _named_lstr(named: dict, key: str) -> Optional[LStr]:
    value = named.get(key, (None, None))[1]
    return value_lstr(value) if value is not None and not isinstance(value, bool) else None


def _machine_of(named: dict) -> Optional[LStr]:
    """The machine a call configures, as written: -VM $vm, -VMName, -Name, -VMScaleSetName."""
    for key in ("vm", "vmname", "name", "vmscalesetname", "virtualmachinescaleset"):
        value = _named_lstr(named, key)
        if value is not None:
            return value
    return None


def _extension(command: PsCommand, operation: str) -> list[dict]:
    named, _ = command.bind(_COMMON_SWITCHES)
    get = lambda *keys: next((value_lstr(named[k][1]) for k in keys  # noqa: E731
                              if k in named and not isinstance(named[k][1], bool)), None)
    ext_type = get("extensiontype", "type")
    return [fact("vm_extension", ext_type if ext_type is not None else command.text,
                 publisher=get("publisher"), type=ext_type, name=get("name"),
                 operation=operation, via="powershell", machine=get("vmname", "vmscalesetname"),
                 group=get("resourcegroupname"))]


def ps_command_facts(command: PsCommand, ctx: Context) -> list[dict]:
    name = program_name(command.name)
    named, positional = command.bind()
    facts = [fact("ps_command", command.text, name=command.name, cmdlet=name,
                  params={k: v[1] for k, v in named.items()}, positional=positional,
                  splatted=command.splatted, param_at={k: v[0].text for k, v in named.items()})]
    if name in _WEB_CMDLETS or (name in ("curl", "wget") and _uses_ps_parameters(command)):
        facts.extend(_web_request(command, ctx))
    elif name in ("az", "az.cmd", "az.exe", "curl", "curl.exe", "wget", "wget.exe"):
        facts.extend(with_body_facts(command_words_facts(native_words(command), command.text, ctx, "powershell")))
    elif name in _LOGIN_CMDLETS:
        facts.extend(_login(command))
        facts.extend(ps_identity_facts(command, name))
    elif name in ("new-azroleassignment", "remove-azroleassignment", "new-azurermroleassignment",
                  "remove-azurermroleassignment"):
        facts.extend(ps_identity_facts(command, name))
    elif name in ("new-azuserassignedidentity", "new-azurermuserassignedidentity"):
        named, _ = command.bind(_COMMON_SWITCHES)
        if "name" in named and not isinstance(named["name"][1], bool):
            value = value_lstr(named["name"][1])
            facts.append(fact("identity_name", value, name=value, via="powershell",
                              resource_type="microsoft.managedidentity/userassignedidentities"))
    elif name in _ASSIGN_CMDLETS:
        facts.extend(_assignment(command, _ASSIGN_CMDLETS[name]))
    else:
        m = _EXTENSION_CMDLET.match(name)
        if m:
            facts.extend(_extension(command, "delete" if m.group(1) == "remove" else "set"))
    return facts


def _uses_ps_parameters(command: PsCommand) -> bool:
    """`curl`/`wget` are Invoke-WebRequest aliases in Windows PowerShell when used its way."""
    return any(isinstance(e, PsParam) and str(e.name).lower() in ("uri", "headers", "method", "body",
                                                                  "usebasicparsing", "outfile")
               for e in command.elements)


def powershell_facts(source: LStr, ctx: Context) -> list[dict]:
    facts: list[dict] = []
    for command in unwrapped_commands(source, parse_powershell(source)):
        facts.extend(ps_command_facts(command, ctx))
        if program_name(command.name) not in ("az", "az.cmd", "az.exe"):  # az reports its own
            facts.extend(ps_type_mentions(command))
    return facts
