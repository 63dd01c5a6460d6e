"""Application code as tokens: one interface, `lex(language, source)`, for Python, C#, Java,
JavaScript, TypeScript, Go and Ruby.

Pygments (pure Python, maintained, a lexer for every language here) decides what is a comment, a
string literal, a regular expression or a character literal -- the part that needs a real lexer
(JavaScript regex literals, Ruby heredocs and %-literals, C# preprocessor lines, nested comments).
Our scanners (`literals.py`) then read each string literal from its first character to decode it
with positions, and code between literals is split into names, numbers and operators.  Pygments is
imported on first use, so start-up stays light.  Python needs no general lexer: only `#` and quotes
start something that is not code there, so a plain search for them finds the same comments and
literals several times faster (a test holds the two to the same tokens).
"""
from __future__ import annotations

from .lexer import LANGUAGES, lex
from .tokens import NAME, NUM, OP, OPAQUE, STR, Hole, Token

__all__ = ["lex", "LANGUAGES", "Token", "Hole", "NAME", "NUM", "OP", "OPAQUE", "STR"]
