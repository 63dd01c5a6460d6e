"""The built-in sources as a plugin: classify files and turn each kind into facts."""
from __future__ import annotations

from typing import Optional

from ..classify import kind_from_head, kind_from_name
from ..plugin import hookimpl


@hookimpl(trylast=True)
def milint_classify(name: str, head: bytes) -> Optional[str]:
    return kind_from_name(name) or (kind_from_head(head) if head else None)


def document_context(document):
    from ..facts.requests import Context
    from ..facts.scripts import mentions_cloud_shell

    return Context(cloud_shell=mentions_cloud_shell(document.text))


@hookimpl
def milint_extract_facts(document) -> Optional[list[dict]]:
    if document.kind in ("json", "arm", "arm-parameters"):
        return _json_file_facts(document)
    from ..facts.dispatch import extractor

    func = extractor(document.kind)
    if func is None:
        return None
    return func(document.source, document_context(document))


def _json_file_facts(document) -> list[dict]:
    from ..facts.json_facts import facts_of_json
    from .jsonc import JsonDocument, JsonError

    try:
        parsed = JsonDocument(document.source)
    except JsonError as exc:
        document.problem(f"not valid JSON: {exc.message}", exc.offset, exc.offset + 1)
        return []
    document.kind, facts = facts_of_json(parsed, document_context(document), as_template=document.kind == "arm")
    return facts
