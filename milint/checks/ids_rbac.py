"""MI6xx: identifiers of identities (GUIDs) and role assignments."""
from __future__ import annotations

import re
from typing import Iterable, Optional

from .. import knowledge_identity as KI
from ..facts.resource_ids import edit_distance, guid_problem, is_guid, looks_like_placeholder, without_placeholders
from ..lstr import LStr, UNKNOWN
from . import CheckContext, Edit, Hit, registry
from .edits import plain_edit, written_as_is

CHECKS, check = registry()

_WHAT = {"client_id": "client ID", "object_id": "object ID", "principal_id": "principal (object) ID",
         "tenant_id": "tenant ID"}
_SELECTORS = {"client_id": "client_id", "clientid": "client_id", "object_id": "object_id",
              "principal_id": "principal_id"}


# ---------------------------------------------------------------- MI601
@check("MI601")
def identity_id_not_guid(ctx: CheckContext) -> Iterable[Hit]:
    for item in ctx.facts_of("id_value"):
        problem = guid_problem(item.get("value"), item.get("strict", False))
        if problem:
            yield Hit(at=item["value"], args={"value": str(item["value"]), "what": _WHAT[item["role"]],
                                              "source": item["source"], "problem": problem})
    for request in ctx.facts_of("token_request"):
        for selector in request.get("selectors") or []:
            role = _SELECTORS.get(str(selector["name"]).lower())
            value = selector.get("value")
            if isinstance(value, LStr) and str(value).lstrip().startswith("/"):
                continue  # a resource ID where a GUID belongs is MI120's finding
            problem = guid_problem(value, True) if role and isinstance(value, LStr) else None
            if problem:
                yield Hit(at=value, args={"value": str(value), "what": _WHAT[role],
                                          "source": f"`{selector['name']}`", "problem": problem})


# ---------------------------------------------------------------- MI602
@check("MI602")
def role_assignment_client_id(ctx: CheckContext) -> Iterable[Hit]:
    for item in ctx.facts_of("id_value"):
        if item["role"] not in ("principal_id", "object_id") or item.get("member_name") != "clientid":
            continue
        member = item["member"]
        expected = "PrincipalId" if str(member)[:1].isupper() else "principalId"
        yield Hit(at=member, args={"source": item["source"], "written": str(member), "expected": expected},
                  fix=_list(plain_edit(ctx, member, expected)))
    commands = ctx.facts_of("cli_command")
    for assignment in ctx.facts_of("role_assignment"):
        principal = assignment.get("principal")
        if assignment.get("via") == "arm" or assignment.get("principal_slot") != "object_id" or principal is None:
            continue
        if principal.known:
            continue
        for query in _client_id_queries(principal, commands):
            yield Hit(at=query, args={"source": "`--assignee-object-id`", "written": str(query),
                                      "expected": "principalId"},
                      fix=_list(plain_edit(ctx, query, "principalId")))


def _client_id_queries(value: LStr, commands: list[dict]) -> list[LStr]:
    """`--query clientId` of the az command whose output `value` is: one run inside `$( )` in the
    value itself, or one whose output fills the variable the value reads."""
    start, end = value.span()
    variables = {_variable_name(value.unknown_source(i)) for i, ch in enumerate(str(value)) if ch == UNKNOWN}
    found = []
    for command in commands:
        query = (command["options"].get("--query") or [None])[0]
        if query is None or not query.known or str(query).strip().lower() not in ("clientid", "[0].clientid"):
            continue
        s, e = command["at"].span()
        inside = start <= s and e <= end and (s, e) != (start, end)
        if inside or (command.get("result_var") and command["result_var"] in variables):
            found.append(query.strip_located() if str(query) != str(query).strip() else query)
    return found


def _variable_name(source: Optional[str]) -> Optional[str]:
    m = re.match(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$", source or "")
    return m.group(1) if m else None


def _list(edit: Optional[Edit]) -> Optional[list[Edit]]:
    return [edit] if edit is not None else None


# ---------------------------------------------------------------- MI603 / MI604
# letters a near miss may differ by: more for longer names (no two built-in roles are this close)
_TYPO_BUDGET = lambda n: 1 if n < 6 else 2 if n < 20 else 3  # noqa: E731
_BY_KEY = {re.sub(r"[^a-z0-9]", "", name.lower()): name for name in KI.BUILTIN_ROLES}


def role_name_issue(name: str) -> Optional[tuple[str, str]]:
    """("case", canonical) when `name` differs from a built-in role only in letter case; ("near",
    canonical) when it is a near miss of one (spacing, a portal suffix, a missing last word, a
    typo); None when it is a built-in name or unlike any."""
    if name in KI.BUILTIN_ROLES:
        return None
    for canonical in KI.BUILTIN_ROLES:
        if canonical.lower() == name.lower():
            return "case", canonical
    cleaned = name.strip()
    for suffix in KI.ROLE_LABEL_SUFFIXES:
        if cleaned.lower().endswith(suffix):
            cleaned = cleaned[: -len(suffix)].strip()
    key = re.sub(r"[^a-z0-9]", "", cleaned.lower())
    if key in _BY_KEY:
        return "near", _BY_KEY[key]
    low = " ".join(cleaned.lower().split())
    for canonical in KI.BUILTIN_ROLES:
        c = canonical.lower()
        if len(low) >= 8 and c.startswith(low + " ") and c.count(" ") - low.count(" ") == 1:
            return "near", canonical  # "Cosmos DB Account Reader" for "... Reader Role"
    if len(key) >= 4:
        close = [c for k, c in _BY_KEY.items() if edit_distance(key, k) <= _TYPO_BUDGET(len(k))]
        if len(close) == 1:
            return "near", close[0]
    return None


def _custom_roles(ctx: CheckContext) -> set:
    return {str(d["name"]).lower() for d in ctx.facts_of("role_definition") if d["name"].known}


def _role_names(ctx: CheckContext):
    custom = _custom_roles(ctx)
    for assignment in ctx.facts_of("role_assignment"):
        role = assignment.get("role")
        if role is None or not role.known or looks_like_placeholder(str(role)) or is_guid(str(role)):
            continue
        if str(role).startswith("/") or str(role).lower() in custom:
            continue
        issue = role_name_issue(str(role))
        if issue is not None:
            yield role, issue


@check("MI603")
def role_name_not_built_in(ctx: CheckContext) -> Iterable[Hit]:
    for role, (kind, canonical) in _role_names(ctx):
        if kind == "near":
            yield Hit(at=role, args={"role": str(role), "expected": canonical},
                      fix=_list(plain_edit(ctx, role, canonical)))


@check("MI604")
def role_name_case(ctx: CheckContext) -> Iterable[Hit]:
    for role, (kind, canonical) in _role_names(ctx):
        if kind == "case":
            yield Hit(at=role, args={"role": str(role), "expected": canonical},
                      fix=_list(plain_edit(ctx, role, canonical)))


# ---------------------------------------------------------------- MI605
_ROLE_DEFINITION_ID = re.compile(r"^/(?:.*/)?providers/microsoft\.authorization/roledefinitions/([^/]+)$",
                                 re.IGNORECASE)


@check("MI605")
def role_definition_id_not_full(ctx: CheckContext) -> Iterable[Hit]:
    for assignment in ctx.facts_of("role_assignment"):
        value = assignment.get("role_definition_id")
        if assignment.get("via") != "arm" or value is None or looks_like_placeholder(str(value)):
            continue
        text = str(value)
        if value.known:
            m = _ROLE_DEFINITION_ID.match(text)
            if m and is_guid(m.group(1)):
                continue
            problem = ("it is a bare GUID" if is_guid(text) else
                       "it is a role name" if "/" not in text else "it is not a role definition resource ID")
        else:
            low = text.lower()
            i = low.rfind("/roledefinitions/")
            tail = text[i + len("/roledefinitions/"):] if i >= 0 else None
            if tail is None or UNKNOWN in tail or is_guid(tail):
                continue
            problem = "it does not end with the role's GUID"
        yield Hit(at=value, args={"value": text.replace(UNKNOWN, "…"), "problem": problem})


# ---------------------------------------------------------------- MI606
@check("MI606")
def role_assignment_name_not_guid(ctx: CheckContext) -> Iterable[Hit]:
    for assignment in ctx.facts_of("role_assignment"):
        name = assignment.get("name")
        if assignment.get("via") != "arm" or name is None:
            continue
        last = str(name).rsplit("/", 1)[-1]
        if UNKNOWN in last or not last or looks_like_placeholder(last) or is_guid(last):
            continue
        i = len(str(name)) - len(last)
        yield Hit(at=name.sub(i), args={"name": last})


# ---------------------------------------------------------------- MI607
@check("MI607")
def role_scope_malformed(ctx: CheckContext) -> Iterable[Hit]:
    for assignment in ctx.facts_of("role_assignment"):
        scope = assignment.get("scope")
        if scope is None or not str(scope) or looks_like_placeholder(str(scope)):
            continue
        text = str(scope)
        fix = None
        if text != text.strip():
            problem = "it has whitespace at its " + ("start" if text[:1].isspace() else "end")
            lead, trail = len(text) - len(text.lstrip()), len(text.rstrip())
            parts = [p for p in (scope.sub(0, lead), scope.sub(trail)) if str(p)]
            if all(written_as_is(ctx, p) for p in parts):
                fix = [Edit(p, "") for p in parts]
        elif re.search(r"\s", without_placeholders(text)):
            problem = "it has whitespace inside"
        elif text[0] not in ("/", UNKNOWN) and "/" in text:
            problem = "it does not start with '/'"
            if text.lower().startswith(("subscriptions/", "providers/")):
                fix = [Edit(scope.sub(0, 0), "/")] if plain_edit(ctx, scope, text) else None
        else:
            continue
        yield Hit(at=scope, args={"scope": text.replace(UNKNOWN, "…"), "problem": problem}, fix=fix)
