"""Markdown: every fenced code block becomes a sub-document of its language.

Blocks
    Fences of three or more backticks or tildes, at the top level or inside list items and
    blockquotes.  The content of a nested block is rebuilt without its container prefix (the list
    indentation, the ``>`` markers) from pieces of the Markdown text, so every character of the
    block still points at its place in the Markdown file.  Indented (four-space) code blocks and
    blocks inside HTML comments are not read: the first are rarely samples, the second are not shown.

Language
    The info string names it (```` ```azurecli-interactive ````, ```` ```json {.line-numbers} ````;
    see `kinds.BY_FENCE`; ``<label>-interactive`` is ``<label>``); a label that names no language we
    read (``text``, ``output``, ``yaml``) means nothing is read.  A block without a label is guessed
    from its content, conservatively: a block we cannot place yields nothing.  A block whose first
    line is an HTTP request line (``GET http://...``) is an HTTP request whatever its shell label
    says.  A shell session (``$ az ...`` lines and their output) is reduced to its commands.  JSON
    introduced by prose about a response or an output (``The response looks like this:``) is what
    a service returned, not something the reader writes, and is not read; a JSON block of object
    members (``"identity": {...}``) is read as the object, and template parts as a template (see
    `json_block_facts`).

Cloud Shell, per section
    Azure Cloud Shell serves tokens on ``localhost:50342``, the port of the retired VM extension, so
    a request there is Cloud Shell's when the text around it is about Cloud Shell
    (`requests.Context.cloud_shell`).  For a whole script the file decides; a Markdown file is often
    several articles, and Azure docs repeat "use Cloud Shell to run these steps" boilerplate in
    their prerequisites.  So a block is in Cloud Shell context when Cloud Shell is mentioned by the
    block itself, by the section it stands in (from its heading to the next heading of any level),
    or by the title of a heading that encloses it.  Mentions in sibling sections (a
    "Prerequisites" or "Open Azure Cloud Shell" section) and in the prose of enclosing sections do
    not count.  A file without headings is one section, which is the whole-file rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Optional

from ..facts.requests import Context
from ..lstr import LStr

_NEWLINE = re.compile(r"\r\n|\r|\n")
_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]")
_FENCE = re.compile(r"`{3,}|~{3,}")
_QUOTE_MARK = re.compile(r"[ \t]*>[ ]?")
_COMMENT_START = re.compile(r" {0,3}<!--")
_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_OUTPUT_LEAD = re.compile(r"\b(?:respon[sc]es?|outputs?|returns?|returned|looks? like|results?)\b", re.IGNORECASE)
_MAX_NESTING = 3  # Markdown in a Markdown block in a Markdown block


@dataclass
class Heading:
    level: int
    title: str
    start: int  # offset of the heading in the Markdown text


@dataclass
class CodeBlock:
    info: str  # the label: the info string's first word, lower-cased ('' when unlabeled)
    text: LStr  # the content without container prefixes, located in the Markdown text
    start: int  # offset of the opening fence line
    lead: str  # the paragraph just before the block
    headings: list[int] = field(default_factory=list)  # indexes of the enclosing headings, outermost first


@dataclass
class MarkdownScan:
    blocks: list[CodeBlock]
    headings: list[Heading]


# ------------------------------------------------------------------ scanning
def _lines(text: str) -> list[tuple[int, int, int]]:
    """(start, end without the line break, end with it) of every line."""
    out = []
    start = 0
    for m in _NEWLINE.finditer(text):
        out.append((start, m.start(), m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text), len(text)))
    return out


def _columns(prefix: str) -> int:
    """Width of a prefix in columns (tab stops every four)."""
    col = 0
    for ch in prefix:
        col = col + 4 - col % 4 if ch == "\t" else col + 1
    return col


def _quote_depth(prefix: str) -> int:
    return prefix.count(">")


def _strip_quotes(line: str, depth: int) -> Optional[int]:
    """Length of the first `depth` blockquote markers of a line, or None when it has fewer."""
    pos = 0
    for _ in range(depth):
        m = _QUOTE_MARK.match(line, pos)
        if not m:
            return None
        pos = m.end()
    return pos


def _strip_indent(line: str, pos: int, width: int) -> int:
    """Skip up to `width` columns of whitespace from `pos`."""
    col = 0
    while pos < len(line) and col < width and line[pos] in " \t":
        col = col + 4 - col % 4 if line[pos] == "\t" else col + 1
        pos += 1
    return pos


def _label(info: str) -> str:
    """The language of an info string: ``json {.line-numbers}`` -> json, ``{.python}`` -> python."""
    word = info.strip().split(None, 1)[0] if info.strip() else ""
    word = word.strip("{}").lstrip(".")
    for sep in ("{", ","):
        word = word.split(sep, 1)[0]
    return word.lower()


def scan(source: LStr) -> MarkdownScan:
    """Fenced code blocks and headings of a Markdown text, in one pass over its lines."""
    text = str(source)
    lines = _lines(text)
    blocks: list[CodeBlock] = []
    headings: list[Heading] = []
    stack: list[int] = []  # enclosing headings
    paragraph: list[tuple[int, str]] = []  # (offset, text) of the lines of the last paragraph
    after_blank = False
    in_comment = False
    i = _front_matter_end(text, lines)
    while i < len(lines):
        start, end, _ = lines[i]
        line = text[start:end]
        i += 1
        if in_comment:
            in_comment = "-->" not in line
            continue
        if _COMMENT_START.match(line) and "-->" not in line:
            in_comment = True  # an HTML comment block: hidden when rendered, up to the line with -->
            paragraph, after_blank = [], False
            continue
        m = _opening(line)
        if m:
            lead = " ".join(t for _, t in paragraph)
            wrapper = _wrapped_fence(text, lines, i, m)
            if wrapper is not None:  # "```", blank lines, "```json": see _wrapped_fence
                i, m = wrapper
                start = lines[i - 1][0]
            i, content = _read_block(source, text, lines, i, m)
            blocks.append(CodeBlock(_label(m.info), content, start, lead, list(stack)))
            if wrapper is not None:
                i = _skip_wrapper_close(text, lines, i, wrapper[1])
            paragraph, after_blank = [], False
            continue
        heading = _heading(line, [] if after_blank else paragraph, start)
        if heading is not None:
            while stack and headings[stack[-1]].level >= heading.level:
                stack.pop()
            stack.append(len(headings))
            headings.append(heading)
            paragraph = []
        elif not line.strip():
            after_blank = True
        else:
            if after_blank or _LIST_ITEM.match(line):
                paragraph = []  # a new paragraph; the last one stays the lead of a following block
            paragraph.append((start, line.strip()))
            after_blank = False
    return MarkdownScan(blocks, headings)


def _front_matter_end(text: str, lines: list) -> int:
    """Index of the first line after a YAML front matter block (0 when there is none)."""
    if not lines or text[lines[0][0]:lines[0][1]].rstrip() != "---":
        return 0
    for j in range(1, len(lines)):
        if text[lines[j][0]:lines[j][1]].rstrip() in ("---", "..."):
            return j + 1
    return 0


@dataclass
class _Fence:
    prefix: str  # blockquote markers, list marker and indentation before the fence
    fence: str  # the backticks or tildes
    info: str  # the rest of the line


def _opening(line: str) -> Optional[_Fence]:
    """The opening fence on a line, after any container prefix (read without regular expressions
    over the prefix: runs of blanks and markers must not make a pattern backtrack)."""
    pos, n = 0, len(line)
    while True:  # blockquote markers, each maybe indented and followed by one space
        p = pos
        while p < n and line[p] in " \t":
            p += 1
        if p < n and line[p] == ">":
            pos = p + 1 + (p + 1 < n and line[p + 1] == " ")
            continue
        break
    marker = _LIST_MARKER.match(line, p)
    if marker:
        p = marker.end()
        while p < n and line[p] in " \t":
            p += 1
    fence = _FENCE.match(line, p)
    if fence is None:
        return None
    info = line[fence.end():]
    if fence.group()[0] == "`" and "`" in info:
        return None  # ```code``` on one line is inline code, not a fence
    return _Fence(line[:p], fence.group(), info)


def _wrapped_fence(text: str, lines: list, i: int, outer: _Fence) -> Optional[tuple[int, _Fence]]:
    """A repair for pasted docs: an unlabeled fence, only blank lines, then a labeled fence of the
    same kind (```` ``` ```` ⏎ ⏎ ```` ```json ````) is an empty wrapper around the labeled block.
    CommonMark would read the labeled fence as content and every later fence inverted; no author
    means that.  Returns the line after the inner opening fence and its match."""
    if outer.info.strip() or outer.prefix.strip():
        return None
    j = i
    while j < len(lines) and not text[lines[j][0]:lines[j][1]].strip():
        j += 1
    if j == i or j >= len(lines):
        return None
    inner = _opening(text[lines[j][0]:lines[j][1]])
    if inner is None or not inner.info.strip() or inner.prefix.strip() or inner.fence[0] != outer.fence[0]:
        return None
    return j + 1, inner


def _skip_wrapper_close(text: str, lines: list, i: int, inner: _Fence) -> int:
    """After a wrapped block, the wrapper's own closing fence (after blank lines) is not an opening."""
    j = i
    while j < len(lines) and not text[lines[j][0]:lines[j][1]].strip():
        j += 1
    if j < len(lines):
        m = _opening(text[lines[j][0]:lines[j][1]])
        if m and not m.info.strip() and not m.prefix.strip() and m.fence[0] == inner.fence[0]:
            return j + 1
    return i


def _heading(line: str, paragraph: list[tuple[int, str]], start: int) -> Optional[Heading]:
    m = _ATX.match(line)
    if m:
        return Heading(len(m.group(1)), _atx_title(line[m.end():]), start)
    m = _SETEXT.match(line)
    if m and paragraph and not _LIST_ITEM.match(paragraph[0][1]):
        return Heading(1 if m.group(1)[0] == "=" else 2, " ".join(t for _, t in paragraph), paragraph[0][0])
    return None


def _atx_title(rest: str) -> str:
    """The title of an ATX heading without its optional closing hashes (``## Title ##``)."""
    title = rest.strip()
    bare = title.rstrip("#")
    if bare != title and (not bare or bare[-1] in " \t"):
        title = bare.rstrip()
    return title


def _read_block(source: LStr, text: str, lines: list, i: int, opening: _Fence) -> tuple[int, LStr]:
    """Read a block's content from line i: the index of the line after the block, and the content."""
    prefix = opening.prefix
    fence = opening.fence
    depth = _quote_depth(prefix)
    quotes = _strip_quotes(prefix, depth) or 0
    width = _columns(prefix[quotes:])  # the content column, counted after the quote markers
    closing = re.compile("[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
    ranges: list[tuple[int, int]] = []
    stripped = False
    body_start = lines[i][0] if i < len(lines) else len(text)
    while i < len(lines):
        start, end, after = lines[i]
        line = text[start:end]
        pos = _strip_quotes(line, depth) if depth else 0
        if pos is None:  # the blockquote ended, and the block with it
            break
        i += 1
        closer = closing.match(line, pos)
        if closer and _columns(line[pos:len(line) - len(line[pos:].lstrip(" \t"))]) <= width + 3:
            break
        pos = _strip_indent(line, pos, width)
        stripped = stripped or pos > 0
        ranges.append((start + pos, after))
    if not ranges:
        return i, source.sub(body_start, body_start)
    if not stripped:
        return i, source.sub(ranges[0][0], ranges[-1][1])
    return i, LStr.concat([source.sub(a, b) for a, b in ranges])


# ------------------------------------------------------------------ the language of a block
_SHELL_KINDS = ("bash", "powershell")
# the prompt at the start of a line of a terminal session (`$ az ...`, `PS C:\> Get-AzVM`)
_PROMPTS = {"bash": re.compile(r"(?<![ \t])[ \t]*\$[ \t]+"),
            "powershell": re.compile(r"(?<![ \t])[ \t]*PS(?:[ \t][^>\n]{0,200})?>[ \t]*")}
_SHEBANG = re.compile(r"#!\s*(?:/usr)?(?:/local)?/bin/(?:env\s+)?([A-Za-z0-9_.-]+)")
_JSON_START = re.compile(r"\s*[\[{\"]")
_STATUS_LINE = re.compile(r"\s*HTTP/\d")
# marks of application code: unlabeled samples in these languages are theirs, never a shell's
_CODE_MARKS = (
    ("csharp", re.compile(r"^[ \t]*using[ \t]+System\b|\bConsole\.Write|(?<![-\w])(?:Http)?WebRequest\b|"
                          r"\bnamespace[ \t]+\w|\bstring[ \t]+\w+[ \t]*=|\bvar[ \t]+\w+[ \t]*=[ \t]*(?:new|await|\()",
                          re.M)),
    ("java", re.compile(r"^[ \t]*import[ \t]+java\w*\.|\bSystem\.out\.print|\bHttpURLConnection\b|"
                        r"\bpublic[ \t]+static[ \t]+void[ \t]+main\b", re.M)),
    ("go", re.compile(r"^[ \t]*package[ \t]+\w+[ \t]*$|^[ \t]*func[ \t]+\w*[ \t]*\(|\bfmt\.Print|\b\w+[ \t]*:=[ \t]",
                      re.M)),
    ("python", re.compile(r"^[ \t]*(?:import[ \t]+\w+[ \t]*$|from[ \t]+[\w.]+[ \t]+import[ \t])|"
                          r"^[ \t]*def[ \t]+\w+[ \t]*\(|\brequests\.(?:get|post)\(|\bprint\(", re.M)),
    ("javascript", re.compile(r"^[ \t]*(?:const|let)[ \t]+\w+[ \t]*=|\brequire\([ \t]*['\"]|\bconsole\.log\(|"
                              r"\bawait[ \t]+fetch\(", re.M)),
    ("ruby", re.compile(r"^[ \t]*require[ \t]+['\"]net/http|\bNet::HTTP\b|^[ \t]*puts[ \t]", re.M)),
)
# PowerShell: a statement that starts with a $variable assignment, a Verb-Noun cmdlet (common verbs
# only, so "Self-Signed certificate" in an output block is not a cmdlet), a hashtable or a [type]$cast
_PS_VERBS = ("Add|Clear|Compare|Connect|Convert|ConvertFrom|ConvertTo|Copy|Disable|Disconnect|Enable|Export|"
             "ForEach|Format|Get|Grant|Import|Install|Invoke|Login|Measure|Move|New|Out|Publish|Read|Register|"
             "Remove|Rename|Restart|Revoke|Save|Select|Set|Sort|Start|Stop|Test|Uninstall|Unregister|Update|"
             "Wait|Where|Write")
_POWERSHELL_START = re.compile(r"\(?\$[\w:]+(?:\.\w+)*\s*=|\(?(?:" + _PS_VERBS + r")-[A-Z][A-Za-z]+(?=[\s)]|$)|"
                               r"@\{|\[\w+(?:\.\w+)*\]\$")
_BASH_START = re.compile(r"(?:\$\s+)?(?:sudo\s+)?(?:az|curl|wget)(?:\s|$)|#!|(?:export\s+)?[A-Za-z_]\w*=\S")
_BASH_COMMANDS = re.compile(r"(?:^|[\s;|&(`]|\$\()(?:az|curl|wget)\s", re.M)


def block_kind(block: CodeBlock) -> Optional[str]:
    """The kind of a block (a key of kinds.BY_NAME), or None when it is not read."""
    from ..kinds import BY_FENCE

    first = _first_line(block.text)
    if not block.info:
        return guess_kind(block.text, first)
    kind = BY_FENCE.get(block.info) or BY_FENCE.get(block.info.removesuffix("-interactive"))
    if kind in _SHELL_KINDS and _is_request_line(first):
        return "http"
    return kind


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def _is_request_line(line: str) -> bool:
    from ..facts.http_file import is_request_line

    return is_request_line(line)


def guess_kind(text: str, first: Optional[str] = None) -> Optional[str]:
    """The language of an unlabeled block, or None when it cannot be told with confidence."""
    from ..kinds import BY_INTERPRETER

    first = _first_line(text) if first is None else first
    if not first or _STATUS_LINE.match(first):
        return None  # empty, or an HTTP response
    if _is_request_line(first):
        return "http"
    shebang = _SHEBANG.match(first.strip())
    if shebang:
        return BY_INTERPRETER.get(shebang.group(1))
    if _JSON_START.match(first) and json_block(text) is not None:
        return "json"
    statement = _first_statement(text)
    if _POWERSHELL_START.match(statement):
        return "powershell"  # before code marks: `Invoke-WebRequest` is not C#'s WebRequest
    for kind, marks in _CODE_MARKS:
        if marks.search(text):
            return kind
    if _BASH_START.match(statement):
        return "bash"
    from ..facts.scripts import looks_like_powershell

    if looks_like_powershell(text):
        return "powershell"
    if _BASH_COMMANDS.search(text):
        return "bash"
    return None


def _first_statement(text: str) -> str:
    """The first line that is not blank or a comment, without leading space."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "//", "<#")) or stripped.startswith("#!"):
            return stripped
    return ""


def json_block(text: LStr):
    """The parsed JSON of a block (a JsonDocument), or None when it is not JSON.  A block of object
    members (``"identity": {...}``, the way docs show part of an object) is read inside braces."""
    from .jsonc import JsonDocument, JsonError

    candidates = [text]
    if text.lstrip()[:1] == '"':
        candidates.append(LStr.concat([_anchored("{", text), text, _anchored("}", text)]))
    for candidate in candidates:
        try:
            return JsonDocument(candidate)
        except (JsonError, RecursionError):
            continue
    return None


def _anchored(text: str, at: LStr) -> LStr:
    """Text that is not in the file, placed at the start of `at`."""
    return LStr.atom(text, 0, 0, parent=at)


def _without_prompts(text: LStr, kind: str) -> LStr:
    """A terminal session (``$ az ...`` lines and their output) reduced to its commands: the
    prompted lines without their prompt, and the lines that continue them."""
    prompt = _PROMPTS.get(kind)
    plain = str(text)
    if prompt is None or not prompt.match(_first_line(plain)):
        return text
    ranges: list[list[int]] = []
    continued = False
    pos = 0
    while pos < len(plain):
        newline = _NEWLINE.search(plain, pos)
        line_end, after = (newline.start(), newline.end()) if newline else (len(plain), len(plain))
        p = prompt.match(plain, pos, line_end)
        start = p.end() if p else pos if continued else -1
        if start >= 0:
            if ranges and ranges[-1][1] == start:
                ranges[-1][1] = after  # a continuation line right after its command: one piece
            else:
                ranges.append([start, after])
        if p or continued:
            continued = plain[pos:line_end].rstrip().endswith("\\" if kind == "bash" else "`")
        pos = after
    return LStr.concat([text.sub(a, b) for a, b in ranges])


# ------------------------------------------------------------------ sections and Cloud Shell
class Sections:
    """Decides, per block, whether the text around it is about Azure Cloud Shell (see module docs)."""

    def __init__(self, text: str, headings: list[Heading]):
        from ..facts.scripts import mentions_cloud_shell

        self._mentions = mentions_cloud_shell
        self._text = text
        self._headings = headings
        self._section_cache: dict[int, bool] = {}

    def cloud_shell(self, block: CodeBlock) -> bool:
        if self._mentions(block.text):
            return True
        if any(self._mentions(self._headings[h].title) for h in block.headings):
            return True
        innermost = block.headings[-1] if block.headings else -1
        if innermost not in self._section_cache:
            start = self._headings[innermost].start if innermost >= 0 else 0
            following = innermost + 1
            end = self._headings[following].start if following < len(self._headings) else len(self._text)
            self._section_cache[innermost] = self._mentions(self._text[start:end])
        return self._section_cache[innermost]


# ------------------------------------------------------------------ facts
def markdown_facts(source: LStr, ctx: Context, nesting: int = 0) -> list[dict]:
    """Facts of every code block, each read as a document of its language.  Each fact also gets
    ``section``: the index of the top-level section (outermost heading) it stands in, -1 before the
    first heading, so a rule can tell facts of different articles of one file apart; and ``block``:
    the index of its code block, so rules that follow one machine across commands stay in one block."""
    found = scan(source)
    sections = Sections(str(source), found.headings)
    facts: list[dict] = []
    for index, block in enumerate(found.blocks):
        kind = block_kind(block)
        if kind is None:
            continue
        section = block.headings[0] if block.headings else -1
        for item in block_facts(block, kind, replace(ctx, cloud_shell=sections.cloud_shell(block)), nesting):
            item["section"] = section
            item["block"] = index
            facts.append(item)
    return facts


def block_facts(block: CodeBlock, kind: str, ctx: Context, nesting: int = 0) -> list[dict]:
    """Facts of one block read as a document of the given kind."""
    from ..facts.dispatch import facts_for

    if kind == "markdown":
        return markdown_facts(block.text, ctx, nesting + 1) if nesting < _MAX_NESTING else []
    if kind == "json":
        return json_block_facts(block.text, ctx, block.lead)
    if kind == "http":
        from ..facts.http_file import http_facts

        return http_facts(block.text, ctx, excerpt=True)
    return facts_for(kind, _without_prompts(block.text, kind), ctx)


_ARM_TYPE = re.compile(r"^Microsoft\.[A-Za-z0-9]+/[A-Za-z0-9]", re.IGNORECASE)


def json_block_facts(text: LStr, ctx: Context, lead: str = "") -> list[dict]:
    """Facts of a JSON block.  Docs show templates in parts: an object with a ``resources`` array
    is read as a template, and so is a lone resource (an object with an ARM ``type`` and an
    ``apiVersion``), as the only resource of one; other JSON is a fragment (a request body, an
    ``identity`` object).  JSON that the prose just before it presents as a response or an output
    is not read at all (unless it declares a template ``$schema``): what a service returned is not
    something the reader writes."""
    from ..facts.json_facts import facts_of_json
    from .arm import schema_kind
    from .jsonc import JsonDocument

    parsed = json_block(text)
    if parsed is None:
        return []
    value = parsed.value
    if schema_kind(value) is None and _OUTPUT_LEAD.search(lead):
        return []
    if isinstance(value, dict) and schema_kind(value) is None:
        if isinstance(value.get("resources"), list):
            return facts_of_json(parsed, ctx, as_template=True)[1]
        if isinstance(value.get("type"), str) and _ARM_TYPE.match(value["type"]) and "apiVersion" in value:
            source = parsed.source
            wrapped = LStr.concat([_anchored('{"resources": [', source), source, _anchored("]}", source)])
            return facts_of_json(JsonDocument(wrapped), ctx, as_template=True)[1]
    return facts_of_json(parsed, ctx)[1]
