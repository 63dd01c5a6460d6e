"""The hooks milint's plugins implement.  Built-in sources, checks, rules and reporters are plugins
like any other; third-party packs register through the ``milint`` entry-point group.

Implement a hook with ``@milint.plugin.hookimpl`` and a function of the same name; it may accept
only the arguments it needs.  Hook names carry no version yet; a changed signature gets a new name
(``milint_extract_facts_v2``) and the old one keeps working for a release.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

import pluggy

hookspec = pluggy.HookspecMarker("milint")


@hookspec
def milint_rule_paths() -> list[Path]:
    """YAML rule files, or folders of them, that this plugin provides.

    Every rule is described in YAML (id, name, level, message, docs, triggers, examples, check);
    a rule whose ``check`` is ``python`` must have its function returned by `milint_checks`."""


@hookspec
def milint_checks() -> dict[str, Callable]:
    """Python checks by rule id: ``check(ctx) -> iterable of milint.checks.Hit``."""


@hookspec(firstresult=True)
def milint_classify(name: str, head: bytes) -> Optional[str]:
    """The kind of a file ("arm", "bash", "powershell", ...) from its name and first bytes, or
    None to let other plugins decide.  The first non-None answer wins."""


@hookspec
def milint_extract_facts(document) -> Optional[list[dict]]:
    """Facts of a parsed document (see milint.facts), or None if the plugin does not read its kind.

    May set ``document.kind`` to a more exact kind (a JSON file that is an ARM template)."""


@hookspec
def milint_reporters() -> dict[str, Callable]:
    """Output formats by name: ``render(report) -> str``."""
