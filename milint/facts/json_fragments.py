"""Facts from JSON that is not a whole template: a REST request body, a lone resource, an
`identity` object shown in documentation."""
from __future__ import annotations

from ..sources.jsonc import JsonDocument
from .requests import Context


def fragment_facts(parsed: JsonDocument, ctx: Context) -> list[dict]:
    """identity_block facts for `identity` objects found in the fragment (to be filled in)."""
    return []
