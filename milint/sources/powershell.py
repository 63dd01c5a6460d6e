"""PowerShell scripts: the command invocations in them, with parameters and argument values.

milint reads calls such as ``Invoke-RestMethod -Uri ... -Headers @{Metadata="true"}``,
``Connect-AzAccount -Identity`` or ``az vm identity assign ...`` out of ``.ps1`` files and out of
PowerShell embedded elsewhere (a Markdown code block, a JSON string).  Every value is an `LStr`
built from the `source` passed in, so ``.span()`` of any value gives exact file offsets.

This is not a full PowerShell parser.  It is a single pass over the text that follows PowerShell's
two parsing modes closely enough to find commands wherever they can appear (statements, pipelines,
assignments, blocks, sub-expressions, hashtable values, strings) and to decode their arguments:

* command mode: after a command name, ``-Name`` tokens are parameters, everything else is an
  argument (bare word, string, ``@{}``, ``$var``, ``(...)``, comma list...);
* expression mode: a statement that starts with a value (``$x = ...``, ``(...).Content``,
  ``[Type]::Member()``); only the commands nested in it are reported.

Decisions worth knowing:

* ``--long`` options of native tools (``az ... --identities a b``) come out as a `PsParam` whose
  name keeps ONE leading dash (``-identities``), so they never collide with PowerShell's ``-Name``
  parameters; ``--long=value`` is a `PsParam` with that value (like ``-Name:value``).  After
  ``--%`` (stop-parsing) the rest of the line is passed on as plain whitespace-separated words.
* Commands are listed in source order of their first character: an outer command comes before the
  commands nested in its arguments, pipeline stages left to right.
* A newline ends a command unless the line ends with a backtick, exactly as in PowerShell: in
  ``-Headers`` followed by ``@{...}`` on the next line, the hashtable is not an argument.
* A hashtable value that starts with a bare word is a command in PowerShell (``@{a = Get-Date}``);
  it is reported as one and the value is `PsUnknown`.
* A malformed hashtable (``@{'Metadata':'true'}``) is `PsUnknown`.
* Nesting deeper than `MAX_DEPTH` brackets is skipped as `PsUnknown` (commands inside it are not
  reported), which keeps recursion bounded; everything else is linear in the input size.
"""
from __future__ import annotations

import gc
import re
from dataclasses import dataclass
from typing import Union

from milint.lstr import LStr
from milint.timelimit import check as check_time

# Bracket nesting parsed recursively; deeper text is skipped as unknown.  A level costs up to ~11
# Python frames (a "$( inside a string), so 50 levels stay well inside the default limit of 1000.
MAX_DEPTH = 50


# ---------------------------------------------------------------------------------------- values
@dataclass(slots=True)
class PsUnknown:
    """A value that cannot be known statically ($var, (expr), [type]::M(), script block...)."""

    text: LStr  # source range of the expression


@dataclass(slots=True)
class PsHashtable:
    """``@{ Key = value; 'Other-Key' = "v" }``."""

    entries: list[tuple[LStr, PsValue]]  # key (quotes removed; non-literal: unknown), value
    text: LStr

    def get(self, key: str) -> "PsValue | None":
        """The value of `key`, case-insensitively (PowerShell's default); the last entry wins."""
        wanted = key.lower()
        found = None
        for name, value in self.entries:
            if str(name).lower() == wanted:
                found = value
        return found


@dataclass(slots=True)
class PsArray:
    """``@(a, b)`` or a comma list ``a, b``."""

    items: list[PsValue]
    text: LStr


PsValue = Union[LStr, PsHashtable, PsArray, PsUnknown]


@dataclass(slots=True)
class PsParam:
    """``-Name`` (or ``-Name:value``) in a command's arguments."""

    name: LStr  # without the leading dash, as written; ``--long`` keeps one dash: ``-long``
    value: "PsValue | None"  # only for the colon form -Name:value (and --long=value)
    text: LStr  # the -Name token (or -Name:value)


@dataclass(slots=True)
class PsCommand:
    """One command invocation: a cmdlet, function, script or native program."""

    name: LStr  # as written; for `& <value>` the invoked value (possibly unknown)
    elements: list[PsParam | PsValue]  # in source order
    text: LStr  # name through last argument
    splatted: bool = False  # an @splat argument was given (its parameters are unknown)

    def bind(self, switches: frozenset[str] = frozenset()
             ) -> tuple[dict[str, tuple[PsParam, PsValue | bool]], list[PsValue]]:
        """Named parameters by lower-cased name -> (param, value) and the positional values.

        A parameter takes the next element as its value if it has no colon value, its name
        (lower-case) is not in `switches`, and the next element is a value (not another
        PsParam); otherwise it is a switch whose value is True.  Later occurrences win.
        """
        flags = {name.lower() for name in switches}
        named: dict = {}
        positional: list = []
        elements = self.elements
        i = 0
        while i < len(elements):
            element = elements[i]
            if isinstance(element, PsParam):
                key = str(element.name).lower()
                if element.value is not None:
                    named[key] = (element, element.value)
                elif (key not in flags and i + 1 < len(elements)
                      and not isinstance(elements[i + 1], PsParam)):
                    named[key] = (element, elements[i + 1])
                    i += 1
                else:
                    named[key] = (element, True)
            else:
                positional.append(element)
            i += 1
        return named, positional


def parse_powershell(source: LStr) -> list[PsCommand]:
    """All command invocations in `source`, in source order (see the module docs)."""
    parser = _Parser(source)
    # The parse allocates many small objects and creates no reference cycles; pausing the cyclic
    # GC meanwhile saves about a third of the time on big scripts (refcounting still frees).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        parser.run()
    except RecursionError:
        # Only reachable when the caller is already deep in the stack (our own nesting is
        # bounded by MAX_DEPTH); what was found so far is still right.
        pass
    finally:
        if gc_was_enabled:
            gc.enable()
    return [command for command in parser.commands if command is not None]


# ---------------------------------------------------------------------------------------- lexis
_SQ = frozenset("'\u2018\u2019\u201a\u201b")  # PowerShell accepts typographic quotes too
_DQ = frozenset('"\u201c\u201d\u201e')
_QUOTES = _SQ | _DQ
_DASHES = frozenset("-\u2013\u2014\u2015")  # en/em dashes from copied docs work as `-`
_DIGITS = frozenset("0123456789")
_CLOSERS = frozenset(")]}")
_COMMAND_END = frozenset("\r\n;|)}")  # `&` is handled apart (`&&` or a trailing job `&`)
_WORD_END = frozenset(";|&(){},>\r\n")  # plus whitespace: where a bare word stops
_PARAM_END = frozenset(";|&(){},>")  # plus whitespace: what may follow a `-Name` token
_EXPR_START = frozenset("$@([{!+,") | _QUOTES | _DASHES  # a statement starting so is an expression
_REDIRECT_STREAMS = frozenset("123456*")
_HASH_VALUE_END = frozenset("\r\n;}")
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r",
            "t": "\t", "v": "\v"}

_KEYWORDS = frozenset("""
    if elseif else foreach for while do until switch function filter param return throw try catch
    finally trap begin process end break continue exit class enum using data dynamicparam
    workflow configuration clean""".split())
_FLOW_KEYWORDS = frozenset(("return", "throw", "exit"))  # followed by an ordinary pipeline
_LOOSE_BODIES = frozenset(("switch", "class", "enum"))  # bodies whose bare words are not commands

# A run of bare-word characters that need no special handling (quotes, `$`, backtick do).
_PLAIN = re.compile(r"[^\s;|&(){},>`$'\"\u2018-\u201e]+")
_WORD = re.compile(r"\w+")
_VAR = re.compile(r"\$(?:\w+:(?=\w))?\w+")  # $x, $env:NAME, $script:x
_PARAM_NAME = re.compile(r"(?:[^\W\d]|\?)[\w?\-]*")
_NUMBER = re.compile(
    r"[-\u2013\u2014\u2015]?(?:0[xX][0-9a-fA-F]+|[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
    r"|\.[0-9]+(?:[eE][+-]?[0-9]+)?)(?:[lLdDnN]|[uU][lLyYsS]?|[yYsS])?(?:[kKmMgGtTpP][bB])?")
_HASH_KEY = re.compile(r"[^\s=;{}()\[\]'\"\u2018-\u201e,|&$`#<>]+")
_ATTRIBUTE = re.compile(r"\[\s*[^\W\d][\w.]*\s*\(")  # [Parameter(...)], [ValidateSet(...)]
_SQ_RE = re.compile(r"['\u2018-\u201b]")
_DQ_SPECIAL = re.compile(r"[`$\"\u201c-\u201e]")
_HERE_SPECIAL = re.compile(r"[`$]")
_DQ_END = re.compile(r"[`\"\u201c-\u201e]")
_HERE_HEAD = re.compile(r"@([\"\u201c-\u201e'\u2018-\u201b])[ \t]*(?:\r\n|\n|\r)")
_HERE_END_DQ = re.compile(r"(?:\r\n|\n|\r)[\"\u201c-\u201e]@")
_HERE_END_SQ = re.compile(r"(?:\r\n|\n|\r)['\u2018-\u201b]@")
_UNICODE_ESCAPE = re.compile(r"([0-9a-fA-F]{1,6})\}")
_EOL = re.compile(r"[\r\n]")
_EOL_OR_SEMI = re.compile(r"[\r\n;]")
_NONSPACE = re.compile(r"\S+")
_BALANCE = re.compile(r"[()\[\]{}`'\"\u2018-\u201e#<]")


# ---------------------------------------------------------------------------------------- parser
class _Parser:
    """Recursive descent over the text; `pos` is the index into `s` (= str(source))."""

    def __init__(self, source: LStr):
        self.src = source
        self.s = str(source)
        self.n = len(self.s)  # end of the text being parsed (lowered inside a here-string)
        self.pos = 0
        self.depth = 0
        self.commands: list = []

    # ------------------------------------------------------------------ small helpers
    def _ch(self, i: int) -> str:
        return self.s[i] if i < self.n else ""

    def _unknown(self, start: int, end: int) -> PsUnknown:
        return PsUnknown(self.src.sub(start, end))

    def _join(self, parts: list, anchor: int) -> LStr:
        """Decoded pieces as one value; an empty value is placed at `anchor`."""
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return self.src.sub(anchor, anchor)
        return LStr.concat(parts)

    def _skip(self, newlines: bool = False, semicolons: bool = False) -> None:
        """Skip blanks, comments and backtick line continuations (and newlines / `;` if asked)."""
        s, n, pos = self.s, self.n, self.pos
        while pos < n:
            c = s[pos]
            if c == " " or c == "\t":
                pos += 1
            elif c == "\n" or c == "\r":
                if not newlines:
                    break
                pos += 1
            elif c == ";":
                if not semicolons:
                    break
                pos += 1
            elif c == "#":  # only called where a token may start, so this is a comment
                m = _EOL.search(s, pos, n)
                pos = m.start() if m else n
            elif c == "`":
                if s.startswith("\r\n", pos + 1, n):
                    pos += 3
                elif pos + 1 < n and s[pos + 1] in "\r\n":
                    pos += 2
                else:
                    break  # an escaped character starts a bare word
            elif c == "<" and s.startswith("#", pos + 1, n):
                end = s.find("#>", pos + 2, n)
                pos = n if end < 0 else end + 2
            elif c.isspace():
                pos += 1
            else:
                break
        self.pos = pos

    def _nest(self, opener: int) -> bool:
        """Enter the bracket at `opener`; when too deep, skip past its end and say no."""
        if self.depth >= MAX_DEPTH:
            self.pos = self._skip_balanced(opener + 1, 1)
            return False
        self.depth += 1
        return True

    def _skip_balanced(self, pos: int, depth: int) -> int:
        """Index just past the bracket closing `depth` open ones (iterative, string-aware)."""
        s, n = self.s, self.n
        while pos < n:
            m = _BALANCE.search(s, pos, n)
            if m is None:
                return n
            pos = m.start()
            c = s[pos]
            if c in "([{":
                depth += 1
                pos += 1
            elif c in ")]}":
                depth -= 1
                pos += 1
                if depth <= 0:
                    return pos
            elif c == "`":
                pos += 2
            elif c in _SQ:
                m = _SQ_RE.search(s, pos + 1, n)
                pos = m.end() if m else n
            elif c in _DQ:
                pos += 1
                while True:
                    m = _DQ_END.search(s, pos, n)
                    if m is None:
                        pos = n
                        break
                    if s[m.start()] == "`":
                        pos = m.start() + 2
                        continue
                    pos = m.end()
                    break
            elif c == "#":
                if pos == 0 or s[pos - 1].isspace() or s[pos - 1] in ";({":
                    m = _EOL.search(s, pos, n)
                    pos = m.start() if m else n
                else:
                    pos += 1
            else:  # "<": a block comment or just a character
                if s.startswith("#", pos + 1, n):
                    end = s.find("#>", pos + 2, n)
                    pos = n if end < 0 else end + 2
                else:
                    pos += 1
        return min(pos, n)

    # ------------------------------------------------------------------ statements
    def run(self) -> None:
        while self.pos < self.n:
            self._statements()
            if self.pos < self.n:
                self.pos += 1  # a closing bracket without an opener

    def _statements(self) -> list:
        """Statements up to a closing bracket (not consumed) or the end: [(value, plain)]."""
        out = []
        s = self.s
        while True:
            check_time()
            self._skip(newlines=True, semicolons=True)
            if self.pos >= self.n or s[self.pos] in _CLOSERS:
                return out
            before = self.pos
            out.append(self._statement())
            if self.pos == before:
                self.pos += 1  # a character that starts nothing (a stray `|` or `&`)

    def _statement(self, want: bool = False) -> tuple:
        """One statement: (its value, True) when it is a plain expression; else (PsUnknown over
        it if `want`ed, False).  The value is None when nothing was parsed."""
        s = self.s
        start = end = self.pos
        plain = True
        while self.pos < self.n:
            pos = self.pos
            c = s[pos]
            if c == ":" and _WORD.match(s, pos + 1, self.n):  # a loop label, `:outer foreach`
                self.pos = end = _WORD.match(s, pos + 1, self.n).end()
                plain = False
                self._skip()
                continue
            keyword = self._keyword_at(pos)
            if keyword in _FLOW_KEYWORDS:
                self.pos = end = pos + len(keyword)
                plain = False
                self._skip()
                continue  # `return Get-Thing`: the rest is an ordinary pipeline
            if keyword is not None:
                self._keyword(keyword)
                plain = False
                end = self.pos
                break
            value, is_expression, assigned, last = self._pipeline()
            end = max(end, last)
            if assigned:  # `$r = <statement>`: the right side may be a command or a keyword
                plain = False
                self._skip(newlines=True)
                continue
            if plain and is_expression:
                return value, True
            break
        if end == start:
            return None, False
        return (self._unknown(start, end) if want else True), False

    def _keyword_at(self, pos: int) -> "str | None":
        c = self.s[pos]
        if not ("a" <= c <= "z" or "A" <= c <= "Z"):
            return None
        word = _PLAIN.match(self.s, pos, self.n).group().lower()
        return word if word in _KEYWORDS else None

    def _keyword(self, keyword: str) -> None:
        """A keyword statement: its header (conditions, names, flags) and its body."""
        s = self.s
        self.pos += len(keyword)
        if keyword == "using":
            m = _EOL_OR_SEMI.search(s, self.pos, self.n)
            self.pos = m.start() if m else self.n
            return
        if keyword in ("break", "continue"):
            self._skip()
            m = _WORD.match(s, self.pos, self.n)  # an optional loop label
            if m:
                self.pos = m.end()
            return
        if keyword == "param":
            self._skip()
            if self._ch(self.pos) == "(":
                self._paren()
            return
        seen_paren = False
        while True:
            self._skip()
            pos = self.pos
            if pos >= self.n:
                return
            c = s[pos]
            if c == "{":
                if keyword in _LOOSE_BODIES:
                    self._loose_block()
                else:
                    self._block()
                return
            if c == "\r" or c == "\n":
                # The body may start on the next line: `if ($x)⏎{`
                self._skip(newlines=True)
                if self._ch(self.pos) == "{":
                    continue
                self.pos = pos
                return
            if c == "(":
                if keyword == "foreach":
                    self._foreach_paren()
                else:
                    self._paren()
                seen_paren = True
                continue
            if seen_paren or c in ";|&)]}":
                return
            if c in _DASHES and _PARAM_NAME.match(s, pos + 1, self.n):  # switch -Regex
                self.pos = _PARAM_NAME.match(s, pos + 1, self.n).end()
                continue
            if c == "[":  # catch [System.Net.WebException]
                end = self._type_end(pos)
                if end > 0:
                    self.pos = end
                    continue
            self._unary()  # a function or class name, `:` Base, a switch -File path...
            if self.pos == pos:
                return

    def _foreach_paren(self) -> None:
        """`($item in <pipeline>)`: `in` is part of the syntax, not a command."""
        start = self.pos
        if not self._nest(start):
            return
        self.pos = start + 1
        self._skip(newlines=True)
        self._unary()
        self._skip(newlines=True)
        m = _WORD.match(self.s, self.pos, self.n)
        if m and m.group().lower() == "in":
            self.pos = m.end()
        self._statements()
        if self._ch(self.pos) == ")":
            self.pos += 1
        self.depth -= 1

    def _loose_block(self) -> None:
        """A switch, class or enum body: labels and member names are values, blocks hold code."""
        s = self.s
        start = self.pos
        if not self._nest(start):
            return
        self.pos = start + 1
        while True:
            self._skip(newlines=True, semicolons=True)
            pos = self.pos
            if pos >= self.n:
                break
            c = s[pos]
            if c == "}":
                self.pos += 1
                break
            if c in ")]":
                break
            if c in ",=":
                self.pos += 1
                continue
            self._unary()
            if self.pos == pos:
                self.pos += 1
        self.depth -= 1

    def _pipeline(self) -> tuple:
        """Pipeline stages (also chains joined by && / ||).

        Returns (value, is_expression, assigned, end): the value only for a lone expression,
        `assigned` when an assignment operator was consumed, `end` after the last stage."""
        start = self.pos
        value = None
        simple = True
        count = 0
        end = start
        while True:
            self._skip()
            pos = self.pos
            if pos >= self.n:
                break
            if self._command_start(pos):
                self._command()
                simple = False
            else:
                value, assigned = self._expression()
                if assigned:
                    return None, False, True, self.pos
                if self.pos == pos:
                    break
            count += 1
            end = self.pos
            self._skip()
            pos = self.pos
            c = self._ch(pos)
            nx = self._ch(pos + 1)
            if c == "|" or (c == "&" and nx == "&"):
                self.pos = pos + (2 if nx == c else 1)
                self._skip(newlines=True)  # a pipeline may continue on the next line
                simple = False
                continue
            break
        if simple and count == 1:
            return value, True, False, end
        return None, False, False, end

    def _command_start(self, pos: int) -> bool:
        """Does a command (rather than an expression) start at `pos`?"""
        s = self.s
        c = s[pos]
        if c == "&":
            return self._ch(pos + 1) != "&"
        if c == ".":
            return self._ch(pos + 1) not in _DIGITS
        if c in _EXPR_START:
            return False
        if c in _DIGITS:  # a number is an expression; `7z` is a command
            end = _NUMBER.match(s, pos, self.n).end()
            nx = self._ch(end)
            return nx != "" and (nx.isalpha() or nx == "_")
        if c == "`":
            return True
        return _PLAIN.match(s, pos, self.n) is not None

    # ------------------------------------------------------------------ command mode
    def _command(self) -> None:
        s, src = self.s, self.src
        start = self.pos
        slot = len(self.commands)
        self.commands.append(None)  # reserve: the command precedes those nested in it
        c = s[start]
        nx = self._ch(start + 1)
        if c == "&" or (c == "." and (nx == "" or nx.isspace() or nx in _QUOTES or nx in "$({")):
            # `& <value>` / `. <value>`: the invoked name is itself a value
            self.pos = start + 1
            self._skip()
            name_start = self.pos
            invoked = self._arg_value()
            if isinstance(invoked, LStr):
                name = invoked
            elif invoked is None:
                name = src.sub(name_start, name_start)
            else:
                name = LStr.unknown(name_start, self.pos, parent=src)
        else:
            name = self._bare_word() or src.sub(start, start)
        end = self.pos
        elements: list = []
        splatted = False
        while True:
            check_time()
            self._skip()
            pos = self.pos
            if pos >= self.n:
                break
            c = s[pos]
            if c in _COMMAND_END:
                break
            nx = self._ch(pos + 1)
            if c == "&":
                if nx != "&":
                    self.pos = pos + 1  # a trailing `&` runs the command as a job
                break
            if c == ",":
                self.pos = pos + 1
                continue
            if c == ">" or (c in _REDIRECT_STREAMS and nx == ">"):
                self._redirection()
                continue
            if c == "-" and s.startswith("-%", pos + 1, self.n) and (
                    self._ch(pos + 3) == "" or self._ch(pos + 3).isspace()):
                end = self._stop_parsing(elements) or end
                continue
            if c in _DASHES:
                param = self._param()
                if param is not None:
                    elements.append(param)
                    end = self.pos
                    continue
            if c == "@" and _WORD.match(s, pos + 1, self.n):  # @splat
                self.pos = _WORD.match(s, pos + 1, self.n).end()
                splatted = True
                end = self.pos
                continue
            value = self._arg_list()
            if value is None:
                if self.pos == pos:
                    self.pos += 1  # nothing starts here
                continue
            elements.append(value)
            end = self.pos
        self.commands[slot] = PsCommand(name, elements, src.sub(start, end), splatted)

    def _redirection(self) -> None:
        """`> file`, `2>&1`, `*>> log`: not arguments; the target is skipped."""
        pos = self.pos
        if self.s[pos] != ">":
            pos += 1  # the stream number
        pos += 1
        if self._ch(pos) == ">":
            pos += 1
        if self._ch(pos) == "&" and self._ch(pos + 1) in _DIGITS:
            self.pos = pos + 2
            return
        self.pos = pos
        self._skip()
        if self._ch(self.pos) not in _COMMAND_END:
            self._arg_value()

    def _stop_parsing(self, elements: list) -> int:
        """`--%`: the rest of the line goes verbatim to a native program; returns the last end."""
        s = self.s
        start = self.pos + 3
        m = _EOL.search(s, start, self.n)
        line_end = m.start() if m else self.n
        end = 0
        for token in _NONSPACE.finditer(s, start, line_end):
            elements.append(self.src.sub(token.start(), token.end()))
            end = token.end()
        self.pos = line_end
        return end

    def _param(self) -> "PsParam | None":
        """`-Name`, `-Name:value`, `--long`, `--long=value`; None when the token is a value."""
        s, src, n = self.s, self.src, self.n
        p = self.pos
        double = self._ch(p + 1) in _DASHES
        q = p + 2 if double else p + 1
        m = _PARAM_NAME.match(s, q, n)
        if m is None:
            return None  # `-`, `-1`, `--`: values
        e = m.end()
        if double:  # keep one dash: `--identities` is `-identities` (see module docs)
            if s[p + 1] == "-":
                name = src.sub(p + 1, e)
            else:
                name = LStr.concat([LStr.atom("-", p + 1, p + 2, parent=src), src.sub(p + 2, e)])
        else:
            name = src.sub(q, e)
        nx = self._ch(e)
        if nx == ":" or (double and nx == "="):
            self.pos = e + 1
            if nx == ":":
                self._skip()  # `-Name: value` is allowed
            value = None
            if self._ch(self.pos) not in _COMMAND_END:
                value = self._arg_list()
            if value is None:
                if nx == "=":
                    value = src.sub(e + 1, e + 1)
                self.pos = e + 1
            return PsParam(name, value, src.sub(p, self.pos))
        if (nx == "" or nx.isspace() or nx in _PARAM_END
                or (nx == "`" and self._ch(e + 1) in ("\r", "\n"))):
            self.pos = e
            return PsParam(name, None, src.sub(p, e))
        return None  # `-foo.bar`, `-a/b`: a bare word

    def _arg_list(self) -> "PsValue | None":
        """An argument, or a comma list of them (a PsArray)."""
        start = self.pos
        first = self._arg_value()
        if first is None:
            return None
        items = [first]
        end = self.pos
        while True:
            self._skip()
            if self._ch(self.pos) != ",":
                break
            self.pos += 1
            self._skip(newlines=True)  # a list may go on after a comma at the end of a line
            value = self._arg_value()
            if value is None:
                break
            items.append(value)
            end = self.pos
        self.pos = end
        if len(items) == 1:
            return first
        return PsArray(items, self.src.sub(start, end))

    def _arg_value(self) -> "PsValue | None":
        """One argument in command mode; None if no argument starts here."""
        s = self.s
        pos = self.pos
        if pos >= self.n:
            return None
        c = s[pos]
        nx = self._ch(pos + 1)
        if c in _QUOTES:
            return self._string()
        if c == "@":
            if nx == "{":
                return self._hashtable()
            if nx == "(":
                return self._finish_arg(pos, self._array())
            if nx in _QUOTES:
                here = self._here_string()
                if here is not None:
                    return here
            return self._bare_word()
        if c == "$":
            if nx == "(":
                return self._finish_arg(pos, self._subexpr())
            end = self._var_end(pos)
            if end > 0:
                self.pos = end
                return self._finish_arg(pos, self._unknown(pos, end))
            return self._bare_word()
        if c == "(":
            return self._finish_arg(pos, self._paren())
        if c == "{":
            return self._block()
        if c == "[":  # [Type]::Member(...); otherwise `[abc]` is a bare word (a wildcard)
            end = self._type_end(pos)
            if end > 0 and s.startswith("::", end, self.n):
                self.pos = end
                return self._finish_arg(pos, self._unknown(pos, end))
        return self._bare_word()

    def _finish_arg(self, start: int, value):
        """Member access / indexing after an argument value, and text glued onto it."""
        if self._postfix():
            value = self._unknown(start, self.pos)
        pos = self.pos
        c = self._ch(pos)
        if c == "" or c in _WORD_END or c.isspace():
            return value
        # `$dir\file.txt`, `$($x)abc`: one argument, partly unknown
        rest = self._bare_word()
        if rest is None:
            return value
        head = value if isinstance(value, LStr) else LStr.unknown(start, pos, parent=self.src)
        return LStr.concat([head, rest])

    def _bare_word(self) -> "LStr | None":
        """A bare word, decoding backtick escapes, embedded quotes and `$` expansions."""
        s, src, n = self.s, self.src, self.n
        start = pos = lit = self.pos
        parts: list = []
        while pos < n:
            m = _PLAIN.match(s, pos, n)
            if m:
                pos = m.end()
                if pos >= n:
                    break
            c = s[pos]
            if c == "`":
                if pos + 1 >= n:
                    pos += 1  # a lone backtick at the very end is literal
                    continue
                if s[pos + 1] in "\r\n":
                    break  # a line continuation ends the word
                if pos > lit:
                    parts.append(src.sub(lit, pos))
                text, end = self._escape(pos)
                parts.append(LStr.atom(text, pos, end, parent=src))
                pos = lit = end
            elif c in _QUOTES:  # a"b c"d is one word: quotes only protect the spaces
                if pos > lit:
                    parts.append(src.sub(lit, pos))
                if c in _SQ:
                    self.pos = pos
                    self._single_quoted(parts)
                else:
                    self.pos = pos + 1
                    self._double_quoted(parts)
                pos = lit = self.pos
            elif c == "$":
                end = self._expansion_end(pos)
                if end < 0:
                    pos += 1  # a `$` that expands nothing is literal
                    continue
                if pos > lit:
                    parts.append(src.sub(lit, pos))
                parts.append(LStr.unknown(pos, end, parent=src))
                pos = lit = end
            else:
                break
        if pos > lit:
            parts.append(src.sub(lit, pos))
        self.pos = pos
        if pos == start:
            return None
        return self._join(parts, start)

    # ------------------------------------------------------------------ strings
    def _string(self) -> LStr:
        """A quoted string at `pos`, quotes removed and escapes decoded."""
        pos = self.pos
        parts: list = []
        if self.s[pos] in _SQ:
            self._single_quoted(parts)
        else:
            self.pos = pos + 1
            self._double_quoted(parts)
        return self._join(parts, pos + 1)

    def _single_quoted(self, parts: list) -> None:
        """'...' from the opening quote at `pos`: verbatim except '' for a quote."""
        s, src, n = self.s, self.src, self.n
        pos = lit = self.pos + 1
        while True:
            m = _SQ_RE.search(s, pos, n)
            if m is None:  # unterminated: the rest of the text
                if lit < n:
                    parts.append(src.sub(lit, n))
                self.pos = n
                return
            q = m.start()
            if q > lit:
                parts.append(src.sub(lit, q))
            if q + 1 < n and s[q + 1] in _SQ:
                parts.append(LStr.atom(s[q], q, q + 2, parent=src))
                pos = lit = q + 2
            else:
                self.pos = q + 1
                return

    def _double_quoted(self, parts: list, here: bool = False) -> None:
        """"..." from just after the opening quote (or a here-string body, up to `n`)."""
        s, src = self.s, self.src
        special = _HERE_SPECIAL if here else _DQ_SPECIAL
        pos = lit = self.pos
        while True:
            n = self.n
            m = special.search(s, pos, n)
            if m is None:
                if lit < n:
                    parts.append(src.sub(lit, n))
                self.pos = n
                return
            q = m.start()
            c = s[q]
            if c == "`":
                if q + 1 >= n:
                    pos = q + 1
                    continue
                if q > lit:
                    parts.append(src.sub(lit, q))
                text, end = self._escape(q)
                parts.append(LStr.atom(text, q, end, parent=src))
                pos = lit = end
            elif c == "$":
                end = self._expansion_end(q)
                if end < 0:
                    pos = q + 1
                    continue
                if q > lit:
                    parts.append(src.sub(lit, q))
                parts.append(LStr.unknown(q, end, parent=src))
                pos = lit = end
            else:  # a double quote: doubled it stands for one, alone it ends the string
                if q > lit:
                    parts.append(src.sub(lit, q))
                if q + 1 < n and s[q + 1] in _DQ:
                    parts.append(LStr.atom(c, q, q + 2, parent=src))
                    pos = lit = q + 2
                else:
                    self.pos = q + 1
                    return

    def _here_string(self) -> "LStr | None":
        """@"⏎...⏎"@ or @'⏎...⏎'@ at `pos`; None if the opening line is not one."""
        s, src = self.s, self.src
        start = self.pos
        m = _HERE_HEAD.match(s, start, self.n)
        if m is None:
            return None
        literal = m.group(1) in _SQ
        body = m.end()
        # search from the opening line break so that an empty body is found too
        close = (_HERE_END_SQ if literal else _HERE_END_DQ).search(s, body - 1, self.n)
        if close is None:
            body_end = after = self.n
        else:
            body_end = max(body, close.start())
            after = close.end()
        if literal:
            value = src.sub(body, body_end)
        else:
            saved = self.n
            self.n = body_end  # an unclosed $( inside must not run past the body
            self.pos = body
            parts: list = []
            self._double_quoted(parts, here=True)
            self.n = saved
            value = self._join(parts, body)
        self.pos = after
        return value

    def _escape(self, pos: int) -> tuple:
        """Decoded text and end of the backtick escape at `pos` (pos + 1 is in range)."""
        s = self.s
        c = s[pos + 1]
        if c == "u" and self._ch(pos + 2) == "{":  # `u{1F600} (PowerShell 7)
            m = _UNICODE_ESCAPE.match(s, pos + 3, self.n)
            if m:
                code = int(m.group(1), 16)
                if code <= 0x10FFFF:
                    return chr(code), m.end()
        return _ESCAPES.get(c, c), pos + 2

    def _expansion_end(self, pos: int) -> int:
        """End of the `$...` expansion at `pos` inside a string or word, or -1 if none."""
        if self._ch(pos + 1) == "(":
            self.pos = pos
            self._subexpr()
            return self.pos
        return self._var_end(pos)

    def _var_end(self, pos: int) -> int:
        """End of the variable reference at `pos` ($x, ${x y}, $env:X, $_, $$), or -1."""
        s, n = self.s, self.n
        nx = self._ch(pos + 1)
        if nx == "{":
            end = s.find("}", pos + 2, n)
            return n if end < 0 else end + 1
        m = _VAR.match(s, pos, n)
        if m:
            return m.end()
        if nx != "" and nx in "$?^":
            return pos + 2
        return -1

    # ------------------------------------------------------------------ brackets
    def _group(self, opener: int, closer: str) -> "list | None":
        """Statements inside the bracket at `opener`: their values; None if skipped or unclosed."""
        if not self._nest(opener):
            return None
        self.pos = opener + 1
        values = self._statements()
        if self._ch(self.pos) == closer:
            self.pos += 1
        else:
            values = None  # unclosed: not a value we can vouch for
        self.depth -= 1
        return values

    def _paren(self) -> PsUnknown:
        start = self.pos
        self._group(start, ")")
        return self._unknown(start, self.pos)

    def _subexpr(self) -> PsUnknown:
        start = self.pos
        self._group(start + 1, ")")
        return self._unknown(start, self.pos)

    def _block(self) -> PsUnknown:
        start = self.pos
        self._group(start, "}")
        return self._unknown(start, self.pos)

    def _bracket_list(self) -> PsUnknown:
        start = self.pos
        self._group(start, "]")
        return self._unknown(start, self.pos)

    def _index(self) -> None:
        self._group(self.pos, "]")

    def _array(self) -> "PsArray | PsUnknown":
        """@( ... ): an array of the statements' values, when all are plain expressions."""
        start = self.pos
        values = self._group(start + 1, ")")
        if values is None:
            return self._unknown(start, self.pos)
        items: list = []
        for value, plain in values:
            if not plain or value is None:
                return self._unknown(start, self.pos)
            if isinstance(value, PsArray):  # a statement's output is enumerated into the array
                items.extend(value.items)
            else:
                items.append(value)
        return PsArray(items, self.src.sub(start, self.pos))

    def _hashtable(self) -> "PsHashtable | PsUnknown":
        """@{ key = value; ... }; PsUnknown if it is malformed or unclosed."""
        s = self.s
        start = self.pos
        if not self._nest(start + 1):
            return self._unknown(start, self.pos)
        self.pos = start + 2
        entries: list = []
        state = "open"
        while True:
            self._skip(newlines=True, semicolons=True)
            pos = self.pos
            if pos >= self.n:
                break
            c = s[pos]
            if c == "}":
                self.pos = pos + 1
                state = "closed"
                break
            if c in ")]":
                break
            key = self._hash_key()
            self._skip()
            if key is None or self._ch(self.pos) != "=":
                state = "invalid"  # e.g. @{'Metadata':'true'}
                break
            self.pos += 1
            self._skip(newlines=True)
            value, _plain = self._statement(want=True)  # a value is a statement: @{a = Get-Date}
            if value is None:
                state = "invalid"
                break
            entries.append((key, value))
            self._skip()
            if self._ch(self.pos) not in _HASH_VALUE_END:
                state = "invalid"
                break
        self.depth -= 1
        if state == "invalid":
            self.pos = self._skip_balanced(self.pos, 1)
        if state != "closed":
            return self._unknown(start, self.pos)
        return PsHashtable(entries, self.src.sub(start, self.pos))

    def _hash_key(self) -> "LStr | None":
        s = self.s
        pos = self.pos
        c = s[pos]
        if c in _QUOTES:
            return self._string()
        if c in "$([@":  # an expression key: its value is not known
            self._unary()
            return LStr.unknown(pos, self.pos, parent=self.src) if self.pos > pos else None
        m = _HASH_KEY.match(s, pos, self.n)
        if m is None:
            return None
        self.pos = m.end()
        return self.src.sub(pos, m.end())

    def _type_end(self, pos: int) -> int:
        """End of a type literal `[Name.Space.Type[int]]` at `pos`, or -1 (bounded look-ahead)."""
        s = self.s
        limit = min(self.n, pos + 300)
        i = pos + 1
        if i >= limit or not (s[i].isalpha() or s[i] == "_"):
            return -1
        depth = 1
        while i < limit:
            c = s[i]
            if c == "]":
                depth -= 1
                if depth == 0:
                    return i + 1
            elif c == "[":
                depth += 1
                if depth > 4:
                    return -1
            elif not (c.isalnum() or c in "_.,+` "):
                return -1
            i += 1
        return -1

    def _attribute(self) -> None:
        """[Name(args)] before a param or function; its arguments are expressions."""
        s = self.s
        start = self.pos
        m = _ATTRIBUTE.match(s, start, self.n)
        if not self._nest(start):
            return
        self.pos = m.end()
        while True:
            self._skip(newlines=True)
            pos = self.pos
            if pos >= self.n:
                break
            c = s[pos]
            if c == ")":
                self.pos += 1
                break
            if c in "]}":
                break
            if c == ",":
                self.pos += 1
                continue
            self._expression()  # Mandatory=$true comes back as an assignment; go on
            if self.pos == pos:
                self.pos += 1
        self._skip()
        if self._ch(self.pos) == "]":
            self.pos += 1
        self.depth -= 1

    # ------------------------------------------------------------------ expression mode
    def _expression(self) -> tuple:
        """Operands joined by commas and operators: (value, assigned)."""
        s = self.s
        start = self.pos
        items: list = []
        operators = False
        end = start
        while True:
            value = self._unary()
            if value is None:
                break  # after a dangling operator or comma
            items.append(value)
            end = self.pos
            self._skip()
            pos = self.pos
            if pos >= self.n:
                break
            if s[pos] == ",":
                self.pos = pos + 1
                self._skip(newlines=True)
                continue
            size, assign = self._operator_at(pos)
            if not size:
                self.pos = end  # leave what follows (and the blanks before it) to the caller
                break
            self.pos = pos + size
            if assign:
                return None, True
            operators = True
            self._skip(newlines=True)  # an operator may end a line
        if not items:
            return None, False
        if operators:
            return self._unknown(start, end), False
        if len(items) == 1:
            return items[0], False
        return PsArray(items, self.src.sub(start, end)), False

    def _operator_at(self, pos: int) -> tuple:
        """(length, is_assignment) of a binary or assignment operator at `pos`; length 0: none."""
        s = self.s
        c = s[pos]
        nx = self._ch(pos + 1)
        if c == "=":
            return 1, True
        if c in "+*/%":
            return (2, True) if nx == "=" else (1, False)
        if c in _DASHES:
            if nx == "=":
                return 2, True
            if nx.isalpha():  # -eq, -and, -f, -replace ...
                return _WORD.match(s, pos + 1, self.n).end() - pos, False
            return 1, False
        if c == "." and nx == ".":
            return 2, False
        if c == "?":
            if nx == "?":
                return (3, True) if self._ch(pos + 2) == "=" else (2, False)
            return 1, False
        if c == ":" or c == "<":
            return 1, False
        if c == ">":  # a redirection; its target parses as an operand
            return (2 if nx == ">" else 1), False
        return 0, False

    def _unary(self) -> "PsValue | None":
        """Prefix operators and casts, then an operand."""
        s = self.s
        start = self.pos
        end = start
        while self.pos < self.n:
            pos = self.pos
            c = s[pos]
            nx = self._ch(pos + 1)
            if c == "!" or c == ",":
                self.pos = pos + 1
            elif c == "+":
                self.pos = pos + (2 if nx == "+" else 1)
            elif c in _DASHES:
                if nx in _DIGITS or (nx == "." and self._ch(pos + 2) in _DIGITS):
                    break  # a negative number
                if nx.isalpha():  # -not, -join, -split
                    self.pos = _WORD.match(s, pos + 1, self.n).end()
                else:
                    self.pos = pos + (2 if nx in _DASHES else 1)
            elif c == "[":
                type_end = self._type_end(pos)
                if type_end > 0:
                    if s.startswith("::", type_end, self.n):
                        break  # [Type]::Member is an operand
                    self.pos = type_end  # a cast
                elif _ATTRIBUTE.match(s, pos, self.n):
                    self._attribute()
                else:
                    break
            else:
                break
            end = self.pos
            self._skip()
        value = self._primary()
        if value is None:
            self.pos = end
            return self._unknown(start, end) if end > start else None
        if end > start:
            return self._unknown(start, self.pos)
        return value

    def _primary(self) -> "PsValue | None":
        """An operand with its member accesses, indexes and method calls."""
        s = self.s
        start = pos = self.pos
        if pos >= self.n:
            return None
        c = s[pos]
        nx = self._ch(pos + 1)
        if c in _QUOTES:
            value = self._string()
        elif c == "@":
            if nx == "{":
                value = self._hashtable()
            elif nx == "(":
                value = self._array()
            elif nx in _QUOTES:
                value = self._here_string()
                if value is None:  # `@"` not at the end of a line: read the string after `@`
                    self.pos = pos + 1
                    value = self._string()
            else:
                m = _WORD.match(s, pos + 1, self.n)
                self.pos = m.end() if m else pos + 1
                value = self._unknown(pos, self.pos)
        elif c == "$":
            if nx == "(":
                value = self._subexpr()
            else:
                end = self._var_end(pos)
                self.pos = end if end > 0 else pos + 1
                value = self._unknown(pos, self.pos)
        elif c == "(":
            value = self._paren()
        elif c == "{":
            value = self._block()
        elif c == "[":
            end = self._type_end(pos)
            if end > 0:
                self.pos = end
                value = self._unknown(pos, end)
            else:
                value = self._bracket_list()
        elif c in _DIGITS or ((c == "." or c in _DASHES) and _NUMBER.match(s, pos, self.n)):
            end = _NUMBER.match(s, pos, self.n).end()
            self.pos = end
            value = self.src.sub(pos, end)
        elif c == "`" or (c not in _DASHES and _PLAIN.match(s, pos, self.n)):
            value = self._bare_word()
            if value is None:
                return None
        else:
            return None
        if self._postfix():
            value = self._unknown(start, self.pos)
        return value

    def _postfix(self) -> bool:
        """`.Member`, `::Static`, `[index]`, method calls; True if any was consumed."""
        s = self.s
        consumed = False
        while self.pos < self.n:
            pos = self.pos
            c = s[pos]
            nx = self._ch(pos + 1)
            if c == "." and nx != "" and (nx.isalnum() or nx == "_" or nx in _QUOTES
                                          or nx in "$("):
                self.pos = pos + 1
                self._member()
            elif c == ":" and nx == ":":
                self.pos = pos + 2
                self._member()
            elif c == "[":
                self._index()
            else:
                break
            consumed = True
        return consumed

    def _member(self) -> None:
        """A member name after `.` or `::`, and a call `(...)` / `{...}` right after it."""
        s = self.s
        pos = self.pos
        c = self._ch(pos)
        if c == "":
            return
        if c in _QUOTES:
            self._string()
        elif c == "$":
            end = self._var_end(pos)
            self.pos = end if end > 0 else pos + 1
        elif c == "(":
            self._paren()
        else:
            m = _WORD.match(s, pos, self.n)
            if m:
                self.pos = m.end()
        c = self._ch(self.pos)
        if c == "(":
            self._paren()
        elif c == "{":  # .Where{ ... } / .ForEach{ ... }
            self._block()
