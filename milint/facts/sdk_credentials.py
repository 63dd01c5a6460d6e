"""`sdk_credential` facts: Azure SDK credential objects (ManagedIdentityCredential,
DefaultAzureCredential and their options) and the retired libraries that came before them.

Fields of an ``sdk_credential`` fact:
  sdk          python | dotnet | java | javascript | go
  credential   the class or function as written (``ManagedIdentityCredential``, ``AzureServiceTokenProvider``)
  at           the class/function name in the code
  options      [{name, value}] -- keyword arguments, object keys, builder methods, initializer members;
               `name` is located (None for a positional argument), `value` is an LStr (unknown when it
               cannot be known) or None for a nested object we do not read
  options_known False when options come from a splat (**kwargs, ...opts) or a variable we cannot read
  selector     {kind: client_id | resource_id | object_id, value} when the options name an identity
  retired      for a retired library: {library, replacement}, else None
"""
from __future__ import annotations

from typing import Optional

from ..sources.code import NAME, OP, STR
from ..sources.code.structure import split
from . import fact
from .code_model import Call, Code
from .code_values import Values

_SDK = {"python": "python", "csharp": "dotnet", "java": "java", "javascript": "javascript",
        "typescript": "javascript", "go": "go", "ruby": "ruby"}

# the credentials we read, per language (the last name of the callee)
_CREDENTIALS = {
    "python": {"ManagedIdentityCredential", "DefaultAzureCredential"},
    "csharp": {"ManagedIdentityCredential", "DefaultAzureCredential", "DefaultAzureCredentialOptions",
               "ManagedIdentityCredentialOptions"},
    "java": {"ManagedIdentityCredentialBuilder", "DefaultAzureCredentialBuilder"},
    "javascript": {"ManagedIdentityCredential", "DefaultAzureCredential"},
    "go": {"NewManagedIdentityCredential", "NewDefaultAzureCredential"},
}
_CREDENTIALS["typescript"] = _CREDENTIALS["javascript"]

# retired libraries: credential name -> (library, replacement)  (reference azure-identity-today.md E.4)
_RETIRED = {
    "csharp": {"AzureServiceTokenProvider": ("Microsoft.Azure.Services.AppAuthentication",
                                             "Azure.Identity (ManagedIdentityCredential or DefaultAzureCredential)")},
    "python": {"MSIAuthentication": ("msrestazure", "azure-identity (ManagedIdentityCredential)")},
    "javascript": {"loginWithVmMSI": ("@azure/ms-rest-nodeauth", "@azure/identity (ManagedIdentityCredential)"),
                   "MSIVmTokenCredentials": ("@azure/ms-rest-nodeauth",
                                             "@azure/identity (ManagedIdentityCredential)")},
}
_RETIRED["typescript"] = _RETIRED["javascript"]

# option names that select an identity, per SDK (normalised: lower case, no '_' or '-')
_SELECTOR_KINDS = {
    "clientid": "client_id", "managedidentityclientid": "client_id",
    "resourceid": "resource_id", "managedidentityresourceid": "resource_id", "msiresid": "resource_id",
    "objectid": "object_id", "managedidentityobjectid": "object_id",
}


def sdk_credential_facts(code: Code) -> list[dict]:
    lang = code.language
    wanted = _CREDENTIALS.get(lang, set())
    retired = _RETIRED.get(lang, {})
    if not wanted and not retired:
        return []
    values = Values(code)
    facts = []
    for call in code.calls():
        name = call.name
        if name in retired:
            library, replacement = retired[name]
            facts.append(_fact(code, call, lang, _options(code, values, call), retired={
                "library": library, "replacement": replacement}))
        elif name in wanted and _is_sdk_call(lang, call):
            options, known = _options(code, values, call)
            facts.append(_fact(code, call, lang, (options, known)))
    return facts


def _is_sdk_call(lang: str, call: Call) -> bool:
    if lang in ("csharp", "java", "javascript", "typescript"):
        return call.path.startswith("new ")  # a constructor, not a method of the same name
    return True


def _fact(code: Code, call: Call, lang: str, options_known, retired: Optional[dict] = None) -> dict:
    options, known = options_known
    at = code.tokens[call.index].located()
    return fact("sdk_credential", at, sdk=_SDK[lang], credential=call.name, options=options,
                options_known=known, selector=_selector(options, call.name), retired=retired, path=call.path)


def _selector(options: list[dict], credential: str) -> Optional[dict]:
    for option in options:
        name = option["name"]
        if option.get("kind"):  # ManagedIdentityId.FromUserAssignedClientId(x)
            kind = {"ClientId": "client_id", "ResourceId": "resource_id", "ObjectId": "object_id"}.get(option["kind"])
            if kind:
                return {"kind": kind, "value": option["value"]}
        if name is None:
            if credential == "ManagedIdentityCredential" and option["value"] is not None:
                return {"kind": "client_id", "value": option["value"]}  # new ManagedIdentityCredential("id")
            continue
        kind = _SELECTOR_KINDS.get(str(name).lower().replace("_", "").replace("-", ""))
        if kind is not None:
            return {"kind": kind, "value": option["value"]}
        if str(name) == "ID" and option["value"] is not None:  # Go: ID: azidentity.ClientID("...")
            return {"kind": "client_id", "value": option["value"]}
    return None


def _options(code: Code, values: Values, call: Call) -> tuple[list[dict], bool]:
    lang = code.language
    if lang == "java":
        return _builder_options(code, values, call)
    options: list[dict] = []
    known = True
    for arg in call.args:
        if arg.splat:
            known = False
            continue
        if arg.name is not None:
            options.append({"name": code.tokens[arg.start - 2].located(), "value": values.string(arg.start, arg.end),
                            "shape": _shape(code, arg.start, arg.end)})
            continue
        members = _object_members(code, values, arg.start, arg.end)
        if members is None:
            options.append({"name": None, "value": values.string(arg.start, arg.end)})
        else:
            options.extend(members[0])
            known = known and members[1]
    if lang == "csharp":  # object initializer after the constructor: new X(...) { A = b }
        close = call.close
        if code.is_op(close + 1, "{") and code.partner[close + 1] > close:
            members = _object_members(code, values, close + 1, code.partner[close + 1] + 1)
            if members is not None:
                options.extend(members[0])
                known = known and members[1]
    return options, known


def _object_members(code: Code, values: Values, a: int, b: int) -> Optional[tuple[list[dict], bool]]:
    """Members of an options object: {clientId: x}, &azidentity.Options{ID: x}, new Options { A = x },
    a variable holding one, or ManagedIdentityId.FromUserAssignedClientId(x)."""
    t = code.tokens
    if b - a == 1 and t[a].kind == NAME:
        assign = code.visible_assignment(t[a].text, a)
        if assign is None:
            return None
        return _object_members(code, values, *assign.rhs)
    last = t[b - 1]
    if last.kind == OP and last.text == "}" and code.partner[b - 1] >= a:
        o = code.partner[b - 1]
        members, known = [], True
        for s, e in split(t, code.partner, o + 1, b - 1):
            if t[s].kind == OP and t[s].text in ("...", "**"):
                known = False
                continue
            if e - s >= 3 and t[s].kind in (NAME, STR) and t[s + 1].kind == OP and t[s + 1].text in (":", "="):
                name = t[s].located() if t[s].kind == NAME else t[s].value
                member = {"name": name, "value": values.string(s + 2, e), "shape": _shape(code, s + 2, e)}
                member.update(_go_identity(code, values, s + 2, e))
                members.append(member)
            elif e - s == 1 and t[s].kind == NAME:  # { clientId } shorthand
                members.append({"name": t[s].located(), "value": values.string(s, e)})
            else:
                known = False
        return members, known
    if last.kind == OP and last.text == ")" and code.partner[b - 1] > a:
        inner = code.call_at(code.partner[b - 1] - 1)
        if inner is not None and inner.name.startswith("FromUserAssigned"):
            kind = inner.name[len("FromUserAssigned"):]  # ClientId, ResourceId, ObjectId
            first = inner.arg(0)
            value = values.string(first.start, first.end) if first else None
            return [{"name": code.tokens[inner.index].located(), "value": value, "kind": kind}], True
        if inner is not None and inner.name in ("ManagedIdentityCredentialOptions", "DefaultAzureCredentialOptions"):
            return None  # its own fact
    return None


_GO_ID_TYPES = {"ClientID": "ClientId", "ResourceID": "ResourceId", "ObjectID": "ObjectId"}


def _go_identity(code: Code, values: Values, a: int, b: int) -> dict:
    """Go's `ID: azidentity.ClientID("...")`: the wrapper says what kind of ID the value is."""
    if not (code.is_op(b - 1, ")") and code.partner[b - 1] > a):
        return {}
    inner = code.call_at(code.partner[b - 1] - 1)
    if inner is None or inner.name not in _GO_ID_TYPES:
        return {}
    first = inner.arg(0)
    return {"value": values.string(first.start, first.end) if first else None, "kind": _GO_ID_TYPES[inner.name]}


def _shape(code: Code, a: int, b: int) -> str:
    """"string" for a string literal (or concatenation), "mapping" for {...} / dict(...), else "other"."""
    t = code.tokens
    if all(tok.kind == STR or (tok.kind == OP and tok.text == "+") for tok in t[a:b]):
        return "string"
    if t[b - 1].kind == OP and t[b - 1].text == "}" or code.text(a, a + 2) == "dict(":
        return "mapping"
    return "other"


def _builder_options(code: Code, values: Values, call: Call) -> tuple[list[dict], bool]:
    """Java builders: new ManagedIdentityCredentialBuilder().clientId(x).build()."""
    options = []
    i = call.close + 1
    t = code.tokens
    while code.is_op(i, ".") and i + 2 < len(t) and t[i + 1].kind == NAME and code.is_op(i + 2, "("):
        method = code.call_at(i + 1)
        if method is None or method.name == "build":
            break
        first = method.arg(0)
        options.append({"name": t[i + 1].located(),
                        "value": values.string(first.start, first.end) if first else None})
        i = method.close + 1
    return options, True
