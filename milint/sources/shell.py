"""Splitting bash / POSIX sh / ``.azcli`` scripts into simple commands with located words.

`parse_shell` reads a script and returns every *simple command* in it -- including those inside
``$( )``, backticks, ``<( )``/``>( )``, subshells, groups, compound commands and functions -- as a
`ShellCommand` whose words are `LStr` values: quotes removed, escapes decoded, expansions replaced
by one `UNKNOWN` character each, and every character mapped back to the file.

Design
------
The lexer and the command-structure parser run interleaved in ONE loop over the text, with an
explicit stack of frames instead of recursion, so deep nesting (``$($($(...)))``) cannot exhaust
the Python stack.  Commands nested more than `_MAX_NESTING` levels deep are still read (to find
where they end) but not reported: each level's command text contains all deeper levels, so
reporting them all would cost quadratic memory.  Frames:

* `_List`   -- a command list: the script itself, the inside of ``$( )``, ``<( )``, ``>( )``, or
  of an array assignment ``name=( )``.  It owns a `_Parser` (the command-structure state machine)
  and the word being read.
* `_DQ`     -- inside ``"..."``.
* `_Brace`  -- inside ``${...}``.

A frame adds decoded pieces to a `_Word`.  Inside ``${...}`` everything nested is *swallowed*
(frames get ``word=None``): the whole ``${...}`` becomes a single unknown piece, yet command
substitutions in it are still parsed, so their commands are reported.

Backticks are the one place a nested parse is started recursively: their body must be de-escaped
first (``\\` \\\\ \\$``), so it is re-read as its own `LStr` source.  Backtick nesting needs
exponentially many backslashes, so the depth is small in practice; `_MAX_NESTING` caps it anyway.

Ordering: commands are returned in the order of their first character in the source (for a
command inside backticks: just after the position of the opening backtick), so an outer command
comes before the commands nested in its ``$( )``.

Spans: every word is built from ``source.sub`` / ``LStr.atom`` / ``LStr.unknown`` only, so the
span of a word runs from its first to its last *value* character: for ``'abc'`` it is the ``abc``
inside the quotes, an escape ``\\"`` maps as a whole onto its two source characters, an expansion
``$X`` / ``${X}`` / ``$(cmd)`` onto all of its source, and an empty word ``''`` is an empty span
between the quotes.  `ShellCommand.text` is the raw source from the first to the last token of the
command (assignments and redirections included, keywords such as ``if`` or ``!`` excluded).

Known simplifications: ``$(( ))`` and ``(( ))`` are told apart from ``$( (...) )`` by a flat
parenthesis match that ignores quoting; commands inside arithmetic are not reported; here-document
bodies are not parsed (their expansions are not looked into); when a command has several
here-documents, `heredoc` is the last (the one bash feeds to stdin); an array assignment's value
is its source text ``(a b c)``; a ``[[`` without ``]]`` ends at the end of its line;
``coproc NAME { ... }`` reports ``NAME`` as a command.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from milint.lstr import LStr
from milint.timelimit import check as check_time


@dataclass
class ShellCommand:
    words: list[LStr]  # argv after quote removal; words[0] is the program
    assignments: list[tuple[LStr, LStr]]  # leading NAME=value prefixes: (name, value)
    text: LStr  # the command's source, from its first token to its last
    heredoc: Optional[LStr] = None  # here-document body / here-string fed to the command


def parse_shell(source: LStr) -> list[ShellCommand]:
    """All simple commands of the script in source order, including those nested in $( ), backticks,
    subshells ( ), groups { }, if/while/for/case bodies, functions, and pipelines/lists."""
    if not isinstance(source, LStr):
        source = LStr.at(str(source), 0)
    return _Scanner(source, 0).run()


# --------------------------------------------------------------------------- lexical tables

# Commands nested deeper than this in $( ), <( ), >( ) and backticks are read but not reported.
_MAX_NESTING = 64

# runs that need no attention, matched in one step for speed (simple classes: no backtracking)
_PLAIN = re.compile(r"[^ \t\n\r;&|()<>\\'\"$`]+")  # unquoted word text
_DQ_PLAIN = re.compile(r'[^"\\$`]+')  # inside "..."
_BRACE_PLAIN = re.compile(r"[^{}\\'\"$`]+")  # inside ${...}
_BLANKS = re.compile(r"[ \t]+")
_BACKTICK_BODY = re.compile(r"[^\\`]+")
_ANSI_PLAIN = re.compile(r"[^'\\]+")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?")
_ARRAY_PREFIX = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")
_FD = re.compile(r"[0-9]+|\{[A-Za-z_][A-Za-z0-9_]*\}")  # `2>f`, `{fd}>f`
_HEX = re.compile(r"[0-9A-Fa-f]+")
_OCT = re.compile(r"[0-7]{1,3}")

_SPECIAL_PARAMS = set("@*#?$!-0123456789")
_ANSI_SIMPLE = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n",
                "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}

# reserved words that keep the parser at command position (the next word is a program)
_PREFIX_WORDS = {"if", "then", "elif", "else", "while", "until", "do", "!", "{", "coproc",
                 "fi", "done", "}", "in", "]]"}

# parser states
_CMD = "cmd"  # at command position: keywords, assignments, then the program word
_ARGS = "args"  # after the program word
_TIME = "time"  # after `time` (may take -p)
_FOR_NAME = "for_name"  # after `for` / `select`
_FOR_IN = "for_in"  # after the loop variable: `in`, `do`, or separators
_FOR_WORDS = "for_words"  # the word list after `in`
_CASE_WORD = "case_word"  # after `case`
_CASE_IN = "case_in"  # after the case subject
_CASE_PAT = "case_pat"  # reading patterns up to `)`
_FUNC_NAME = "func_name"  # after `function`
_FUNC_AFTER = "func_after"  # after the function name: optional `()`
_FUNC_PARENS = "func_parens"  # between `(` and `)` of `name()`
_DBRACKET = "dbracket"  # inside [[ ... ]]

# keywords at command position that change what the following words mean
_KEYWORD_STATES = {"for": _FOR_NAME, "select": _FOR_NAME, "case": _CASE_WORD,
                   "function": _FUNC_NAME, "time": _TIME, "[[": _DBRACKET}

_NEWLINE = "\n"
_CASE_ENDS = (";;", ";&", ";;&")


# --------------------------------------------------------------------------- frames

class _Word:
    """A word being read: its decoded pieces and how much of it is plain unquoted text."""

    __slots__ = ("parts", "start", "end", "plain", "plain_open")

    def __init__(self, start: int):
        self.parts: list[LStr] = []
        self.start = start
        self.end = start
        self.plain = 0  # length of the leading unquoted literal text (for keywords, NAME=)
        self.plain_open = True

    def add_plain(self, part: LStr, end: int) -> None:
        if self.plain_open:
            self.plain += len(part)
        self.parts.append(part)
        self.end = end

    def add(self, part: LStr, end: int) -> None:
        self.plain_open = False
        self.parts.append(part)
        self.end = end

    def text(self) -> str:
        return "".join(self.parts)


class _List:
    __slots__ = ("parser", "close", "start", "outer", "word", "array")

    def __init__(self, parser: "_Parser", close: bool, start: int, outer: Optional[_Word],
                 array: bool = False):
        self.parser = parser
        self.close = close  # True: ends at an unowned `)`; False: the script (ends at EOF)
        self.start = start  # source offset of `$(`, `<(`, `>(` or the array's `(`
        self.outer = outer  # word that receives this substitution (None: swallowed / top)
        self.word: Optional[_Word] = None  # word being read in this list
        self.array = array  # `name=( ... )`: the text is kept verbatim in the outer word


class _DQ:
    __slots__ = ("start", "word")

    def __init__(self, start: int, word: Optional[_Word]):
        self.start = start
        self.word = word


class _Brace:
    __slots__ = ("start", "word", "depth", "in_dq")

    def __init__(self, start: int, word: Optional[_Word], in_dq: bool):
        self.start = start
        self.word = word
        self.depth = 0  # nested unquoted `{` (bash counts them)
        self.in_dq = in_dq  # inside "...": decides how $'...' and backticks read


# --------------------------------------------------------------------------- scanner

class _Scanner:
    """Reads one source (the script, or a de-escaped backtick body)."""

    def __init__(self, source: LStr, level: int):
        self.src = source
        self.text = str(source)
        self.n = len(self.text)
        self.level = level  # substitution nesting level at the current position
        self.found: list[tuple[float, int, ShellCommand]] = []  # (position, seq, command)
        self.heredocs: list[tuple[str, bool, Optional[ShellCommand]]] = []  # awaiting a newline
        self.stack: list = []
        self._close_of: Optional[dict[int, int]] = None  # flat `(` -> `)` match, built lazily

    def emit(self, key: float, cmd: ShellCommand) -> None:
        self.found.append((key, len(self.found), cmd))

    def run(self) -> list[ShellCommand]:
        self.stack.append(_List(_Parser(self, quiet=self.level > _MAX_NESTING), False, 0, None))
        pos = 0
        n = self.n
        stack = self.stack
        while stack:
            check_time()
            frame = stack[-1]
            if pos >= n:
                self._eof(frame)
                continue
            kind = type(frame)
            if kind is _List:
                pos = self._run_list(frame, pos)
            elif kind is _DQ:
                pos = self._step_dq(frame, pos)
            else:
                pos = self._step_brace(frame, pos)
        self.found.sort(key=lambda item: (item[0], item[1]))
        return [cmd for _, _, cmd in self.found]

    # ------------------------------------------------------------------ end of input
    def _eof(self, frame) -> None:
        """Close the innermost open frame at the end of the text (unterminated constructs)."""
        n = self.n
        self.stack.pop()
        if type(frame) is _List:
            if frame.word is not None:
                self._end_word(frame)
            frame.parser.finish()
            if frame.close:
                self._close_list(frame, n)
        elif type(frame) is _DQ:
            if frame.word is not None:
                self._close_quote(frame.word, frame.start + 1, n)
        elif frame.word is not None:
            frame.word.add(LStr.unknown(frame.start, n, parent=self.src), n)

    def _close_list(self, frame: _List, end: int) -> None:
        """A substitution (or array) ended at `end`: it becomes part of the enclosing word."""
        if not frame.array:
            self.level -= 1
        if frame.outer is None:  # swallowed by an enclosing ${...}
            return
        if frame.array:  # array assignments keep their text: it is known
            frame.outer.add(self.src.sub(frame.start, end), end)
        else:
            frame.outer.add(LStr.unknown(frame.start, end, parent=self.src), end)

    def _close_quote(self, word: _Word, inner: int, end: int) -> None:
        """A quoted part ended; an empty word still needs a located (empty) value."""
        if not word.parts:
            word.parts.append(self.src.sub(inner, inner))
        word.plain_open = False
        word.end = end

    # ------------------------------------------------------------------ command lists
    def _run_list(self, frame: _List, pos: int) -> int:
        """Read `frame` until it ends, a nested frame opens, or the text ends.

        Blanks and words made of one run of plain text (most words) are handled right here, as
        the hot path; everything else goes through `_step_list`."""
        text = self.text
        n = self.n
        stack = self.stack
        sub = self.src.sub
        word_ends = " \t\n;&|)"
        while pos < n and stack[-1] is frame:
            if frame.word is None:
                c = text[pos]
                if c == " " or c == "\t":
                    pos = _BLANKS.match(text, pos).end()
                    continue
                if c != "#":
                    m = _PLAIN.match(text, pos)
                    if m:
                        end = m.end()
                        after = text[end:end + 1]  # "" at the end of the text
                        if after in word_ends or (after == "\r" and text.startswith("\r\n", end)):
                            frame.parser.word(sub(pos, end), pos, end, end - pos)
                            pos = end
                            continue
            pos = self._step_list(frame, pos)
        return pos

    def _step_list(self, frame: _List, pos: int) -> int:
        text = self.text
        c = text[pos]
        word = frame.word
        if word is None:
            if c == " " or c == "\t":
                return _BLANKS.match(text, pos).end()
            nxt = text[pos + 1] if pos + 1 < self.n else ""
            if c == "\n":
                frame.parser.op(_NEWLINE, pos, pos + 1)
                return self._read_heredocs(pos + 1)
            if c == "\r" and nxt == "\n":
                return pos + 1  # CR of CRLF is blank
            if c == "#":  # a comment: up to (not including) the newline
                end = text.find("\n", pos)
                return self.n if end < 0 else end
            if c == "\\":
                cont = self._continuation(pos)
                if cont:
                    return cont
            if c in ";&|":
                return self._operator(frame, pos, c, nxt)
            if c == "(":
                return self._open_paren(frame, pos, nxt)
            if c == ")":
                return self._close_paren(frame, pos)
            if (c == "<" or c == ">") and nxt != "(":
                return self._redirection(frame, pos, pos)
            word = frame.word = _Word(pos)
        return self._word_char(frame, word, pos, c)

    def _word_char(self, frame: _List, word: _Word, pos: int, c: str) -> int:
        """One step inside an unquoted word."""
        src = self.src
        m = _PLAIN.match(self.text, pos)
        if m:
            end = m.end()
            word.add_plain(src.sub(pos, end), end)
            return end
        nxt = self.text[pos + 1] if pos + 1 < self.n else ""
        if c in " \t\n;&|)" or (c == "\r" and nxt == "\n"):
            self._end_word(frame)
            return pos
        if c == "(":
            if word.plain_open and not frame.array and _ARRAY_PREFIX.fullmatch(word.text()):
                # `name=(a b c)`: read the elements as a list whose words are ignored
                self.stack.append(_List(_Parser(self, array=True), True, pos, word, array=True))
                return pos + 1
            self._end_word(frame)
            return pos
        if c == "<" or c == ">":
            if nxt == "(":
                return self._open_list(pos, pos + 2, word)  # process substitution <( ) >( )
            if word.plain_open and _FD.fullmatch(word.text()):
                frame.word = None  # `2>f`: the digits belong to the redirection
                return self._redirection(frame, pos, word.start)
            self._end_word(frame)
            return pos
        if c == "\\":
            cont = self._continuation(pos)
            if cont:
                return cont
            if pos + 1 >= self.n:  # a trailing backslash stays literal
                word.add(src.sub(pos, pos + 1), pos + 1)
                return pos + 1
            word.add(LStr.atom(self.text[pos + 1], pos, pos + 2, parent=src), pos + 2)
            return pos + 2
        if c == "'":
            end = self.text.find("'", pos + 1)
            close = self.n if end < 0 else end + 1
            inner_end = self.n if end < 0 else end
            if inner_end > pos + 1:
                word.add(src.sub(pos + 1, inner_end), close)
            self._close_quote(word, pos + 1, close)
            return close
        if c == '"':
            self.stack.append(_DQ(pos, word))
            return pos + 1
        if c == "$":
            return self._dollar(pos, word, False, plain=True)
        if c == "`":
            return self._backtick(pos, word, False)
        # a lone CR (not before LF) is an ordinary character
        word.add_plain(src.sub(pos, pos + 1), pos + 1)
        return pos + 1

    def _end_word(self, frame: _List) -> None:
        word = frame.word
        frame.word = None
        parts = word.parts
        if not parts:
            value = self.src.sub(word.start, word.start)
        elif len(parts) == 1:
            value = parts[0]
        else:
            value = LStr.concat(parts)
        frame.parser.word(value, word.start, word.end, word.plain)

    def _continuation(self, pos: int) -> int:
        """End of a backslash-newline (or backslash-CR-LF) at pos, or 0 if there is none."""
        text = self.text
        if text.startswith("\\\n", pos):
            return pos + 2
        if text.startswith("\\\r\n", pos):
            return pos + 3
        return 0

    def _operator(self, frame: _List, pos: int, c: str, nxt: str) -> int:
        text = self.text
        if c == ";":
            if nxt == ";":
                op = ";;&" if text.startswith(";;&", pos) else ";;"
            elif nxt == "&":
                op = ";&"
            else:
                op = ";"
        elif c == "&":
            if nxt == ">":
                return self._redirection(frame, pos, pos)  # &> and &>>
            op = "&&" if nxt == "&" else "&"
        else:
            op = "|" + nxt if nxt == "|" or nxt == "&" else "|"
        end = pos + len(op)
        frame.parser.op(op, pos, end)
        return end

    def _redirection(self, frame: _List, pos: int, start: int) -> int:
        """A redirection operator at pos (its fd prefix, if any, starts at `start`)."""
        text = self.text
        for op in ("<<<", "<<-", "&>>", "<<", "<>", "<&", ">>", ">|", ">&", "&>", "<", ">"):
            if text.startswith(op, pos):
                break
        end = pos + len(op)
        frame.parser.redir(op, start, end)
        return end

    def _open_paren(self, frame: _List, pos: int, nxt: str) -> int:
        parser = frame.parser
        if nxt == "(" and parser.at_arith_position():
            end = self._arith_end(pos)
            if end > 0:  # `(( expr ))`: an arithmetic command, skipped as a unit
                parser.arith()
                return end
        parser.op("(", pos, pos + 1)
        return pos + 1

    def _close_paren(self, frame: _List, pos: int) -> int:
        if frame.close and not frame.parser.owns_close_paren():
            self.stack.pop()
            frame.parser.finish()
            self._close_list(frame, pos + 1)
            return pos + 1
        frame.parser.op(")", pos, pos + 1)
        return pos + 1

    def _open_list(self, start: int, body: int, outer: Optional[_Word]) -> int:
        """`$(`, `<(` or `>(` at start: parse the body as a command list of its own."""
        self.level += 1
        self.stack.append(_List(_Parser(self, quiet=self.level > _MAX_NESTING), True, start, outer))
        return body

    def _arith_end(self, pos: int) -> int:
        """If `((` at pos closes with an adjacent `))`, the offset after it; else -1."""
        if self._close_of is None:
            close_of: dict[int, int] = {}
            opened: list[int] = []
            for m in re.finditer(r"[()]", self.text):
                if m.group() == "(":
                    opened.append(m.start())
                elif opened:
                    close_of[opened.pop()] = m.start()
            self._close_of = close_of
        inner = self._close_of.get(pos + 1)
        if inner is not None and self._close_of.get(pos) == inner + 1:
            return inner + 2
        return -1

    def _read_heredocs(self, pos: int) -> int:
        """After a newline: skip the bodies of pending here-documents, in order."""
        if not self.heredocs:
            return pos
        text = self.text
        n = self.n
        pending, self.heredocs = self.heredocs, []
        for delim, strip_tabs, cmd in pending:
            start = pos
            body_end = n  # no delimiter line: the body runs to the end
            while pos < n:
                nl = text.find("\n", pos)
                line_end = n if nl < 0 else nl
                line = text[pos:line_end]
                if line.endswith("\r"):
                    line = line[:-1]
                if strip_tabs:
                    line = line.lstrip("\t")
                next_line = n if nl < 0 else nl + 1
                if line == delim:
                    body_end = pos
                    pos = next_line
                    break
                pos = next_line
            if cmd is not None:
                cmd.heredoc = self.src.sub(start, body_end)
        return pos

    # ------------------------------------------------------------------ quotes and expansions
    def _step_dq(self, frame: _DQ, pos: int) -> int:
        text = self.text
        word = frame.word
        m = _DQ_PLAIN.match(text, pos)
        if m:
            end = m.end()
            if word is not None:
                word.add(self.src.sub(pos, end), end)
            return end
        c = text[pos]
        if c == '"':
            self.stack.pop()
            if word is not None:
                self._close_quote(word, frame.start + 1, pos + 1)
            return pos + 1
        if c == "\\":
            cont = self._continuation(pos)
            if cont:
                return cont
            nxt = text[pos + 1] if pos + 1 < self.n else ""
            if nxt and nxt in '"\\$`':
                if word is not None:
                    word.add(LStr.atom(nxt, pos, pos + 2, parent=self.src), pos + 2)
                return pos + 2
            if word is not None:  # any other backslash is literal inside "..."
                word.add(self.src.sub(pos, pos + 1), pos + 1)
            return pos + 1
        if c == "$":
            return self._dollar(pos, word, True)
        return self._backtick(pos, word, True)

    def _step_brace(self, frame: _Brace, pos: int) -> int:
        text = self.text
        m = _BRACE_PLAIN.match(text, pos)
        if m:
            return m.end()
        c = text[pos]
        if c == "{":
            frame.depth += 1
            return pos + 1
        if c == "}":
            if frame.depth:
                frame.depth -= 1
                return pos + 1
            self.stack.pop()
            if frame.word is not None:
                frame.word.add(LStr.unknown(frame.start, pos + 1, parent=self.src), pos + 1)
            return pos + 1
        if c == "\\":
            return min(pos + 2, self.n)
        if c == "'":  # bash matches single quotes here even inside "..."
            end = text.find("'", pos + 1)
            return self.n if end < 0 else end + 1
        if c == '"':
            self.stack.append(_DQ(pos, None))
            return pos + 1
        if c == "$":
            return self._dollar(pos, None, frame.in_dq)
        return self._backtick(pos, None, frame.in_dq)

    def _dollar(self, pos: int, word: Optional[_Word], in_dq: bool, plain: bool = False) -> int:
        """`$` at pos; the result goes to `word` (None: swallowed by an enclosing ${...})."""
        text = self.text
        nxt = text[pos + 1] if pos + 1 < self.n else ""
        end = 0
        if nxt == "(":
            if text.startswith("((", pos + 1):
                end = self._arith_end(pos + 1)
            if end <= 0:
                return self._open_list(pos, pos + 2, word)
        elif nxt == "{":
            self.stack.append(_Brace(pos, word, in_dq))
            return pos + 2
        elif nxt == "'" and not in_dq:
            return self._ansi_c(pos, word)
        elif nxt == '"' and not in_dq:
            return pos + 1  # $"..." (locale translation) reads as "..."
        elif nxt in _SPECIAL_PARAMS:
            end = pos + 2
        else:
            m = _NAME.match(text, pos + 1)
            if m:
                end = m.end()
        if word is not None:
            if end:
                word.add(LStr.unknown(pos, end, parent=self.src), end)
            elif plain:  # a lone `$` is literal
                word.add_plain(self.src.sub(pos, pos + 1), pos + 1)
            else:
                word.add(self.src.sub(pos, pos + 1), pos + 1)
        return end or pos + 1

    def _backtick(self, pos: int, word: Optional[_Word], in_dq: bool) -> int:
        """`...` at pos: de-escape the body, parse it as its own script, and leave an unknown."""
        text = self.text
        src = self.src
        escapable = '`\\$"' if in_dq else "`\\$"
        parts: list[LStr] = []
        i = pos + 1
        run = i
        end = self.n  # unterminated: up to the end
        while i < self.n:
            m = _BACKTICK_BODY.match(text, i)
            if m:
                i = m.end()
                continue
            if text[i] == "`":
                end = i + 1
                break
            # a backslash: it escapes ` \ $ (and " inside "..."), else stays literal
            if i + 1 < self.n and text[i + 1] in escapable:
                if i > run:
                    parts.append(src.sub(run, i))
                parts.append(LStr.atom(text[i + 1], i, i + 2, parent=src))
                run = i + 2
            i += 2
        body_end = min(i, self.n)
        if body_end > run:
            parts.append(src.sub(run, body_end))
        if self.level < _MAX_NESTING and parts:
            body = LStr.concat(parts)
            for cmd in _Scanner(body, self.level + 1).run():
                self.emit(pos + 0.5, cmd)  # after a command starting at the backtick itself
        if word is not None:
            word.add(LStr.unknown(pos, end, parent=src), end)
        return end

    def _ansi_c(self, pos: int, word: Optional[_Word]) -> int:
        """$'...' at pos: ANSI-C escapes decode to atoms over their source characters."""
        text = self.text
        src = self.src
        n = self.n
        parts: list[LStr] = []
        i = pos + 2
        end = n
        while i < n:
            m = _ANSI_PLAIN.match(text, i)
            if m:
                parts.append(src.sub(i, m.end()))
                i = m.end()
                continue
            if text[i] == "'":
                end = i + 1
                break
            decoded, length = _ansi_escape(text, i)
            if decoded is None:  # not an escape: the backslash and the character stay
                parts.append(src.sub(i, i + length))
            else:
                parts.append(LStr.atom(decoded, i, i + length, parent=src))
            i += length
        if word is not None:
            for part in parts:
                word.add(part, end)
            self._close_quote(word, pos + 2, end)
        return end


def _ansi_escape(text: str, i: int) -> tuple[Optional[str], int]:
    """Decode the $'...' escape at text[i] == '\\': (value or None if literal, source length)."""
    if i + 1 >= len(text):
        return None, 1
    c = text[i + 1]
    simple = _ANSI_SIMPLE.get(c)
    if simple is not None:
        return simple, 2
    if c in "01234567":
        m = _OCT.match(text, i + 1)
        return chr(int(m.group(), 8) & 0xFF), 1 + len(m.group())
    if c in "xuU":
        limit = {"x": 2, "u": 4, "U": 8}[c]
        m = _HEX.match(text, i + 2, i + 2 + limit)
        if m:
            value = int(m.group(), 16)
            if value <= 0x10FFFF:
                return chr(value), 2 + len(m.group())
        return None, 2
    if c == "c" and i + 2 < len(text) and text[i + 2] != "'":
        return chr(ord(text[i + 2]) & 0x1F), 3
    return None, 2


# --------------------------------------------------------------------------- command structure

class _Parser:
    """Turns the tokens of one command list into simple commands (see the state names above)."""

    def __init__(self, scanner: _Scanner, array: bool = False, quiet: bool = False):
        self.sc = scanner
        self.quiet = quiet  # too deeply nested: follow the structure, report nothing
        self.array = array  # the elements of `name=( ... )`: nothing here is a command
        self.state = _CMD
        self.paren = 0  # open subshells `(` in this list
        self.cases = 0  # open `case ... esac`
        self.dbr_paren = 0  # open `(` inside [[ ]]
        self.pending: Optional[str] = None  # redirection operator waiting for its target word
        self.last = ""  # previous token (a [[ ]] may continue after && / || on a new line)
        self.cmd: Optional[ShellCommand] = None  # simple command being collected
        self.start = 0  # its first token
        self.end = 0  # the end of its last token

    # ------------------------------------------------------------------ questions from the lexer
    def owns_close_paren(self) -> bool:
        """Whether a `)` belongs to this list (else it closes the enclosing $( )."""
        if self.array:
            return False
        st = self.state
        return (self.paren > 0 or st == _CASE_PAT or st == _FUNC_PARENS
                or (st == _DBRACKET and self.dbr_paren > 0))

    def at_arith_position(self) -> bool:
        return not self.array and ((self.state == _CMD and self.cmd is None)
                                   or self.state == _FOR_NAME)

    # ------------------------------------------------------------------ tokens
    def arith(self) -> None:
        """An `(( ... ))` was skipped; after `for` it is the loop header."""
        self.last = "))"
        if self.state == _FOR_NAME:
            self.state = _FOR_IN

    def word(self, value: LStr, start: int, end: int, plain: int) -> None:
        self.last = "word"
        if self.array:
            return
        if self.pending is not None:
            self._redir_target(value, end)
            return
        st = self.state
        if st == _ARGS and self.cmd is not None:  # the common case first
            self.cmd.words.append(value)
            self.end = end
            return
        bare = value if plain == len(value) else None  # keyword candidates are unquoted
        if st == _CMD:
            self._command_word(value, start, end, plain, bare)
        elif st == _DBRACKET:
            if bare == "]]":
                self.state = _CMD
        elif st == _CASE_PAT:
            if bare == "esac":
                self.cases = max(0, self.cases - 1)
                self.state = _CMD
        elif st == _FOR_NAME:
            self.state = _FOR_IN
        elif st == _FOR_IN:
            if bare == "in":
                self.state = _FOR_WORDS
            else:
                self.state = _CMD
                if bare != "do":
                    self._command_word(value, start, end, plain, bare)
        elif st == _FOR_WORDS:
            pass  # the loop's word list ($( ) in it is still parsed by the lexer)
        elif st == _CASE_WORD:
            self.state = _CASE_IN
        elif st == _CASE_IN:
            if bare == "in":
                self.cases += 1
                self.state = _CASE_PAT
            else:
                self.state = _CMD
                self._command_word(value, start, end, plain, bare)
        elif st == _FUNC_NAME:
            self.state = _FUNC_AFTER
        elif st == _TIME:
            self.state = _CMD
            if bare != "-p":
                self._command_word(value, start, end, plain, bare)
        else:  # _FUNC_AFTER (body follows) or a malformed `name ( x`
            self.state = _CMD
            self._command_word(value, start, end, plain, bare)

    def _command_word(self, value: LStr, start: int, end: int, plain: int,
                      bare: Optional[str]) -> None:
        """A word at command position: keyword, assignment, or the program."""
        if self.cmd is None and bare is not None:
            if bare in _PREFIX_WORDS:
                return
            if bare == "esac":
                self.cases = max(0, self.cases - 1)
                return
            nxt = _KEYWORD_STATES.get(bare)
            if nxt is not None:
                self.state = nxt
                self.dbr_paren = 0
                return
        cmd = self._begin(start)
        self.end = end
        if not cmd.words:
            eq = value.find("=")
            if 0 < eq < plain and _ASSIGN_NAME.fullmatch(value, 0, eq):
                name_end = eq - 1 if value[eq - 1] == "+" else eq
                cmd.assignments.append((value.sub(0, name_end), value.sub(eq + 1)))
                return
        cmd.words.append(value)
        self.state = _ARGS

    def _begin(self, start: int) -> ShellCommand:
        if self.cmd is None:
            self.cmd = ShellCommand([], [], None)  # text is set when the command ends
            self.start = start
        return self.cmd

    def _redir_target(self, value: LStr, end: int) -> None:
        op = self.pending
        self.pending = None
        cmd = self.cmd
        if cmd is not None:
            self.end = end
        if op == "<<" or op == "<<-":
            self.sc.heredocs.append((str(value), op == "<<-", cmd))
        elif op == "<<<" and cmd is not None:
            cmd.heredoc = value

    def redir(self, op: str, start: int, end: int) -> None:
        self.last = op
        if self.array or self.state == _DBRACKET:  # inside [[ ]], < and > compare
            return
        if self.state in (_CMD, _ARGS):
            self._begin(start)
            self.end = end
        self.pending = op

    def op(self, op: str, start: int, end: int) -> None:
        last, self.last = self.last, op
        if self.array:
            return
        self.pending = None  # a redirection without target: ignore it
        st = self.state
        if st == _DBRACKET:
            if op == "(":
                self.dbr_paren += 1
            elif op == ")":
                self.dbr_paren = max(0, self.dbr_paren - 1)
            elif op == _NEWLINE and last not in ("&&", "||"):
                self.state = _CMD  # unterminated [[: give up at the end of the line
            return
        if st == _CASE_PAT:
            if op == ")":
                self.state = _CMD
            return  # `(`, `|`, newlines between patterns
        if st in (_CASE_WORD, _CASE_IN, _FUNC_AFTER, _FOR_NAME) and op == _NEWLINE:
            return
        if st == _FUNC_AFTER and op == "(":
            self.state = _FUNC_PARENS
            return
        if st == _FUNC_PARENS and op == ")":
            self.state = _CMD
            return
        if st in (_FOR_IN, _FOR_WORDS) and op in (";", _NEWLINE):
            self.state = _FOR_IN  # `do` comes next
            return
        if op == "(":
            cmd = self.cmd
            if st == _ARGS and cmd is not None and len(cmd.words) == 1 and not cmd.assignments:
                self.cmd = None  # `name ( )`: a function definition, not a command
                self.state = _FUNC_PARENS
                return
            self._end_command()
            self.paren += 1
        elif op == ")":
            self._end_command()
            self.paren = max(0, self.paren - 1)
        else:
            self._end_command()
            if op in _CASE_ENDS and self.cases:
                self.state = _CASE_PAT
                return
        self.state = _CMD

    def finish(self) -> None:
        self.pending = None
        if not self.array:
            self._end_command()

    def _end_command(self) -> None:
        cmd = self.cmd
        if cmd is None:
            return
        self.cmd = None
        if (cmd.words or cmd.assignments) and not self.quiet:  # redirection-only: left out
            cmd.text = self.sc.src.sub(self.start, self.end)
            self.sc.emit(self.start, cmd)
