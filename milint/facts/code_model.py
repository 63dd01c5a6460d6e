"""A light model of a code file for fact extraction: calls with their arguments, assignments,
statements, and what happens to a variable after it is assigned.

It is not a parser: it reads the shapes that HTTP and SDK code takes (``x = f(a, k=v)``,
``x.Header.Add(...)``, ``new T(...) { ... }``, builder chains) from the token stream, and anything it
does not recognise is left alone -- facts built from it are then unknown, never guessed.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Iterator, Optional

from ..lstr import LStr
from ..sources.code import NAME, NUM, OP, STR, Token, lex
from ..sources.code.structure import brackets, split

CONNECTORS = frozenset({".", "?.", "::"})
# languages whose statements end at a line break (C#/Java need ';')
_NEWLINE_ENDS = frozenset({"python", "go", "ruby", "javascript", "typescript"})
_KEYWORDS_BEFORE_VALUE = frozenset({"return", "await", "new", "yield", "throw", "in", "of", "not",
                                    "and", "or", "typeof", "case"})
_BLOCK_KEYWORDS = frozenset({"def", "func", "function", "class", "module", "end"})


@dataclass
class Arg:
    name: Optional[str]  # keyword / named argument (Python k=v, C# k: v, Ruby k: v)
    start: int  # the value's token range
    end: int
    splat: bool = False  # **kwargs, *args, ...spread


@dataclass
class Call:
    index: int  # the callee's last name token
    open: int  # '(' (or -1 for a Ruby call without parentheses)
    close: int  # ')' (or the end of the arguments)
    name: str
    path: str  # the callee as written, arguments left out: "requests.Session().get", "new URL"
    receiver: Optional[tuple[int, int]]  # token range of the object the method is called on
    args: list[Arg] = field(default_factory=list)

    def arg(self, position: int, *names: str) -> Optional[Arg]:
        """A positional argument, or a keyword argument with one of `names`."""
        for a in self.args:
            if a.name is not None and a.name in names:
                return a
        positional = [a for a in self.args if a.name is None and not a.splat]
        return positional[position] if 0 <= position < len(positional) else None

    @property
    def has_splat(self) -> bool:
        return any(a.splat for a in self.args)


@dataclass
class Assign:
    name: str
    index: int  # the target name token
    rhs: Optional[tuple[int, int]]  # None: assigned in a way we do not evaluate (+=, loops, unpacking)


@dataclass
class Use:
    """What a statement does with a variable: `var.path(args)`, `var.path[key] = value`,
    `var.path = value`, or passes `var` to a call."""

    index: int
    path: str  # ".Header.Add", ".Headers", "" ...
    action: str  # "call", "index-assign", "assign", "passed", "other"
    call: Optional[Call] = None
    key: Optional[tuple[int, int]] = None
    value: Optional[tuple[int, int]] = None


class Code:
    def __init__(self, language: str, source: LStr, tokens: Optional[list[Token]] = None,
                 parent: Optional["Code"] = None):
        self.language = language
        self.source = source
        self.tokens = lex(language, source) if tokens is None else tokens
        self.partner, self.enclosing = brackets(self.tokens)
        self.parent = parent  # the file a hole's expression belongs to (for variables)
        self._calls: Optional[list[Call]] = None
        self._call_at: dict[int, Call] = {}
        self._assigns: Optional[dict[str, list[Assign]]] = None
        self._assign_at: dict[str, list[int]] = {}  # name -> sorted token indices of its assignments
        self._names: Optional[dict[str, list[int]]] = None
        self._text = str(source)
        self._definitions: Optional[list[int]] = None  # Python/Ruby: indices of def/class at a line start
        self._use_cache: dict[int, "Use"] = {}
        self.values_cache: dict = {}  # (what, assignment index) -> value, filled by code_values

    # ------------------------------------------------------------------ basics
    def text(self, a: int, b: int) -> str:
        """The tokens [a, b) as compact text (no spaces), e.g. "os.environ.get"."""
        return "".join(t.text for t in self.tokens[a:b])

    def is_op(self, i: int, *texts: str) -> bool:
        return 0 <= i < len(self.tokens) and self.tokens[i].kind == OP and self.tokens[i].text in texts

    def is_name(self, i: int, *texts: str) -> bool:
        return 0 <= i < len(self.tokens) and self.tokens[i].kind == NAME and (
            not texts or self.tokens[i].text in texts)

    def span_unknown(self, a: int, b: int, raw: str = "<expression>") -> LStr:
        t = self.tokens
        if a >= b or a >= len(t):
            return LStr.unknown(0, 0, parent=self.source, raw=raw)
        return LStr.unknown(t[a].start, t[b - 1].end, parent=t[a].src, raw=raw)

    def located(self, a: int, b: int) -> LStr:
        t = self.tokens
        return t[a].src.sub(t[a].start, t[b - 1].end) if a < b else LStr.empty_at(0, self.source)

    # ------------------------------------------------------------------ statements
    def stmt_end(self, i: int) -> int:
        """The index just past the statement (or expression) that starts at token i."""
        t, n = self.tokens, len(self.tokens)
        level = self.enclosing[i] if i < n else -1
        newline = self.language in _NEWLINE_ENDS
        j = i
        while j < n:
            tok = t[j]
            if j > i and newline and tok.nl and self.enclosing[j] == level and not self._continues(j):
                return j
            if tok.kind == OP:
                if tok.text in ("(", "[", "{"):
                    if self.partner[j] < 0:
                        return n
                    j = self.partner[j] + 1
                    continue
                if tok.text in (")", "]", "}", ";"):
                    return j
                if tok.text == "," and level < 0:
                    return j
            elif tok.kind == NAME and j > i and self.language == "ruby" and tok.text in ("do", "end"):
                return j
            j += 1
        return n

    def _continues(self, j: int) -> bool:
        """A line break before token j does not end the statement."""
        t = self.tokens
        prev, tok = t[j - 1], t[j]
        if self.language == "python":
            return False  # within brackets the level differs; backslashes are not line breaks
        if self.language == "go":
            return not (prev.kind in (NAME, NUM, STR) or prev.text in (")", "]", "}", "++", "--"))
        if prev.kind == OP and prev.text not in (")", "]", "}", "++", "--"):
            return True
        return tok.kind == OP and tok.text in (".", "?.", "&&", "||", "+", "?", ":", "::")

    # ------------------------------------------------------------------ calls
    def calls(self) -> list[Call]:
        if self._calls is None:
            self._calls = []
            t = self.tokens
            for i in range(len(t) - 1):
                if t[i].kind != NAME:
                    continue
                nxt = t[i + 1]
                if nxt.kind == OP and nxt.text == "(" and self.partner[i + 1] > i:
                    call = self._make_call(i, i + 1, self.partner[i + 1])
                elif self.language == "ruby" and nxt.kind == STR and not nxt.nl and (
                        self.is_op(i - 1, ".", "::") or t[i].text == "URI"):
                    call = self._make_call(i, -1, self.stmt_end(i + 1))  # URI.parse "http://..."
                else:
                    continue
                self._calls.append(call)
                self._call_at[i] = call
        return self._calls

    def call_at(self, i: int) -> Optional[Call]:
        self.calls()
        return self._call_at.get(i)

    def calls_named(self, *names: str) -> Iterator[Call]:
        wanted = set(names)
        for call in self.calls():
            if call.name in wanted:
                yield call

    def _make_call(self, i: int, open_: int, close: int) -> Call:
        start = self.chain_start(i)
        receiver = (start, i - 1) if start < i - 1 else None
        path = self._path(start, i + 1)
        if self.is_name(start - 1, "new"):
            path = "new " + path
        if open_ >= 0:
            args = self._args(open_ + 1, close)
        else:
            args = self._args(i + 1, close)
        return Call(i, open_, close, self.tokens[i].text, path, receiver, args)

    def chain_start(self, k: int) -> int:
        """First token of the member chain that ends at name token k (`a.b().c` -> a)."""
        t, p = self.tokens, k
        while p - 1 >= 1 and self.is_op(p - 1, *CONNECTORS):
            q = p - 2
            tok = t[q]
            if tok.kind == OP and tok.text in (")", "]") and self.partner[q] >= 0:
                o = self.partner[q]
                if o - 1 >= 0 and t[o - 1].kind == NAME and t[o - 1].text not in _KEYWORDS_BEFORE_VALUE:
                    p = o - 1
                    continue
                p = o
                break
            if tok.kind in (NAME, STR) and not (tok.kind == NAME and tok.text in _KEYWORDS_BEFORE_VALUE):
                p = q
                continue
            break
        return p

    def _path(self, a: int, b: int) -> str:
        out = []
        i = a
        while i < b:
            tok = self.tokens[i]
            if tok.kind == OP and tok.text in ("(", "[") and self.partner[i] > i:
                out.append("()" if tok.text == "(" else "[]")
                i = self.partner[i] + 1
                continue
            out.append(tok.text if tok.kind != STR else '""')
            i += 1
        return "".join(out)

    def _args(self, a: int, b: int) -> list[Arg]:
        args = []
        for s, e in split(self.tokens, self.partner, a, b, ","):
            args.append(self._arg(s, e))
        return args

    def _arg(self, s: int, e: int) -> Arg:
        t = self.tokens
        first = t[s]
        if first.kind == OP and (first.text in ("*", "**", "...") or (first.text == "&" and self.language == "ruby")) \
                and e - s > 1 and self.language != "go":
            return Arg(None, s + 1, e, splat=True)
        if e - s >= 3 and first.kind == NAME and t[s + 1].kind == OP:
            sep = t[s + 1].text
            if (sep == "=" and self.language == "python") or (sep == ":" and self.language in ("csharp", "ruby")):
                return Arg(first.text, s + 2, e)
        return Arg(None, s, e)

    # ------------------------------------------------------------------ assignments
    def assignments(self) -> dict[str, list[Assign]]:
        if self._assigns is None:
            self._assigns = {}
            t = self.tokens
            n = len(t)
            for i in range(n - 1):
                tok = t[i]
                if tok.kind != NAME or self.is_op(i - 1, *CONNECTORS):
                    continue
                nxt = t[i + 1]
                if nxt.kind == OP and nxt.text in ("=", ":="):
                    if self.enclosing[i] >= 0 and t[self.enclosing[i]].text in ("(", "["):
                        continue  # a keyword argument or a for-header, not a statement
                    if self.is_op(i - 1, ","):
                        self._add(tok.text, i, None)  # x, y = ...: only the first gets the value
                        continue
                    if i + 2 < n:
                        self._add(tok.text, i, (i + 2, self.stmt_end(i + 2)))
                elif nxt.kind == OP and nxt.text in ("+=", "-=", "|=", "||=", "++", "--"):
                    self._add(tok.text, i, None)
                elif nxt.kind == OP and nxt.text == "," and self._unpacks(i):
                    self._add(tok.text, i, (self._unpack_rhs(i)))
                elif nxt.kind == NAME and nxt.text in ("in", "of") or (nxt.kind == OP and nxt.text == ":"
                                                                        and self._in_for_header(i)):
                    self._add(tok.text, i, None)  # a loop variable
                elif self.is_name(i - 1, "as"):
                    self._add(tok.text, i, self._with_rhs(i - 1))
                elif self.language == "ruby" and self._block_parameter(i):
                    self._add(tok.text, i, None)  # block parameters |x|
        return self._assigns

    def _block_parameter(self, i: int) -> bool:
        """Ruby `{ |a, b| ... }` / `do |a| ... end`."""
        j = i - 1
        while j >= 0 and (self.tokens[j].kind == NAME or self.is_op(j, ",", "*", "&")):
            j -= 1
        return self.is_op(j, "|") and (self.is_op(j - 1, "{") or self.is_name(j - 1, "do"))

    def _add(self, name: str, i: int, rhs) -> None:
        self._assigns.setdefault(name, []).append(Assign(name, i, rhs))
        self._assign_at.setdefault(name, []).append(i)

    def _unpacks(self, i: int) -> bool:
        """`a, b := f()` / `a, b = f()`: i is the first of the names."""
        t = self.tokens
        if self.is_op(i - 1, ",", "."):
            return False
        if self.enclosing[i] >= 0 and t[self.enclosing[i]].text != "{":
            return False
        j = i + 1
        while j + 1 < len(t) and t[j].kind == OP and t[j].text == "," and t[j + 1].kind == NAME:
            j += 2
        return self.is_op(j, "=", ":=")

    def _unpack_rhs(self, i: int):
        j = i + 1
        while self.is_op(j, ","):
            j += 2
        if self.language != "go":
            return None  # Python tuples: the first name's value is not the whole right side
        return (j + 1, self.stmt_end(j + 1)) if j + 1 < len(self.tokens) else None

    def _in_for_header(self, i: int) -> bool:
        o = self.enclosing[i]
        return o >= 1 and self.tokens[o].text == "(" and self.is_name(o - 1, "for", "foreach")

    def _with_rhs(self, as_index: int):
        """`with EXPR as name` / `async with`: the expression before `as`."""
        j = as_index - 1
        start = j
        while j >= 0:
            tok = self.tokens[j]
            if tok.kind == NAME and tok.text == "with" or (tok.kind == OP and tok.text in (",", ":")
                                                           and self.enclosing[j] == self.enclosing[as_index]):
                break
            if tok.kind == OP and tok.text in (")", "]", "}") and self.partner[j] >= 0:
                j = self.partner[j]
            start = j
            j -= 1
        if j < 0 or not (self.tokens[j].kind == NAME and self.tokens[j].text == "with"):
            return None
        return (start, as_index)

    def visible_assignment(self, name: str, i: int) -> Optional[Assign]:
        """The assignment whose value `name` certainly holds at token i: the last one before i,
        when it stands in a block that contains i (an assignment in a branch makes the value
        uncertain) and still holds there.  None when there is no such single value."""
        if self.parent is not None:
            return None  # an interpolation: the caller asks the file with the literal's position
        assigns = self.assignments().get(name, [])
        k = bisect_left(self._assign_at[name], i) if assigns else 0
        if k == 0:
            return None
        last = assigns[k - 1]
        if last.rhs is None or not self._block_contains(last.index, i):
            return None
        start, end = self.window(last)
        return last if start <= i < end else None

    def _block_contains(self, a: int, i: int) -> bool:
        """Token i lies in the block that holds token a (braces, or indentation)."""
        level = self.enclosing[a]
        while level >= 0 and self.tokens[level].text != "{":
            level = self.enclosing[level]
        if level >= 0:
            return level < i < self.partner[level] or self.partner[level] < 0
        if self.language not in ("python", "ruby"):
            return True
        indent = self._indent(self.stmt_first(a))
        if indent == 0:
            return True  # module level holds everything after it
        for j in range(a + 1, min(i + 1, len(self.tokens))):
            if self.tokens[j].nl and self.enclosing[j] < 0 and self._indent(j) < indent:
                return False  # the code left the assignment's block before reaching i
        return True

    def stmt_first(self, i: int) -> int:
        """The first token of the line that token i is on."""
        while i > 0 and not self.tokens[i].nl:
            i -= 1
        return i

    def assignment_before(self, name: str, i: int) -> Optional[Assign]:
        """The assignment of `name` that a use at token i sees: the last one before it."""
        best = None
        for a in self.assignments().get(name, []):
            if a.index <= i:
                best = a
        return best

    # ------------------------------------------------------------------ variable uses
    def names(self) -> dict[str, list[int]]:
        if self._names is None:
            self._names = {}
            for i, tok in enumerate(self.tokens):
                if tok.kind == NAME and not self.is_op(i - 1, *CONNECTORS):
                    self._names.setdefault(tok.text, []).append(i)
        return self._names

    def window(self, assign: Assign) -> tuple[int, int]:
        """Where a variable keeps the value of `assign`: up to its next assignment or the end of
        the block or function it was assigned in."""
        self.assignments()
        positions = self._assign_at.get(assign.name, [])
        k = bisect_right(positions, assign.index)
        end = positions[k] if k < len(positions) else len(self.tokens)
        level = self.enclosing[assign.index]
        if level >= 0 and self.tokens[level].text == "{" and self.partner[level] > 0:
            end = min(end, self.partner[level])
        elif self.language in ("python", "ruby"):
            module_level = self._indent(self.stmt_first(assign.index)) == 0
            # module-level names are read inside functions (Ruby: only constants are)
            if not module_level or (self.language == "ruby" and not assign.name[:1].isupper()):
                end = min(end, self._next_definition(assign.index))
        return assign.index, end

    def _next_definition(self, i: int) -> int:
        if self._definitions is None:
            self._definitions = [j for j, tok in enumerate(self.tokens)
                                 if tok.nl and tok.kind == NAME and tok.text in ("def", "class")]
        indent = self._indent(i)
        for j in self._definitions[bisect_right(self._definitions, i):]:
            if self._indent(j) <= indent:
                return j
        return len(self.tokens)

    def _indent(self, i: int) -> int:
        tok = self.tokens[i]
        text = self._text if tok.src is self.source else str(tok.src)
        line_start = text.rfind("\n", 0, tok.start) + 1
        k = line_start
        while k < len(text) and text[k] in " \t":
            k += 1
        return k - line_start

    def uses(self, name: str, a: int, b: int) -> list[Use]:
        """Every use of variable `name` in tokens [a, b)."""
        found = self.names().get(name, [])
        out = []
        for i in found[bisect_left(found, a):bisect_left(found, b)]:
            use = self._use_cache.get(i)
            if use is None:
                use = self._use_cache[i] = self._use(i)
            out.append(use)
        return out

    def _use(self, i: int) -> Use:
        t, n = self.tokens, len(self.tokens)
        j = i + 1
        path = []
        while j + 1 < n and self.is_op(j, *CONNECTORS) and t[j + 1].kind == NAME:
            path.append(t[j].text.replace("?.", ".") + t[j + 1].text)
            j += 2
        p = "".join(path)
        if self.is_op(j, "(") and path:
            return Use(i, p, "call", call=self.call_at(j - 1))
        if self.is_op(j, "[") and self.partner[j] > j:
            close = self.partner[j]
            if self.is_op(close + 1, "="):
                end = self.stmt_end(close + 2)
                return Use(i, p, "index-assign", key=(j + 1, close), value=(close + 2, end))
        if path and self.is_op(j, "=") and j + 1 < n:
            return Use(i, p, "assign", value=(j + 1, self.stmt_end(j + 1)))
        if self.language == "ruby" and path and j < n and t[j].kind == STR and not t[j].nl:
            return Use(i, p, "call", call=self.call_at(j - 1))
        o = self.enclosing[i]
        if not path and o >= 1 and t[o].text == "(" and t[o - 1].kind == NAME:
            return Use(i, p, "passed", call=self.call_at(o - 1))
        return Use(i, p, "other")


def sub_code(parent: Code, tokens: list[Token]) -> Code:
    """A fragment (an interpolation's expression) that sees the file's variables."""
    return Code(parent.language, parent.source, tokens=tokens, parent=parent)
