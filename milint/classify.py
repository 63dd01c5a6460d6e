"""What kind of file is this?  By name first (cheap), then by the first line (shebang)."""
from __future__ import annotations

import re
from typing import Optional

EXTENSIONS = {
    ".json": "json", ".jsonc": "json",
    ".sh": "bash", ".bash": "bash", ".azcli": "bash", ".ksh": "bash", ".zsh": "bash",
    ".ps1": "powershell", ".psm1": "powershell",
}
NAMES: dict[str, str] = {}

_SHEBANG = re.compile(rb"^#!\s*(?:/usr)?(?:/local)?/bin/(?:env\s+(?:-S\s+)?)?([A-Za-z0-9_.-]+)")
_SHEBANG_KINDS = {"bash": "bash", "sh": "bash", "dash": "bash", "zsh": "bash", "ksh": "bash",
                  "pwsh": "powershell", "powershell": "powershell"}

# what `--as` accepts
KINDS = ("arm", "json", "bash", "powershell")


def kind_from_name(name: str) -> Optional[str]:
    low = name.lower()
    if low in NAMES:
        return NAMES[low]
    dot = low.rfind(".")
    if dot > 0:
        return EXTENSIONS.get(low[dot:])
    return None


def kind_from_head(head: bytes) -> Optional[str]:
    m = _SHEBANG.match(head)
    if not m:
        return None
    return _SHEBANG_KINDS.get(m.group(1).decode("ascii", "replace"))


def needs_head(name: str) -> bool:
    """Files without an extension may be scripts with a shebang (dotfiles are configuration)."""
    base = name.rsplit("/", 1)[-1]
    return "." not in base
