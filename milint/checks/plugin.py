"""The built-in rules as a plugin: the YAML folder, and the Python checks of every module in this
package that defines a `CHECKS` table (made with `checks.registry()`)."""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from ..plugin import hookimpl

_NOT_CHECKS = {"plugin", "declarative"}


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
    table: dict = {}
    package = Path(__file__).resolve().parent
    for info in sorted(pkgutil.iter_modules([str(package)]), key=lambda i: i.name):
        if info.name in _NOT_CHECKS:
            continue
        module = importlib.import_module(f"{__package__}.{info.name}")
        for rule_id, func in getattr(module, "CHECKS", {}).items():
            if rule_id in table:
                raise ValueError(f"two checks registered for {rule_id}")
            table[rule_id] = func
    return table
