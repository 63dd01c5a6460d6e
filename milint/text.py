"""Turning file bytes into text, and text offsets into SARIF lines and UTF-16 columns."""
from __future__ import annotations

import codecs
import re
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class DecodeError(ValueError):
    """The bytes are not text in any encoding milint reads; `offset` is the first bad byte."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    bom: bytes


def looks_binary(head: bytes) -> bool:
    """NUL bytes in the first block mean binary, unless the block is UTF-16/32 text."""
    if b"\x00" not in head:
        return False
    return _sniff_utf16(head) is None and not any(head.startswith(b) for b, _ in _BOMS)


def _sniff_utf16(head: bytes) -> str | None:
    """Recognise BOM-less UTF-16 of mostly-ASCII text by its zero bytes."""
    sample = head[:4096]
    if len(sample) < 4:
        return None
    sample = sample[: len(sample) // 2 * 2]
    even_zero = sample[0::2].count(0)
    odd_zero = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zero > 0.6 * half and even_zero < 0.05 * half:
        return "utf-16-le"
    if even_zero > 0.6 * half and odd_zero < 0.05 * half:
        return "utf-16-be"
    return None


def decode(data: bytes) -> Decoded:
    """Decode file bytes: BOMs first, then BOM-less UTF-16, then strict UTF-8."""
    error = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom):].decode(encoding), encoding, bom)
            except UnicodeDecodeError as exc:
                # FF FE 00 00 is also UTF-16 text that starts with U+0000: try the next match
                error = error or DecodeError(f"not valid {encoding} text ({exc.reason})", exc.start + len(bom))
    if error is not None:
        raise error
    utf16 = _sniff_utf16(data)
    if utf16:
        try:
            return Decoded(data.decode(utf16), utf16, b"")
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(data.decode("utf-8"), "utf-8", b"")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"not valid UTF-8 text ({exc.reason} at byte {exc.start})", exc.start)


def encode(text: str, decoded: Decoded) -> bytes:
    """Write text back in the encoding it was read with (for --fix)."""
    return decoded.bom + text.encode(decoded.encoding)


_NEWLINE = re.compile(r"\r\n|\r|\n")
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")  # two UTF-16 code units each


class LineIndex:
    """Maps offsets in a text to 1-based lines and 1-based UTF-16 columns (SARIF's default).

    Line starts are kept in a compact array (a file of nothing but line breaks must not cost
    tens of bytes per byte), and a column costs a binary search, not a scan of its line: a
    minified template is one long line that may carry many findings."""

    __slots__ = ("text", "starts", "_astral")

    def __init__(self, text: str):
        self.text = text
        self.starts = array("q", [0])
        self.starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self._astral = None  # offsets of the characters outside the BMP, found on first use

    def line_of(self, offset: int) -> int:
        """0-based line number of an offset."""
        return bisect_right(self.starts, offset) - 1

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column), both 1-based; the column counts UTF-16 code units."""
        offset = max(0, min(offset, len(self.text)))
        line = self.line_of(offset)
        start = self.starts[line]
        return line + 1, offset - start + self._astral_between(start, offset) + 1

    def _astral_between(self, start: int, end: int) -> int:
        if self._astral is None:
            text = self.text
            found = () if text.isascii() else (m.start() for m in _ASTRAL.finditer(text))
            self._astral = array("q", found)
        if not self._astral:
            return 0
        return bisect_left(self._astral, end) - bisect_left(self._astral, start)

    def line_text(self, line: int) -> str:
        """Text of a 1-based line without its line break."""
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def offset(self, line: int, column: int) -> int:
        """Inverse of position(): offset of a 1-based line and UTF-16 column."""
        start = self.starts[line - 1]
        text = self.line_text(line)
        units = 0
        for i, ch in enumerate(text):
            if units >= column - 1:
                return start + i
            units += 2 if ord(ch) > 0xFFFF else 1
        return start + len(text)
