"""Scripts embedded in other files (an ARM extension's commandToExecute, a deployment script, a
Markdown code block): pick the language, then reuse that language's facts."""
from __future__ import annotations

import re

from ..lstr import LStr
from .requests import Context

_POWERSHELL_MARKS = re.compile(
    r"invoke-(?:webrequest|restmethod)|\b(?:iwr|irm)\s|\$env:|-headers\s+@\{|"
    r"\b(?:connect|set|new|get|update|add|remove)-az[a-z]*\b|\bpowershell(?:\.exe)?\b|\bpwsh\b",
    re.IGNORECASE)

_WRAPPERS = re.compile(r"^\s*(?:powershell|pwsh)(?:\.exe)?\b", re.IGNORECASE)


# a word every match of _POWERSHELL_MARKS contains, lower-cased: the regex (case-insensitive, so slow)
# runs only where one occurs.  Not for other scripts than ASCII: re's case folding matches more there.
_POWERSHELL_WORDS = ("invoke-", "iwr", "irm", "$env:", "-headers", "-az", "powershell", "pwsh")


def looks_like_powershell(text: str) -> bool:
    if text.isascii():
        low = text.lower()
        if not any(word in low for word in _POWERSHELL_WORDS):
            return False
    return bool(_POWERSHELL_MARKS.search(text))


def script_facts(script: LStr, ctx: Context, language: str | None = None) -> list[dict]:
    """Facts of a script whose language is given ('bash', 'powershell') or guessed."""
    from .powershell_facts import powershell_facts
    from .shell_facts import shell_facts

    if language is None:
        language = "powershell" if looks_like_powershell(script) else "bash"
    if language == "powershell":
        facts = powershell_facts(script, ctx)
        return facts + _wrapped_powershell(script, ctx)
    return shell_facts(script, ctx)


def _wrapped_powershell(script: LStr, ctx: Context) -> list[dict]:
    """`powershell -Command "..."`: the command string is a script of its own."""
    from ..sources.powershell import PsParam, parse_powershell
    from .powershell_facts import powershell_facts

    if not _WRAPPERS.search(str(script)):
        return []
    facts: list[dict] = []
    for command in parse_powershell(script):
        if str(command.name).lower().removesuffix(".exe") not in ("powershell", "pwsh"):
            continue
        elements = command.elements
        for i, element in enumerate(elements):
            if isinstance(element, PsParam) and str(element.name).lower() in ("command", "c"):
                value = element.value if element.value is not None else (
                    elements[i + 1] if i + 1 < len(elements) else None)
                if isinstance(value, LStr) and value.known:
                    facts.extend(powershell_facts(value, ctx))
    return facts


CLOUD_SHELL_MARKS = re.compile(r"cloud\s*shell|cloudshell|\bACC_CLOUD\b|AZUREPS_HOST_ENVIRONMENT",
                               re.IGNORECASE)


def mentions_cloud_shell(text: str) -> bool:
    """A file that talks about Azure Cloud Shell: its localhost:50342 calls are Cloud Shell's."""
    return bool(CLOUD_SHELL_MARKS.search(text))
