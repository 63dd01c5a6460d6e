"""Facts from JSON: whole ARM templates, and JSON that is not a template (a REST body, an
`identity` object in a doc sample) through `json_fragments`."""
from __future__ import annotations

from ..lstr import LStr
from ..sources.jsonc import JsonDocument
from .requests import Context


def facts_of_json(parsed: JsonDocument, ctx: Context, as_template: bool = False) -> tuple[str, list[dict]]:
    """(kind, facts): kind is 'arm', 'arm-parameters' or 'json'."""
    from ..sources.arm import schema_kind

    schema = schema_kind(parsed.value)
    if schema == "template" or (as_template and isinstance(parsed.value, dict)):
        from .arm_facts import arm_template_facts

        return "arm", arm_template_facts(parsed, ctx)
    if schema == "parameters":
        return "arm-parameters", []
    from .json_fragments import fragment_facts

    return "json", fragment_facts(parsed, ctx)


def json_text_facts(source: LStr, ctx: Context) -> list[dict]:
    """Facts of embedded JSON (a Markdown block); text that is not JSON yields nothing."""
    from ..sources.jsonc import JsonError

    try:
        parsed = JsonDocument(source)
    except JsonError:
        return []
    return facts_of_json(parsed, ctx)[1]
