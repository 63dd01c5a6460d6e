"""Where comments and literals start, found without a general lexer.

In Python, C#, Java, Go, JavaScript and TypeScript only a handful of characters can start
something that is not code (a comment, a string, a character literal, a regular expression), so a
search for those characters finds what Pygments' lexers find, several times faster and with none of
their start-up cost.  Each search starts where the tokenizer stopped (past the literal it just
read with `literals.scan`), so nothing inside a literal is looked at twice.  A mark is
(start, category, text): for comments and opaque literals `text` is the whole of it, for strings
only its first character (the tokenizer's scanner decides where a string ends).
tests/test_code_lexer.py holds these finders to Pygments' tokens on real code.
"""
from __future__ import annotations

import re
from typing import Iterator, Optional

from ...timelimit import check as check_time

# what a stretch of source is, for the tokenizer
CODE, COMMENT, STRING, OPAQUE, SYMBOL = range(5)

_LINE_BREAK = re.compile(r"[\r\n]")


def line_end(text: str, i: int) -> int:
    """Where the line holding `i` ends (one search: a find per kind of break would scan to the end
    of the text for the kind a file does not use)."""
    m = _LINE_BREAK.search(text, i)
    return m.start() if m is not None else len(text)


# ---------------------------------------------------------------- Python
_PY_MARK = re.compile(r"[#'\"]")
_PY_PREFIX_LETTERS = "rRbBuUfFtT"


def python_marks(tokenizer) -> Iterator[tuple[int, int, str]]:
    """Comments and literals of Python text: only `#` and quotes start them."""
    text = tokenizer.text
    while True:
        m = _PY_MARK.search(text, tokenizer.pos)
        if m is None:
            return
        i = m.start()
        if text[i] == "#":
            yield i, COMMENT, text[i:line_end(text, i)]
            continue
        start = i  # a prefix (rb"...", f'...') belongs to the literal, unless it ends a name
        while start > 0 and i - start < 2 and text[start - 1] in _PY_PREFIX_LETTERS:
            start -= 1
        if start < i and start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start = i
        start = max(start, tokenizer.pos)  # never behind the tokenizer: it would skip the mark and loop
        yield start, STRING, text[start:i + 1]


# ---------------------------------------------------------------- C#, Java, Go, JavaScript, TypeScript
# the characters that may start a comment or a literal, per language
_C_MARK = {
    "csharp": re.compile(r"[/\"'@$#]"),
    "java": re.compile(r"[/\"']"),
    "go": re.compile(r"[/\"'`]"),
    "javascript": re.compile(r"[/\"'`<]"),
    "typescript": re.compile(r"[/\"'`<]"),
}
C_LIKE_LANGUAGES = tuple(_C_MARK)
SCRIPT_LANGUAGES = ("javascript", "typescript")

# character literals (opaque: no rule reads them); a quote that starts none of these is code
_CHAR = {
    "csharp": re.compile(r"'(?:\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|\\x[0-9a-fA-F]{1,4}|\\.|[^\\])'", re.DOTALL),
    "java": re.compile(r"'(?:\\u+[0-9a-fA-F]{4}|\\[0-7]{1,3}|\\.|[^\\])'", re.DOTALL),
    "go": re.compile(r"""'(?:\\['"\\abfnrtv]|\\x[0-9a-fA-F]{2}|\\[0-7]{1,3}|\\u[0-9a-fA-F]{4}"""
                     r"""|\\U[0-9a-fA-F]{8}|[^\\])'""", re.DOTALL),
}

# C#'s preprocessor lines read as comments (what follows the directive is not C#)
_CS_DIRECTIVE = re.compile(r"#[ \t]*(?:if|endif|else|elif|define|undef|line|error|warning|region|endregion"
                           r"|pragma)\b[^\n]*\n?")
_CS_PREFIX = re.compile(r"[$@]+")

# Where a JavaScript regular expression literal may stand: after an operator, an opening bracket,
# a separator or one of these keywords (as in Pygments), never after a value.
_JS_REGEX_AFTER_WORD = frozenset((
    "typeof instanceof in void delete new for while do break return continue switch case default if "
    "else throw try catch finally yield await async this of static export import debugger extends super "
    "var let const with function class").split())
_TS_REGEX_AFTER_WORD = _JS_REGEX_AFTER_WORD | frozenset(
    "abstract implements private protected public readonly enum interface override".split())
_JS_VALUE_END = ")]}.\"'`"  # after these a slash divides (a quote: the end of a string)
_WORD_CHAR = re.compile(r"[\w$]")
_JS_LINE_BREAKS = "\n\r\u2028\u2029"


def char_literal_end(language: str, text: str, i: int) -> Optional[int]:
    """The end of the character literal at `i` (C#, Java, Go), or None."""
    pattern = _CHAR.get(language)
    found = pattern.match(text, i) if pattern is not None else None
    return found.end() if found is not None else None


def c_like_marks(tokenizer) -> Iterator[tuple[int, int, str]]:
    """Comments and literals of C#, Java, Go, JavaScript or TypeScript text."""
    text, language = tokenizer.text, tokenizer.language
    search = _C_MARK[language].search
    script = language in SCRIPT_LANGUAGES
    after_words = _TS_REGEX_AFTER_WORD if language == "typescript" else _JS_REGEX_AFTER_WORD
    # the last literal or comment handed on, for telling a JavaScript regex from a division
    last = _Last()
    cursor = 0  # where the next search starts: past the tokenizer's position and the code skipped
    unclosed_from = len(text) + 1  # no `*/` after this offset: later `/*` need no search
    if script and text.startswith("#!"):  # a hashbang line
        end = line_end(text, 0)
        last.set(0, end, COMMENT)
        yield 0, COMMENT, text[:end]
    while True:
        check_time()  # a file's time limit holds while it is searched
        # The generator is resumed only once the tokenizer has taken the last mark: its position
        # is then past a string it read, which is where that string ends.
        if tokenizer.pos > cursor:
            cursor = tokenizer.pos
            if last.cat == STRING:
                last.end = cursor
        m = search(text, cursor)
        if m is None:
            return
        i = m.start()
        cursor = i + 1  # unless what starts here is handed on
        c = text[i]
        if c == "/":
            nxt = text[i + 1:i + 2]
            if nxt == "/":
                end = line_end(text, i)
            elif nxt == "*":
                close = text.find("*/", i + 2) if i < unclosed_from else -1
                if close < 0:  # never closed: read on as code, as Pygments does
                    unclosed_from = min(unclosed_from, i)
                    continue
                end = close + 2
            elif script and regex_may_start(text, i, after_words, last):
                end = regex_end(text, i)
                if end is None:  # not a valid literal where one belongs: the rest of the line is not read
                    cursor = line_end(text, i)
                    continue
                last.set(i, end, OPAQUE)
                yield i, OPAQUE, text[i:end]
                continue
            else:
                continue
            last.comment(text, i, end)
            yield i, COMMENT, text[i:end]
        elif c == "'" and not script:
            end = char_literal_end(language, text, i)
            if end is not None:
                last.set(i, end, OPAQUE)
                yield i, OPAQUE, text[i:end]
        elif c == "#":  # C#
            found = _CS_DIRECTIVE.match(text, i)
            if found is not None:
                last.comment(text, i, found.end())
                yield i, COMMENT, found.group()
        elif c == "<":  # JavaScript: `<!--` opens a line comment (as in browsers)
            if text.startswith("<!--", i):
                end = line_end(text, i)
                last.comment(text, i, end)
                yield i, COMMENT, text[i:end]
        elif c in "@$":  # C#: a verbatim or interpolated string's prefix, else `@name` (code)
            run_end = _CS_PREFIX.match(text, i).end()
            if not text.startswith('"', run_end):
                cursor = run_end  # the run is code: not searched again from each of its characters
                continue
            # a prefix holds one `@` at most: extra ones before it are code
            last_at = text.rfind("@", i, run_end)
            extra = text.rfind("@", i, last_at) if last_at > i else -1
            start = extra + 1 if extra >= 0 else i
            last.set(start, start + 1, STRING)
            yield start, STRING, text[start]
        else:  # a quote
            last.set(i, i + 1, STRING)
            yield i, STRING, c


class _Last:
    """The last comment or literal the finder handed on; comments with only white space between
    them count as one (a slash after them is judged by what came before the first)."""
    __slots__ = ("start", "end", "cat")

    def __init__(self):
        self.start, self.end, self.cat = -1, -1, CODE

    def set(self, start: int, end: int, cat: int) -> None:
        self.start, self.end, self.cat = start, end, cat

    def comment(self, text: str, start: int, end: int) -> None:
        if self.cat == COMMENT and 0 <= self.end <= start and not text[self.end:start].strip():
            start = self.start
        self.set(start, end, COMMENT)


_NO_LITERAL = _Last()
_REGEX_FLAGS = "dgimsuvy"


def regex_end(text: str, i: int) -> Optional[int]:
    """The end of the regular expression literal opening at `i` (flags included), or None where
    none does: it ends at an unescaped slash outside a character class, on the same line.  A loop,
    not a pattern: Python's `re` would need memory for every character of a long line."""
    n = len(text)
    j = i + 1
    in_class = False
    while j < n:
        c = text[j]
        if c in _JS_LINE_BREAKS:
            return None
        if c == "\\":
            if j + 1 >= n or text[j + 1] in _JS_LINE_BREAKS:
                return None
            j += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "/":
            break
        j += 1
    else:
        return None
    j += 1
    while j < n and text[j] in _REGEX_FLAGS:
        j += 1
    if j < n and (text[j].isalnum() or text[j] == "_"):
        return None  # `/a/x`: not a literal
    return j


def regex_may_start(text: str, i: int, after_words: frozenset = _JS_REGEX_AFTER_WORD,
                    last: _Last = _NO_LITERAL) -> bool:
    """Whether a slash at `i` (not a comment) opens a regular expression: it does where a value may
    begin (after an operator, an opening bracket, a separator, a keyword such as `return`), not
    after a value (a name, a number, a literal, a closing bracket, `x++`, TypeScript's `x!`).  As
    Pygments reads it, a slash that opens a line always may.  `last`: the comment or literal just
    before, when the caller knows it."""
    j = i
    while True:
        while j > 0 and text[j - 1] in " \t\r\n\f\v":
            j -= 1
        if j == last.end and last.cat == COMMENT and last.start < j:
            j = last.start  # look past comments
            continue
        break
    if j == 0 or text[i - 1] == "\n":
        return True
    if j == last.end and last.cat in (STRING, OPAQUE):
        return False  # right after a literal
    prev = text[j - 1]
    if prev in _JS_VALUE_END:
        return False
    if prev in "+-" and j >= 2 and text[j - 2] == prev:
        return False  # `i++ / 2`: a postfix increment ends a value
    if prev == "!" and j >= 2 and (_WORD_CHAR.match(text[j - 2]) or text[j - 2] in ")]"):
        return False  # TypeScript's non-null assertion `total! / n`
    if _WORD_CHAR.match(prev):
        k = j - 1
        while k > 0 and _WORD_CHAR.match(text[k - 1]):
            k -= 1
        if k > 0 and text[k - 1] == ".":
            return False  # a member named like a keyword: `options.default / 2`
        return text[k:j] in after_words
    return True  # an operator, an opening bracket, a separator
