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


def plugin_manager(load_entrypoints: bool = True, blocked: tuple[str, ...] = ()) -> pluggy.PluginManager:
    import importlib

    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in blocked:
        pm.set_blocked(name)
    for module_name in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(module_name), name=module_name)
    if load_entrypoints:
        pm.load_setuptools_entrypoints(PROJECT)
    pm.check_pending()
    return pm
