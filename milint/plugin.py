"""The plugin manager: built-in plugins first, then third-party packs from entry points."""
from __future__ import annotations

import pluggy

from . import hookspecs

PROJECT = "milint"
hookimpl = pluggy.HookimplMarker(PROJECT)

BUILTIN_PLUGINS = (
    "milint.sources.plugin",
    "milint.checks.plugin",
    "milint.report.plugin",
)


class PluginError(ValueError):
    """An installed rule pack that cannot be loaded: a configuration error of the environment."""


def _load_pack(name: str, value: str) -> object:
    from .entry_points import load

    try:
        return load(value)
    except Exception as exc:  # whatever the pack raises on import: name it, exit 2
        raise PluginError(f"the installed milint plugin {name!r} ({value}) cannot be loaded: "
                          f"{type(exc).__name__}: {exc}; fix or uninstall that package") from exc


def plugin_manager(load_entrypoints: bool = True, blocked: tuple[str, ...] = ()) -> pluggy.PluginManager:
    import importlib

    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in blocked:
        pm.set_blocked(name)
    for module_name in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(module_name), name=module_name)
    if load_entrypoints:
        from .entry_points import entry_points

        for name, value in entry_points(PROJECT):
            if pm.get_plugin(name) is None and not pm.is_blocked(name):
                pm.register(_load_pack(name, value), name=name)
    pm.check_pending()
    return pm
