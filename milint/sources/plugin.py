"""The built-in sources as a plugin: classify files and turn each kind into facts."""
from __future__ import annotations

from typing import Optional

from ..classify import kind_from_head, kind_from_name
from ..plugin import hookimpl
from ..prefilter import LiteralScreen


@hookimpl(trylast=True)
def milint_classify(name: str, head: bytes) -> Optional[str]:
    return kind_from_name(name) or (kind_from_head(head) if head else None)


_NAMES_CLOUD_SHELL = LiteralScreen(("cloud shell", "cloudshell", "acc_cloud", "azureps_host_environment"))


def document_context(document):
    from ..facts.requests import Context

    # one literal search over the lower-cased text the prefilter already made: a regex over every
    # file cost more than parsing the file; the regex only runs when both words are there
    lower = document.lower
    cloud_shell = _NAMES_CLOUD_SHELL.any_in(lower)
    if not cloud_shell and "cloud" in lower and "shell" in lower:
        from ..facts.scripts import mentions_cloud_shell

        cloud_shell = mentions_cloud_shell(document.text)
    return Context(cloud_shell=cloud_shell, wants=getattr(document, "wants", None))


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
    from .jsonc import MAX_DEPTH, JsonDocument, JsonError

    try:
        parsed = JsonDocument(document.source, max_depth=getattr(document, "max_depth", None) or MAX_DEPTH)
    except JsonError as exc:
        document.problem(f"not valid JSON: {exc.message}", exc.offset, exc.offset + 1)
        return []
    document.kind, facts = facts_of_json(parsed, document_context(document), as_template=document.kind == "arm")
    return facts
