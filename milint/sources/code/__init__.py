"""Application code as tokens: one interface, `lex(language, source)`, for Python, C#, Java,
JavaScript, TypeScript, Go and Ruby.

Something decides what is a comment, a string literal, a regular expression or a character
literal; our scanners (`literals.py`) then read each string literal from its first character to
decode it with positions, and code between literals is split into names, numbers and operators.
For Python, C#, Java, Go, JavaScript and TypeScript a search for the few characters that can start
a comment or a literal does it (`marks.py`; tests hold it to Pygments' tokens on real code), many
times faster than a general lexer and with nothing to import.  Ruby (heredocs, %-literals, regex
literals) needs a real lexer: Pygments, imported when the first Ruby file is read.
"""
from __future__ import annotations

from .lexer import LANGUAGES, lex
from .tokens import NAME, NUM, OP, OPAQUE, STR, Hole, Token

__all__ = ["lex", "LANGUAGES", "Token", "Hole", "NAME", "NUM", "OP", "OPAQUE", "STR"]
