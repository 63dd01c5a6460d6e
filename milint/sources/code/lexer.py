"""Pygments tokens -> milint code tokens (see the package docs)."""
from __future__ import annotations

import importlib
import re
from typing import Optional

from ...lstr import LStr
from .literals import scan
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
_CODE, _COMMENT, _STRING, _OPAQUE, _SYMBOL = range(5)
_CATEGORY: dict = {}

_CODE_TOKEN = re.compile(r"""
    (?P<ws>(?:[ \t\f\v]|\\\r?\n)+)
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


def lex(language: str, source: LStr, _depth: int = 0) -> list[Token]:
    """The tokens of `source` (never raises: text no lexer can read yields no tokens)."""
    if language not in LANGUAGES or _depth > _MAX_DEPTH:
        return []
    text = str(source)
    try:
        return _Tokenizer(language, source, text).run()
    except RecursionError:
        return []
    except Exception:  # a lexer bug on odd input must not stop the run
        return []


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
        pos = 0  # everything before pos is consumed
        # a final newline lets line comments at the very end be seen as comments
        for start, ttype, value in _lexer(language).get_tokens_unprocessed(text + "\n"):
            end = min(start + len(value), len(text))
            if start < pos or start >= end:
                continue  # inside a literal our scanner already read
            cat = _category(ttype, language)
            if cat == _CODE:
                continue  # code is split by _code() over the gaps
            self._code(pos, start)
            if cat == _COMMENT:
                if "\n" in value or "\r" in value or value.startswith(("//", "#")):
                    self.nl = self.nl or "\n" in value or "\r" in value
                pos = end
                continue
            if cat == _STRING:
                lit = scan(language, self.src, text, start)
                if lit is not None and lit.end > start:
                    self._emit(STR, start, lit.end, parts=lit.parts)
                    pos = lit.end
                    continue
                cat = _OPAQUE
            if cat == _SYMBOL:
                kind = NAME if not value.startswith(":") else OPAQUE
                self._emit(kind, start, end)
            else:
                self._emit(OPAQUE, start, end)
            pos = end
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
