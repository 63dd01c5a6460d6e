"""The built-in sources as a plugin: classify files and turn each kind into facts."""
from __future__ import annotations

from typing import Optional

from ..classify import kind_from_head, kind_from_name
from ..plugin import hookimpl


@hookimpl(trylast=True)
def milint_classify(name: str, head: bytes) -> Optional[str]:
    return kind_from_name(name) or (kind_from_head(head) if head else None)


def _context(document):
    from ..facts.requests import Context
    from ..facts.scripts import mentions_cloud_shell

    return Context(cloud_shell=mentions_cloud_shell(document.text))


@hookimpl
def milint_extract_facts(document) -> Optional[list[dict]]:
    kind = document.kind
    if kind in ("json", "arm", "arm-parameters"):
        return _json_facts(document)
    if kind == "bash":
        from ..facts.shell_facts import shell_facts

        return shell_facts(document.source, _context(document))
    if kind == "powershell":
        from ..facts.powershell_facts import powershell_facts

        return powershell_facts(document.source, _context(document))
    return None


def _json_facts(document) -> list[dict]:
    from .arm import schema_kind
    from .jsonc import JsonDocument, JsonError

    try:
        parsed = JsonDocument(document.source)
    except JsonError as exc:
        document.problem(f"not valid JSON: {exc.message}", exc.offset, exc.offset + 1)
        return []
    schema = schema_kind(parsed.value)
    if schema == "template" or (document.kind == "arm" and isinstance(parsed.value, dict)):
        from ..facts.arm_facts import arm_template_facts

        document.kind = "arm"
        return arm_template_facts(parsed, _context(document))
    if schema == "parameters":
        document.kind = "arm-parameters"
    return []
