"""One `identity_block` fact from an ``identity`` object, wherever it was written: an ARM template
resource (values evaluated), a REST request body, a JSON sample, an ``az ... --set identity.type=``.

The object is given as *located JSON*: dicts whose keys are located strings, lists, located
strings, None, numbers; an `Unknown` (or an unknown located string) where a value cannot be known.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, Optional

from ..lstr import LStr
from . import fact

Where = Callable[[tuple], Any]  # a path relative to the identity object -> something with .span()


def is_unknown(value: Any) -> bool:
    """An ARM `Unknown` (told by its interface, so this module does not import the evaluator)."""
    return hasattr(value, "as_lstr") and not isinstance(value, str)


def json_kind(value: Any) -> str:
    """object / array / null / string / unknown / other: what JSON type a value has."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if value is None:
        return "null"
    if is_unknown(value) or (isinstance(value, LStr) and not value.known):
        return "unknown"
    if isinstance(value, str):
        return "string"
    return "other"


def member(mapping: Any, name: str) -> tuple[Optional[LStr], Any]:
    """(key as written, value) of a member found case-insensitively (ARM and REST bodies ignore
    case in property names); (None, None) when absent."""
    if not isinstance(mapping, dict):
        return None, None
    low = name.lower()
    for key, value in mapping.items():
        if isinstance(key, str) and key.lower() == low:
            return (key if isinstance(key, LStr) else LStr.of(key)), value
    return None, None


def type_parts(value: Optional[LStr]) -> Optional[frozenset]:
    """{'systemassigned', 'userassigned'} from 'SystemAssigned, UserAssigned'; None if unknown."""
    if not isinstance(value, LStr) or not value.known:
        return None
    return frozenset(p.strip().lower() for p in str(value).split(",") if p.strip())


def as_lstr(value: Any) -> Optional[LStr]:
    if is_unknown(value):
        return value.as_lstr()
    return value if isinstance(value, LStr) else None


def identity_block(identity: dict, at: Any, where: Where, raw_keys: Optional[list] = None,
                   **context: Any) -> dict:
    """The `identity_block` fact of a located identity object.

    `context` names where it stands: via (arm/json/bash/powershell), context (arm, rest,
    fragment, cli), operation (put, patch or None when unknown), placement (top, properties,
    virtualMachineProfile), resource_type, api_version, api_version_at, resource_name, ...

    Each entry has its `id` (the value, evaluated) and `at` (the key or item as written);
    `raw_keys` gives the written keys of an evaluated userAssignedIdentities dictionary."""
    type_key, type_value = member(identity, "type")
    type_value = as_lstr(type_value) if type_key is not None else None
    ua_key, ua = member(identity, "userAssignedIdentities")
    ids_key, ids = member(identity, "identityIds")
    entries: list[dict] = []
    users: Optional[list] = []
    if ua_key is not None:
        if isinstance(ua, dict):
            written = raw_keys if raw_keys is not None and len(raw_keys) == len(ua) else None
            for i, (key, value) in enumerate(ua.items()):
                key = key if isinstance(key, LStr) else LStr.of(str(key))
                entries.append({"id": key, "value": json_kind(value), "at": written[i] if written else key})
        else:
            users = None
    if ids_key is not None:
        if isinstance(ids, list):
            for i, item in enumerate(ids):
                entries.append({"id": as_lstr(item), "value": json_kind(item),
                                "at": as_lstr(item) if as_lstr(item) is not None else where((str(ids_key), i))})
        elif ua_key is None:
            users = None
    if users is not None:  # the identities the block gives; a null entry removes one
        users = [e["id"] for e in entries if e["id"] is not None and e["value"] != "null"]
    # members that look like identity IDs but sit beside the list (a brace closed too early)
    strays = [k for k in identity if isinstance(k, LStr) and "/providers/" in str(k).lower()]
    list_key = ua_key if ua_key is not None else ids_key
    list_value = ua if ua_key is not None else ids
    form = "dictionary" if ua_key is not None else "array" if ids_key is not None else None
    data = dict(
        type=type_value, type_parts=type_parts(type_value), user_assigned=users, form=form,
        count=len(users) if users is not None else None, entries=entries,
        list_key=list_key, list_kind=json_kind(list_value) if list_key is not None else None,
        list_at=where((str(list_key),)) if list_key is not None else None,
        both_lists=ua_key is not None and ids_key is not None, stray_ids=strays,
    )
    data.update(context)
    return fact("identity_block", at, **data)


def located_json(doc, path: tuple, value: Any) -> Any:
    """A parsed JSON value (`doc` a JsonDocument) as located JSON: keys and strings become located
    strings that resolve their positions only when asked."""
    if isinstance(value, str):
        return doc.string(path, value)
    if isinstance(value, dict):
        return {doc.key_text(path + (k,)): located_json(doc, path + (k,), v) for k, v in value.items()}
    if isinstance(value, list):
        return [located_json(doc, path + (i,), v) for i, v in enumerate(value)]
    return value


def walk_strings(value: Any, wanted: Callable[[Any, bool, str], bool], path: tuple = ()
                 ) -> Iterator[tuple[tuple, bool, str]]:
    """(path, is_key, text) for the strings and object keys of a parsed JSON value that
    `wanted(member, is_key, text)` accepts (member: the key or index the string stands under),
    iteratively; the paths of the others, most of a template, are never built."""
    stack: list = [(path, None, value)]
    while stack:
        here, step, node = stack.pop()
        if isinstance(node, str):
            if wanted(step, False, node):
                yield (here + (step,) if step is not None else here), False, node
            continue
        if step is not None:
            here = here + (step,)
        if isinstance(node, dict):
            for key, item in node.items():
                if isinstance(key, str) and wanted(key, True, key):
                    yield here + (key,), True, key
                stack.append((here, key, item))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                stack.append((here, i, item))
