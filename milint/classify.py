"""What kind of file is this?  By name first (cheap), then by the first line (shebang)."""
from __future__ import annotations

import re
from typing import Optional

from .kinds import BY_EXTENSION, BY_FILENAME, BY_INTERPRETER

_SHEBANG = re.compile(rb"^#!\s*(?:/usr)?(?:/local)?/bin/(?:env\s+(?:-S\s+)?)?([A-Za-z0-9_.-]+)")


def kind_from_name(name: str) -> Optional[str]:
    low = name.lower()
    if low in BY_FILENAME:
        return BY_FILENAME[low]
    dot = low.rfind(".")
    if dot > 0:
        return BY_EXTENSION.get(low[dot:])
    return None


def kind_from_head(head: bytes) -> Optional[str]:
    m = _SHEBANG.match(head)
    if not m:
        return None
    program = m.group(1).decode("ascii", "replace")
    return BY_INTERPRETER.get(program) or BY_INTERPRETER.get(program.rstrip("0123456789."))


def needs_head(name: str) -> bool:
    """Files without an extension may be scripts with a shebang (dotfiles are configuration)."""
    base = name.rsplit("/", 1)[-1]
    return "." not in base
