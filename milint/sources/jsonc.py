"""JSON as ARM reads it (comments, trailing commas, raw newlines in strings), with positions.

Two parsers share one result shape:

* the fast path is the C `json` module: most templates are strict JSON, and most never need a
  position because they have no finding;
* `parse_located` is an iterative parser (no recursion, so 100k levels of nesting cannot blow the
  stack) that accepts ARM's extensions and records, for every object member and array item, the
  offsets of its key and value.

`JsonDocument` picks the fast path when it can and runs the located parser only when a position is
first asked for, so exact regions cost nothing until a finding needs one.
"""
from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Any, Optional

from ..lstr import LStr, Where
from ..timelimit import check as check_time

MAX_DEPTH = 512


class JsonError(ValueError):
    """Text that is not JSON; `offset` is where the parser gave up."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset


class JObject(dict):
    """A JSON object that knows where its members stand: spans[key] = (ks, ke, vs, ve)."""

    __slots__ = ("spans", "start", "end")


class JArray(list):
    """A JSON array that knows where its items stand: spans[i] = (vs, ve)."""

    __slots__ = ("spans", "start", "end")


_BLANKS = re.compile(r"[ \t\n\r\ufeff]*")


def _skip(text: str, pos: int) -> int:
    """Past the whitespace and comments at `pos`; an unterminated `/*` stays, to be reported where it
    starts.  Comments are found with str.find: a regular expression with a repeated group keeps
    memory for every repetition, over a gigabyte for one 10 MB comment."""
    space = _BLANKS.match
    while True:
        pos = space(text, pos).end()
        if text.startswith("//", pos):
            newline = text.find("\n", pos)
            pos = len(text) if newline < 0 else newline
        elif text.startswith("/*", pos):
            close = text.find("*/", pos + 2)
            if close < 0:
                return pos
            pos = close + 2
        else:
            return pos
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")  # ASCII digits, as JSON
_WORDS = {"true": True, "false": False, "null": None, "NaN": float("nan"),
          "Infinity": float("inf"), "-Infinity": float("-inf")}


def loads_fast(text: str) -> Any:
    """Strict-ish JSON through the C parser; raises ValueError/RecursionError on anything else."""
    return json.loads(text, strict=False)


def parse_located(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ARM-flavoured JSON into JObject/JArray/str/number/bool/None with member spans."""
    skip = _skip
    n = len(text)
    pos = skip(text, 0)
    if pos >= n:
        raise JsonError("empty document: expected a JSON value", pos)

    stack: list = []  # frames: [container, pending_key, key_span]
    root = None
    while True:
        check_time()
        # ---- read one value at pos
        ch = text[pos] if pos < n else ""
        start = pos
        if ch == "{" or ch == "[":
            if len(stack) >= max_depth:
                raise JsonError(f"nesting deeper than {max_depth} levels", pos)
            container = JObject() if ch == "{" else JArray()
            container.spans = {} if ch == "{" else []
            container.start = pos
            pos = skip(text, pos + 1)
            closer = "}" if ch == "{" else "]"
            if pos < n and text[pos] == closer:
                container.end = pos + 1
                value, vend = container, pos + 1
                pos += 1
            else:
                stack.append([container, None, None])
                if ch == "{":
                    pos = _read_key(text, pos, stack[-1], skip)
                continue
        elif ch == '"':
            value, vend = _read_string(text, pos)
            pos = vend
        elif ch in "-0123456789NI" and ch:
            m = _NUMBER.match(text, pos)
            word = None
            for w in ("NaN", "Infinity", "-Infinity"):
                if text.startswith(w, pos):
                    word = w
            if word:
                value, vend = _WORDS[word], pos + len(word)
            elif m and m.end() > pos:
                value, vend = _number(m.group(), pos), m.end()
            else:
                raise JsonError("expected a value", pos)
            pos = vend
        elif ch in "tfn":
            for w in ("true", "false", "null"):
                if text.startswith(w, pos):
                    value, vend = _WORDS[w], pos + len(w)
                    break
            else:
                raise JsonError("expected a value", pos)
            pos = vend
        elif not ch:
            raise JsonError("unexpected end of document: expected a value", pos)
        else:
            raise JsonError(f"unexpected character {ch!r}: expected a value", pos)

        # ---- attach the value and climb out of finished containers
        while True:
            if not stack:
                root = value
                pos = skip(text, pos)
                if pos < n:
                    raise JsonError("unexpected text after the JSON value", pos)
                return root
            frame = stack[-1]
            container = frame[0]
            if isinstance(container, JObject):
                key = frame[1]
                ks, ke = frame[2]
                if key in container:  # duplicate: last one wins, as in json.loads
                    del container[key]
                container[key] = value
                container.spans[key] = (ks, ke, start, vend)
            else:
                container.append(value)
                container.spans.append((start, vend))
            pos = skip(text, pos)
            closer = "}" if isinstance(container, JObject) else "]"
            if pos < n and text[pos] == ",":
                pos = skip(text, pos + 1)
                if pos < n and text[pos] == closer:  # trailing comma, as ARM allows
                    pass
                else:
                    if isinstance(container, JObject):
                        pos = _read_key(text, pos, frame, skip)
                    break  # read the next value
            if pos < n and text[pos] == closer:
                container.end = pos + 1
                stack.pop()
                value, start, vend = container, container.start, pos + 1
                pos += 1
                continue
            if pos >= n:
                raise JsonError(f"unexpected end of document: expected ',' or '{closer}'", pos)
            raise JsonError(f"expected ',' or '{closer}'", pos)


def _number(literal: str, pos: int):
    if any(c in literal for c in ".eE"):
        return float(literal)
    try:
        return int(literal)
    except ValueError:  # more digits than Python converts (json.loads refuses them too)
        raise JsonError("number with too many digits", pos) from None


def _read_key(text: str, pos: int, frame: list, skip) -> int:
    if pos >= len(text) or text[pos] != '"':
        raise JsonError("expected a property name in double quotes", pos)
    key, kend = _read_string(text, pos)
    frame[1] = key
    frame[2] = (pos, kend)
    pos = skip(text, kend)
    if pos >= len(text) or text[pos] != ":":
        raise JsonError("expected ':' after the property name", pos)
    return skip(text, pos + 1)


def _read_string(text: str, pos: int) -> tuple[str, int]:
    try:
        return scanstring(text, pos + 1, False)
    except ValueError as exc:
        raise JsonError("unterminated or invalid string", getattr(exc, "pos", pos)) from None


_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def string_lstr(source: LStr, start: int, end: int) -> LStr:
    """The decoded value of the string token source[start:end] (quotes included), located."""
    raw = str(source)[start + 1:end - 1]
    if "\\" not in raw:
        return source.sub(start + 1, end - 1)
    parts = []
    i = 0
    base = start + 1
    run = 0
    while i < len(raw):
        if raw[i] != "\\":
            i += 1
            continue
        if i > run:
            parts.append(source.sub(base + run, base + i))
        esc = raw[i + 1:i + 2]
        if esc == "u" and i + 6 <= len(raw):
            code = int(raw[i + 2:i + 6], 16)
            width = 6
            low = _hex4(raw, i + 8) if 0xD800 <= code < 0xDC00 and raw[i + 6:i + 8] == "\\u" else -1
            if 0xDC00 <= low < 0xE000:  # a surrogate pair is one character (as json.loads reads it)
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                width = 12
            parts.append(LStr.atom(chr(code), base + i, base + i + width, parent=source))
            i += width
        else:
            parts.append(LStr.atom(_ESCAPES.get(esc, esc), base + i, base + i + 2, parent=source))
            i += 2
        run = i
    if run < len(raw):
        parts.append(source.sub(base + run, base + len(raw)))
    return LStr.concat(parts) if parts else source.sub(start + 1, start + 1)


def _hex4(raw: str, i: int) -> int:
    """The four hex digits at raw[i:i + 4] as a number, or -1."""
    digits = raw[i:i + 4]
    if len(digits) != 4 or not all(c in "0123456789abcdefABCDEF" for c in digits):
        return -1
    return int(digits, 16)


def deeper_than(value: Any, limit: int) -> bool:
    """Whether containers nest more than `limit` levels deep (iterative: any depth is safe)."""
    stack = [(value, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        if not isinstance(node, (dict, list)):
            continue
        if depth > limit:
            return True
        for child in (node.values() if isinstance(node, dict) else node):
            if isinstance(child, (dict, list)):
                push((child, depth + 1))
    return False


def _could_nest(text: str, limit: int) -> bool:
    """Whether the text has enough brackets to nest beyond `limit` at all (counting is much cheaper
    than walking the parsed value, and rules out almost every real file)."""
    return text.count("[") + text.count("{") > limit


Path = tuple  # keys and indexes from the root


class JsonDocument:
    """A JSON text, its value, and positions of any member computed on demand."""

    def __init__(self, source: LStr, max_depth: int = MAX_DEPTH):
        self.source = source
        self.text = str(source)
        self.max_depth = max_depth
        self._located = None
        try:
            self.value = loads_fast(self.text)
        except (ValueError, RecursionError):
            # ARM extensions (comments, trailing commas) or an error: the located parser decides
            self.value = self._located = parse_located(self.text, max_depth)
        if self._located is None and _could_nest(self.text, max_depth) and deeper_than(self.value, max_depth):
            parse_located(self.text, max_depth)  # raises JsonError where the limit is crossed

    @property
    def located(self):
        if self._located is None:
            self._located = parse_located(self.text, self.max_depth)
        return self._located

    def _spans(self, path: Path) -> Optional[tuple[int, int, int, int]]:
        """(key_start, key_end, value_start, value_end) of the node at path."""
        node = self.located
        spans = None
        for step in path:
            try:
                if isinstance(node, JObject):
                    spans = node.spans[step]
                elif isinstance(node, JArray):
                    vs, ve = node.spans[step]
                    spans = (vs, vs, vs, ve)
                else:
                    return None
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return None
        if spans is None and isinstance(node, (JObject, JArray)):
            return (node.start, node.start, node.start, node.end)
        return spans

    def value_span(self, path: Path) -> "Where":
        """Where the value at path stands (a whole object, array, number or string token)."""
        def resolve():
            s = self._spans(path)
            return self.source.span(s[2], s[3]) if s else self.source.span(0, 0)
        return Where(resolve)

    def member_span(self, path: Path) -> "Where":
        """Where the member at path stands, from its key to the end of its value."""
        def resolve():
            s = self._spans(path)
            return self.source.span(s[0], s[3]) if s else self.source.span(0, 0)
        return Where(resolve)

    def key_text(self, path: Path) -> LStr:
        """The located name of the member at path (quotes excluded)."""
        def resolve():
            s = self._spans(path)
            return string_lstr(self.source, s[0], s[1]) if s and s[1] > s[0] else self.source.sub(0, 0)
        return LStr.lazy(str(path[-1]), resolve)

    def string(self, path: Path, value: str) -> LStr:
        """The located decoded value of the string at path (`value` is what the parse gave)."""
        def resolve():
            s = self._spans(path)
            if not s or s[3] - s[2] < 2:
                return LStr.atom(value, 0, 0, parent=self.source)
            return string_lstr(self.source, s[2], s[3])
        return LStr.lazy(value, resolve)
