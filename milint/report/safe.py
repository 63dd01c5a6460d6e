"""Text quoted from scanned files must not control the terminal or forge report lines."""
from __future__ import annotations

import re

# C0 controls (tab kept), DEL, C1 controls, and the Unicode line/paragraph separators
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """`text` with every control character written as an escape (\\n, \\x1b, \\u2028)."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match) -> str:
    ch = match.group()
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
