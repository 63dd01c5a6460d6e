"""Identifiers as Azure reads them: GUIDs, resource IDs, resource types; what is wrong with one.

Values are located strings that may be partly unknown (a shell variable, an ARM expression).  Every
judgement here only uses what unknown parts cannot change: ``/subscriptions/$SUB/...`` is fine,
``subscriptions/$SUB/...`` lacks its leading slash whatever ``$SUB`` holds.
"""
from __future__ import annotations

from functools import lru_cache

import re
from typing import Iterator, Optional

from .. import knowledge_identity as KI
from ..lstr import LStr, UNKNOWN

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_GUID_SHAPED = re.compile(r"[0-9A-Za-z]{8}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{12}")
_FIVE_GROUPS = re.compile(r"[0-9A-Za-z]+(?:-[0-9A-Za-z]+){4}")
_HEX = frozenset("0123456789abcdefABCDEF")

# Documentation placeholders stand for a value: <CLIENT ID>, {name}, __NAME__, %NAME%, [name].
_PLACEHOLDER = re.compile(r"^(?:<[^<>]*>|<<[^<>]*>>|\{[^{}]*\}|\[[^\[\]]*\]|%[^%]*%|__[A-Za-z0-9_]+__)$")
_PLACEHOLDER_PART = re.compile(r"<<[^<>]*>>|<[^<>]*>")
_WHITESPACE = re.compile(r"\s")


def looks_like_placeholder(text: str) -> bool:
    """A doc placeholder such as ``<CLIENT ID>`` or ``{name}``: it stands for a value, unknown."""
    return bool(_PLACEHOLDER.match(text.strip()))


def without_placeholders(text: str) -> str:
    """`text` with each ``<...>`` placeholder replaced by one neutral character (same meaning)."""
    return _PLACEHOLDER_PART.sub("x", text)


def is_guid(text: str) -> bool:
    return bool(_GUID.fullmatch(text))


# ---------------------------------------------------------------- GUIDs
def guid_problem(value: Optional[LStr], strict: bool) -> Optional[str]:
    """Why `value` cannot be the GUID it is meant to be, or None.

    `strict`: the slot only takes a GUID (an IMDS client_id, --assignee-object-id); otherwise the
    slot also takes names or IDs, and only a value written like a GUID but not one is reported."""
    if not isinstance(value, LStr) or not value.known:
        return None
    text = str(value)
    if not text or looks_like_placeholder(text) or is_guid(text):
        return None
    if _FIVE_GROUPS.fullmatch(text) and 32 <= len(text) <= 40:
        bad = sorted({c for c in text if c != "-" and c not in _HEX})
        if bad and _placeholder_groups(text):
            return None  # xxxxxxxx-xxxx-...: a placeholder written in GUID shape
        if bad:
            return f"it has characters that are not hexadecimal digits ({', '.join(repr(c) for c in bad)})"
        lengths = "-".join(str(len(g)) for g in text.split("-"))
        return f"its groups have {lengths} digits instead of 8-4-4-4-12"
    if not strict:
        return None
    if text.startswith("/"):
        return "it is a resource ID, not a GUID"
    return "it is not a GUID (8-4-4-4-12 hexadecimal digits)"


def _placeholder_groups(text: str) -> bool:
    """Every non-hex character sits in a group made of one repeated character (xxxx, yyyy)."""
    for group in text.split("-"):
        if any(c not in _HEX for c in group) and len(set(group)) != 1:
            return False
    return True


# ---------------------------------------------------------------- resource IDs
_UA_ID = re.compile(r"/subscriptions/[^/]+/resourcegroups/[^/]+/providers/"
                    r"microsoft\.managedidentity/userassignedidentities/[^/]+", re.IGNORECASE)
_PROVIDER_TYPE = re.compile(r"/providers/([^/\ufffc]+)/([^/\ufffc]+)(?=/|$)", re.IGNORECASE)
_UA_FORM = ("/subscriptions/<subscription>/resourceGroups/<group>/providers/"
            "Microsoft.ManagedIdentity/userAssignedIdentities/<name>")


def user_assigned_id_problem(value: Optional[LStr], joined: bool = False) -> Optional[str]:
    """Why `value` cannot be the full resource ID of a user-assigned identity, or None.

    `joined`: read the value as if its line breaks were not there.  A raw line break inside a JSON
    string makes the whole body invalid (a finding of its own), and in copied documentation it is
    an artifact of line wrapping; either way it says nothing about the ID."""
    if not isinstance(value, LStr):
        return None
    text = str(value)
    if joined:
        text = text.replace("\r", "").replace("\n", "")
    if not text.strip():
        return "it is empty"
    if looks_like_placeholder(text):
        return None
    bare = without_placeholders(text)
    if bare != bare.strip() or _WHITESPACE.search(bare.rsplit("/", 1)[0]):
        return "it contains whitespace"  # (a space inside the name itself is the name's problem)
    if value.known and _UA_ID.fullmatch(text):
        return None
    if value.known and "/" not in text:
        return "it is a bare name"
    if text[0] != UNKNOWN and text[0] != "/":
        return "it does not start with '/'"
    if text.endswith("/"):
        return "it ends with '/'"
    m = _PROVIDER_TYPE.search(text)
    if m and f"{m.group(1)}/{m.group(2)}".lower() != KI.USER_ASSIGNED_IDENTITY_TYPE.lower():
        return f"it names a {m.group(1)}/{m.group(2)} resource"
    if value.known:
        return "it is not of the form " + _UA_FORM
    return None


def provider_path(segments: list) -> Optional[tuple[str, list]]:
    """(lower-case resource type, names) of an ARM path's last provider part.

    ``subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm`` gives
    ("microsoft.compute/virtualmachines", [vm]); a collection path (ends on a type) gives the type
    and one name fewer.  None when the path names no provider or a part is unknown."""
    words = [str(s) for s in segments]
    lower = [w.lower() for w in words]
    if "providers" not in lower:
        return None
    i = len(lower) - 1 - lower[::-1].index("providers")
    rest = segments[i + 1:]
    if len(rest) < 2 or any(UNKNOWN in str(s) for s in rest[0::2][:1] + rest[1::2]):
        return None
    types = [str(rest[0])] + [str(t) for t in rest[1::2]]
    names = list(rest[2::2])
    return "/".join(types).lower(), names


# ---------------------------------------------------------------- resource type mentions
_TYPE_MENTION = re.compile(r"(?<![A-Za-z0-9.])(microsoft\.[a-z]+)/([a-z]+)", re.IGNORECASE)


def type_mentions(value: LStr) -> Iterator[tuple[LStr, str, str]]:
    """``Microsoft.Namespace/type`` pairs written in `value`: (located text, namespace, type)."""
    text = str(value)
    if "icrosoft." not in text and "ICROSOFT." not in text.upper():
        return
    for m in _TYPE_MENTION.finditer(text):
        yield value.sub(m.start(), m.end()), m.group(1), m.group(2)


def misspelled_type(namespace: str, rtype: str) -> Optional[str]:
    """The identity-related type `namespace/rtype` was probably meant to be, or None.

    Case differences are not misspellings (ARM compares types case-insensitively)."""
    return _misspelled(namespace.lower(), rtype.lower())


@lru_cache(maxsize=4096)
def _misspelled(ns: str, t: str) -> Optional[str]:
    # the same few types recur in every template: the edit distances are computed once each
    pair = f"{ns}/{t}"
    if pair in KI.IDENTITY_RESOURCE_TYPES or pair in KI.REAL_NEAR_TYPES:
        return None
    for canonical_lower, canonical in KI.IDENTITY_RESOURCE_TYPES.items():
        parts = canonical_lower.split("/")
        if len(parts) != 2:
            continue
        want_ns, want_t = parts
        type_close = t == want_t or edit_distance(t, want_t) <= (3 if len(want_t) >= 20 else 2)
        ns_close = ns == want_ns or ns in KI.NAMESPACE_MISTAKES and \
            KI.NAMESPACE_MISTAKES[ns].lower() == want_ns or edit_distance(ns, want_ns) <= 3
        if type_close and ns_close:
            return canonical
    return None


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions); above 8 it is only a bound."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > 8:
        return abs(len(a) - len(b))
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
