"""Facts of a text of a given kind: the one entry point for whole files and for texts embedded in
other files (a Markdown code block, a script inside a template)."""
from __future__ import annotations

import importlib
from typing import Callable

from ..kinds import BY_NAME
from ..lstr import LStr
from .requests import Context

_CACHE: dict[str, Callable] = {}


def extractor(kind: str) -> Callable[[LStr, Context], list[dict]] | None:
    """The facts function of a kind, imported on first use (start-up stays light)."""
    if kind in _CACHE:
        return _CACHE[kind]
    spec = BY_NAME.get(kind)
    if spec is None or not spec.facts:
        return None
    module_name, func_name = spec.facts.split(":")
    try:
        func = getattr(importlib.import_module(module_name), func_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        func = None  # a kind whose reader does not exist yet
    _CACHE[kind] = func
    return func


def facts_for(kind: str, source: LStr, ctx: Context) -> list[dict]:
    func = extractor(kind)
    return func(source, ctx) if func is not None else []
