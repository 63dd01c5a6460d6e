"""The built-in rules as a plugin: the YAML folder and the Python checks bound to it."""
from __future__ import annotations

from pathlib import Path

from ..plugin import hookimpl


def builtin_rules_dir() -> Path:
    """rules/ ships inside the wheel as milint/rules; in a source checkout it is the top folder."""
    packaged = Path(__file__).resolve().parent.parent / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "rules"


@hookimpl
def milint_rule_paths():
    return [builtin_rules_dir()]


@hookimpl
def milint_checks():
    from .core import CHECKS

    return dict(CHECKS)
