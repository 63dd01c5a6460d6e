"""Third-party packs: the ``milint`` entry points of installed distributions, found without
importlib.metadata.

Importing importlib.metadata (and the email parser behind it) costs about a fifth of milint's
start-up, on every run, for a group that is usually empty.  Installed distributions keep their
entry points in ``<name>.dist-info/entry_points.txt`` (``.egg-info`` for older installs) on
``sys.path``; reading those few files directly answers the same question.
"""
from __future__ import annotations

import os
import sys
from typing import Iterator


def entry_points(group: str) -> Iterator[tuple[str, str]]:
    """(name, "module:attribute") of every entry point in `group`, first distribution on the
    path first (as the import system would find them)."""
    header = f"[{group}]"
    for folder in sys.path:
        try:
            with os.scandir(folder or ".") as entries:
                names = sorted(e.name for e in entries if e.name.endswith((".dist-info", ".egg-info")))
        except OSError:  # a zip file, a missing folder
            continue
        for name in names:
            try:
                with open(os.path.join(folder or ".", name, "entry_points.txt"), encoding="utf-8") as fh:
                    text = fh.read()
            except (OSError, UnicodeDecodeError):
                continue
            if header in text:
                yield from _section(text, header)


def _section(text: str, header: str) -> Iterator[tuple[str, str]]:
    """The ``name = value`` lines of one section of an INI-style entry_points.txt."""
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            inside = line == header
        elif inside and "=" in line:
            name, value = (part.strip() for part in line.split("=", 1))
            value = value.split("[", 1)[0].strip()  # drop "[extra]" markers
            if name and value:
                yield name, value


def load(value: str) -> object:
    """The object an entry point names: ``package.module`` or ``package.module:attr.sub``."""
    import importlib

    module_name, _, attrs = value.partition(":")
    obj: object = importlib.import_module(module_name.strip())
    for attr in filter(None, attrs.strip().split(".")):
        obj = getattr(obj, attr)
    return obj
