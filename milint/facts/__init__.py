"""Facts: the one small vocabulary every source speaks, and every rule reads.

A fact is a plain dict with a ``kind`` and an ``at`` (where it stands: anything with ``.span()``).
String values are located strings (`milint.lstr.LStr`, a ``str``), so rules and jmespath compare
them as plain strings and still know their exact place.  A value that cannot be known statically is
an LStr whose ``.known`` is False (it holds the placeholder U+FFFC); an absent value is missing or
None.  Rules never report on unknown values.

Kinds and their main fields (see docs/facts.md for the full list):

``rest_call``          an HTTP request: tool, method, url, host, path, segments, query, headers, body
``token_request``      a managed-identity token request: endpoint (imds, vm_extension, cloud_shell,
                       arc, app_service, app_service_legacy), url, api_version, resource (decoded),
                       resource_raw, headers, selectors (client_id/object_id/mi_res_id/...)
``identity_block``     an ARM/REST ``identity`` object: resource_type, api_version, type,
                       user_assigned (entries), form (dictionary/array), count
``identity_assignment`` identities given to a compute resource: target, system, user_assigned, count
``identity_name``      the name of a user-assigned identity being created
``identity_login``     ``az login --identity`` / ``Connect-AzAccount -Identity``: selector
``vm_extension``       a VM extension deployed or removed: publisher, type, name, operation
``cli_command``        an ``az`` command: command, words, options, sets
``ps_command``         a PowerShell cmdlet call: cmdlet, params, positional, splatted
"""
from __future__ import annotations

from typing import Any


def fact(kind: str, at: Any, **fields: Any) -> dict:
    """A fact dict; `at` is its main location (LStr or Where)."""
    data = {"kind": kind, "at": at}
    data.update(fields)
    return data
