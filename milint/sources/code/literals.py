"""String literals of each language read from their first character: where they end, and their
decoded value with every character located (escapes map to the escape, interpolations become
`Hole`s).

The mark finders (or, for Ruby, Pygments) say where a literal starts; these scanners know each language's quoting
rules (raw and verbatim strings, escapes, interpolation, text blocks), which a highlighter does not
decode.  A scanner returns None when the text is not a literal it knows; an unterminated literal
ends where the line (or text) ends and has an unknown value.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from ...lstr import LStr
from .marks import C_LIKE_LANGUAGES, SCRIPT_LANGUAGES, char_literal_end, line_end, regex_end, regex_may_start
from .tokens import Hole

_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "a": "\a",
                   "0": "\0", "\\": "\\", "'": "'", '"': '"', "`": "`", "e": "\x1b", "s": " "}


class Literal:
    __slots__ = ("start", "end", "parts", "complete")

    def __init__(self, start: int, end: int, parts: tuple, complete: bool = True):
        self.start, self.end, self.parts, self.complete = start, end, parts, complete


class _Parts:
    """Collects the pieces of a decoded value; contiguous verbatim runs are merged."""

    def __init__(self, src: LStr):
        self.src = src
        self.items: list = []
        self.run: Optional[list] = None  # [start, end) of the current verbatim run

    def verbatim(self, a: int, b: int) -> None:
        if a >= b:
            return
        if self.run is not None and self.run[1] == a:
            self.run[1] = b
            return
        self._flush()
        self.run = [a, b]

    def atom(self, value: str, a: int, b: int) -> None:
        self._flush()
        if value:
            self.items.append(LStr.atom(value, a, b, parent=self.src))

    def hole(self, hole: Hole) -> None:
        self._flush()
        self.items.append(hole)

    def _flush(self) -> None:
        if self.run is not None:
            self.items.append(self.src.sub(self.run[0], self.run[1]))
            self.run = None

    def done(self) -> tuple:
        self._flush()
        return tuple(self.items)


def _unterminated(src: LStr, start: int, end: int) -> Literal:
    return Literal(start, end, (LStr.unknown(start, end, parent=src, raw="<unterminated string>"),), False)


def _hex_escape(text: str, i: int, digits: int, variable: bool = False) -> tuple[Optional[str], int]:
    """Decode hex digits at i (exactly `digits`, or 1..`digits` when variable): (char, end)."""
    m = re.compile(r"[0-9A-Fa-f]{1,%d}" % digits if variable else r"[0-9A-Fa-f]{%d}" % digits).match(text, i)
    if not m:
        return None, i
    try:
        return chr(int(m.group(), 16)), m.end()
    except (ValueError, OverflowError):
        return None, m.end()


def _octal_escape(text: str, i: int, limit: int = 3) -> tuple[Optional[str], int]:
    m = re.compile(r"[0-7]{1,%d}" % limit).match(text, i)
    if not m:
        return None, i
    return chr(int(m.group(), 8) & 0x10FFFF), m.end()


# ------------------------------------------------------------------ holes
_OPEN = {"(": ")", "[": "]", "{": "}"}


def skip_code(text: str, i: int, scan_nested: Callable[[int], Optional[Literal]], stops: str = "}",
              quotes: str = "'\"`", language: Optional[str] = None) -> int:
    """Index of the first of `stops` at bracket depth 0 from i (nested literals skipped), or -1.
    In C#, Java, Go, JavaScript and TypeScript code (`language`) comments, character literals and
    regular expressions are skipped too: a quote in `{string.Join(',', xs)}` opens no string."""
    depth: list[str] = []
    n = len(text)
    c_like = language in C_LIKE_LANGUAGES
    script = language in SCRIPT_LANGUAGES
    while i < n:
        c = text[i]
        if c_like and c == "/":
            nxt = text[i + 1:i + 2]
            if nxt == "/":
                i = line_end(text, i)
                continue
            if nxt == "*":
                close = text.find("*/", i + 2)
                if close < 0:
                    return -1
                i = close + 2
                continue
            end = regex_end(text, i) if script and regex_may_start(text, i) else None
            if end is not None:
                i = end
                continue
        elif c_like and not script and c == "'":
            i = char_literal_end(language, text, i) or i + 1
            continue
        if c in quotes:
            lit = scan_nested(i)
            if lit is None or not lit.complete:
                return -1
            i = lit.end
            continue
        if not depth and c in stops:
            return i
        if c in _OPEN:
            depth.append(_OPEN[c])
        elif c in ")]}":
            if not depth or depth.pop() != c:
                return -1
        i += 1
    return -1


# ------------------------------------------------------------------ Python
_PY_PREFIX = re.compile(r"[rRbBuUfFtT]{0,2}")


def scan_python(src: LStr, text: str, i: int) -> Optional[Literal]:
    m = _PY_PREFIX.match(text, i)
    prefix = m.group().lower()
    j = m.end()
    if text.startswith(('"""', "'''"), j):
        quote = text[j:j + 3]
    elif j < len(text) and text[j] in "'\"":
        quote = text[j]
    else:
        return None
    raw, formatted, is_bytes = "r" in prefix, ("f" in prefix or "t" in prefix), "b" in prefix
    triple = len(quote) == 3
    parts = _Parts(src)
    j += len(quote)
    n = len(text)
    while j < n:
        if text.startswith(quote, j):
            return Literal(i, j + len(quote), parts.done())
        c = text[j]
        if c == "\n" and not triple:
            return _unterminated(src, i, j)
        if c == "\\":
            if j + 1 >= n:
                break
            if raw:
                parts.verbatim(j, j + 2)
                j += 2
                continue
            j = _python_escape(src, text, j, parts, is_bytes)
            continue
        if formatted and c in "{}":
            if text.startswith(c * 2, j):
                parts.atom(c, j, j + 2)
                j += 2
                continue
            if c == "}":  # a lone '}' is a syntax error; keep it
                parts.verbatim(j, j + 1)
                j += 1
                continue
            end = skip_code(text, j + 1, lambda k: scan_python(src, text, k), stops="}")
            if end < 0:
                return _unterminated(src, i, n)
            expr_end = _python_expr_end(text, j + 1, end)
            parts.hole(Hole(src, j, end + 1, j + 1, expr_end, "python"))
            j = end + 1
            continue
        k = j + 1
        while k < n and text[k] not in "\\\n{}'\"":
            k += 1
        parts.verbatim(j, k)
        j = k
    return _unterminated(src, i, n)


def _python_expr_end(text: str, a: int, b: int) -> int:
    """Where the expression of an f-string field ends: before `!r`, `:spec` or `=` at depth 0."""
    depth = 0
    k = a
    while k < b:
        c = text[k]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and c == "!" and text[k + 1:k + 2] != "=":
            return k
        elif depth == 0 and c == ":":
            return k
        elif c in "'\"":
            return b  # a nested literal: keep the whole field
        k += 1
    return b


def _python_escape(src: LStr, text: str, j: int, parts: _Parts, is_bytes: bool) -> int:
    c = text[j + 1]
    if c == "\n":
        return j + 2  # line continuation inside the literal
    if c in "ntrbfva\\'\"":
        parts.atom(_SIMPLE_ESCAPES[c], j, j + 2)
        return j + 2
    if c in "01234567":
        ch, end = _octal_escape(text, j + 1)
        parts.atom(ch or "", j, end)
        return end
    if c == "x":
        ch, end = _hex_escape(text, j + 2, 2)
        if ch is not None:
            parts.atom(ch, j, end)
            return end
    if not is_bytes and c in "uU":
        ch, end = _hex_escape(text, j + 2, 4 if c == "u" else 8)
        if ch is not None:
            parts.atom(ch, j, end)
            return end
    if not is_bytes and c == "N" and text.startswith("{", j + 2):
        close = text.find("}", j + 3)
        if close > 0:
            import unicodedata

            try:
                ch = unicodedata.lookup(text[j + 3:close])
            except KeyError:
                ch = None
            if ch is not None:
                parts.atom(ch, j, close + 1)
                return close + 1
    parts.verbatim(j, j + 2)  # an unknown escape keeps its backslash
    return j + 2


# ------------------------------------------------------------------ C-family escapes
def _c_escape(src: LStr, text: str, j: int, parts: _Parts, language: str) -> int:
    """Escapes of C#, Java, JavaScript and Go string literals."""
    n = len(text)
    c = text[j + 1]
    if c in "\r\n" and language in ("javascript", "java"):
        end = j + 2 + (1 if text.startswith("\r\n", j + 1) else 0)
        return end  # line continuation
    if c == "x" and language in ("javascript", "go", "csharp"):
        ch, end = _hex_escape(text, j + 2, 4 if language == "csharp" else 2, variable=language == "csharp")
        if ch is not None:
            parts.atom(ch, j, end)
            return end
    if c == "u":
        k = j + 2
        if language == "java":
            while k < n and text[k] == "u":
                k += 1
        if language == "javascript" and text.startswith("{", k):
            close = text.find("}", k)
            ch, end = _hex_escape(text, k + 1, 6, variable=True)
            if ch is not None and end == close:
                parts.atom(ch, j, close + 1)
                return close + 1
        ch, end = _hex_escape(text, k, 4)
        if ch is not None:
            parts.atom(ch, j, end)
            return end
    if c == "U" and language in ("go", "csharp"):
        ch, end = _hex_escape(text, j + 2, 8)
        if ch is not None:
            parts.atom(ch, j, end)
            return end
    if c in "01234567" and (language in ("java", "go") or (c == "0" and not text[j + 2:j + 3].isdigit())):
        ch, end = _octal_escape(text, j + 1, 3)
        parts.atom(ch or "", j, end)
        return end
    known = "ntrbfv\\'\"" + {"csharp": "a0", "go": "a", "java": "s", "javascript": "0`$"}.get(language, "")
    if c in known:
        parts.atom("$" if c == "$" else _SIMPLE_ESCAPES[c], j, j + 2)
        return j + 2
    if language == "javascript":  # an unknown escape stands for the character itself
        parts.atom(c, j, j + 2)
        return j + 2
    parts.verbatim(j, j + 2)
    return j + 2


def _scan_quoted(src: LStr, text: str, i: int, body: int, quote: str, language: str,
                 escapes: bool = True, multiline: bool = False,
                 holes: Optional[str] = None) -> Literal:
    """A literal whose body starts at `body` and ends at `quote`.

    holes: '{' (C#), '${' (JavaScript) or '#{' (Ruby) when the literal interpolates."""
    parts = _Parts(src)
    j = body
    n = len(text)
    while j < n:
        if text.startswith(quote, j):
            return Literal(i, j + len(quote), parts.done())
        c = text[j]
        if c == "\n" and not multiline:
            return _unterminated(src, i, j)
        if c == "\\" and escapes and j + 1 < n:
            j = (_ruby_escape(src, text, j, parts) if language == "ruby"
                 else _c_escape(src, text, j, parts, language))
            continue
        if holes and text.startswith(holes, j):
            if holes == "{" and text.startswith("{{", j):
                parts.atom("{", j, j + 2)
                j += 2
                continue
            start = j + len(holes)
            end = skip_code(text, start, lambda k: scan(language, src, text, k), stops="}", language=language)
            if end < 0:  # a hole that cannot be read: the literal ends with its line, if it has lines
                return _unterminated(src, i, n if multiline else line_end(text, j))
            expr_end = _csharp_expr_end(text, start, end) if language == "csharp" else end
            parts.hole(Hole(src, j, end + 1, start, expr_end, language))
            j = end + 1
            continue
        if holes == "{" and text.startswith("}}", j):
            parts.atom("}", j, j + 2)
            j += 2
            continue
        k = j + 1
        while k < n and text[k] not in "\\\n{}$#\"'`":
            k += 1
        parts.verbatim(j, k)
        j = k
    return _unterminated(src, i, n)


def _csharp_expr_end(text: str, a: int, b: int) -> int:
    """An interpolation hole `{expr,align:format}`: the expression ends at ',' or ':' at depth 0."""
    depth = 0
    for k in range(a, b):
        c = text[k]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and c in ",:" and not text.startswith("::", k):
            return k
        elif c in "'\"":
            return b
    return b


# ------------------------------------------------------------------ C#
def _csharp_prefix(text: str, i: int) -> Optional[tuple[str, int, int]]:
    """(prefix, index of the first quote, number of quotes) of a C# string opener, or None."""
    j = i
    while j < len(text) and text[j] in "$@":
        j += 1
    prefix = text[i:j]
    if prefix.count("@") > 1 or j >= len(text) or text[j] != '"':
        return None
    k = j
    while k < len(text) and text[k] == '"':
        k += 1
    return prefix, j, k - j


def scan_csharp(src: LStr, text: str, i: int) -> Optional[Literal]:
    found = _csharp_prefix(text, i)
    if found is None:
        return None
    prefix, first_quote, count = found
    quotes = '"' * count
    dollars = prefix.count("$")
    body = first_quote + count
    if len(quotes) >= 3:
        lit = _csharp_raw(src, text, i, body, quotes, dollars)
    elif len(quotes) == 2:  # an empty string ""
        lit = Literal(i, body, ())
    elif "@" in prefix:
        lit = _csharp_verbatim(src, text, i, body, dollars > 0)
    else:
        lit = _scan_quoted(src, text, i, body, '"', "csharp", holes="{" if dollars else None)
    if lit.complete and text[lit.end:lit.end + 2] in ("u8", "U8"):
        lit.end += 2
    return lit


def _csharp_verbatim(src: LStr, text: str, i: int, body: int, interpolated: bool) -> Literal:
    parts = _Parts(src)
    j = body
    n = len(text)
    while j < n:
        c = text[j]
        if c == '"':
            if text.startswith('""', j):
                parts.atom('"', j, j + 2)
                j += 2
                continue
            return Literal(i, j + 1, parts.done())
        if interpolated and c in "{}":
            if text.startswith(c * 2, j):
                parts.atom(c, j, j + 2)
                j += 2
                continue
            if c == "{":
                end = skip_code(text, j + 1, lambda k: scan_csharp(src, text, k), stops="}", language="csharp")
                if end < 0:
                    return _unterminated(src, i, n)
                parts.hole(Hole(src, j, end + 1, j + 1, _csharp_expr_end(text, j + 1, end), "csharp"))
                j = end + 1
                continue
        k = j + 1
        while k < n and text[k] not in '"{}':
            k += 1
        parts.verbatim(j, k)
        j = k
    return _unterminated(src, i, n)


def _csharp_raw(src: LStr, text: str, i: int, body: int, quotes: str, dollars: int) -> Literal:
    close = text.find(quotes, body)
    if close < 0:
        return _unterminated(src, i, len(text))
    end = close + len(quotes)
    while end < len(text) and text[end] == '"':  # a raw literal may end with extra quotes in its content
        close += 1
        end += 1
    parts = _Parts(src)
    first_nl = text.find("\n", body, close)
    if first_nl < 0:  # single-line raw literal: the content as written
        ranges = [(body, close)]
    else:  # multi-line: drop the opening and closing lines and the closing line's indentation
        last_nl = text.rfind("\n", body, close)
        indent = close - last_nl - 1
        ranges = []
        line_start = first_nl + 1
        while line_start <= last_nl:
            line_end = text.find("\n", line_start, last_nl + 1)
            ranges.append((min(line_start + indent, line_end), line_end))
            if line_end < last_nl:
                ranges.append((line_end, line_end + 1))
            line_start = line_end + 1
        ranges = [(a, b - 1 if b > a and text[b - 1] == "\r" else b) for a, b in ranges]
    opener = "{" * dollars if dollars else None
    for a, b in ranges:
        j = a
        while j < b:
            if opener and text.startswith(opener, j) and not text.startswith(opener + "{", j):
                stop = skip_code(text, j + dollars, lambda k: scan_csharp(src, text, k), stops="}",
                                 language="csharp")
                if stop < 0 or stop >= b:
                    return _unterminated(src, i, end)
                hole_end = stop + dollars
                parts.hole(Hole(src, j, hole_end, j + dollars, _csharp_expr_end(text, j + dollars, stop), "csharp"))
                j = hole_end
                continue
            k = text.find(opener, j + 1, b) if opener else -1
            k = b if k < 0 else k
            parts.verbatim(j, k)
            j = k
    return Literal(i, end, parts.done())


# ------------------------------------------------------------------ Java
def scan_java(src: LStr, text: str, i: int) -> Optional[Literal]:
    if text.startswith('"""', i):
        return _java_text_block(src, text, i)
    if text.startswith('"', i):
        return _scan_quoted(src, text, i, i + 1, '"', "java")
    return None


def _java_text_block(src: LStr, text: str, i: int) -> Literal:
    nl = text.find("\n", i + 3)
    if nl < 0 or text[i + 3:nl].strip():
        return _unterminated(src, i, len(text))
    j = nl + 1
    close = -1
    while j < len(text):  # find the closing """ (not escaped)
        if text[j] == "\\":
            j += 2
            continue
        if text.startswith('"""', j):
            close = j
            break
        j += 1
    if close < 0:
        return _unterminated(src, i, len(text))
    lines = []  # (start, end) of each content line; the last one ends at the delimiter
    start = nl + 1
    while True:
        e = text.find("\n", start, close)
        if e < 0:
            lines.append((start, close))
            break
        lines.append((start, e))
        start = e + 1
    closing_alone = not text[lines[-1][0]:close].strip()

    def indent(a, b):
        return len(text[a:b]) - len(text[a:b].lstrip(" \t"))
    significant = [indent(a, b) for a, b in lines[:-1] if text[a:b].strip()]
    significant.append(indent(*lines[-1]) if closing_alone else indent(*lines[-1]))
    common = min(significant) if significant else 0
    parts = _Parts(src)
    for k, (a, b) in enumerate(lines):
        last = k == len(lines) - 1
        if last and closing_alone:
            break
        a = min(a + common, b)
        b_stripped = b if last else a + len(text[a:b].rstrip(" \t\r"))
        j = a
        while j < b_stripped:
            if text[j] == "\\" and j + 1 < b_stripped + (0 if last else 1):
                j = _c_escape(src, text, j, parts, "java")
                continue
            q = text.find("\\", j, b_stripped)
            q = b_stripped if q < 0 else q
            parts.verbatim(j, q)
            j = q
        if not last:
            parts.verbatim(b, b + 1)
    return Literal(i, close + 3, parts.done())


# ------------------------------------------------------------------ JavaScript / TypeScript
def scan_javascript(src: LStr, text: str, i: int) -> Optional[Literal]:
    if i >= len(text):
        return None
    q = text[i]
    if q == "`":
        return _scan_quoted(src, text, i, i + 1, "`", "javascript", multiline=True, holes="${")
    if q in "'\"":
        return _scan_quoted(src, text, i, i + 1, q, "javascript")
    return None


# ------------------------------------------------------------------ Go
def scan_go(src: LStr, text: str, i: int) -> Optional[Literal]:
    if text.startswith("`", i):
        close = text.find("`", i + 1)
        if close < 0:
            return _unterminated(src, i, len(text))
        parts = _Parts(src)
        j = i + 1
        while j < close:  # carriage returns are dropped from raw strings
            r = text.find("\r", j, close)
            r = close if r < 0 else r
            parts.verbatim(j, r)
            j = r + 1
        return Literal(i, close + 1, parts.done())
    if text.startswith('"', i):
        return _scan_quoted(src, text, i, i + 1, '"', "go")
    return None


# ------------------------------------------------------------------ Ruby
_RUBY_PERCENT = re.compile(r"%([qQ]?)([^\w\s])")
_CLOSERS = {"(": ")", "[": "]", "{": "}", "<": ">"}


def scan_ruby(src: LStr, text: str, i: int) -> Optional[Literal]:
    if text.startswith("'", i):
        return _ruby_single(src, text, i, i + 1, "'", None)
    if text.startswith('"', i):
        return _scan_quoted(src, text, i, i + 1, '"', "ruby", multiline=True, holes="#{")
    m = _RUBY_PERCENT.match(text, i)
    if m:
        opener = m.group(2)
        closer = _CLOSERS.get(opener, opener)
        nest = opener if opener in _CLOSERS else None
        if m.group(1) == "q":
            return _ruby_single(src, text, i, m.end(), closer, nest)
        if nest is None:
            return _scan_quoted(src, text, i, m.end(), closer, "ruby", multiline=True, holes="#{")
        return _ruby_nested_double(src, text, i, m.end(), opener, closer)
    return None


def _ruby_single(src: LStr, text: str, i: int, body: int, closer: str, nest: Optional[str]) -> Literal:
    parts = _Parts(src)
    depth = 0
    j = body
    n = len(text)
    while j < n:
        c = text[j]
        if c == "\\" and j + 1 < n and text[j + 1] in ("\\", closer, nest or closer):
            parts.atom(text[j + 1], j, j + 2)
            j += 2
            continue
        if nest is not None and c == nest:
            depth += 1
        elif c == closer:
            if depth == 0:
                return Literal(i, j + 1, parts.done())
            depth -= 1
        parts.verbatim(j, j + 1)
        j += 1
    return _unterminated(src, i, n)


def _ruby_nested_double(src: LStr, text: str, i: int, body: int, opener: str, closer: str) -> Literal:
    """%Q(...) with nesting brackets: read it as a plain literal when it has no escapes or holes."""
    depth = 0
    j = body
    while j < len(text):
        c = text[j]
        if c == "\\" or text.startswith("#{", j):
            return _unterminated(src, i, _ruby_close(text, j, opener, closer))
        if c == opener:
            depth += 1
        elif c == closer:
            if depth == 0:
                return Literal(i, j + 1, (src.sub(body, j),) if j > body else ())
            depth -= 1
        j += 1
    return _unterminated(src, i, len(text))


def _ruby_close(text: str, j: int, opener: str, closer: str) -> int:
    depth = 0
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == opener:
            depth += 1
        elif text[j] == closer:
            if depth == 0:
                return j + 1
            depth -= 1
        j += 1
    return len(text)


def _ruby_escape(src: LStr, text: str, j: int, parts: _Parts) -> int:
    c = text[j + 1]
    if c == "\n":
        return j + 2
    if c == "x":
        ch, end = _hex_escape(text, j + 2, 2, variable=True)
        if ch is not None:
            parts.atom(ch, j, end)
            return end
    if c == "u":
        if text.startswith("{", j + 2):
            close = text.find("}", j + 3)
            ch, end = _hex_escape(text, j + 3, 6, variable=True)
            if ch is not None and end == close:
                parts.atom(ch, j, close + 1)
                return close + 1
        ch, end = _hex_escape(text, j + 2, 4)
        if ch is not None:
            parts.atom(ch, j, end)
            return end
    if c in "01234567":
        ch, end = _octal_escape(text, j + 1)
        parts.atom(ch or "", j, end)
        return end
    parts.atom(_SIMPLE_ESCAPES.get(c, c), j, j + 2)  # \" \# and unknown escapes: the character
    return j + 2


SCANNERS = {
    "python": scan_python, "csharp": scan_csharp, "java": scan_java, "javascript": scan_javascript,
    "typescript": scan_javascript, "go": scan_go, "ruby": scan_ruby,
}


def scan(language: str, src: LStr, text: str, i: int) -> Optional[Literal]:
    scanner = SCANNERS.get(language)
    return scanner(src, text, i) if scanner is not None else None
