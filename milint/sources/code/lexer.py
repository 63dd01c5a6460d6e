"""Comments and literals (found by `marks.py`, or by Pygments for Ruby) -> milint code tokens (see the package docs)."""
from __future__ import annotations

import importlib
import re
from typing import Iterator, Optional

from ...lstr import LStr
from ...timelimit import check as check_time
from .literals import scan
from .marks import CODE as _CODE, COMMENT as _COMMENT, OPAQUE as _OPAQUE, STRING as _STRING, SYMBOL as _SYMBOL
from .marks import C_LIKE_LANGUAGES, c_like_marks, python_marks
from .tokens import NAME, NUM, OP, OPAQUE, STR, Token

# language -> (module, class) of its Pygments lexer
LANGUAGES = {
    "python": ("pygments.lexers.python", "PythonLexer"),
    "csharp": ("pygments.lexers.dotnet", "CSharpLexer"),
    "java": ("pygments.lexers.jvm", "JavaLexer"),
    "javascript": ("pygments.lexers.javascript", "JavascriptLexer"),
    "typescript": ("pygments.lexers.javascript", "TypeScriptLexer"),
    "go": ("pygments.lexers.go", "GoLexer"),
    "ruby": ("pygments.lexers.ruby", "RubyLexer"),
}

_LEXERS: dict = {}

# what a Pygments token type means here
_CATEGORY: dict = {}

# the languages whose comments and literals a plain search finds (marks.py); Ruby needs Pygments
_OWN_MARKS = {"python": python_marks, **{language: c_like_marks for language in C_LIKE_LANGUAGES}}

_CODE_TOKEN = re.compile(r"""
    (?P<ws>[ \t\f\v]+|\\\r?\n)
  | (?P<nl>\r\n|\n|\r)
  | (?P<name>[$@]*[^\W\d][\w$]*|[$@]+)
  | (?P<num>\d[\w.]*)
  | (?P<op>:=|=>|==|!=|<=|>=|\+=|-=|\|=|::|->|\?\.|\?\?|&&|\|\||\*\*|\.\.\.|.)
""", re.VERBOSE | re.DOTALL)

_MAX_DEPTH = 8  # interpolations inside interpolations: enough for real code, bounded for garbage


def _lexer(language: str):
    lexer = _LEXERS.get(language)
    if lexer is None:
        module, cls = LANGUAGES[language]
        lexer = getattr(importlib.import_module(module), cls)(stripnl=False, ensurenl=False, stripall=False)
        _LEXERS[language] = lexer
    return lexer


def _category(ttype, language: str) -> int:
    key = (ttype, language == "ruby")
    found = _CATEGORY.get(key)
    if found is not None:
        return found
    from pygments.token import Comment, String

    if ttype in Comment:
        cat = _COMMENT
    elif ttype in String.Symbol:
        cat = _SYMBOL
    elif ttype in String.Regex or ttype in String.Char:
        cat = _OPAQUE
    elif language == "ruby" and (ttype in String.Backtick or ttype in String.Heredoc
                                 or ttype in String.Delimiter):
        cat = _OPAQUE  # shell commands and heredocs: not read
    elif ttype in String:
        cat = _STRING
    else:
        cat = _CODE
    _CATEGORY[key] = cat
    return cat


# Pygments matches a string literal with a repeated alternation, which Python's `re` pays for with
# about 180 bytes of memory per character: one 16 MB literal would need 3 GB.  The languages whose
# marks milint finds itself have no such cost; Ruby is read up to this size.
GENERAL_LEXER_MAX_CHARS = 2 * 1024 * 1024


def lex(language: str, source: LStr, _depth: int = 0) -> list[Token]:
    """The tokens of `source` (never raises but OverLimit: text no lexer can read yields no tokens)."""
    if language not in LANGUAGES or _depth > _MAX_DEPTH:
        return []
    text = str(source)
    if language not in _OWN_MARKS and len(text) > GENERAL_LEXER_MAX_CHARS:
        from ...timelimit import OverLimit

        raise OverLimit(f"{len(text):,} characters of {language} are more than milint lexes "
                        f"({GENERAL_LEXER_MAX_CHARS:,})", "generated or bundled code is best excluded")
    try:
        return _Tokenizer(language, source, text).run()
    except RecursionError:
        return []
    except Exception:  # a lexer bug on odd input must not stop the run
        return []


def _pygments_marks(text: str, language: str) -> Iterator[tuple[int, int, str]]:
    """(start, category, text) of every comment and literal Pygments finds."""
    # a final newline lets line comments at the very end be seen as comments
    for start, ttype, value in _lexer(language).get_tokens_unprocessed(text + "\n"):
        cat = _category(ttype, language)
        if cat != _CODE:  # code is split by _Tokenizer._code() over the gaps
            yield start, cat, value


class _Tokenizer:
    def __init__(self, language: str, source: LStr, text: str):
        self.language = language
        self.src = source
        self.text = text
        self.tokens: list[Token] = []
        self.nl = False
        self.last_end = 0

    def run(self) -> list[Token]:
        text, language = self.text, self.language
        self.pos = pos = 0  # everything before pos is consumed
        own = _OWN_MARKS.get(language)
        marks = own(self) if own is not None else _pygments_marks(text, language)
        for start, cat, value in marks:
            check_time()  # a file's time limit holds while it is lexed too
            end = min(start + len(value), len(text))
            if start < pos or start >= end:
                continue  # inside a literal our scanner already read
            self._code(pos, start)
            if cat == _COMMENT:  # no token; a line break inside one still separates the tokens around it
                self.nl = self.nl or "\n" in value or "\r" in value
                self.pos = pos = end
                continue
            if cat == _STRING:
                lit = scan(language, self.src, text, start)
                if lit is not None and lit.end > start:
                    self._emit(STR, start, lit.end, parts=lit.parts)
                    self.pos = pos = lit.end
                    continue
                cat = _OPAQUE
            if cat == _SYMBOL:
                kind = NAME if not value.startswith(":") else OPAQUE
                self._emit(kind, start, end)
            else:
                self._emit(OPAQUE, start, end)
            self.pos = pos = end
        self._code(pos, len(text))
        return self.tokens

    def _emit(self, kind: str, start: int, end: int, parts: Optional[tuple] = None) -> None:
        self.tokens.append(Token(kind, start, end, self.text[start:end], self.nl, self.src, parts))
        self.nl = False

    def _code(self, start: int, end: int) -> None:
        if start >= end:
            return
        for m in _CODE_TOKEN.finditer(self.text, start, end):
            group = m.lastgroup
            if group == "ws":
                continue
            if group == "nl":
                self.nl = True
                continue
            kind = {"name": NAME, "num": NUM}.get(group, OP)
            self._emit(kind, m.start(), m.end())
