"""Which comment, if any, holds a given place in a text: used to read inline suppressions.

Only a few places are ever asked about (the rare ``milint:`` marks in a file), so nothing here runs
unless a file has one.  The comment syntax of each kind is in `kinds.COMMENTS`; telling a real
comment from the same characters inside a string literal is left to knowledge that already exists:

* bash and PowerShell -- the kind's own parser decides.  A probe statement ``;milint-probe-N`` is
  inserted just before every candidate comment marker and the text is parsed once more: where the
  marker starts a comment, the probe is code and comes back as a command; inside a string, a
  here-document or a here-string it stays text and does not.  An insertion never changes how the
  text around it is lexed, so all candidates of a file are decided by one parse, which stops at
  the line of the last candidate.
* JSON (ARM) -- its lexical grammar is regular: one scan over string tokens and comments, in
  order, is exact (the located parser in `sources/jsonc.py` skips comments the same way).
* Markdown -- an HTML comment counts when it opens a line outside every fenced code block (a
  CommonMark HTML block; it cannot sit inside an inline code span).  Inside a fenced block, the
  block's own language decides, as above.
* other kinds -- until their lexers report comments, a marker counts when the text before it on
  its line has balanced quotes; an approximation, documented as one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator, Optional

from .kinds import COMMENTS


@dataclass(frozen=True)
class Comment:
    start: int  # the opening marker
    end: int  # just past the comment (a line comment ends before its line break)
    body_start: int  # the text between the markers
    body_end: int


# A candidate marker must start a token: at the start of a line or after a blank or an operator.
_TOKEN_BOUNDARY = frozenset(" \t\r\n;|&(){}")
_PROBE = "milint-probe-"


def comments_at(text: str, kind: str, offsets: list[int]) -> dict[int, Comment]:
    """For each offset that lies inside a comment of `text` (read as `kind`), that comment."""
    if not offsets:
        return {}
    if kind in ("json", "arm", "arm-parameters"):
        return _json_comments(text, offsets)
    if kind == "markdown":
        return _markdown_comments(text, offsets)
    markers = COMMENTS.get(kind, ())
    if not markers:
        return {}
    confirm = _PARSER_CONFIRM.get(kind, _balanced_quotes)
    return _marked_comments(text, offsets, markers, confirm)


# ------------------------------------------------------------------ marker-based kinds
def _marked_comments(text: str, offsets: list[int], markers: tuple[str, ...],
                     confirm: Callable[[str, list[int]], set[int]]) -> dict[int, Comment]:
    line_markers = [m for m in markers if " " not in m]
    block_markers = [tuple(m.split(" ", 1)) for m in markers if " " in m]
    wanted: dict[int, list[tuple[int, str, str]]] = {}  # offset -> candidates (start, opener, closer)
    for offset in offsets:
        line_start = text.rfind("\n", 0, offset) + 1
        found = []
        for marker in line_markers:
            i = text.find(marker, line_start, offset)
            while i >= 0:
                if _starts_token(text, i):
                    found.append((i, marker, ""))
                i = text.find(marker, i + 1, offset)
        for opener, closer in block_markers:
            i = text.rfind(opener, 0, offset)
            if i >= 0 and text.find(closer, i + len(opener), offset) < 0 and _starts_token(text, i):
                found.append((i, opener, closer))
        wanted[offset] = sorted(found)
    starts = sorted({start for found in wanted.values() for start, _, _ in found})
    real = confirm(text, starts) if starts else set()
    out: dict[int, Comment] = {}
    for offset, found in wanted.items():
        for start, opener, closer in found:  # the earliest real marker opens the comment
            if start not in real:
                continue
            out[offset] = _comment(text, start, opener, closer)
            break
    return out


def _starts_token(text: str, i: int) -> bool:
    return i == 0 or text[i - 1] in _TOKEN_BOUNDARY


def _comment(text: str, start: int, opener: str, closer: str) -> Comment:
    body = start + len(opener)
    if closer:
        end = text.find(closer, body)
        if end < 0:
            return Comment(start, len(text), body, len(text))
        return Comment(start, end + len(closer), body, end)
    m = _LINE_END.search(text, body)
    end = m.start() if m else len(text)
    return Comment(start, end, body, end)


_LINE_END = re.compile(r"[\r\n]")


def _probed(text: str, starts: list[int]) -> str:
    """`text` with a probe statement inserted before each candidate marker, up to the end of the
    last candidate's line: lexing runs left to right, so what follows cannot change a probe."""
    parts = []
    last = 0
    for n, start in enumerate(starts):
        parts.append(text[last:start])
        parts.append(f";{_PROBE}{n} ")
        last = start
    end = text.find("\n", last)
    parts.append(text[last:] if end < 0 else text[last:end + 1])
    return "".join(parts)


def _confirm_shell(text: str, starts: list[int]) -> set[int]:
    from .lstr import LStr
    from .sources.shell import parse_shell

    names = {str(c.words[0]) for c in parse_shell(LStr.at(_probed(text, starts), 0)) if c.words}
    return _probe_hits(names, starts)


def _confirm_powershell(text: str, starts: list[int]) -> set[int]:
    from .lstr import LStr
    from .sources.powershell import parse_powershell

    names = {str(c.name) for c in parse_powershell(LStr.at(_probed(text, starts), 0))}
    return _probe_hits(names, starts)


def _probe_hits(names: set[str], starts: list[int]) -> set[int]:
    return {start for n, start in enumerate(starts) if f"{_PROBE}{n}" in names}


def _balanced_quotes(text: str, starts: list[int]) -> set[int]:
    """The approximation for kinds without a parser here: no quote left open before the marker."""
    out = set()
    for start in starts:
        before = text[text.rfind("\n", 0, start) + 1:start].replace("\\\\", "").replace('\\"', "")
        before = before.replace("\\'", "")
        if before.count('"') % 2 == 0 and before.count("'") % 2 == 0 and before.count("`") % 2 == 0:
            out.add(start)
    return out


_PARSER_CONFIRM: dict[str, Callable[[str, list[int]], set[int]]] = {
    "bash": _confirm_shell,
    "powershell": _confirm_powershell,
}


# ------------------------------------------------------------------ JSON
_JSON_MARK = re.compile(r'["/]')


def _json_lexemes(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is_comment) of each string and comment of JSON with comments, in order.

    A scan with str.find, not one regular expression: `re` keeps memory for every repetition of a
    group, so a pattern for a 10 MB string or comment needed over a gigabyte."""
    n = len(text)
    i = 0
    while True:
        m = _JSON_MARK.search(text, i)
        if m is None:
            return
        start = m.start()
        if text[start] == '"':
            end = _string_end(text, start)
            yield start, end, False
        elif text.startswith("//", start):
            line_end = _LINE_END.search(text, start)
            end = line_end.start() if line_end else n
            yield start, end, True
        elif text.startswith("/*", start):
            close = text.find("*/", start + 2)
            end = n if close < 0 else close + 2
            yield start, end, True
        else:
            end = start + 1
        i = end


def _string_end(text: str, start: int) -> int:
    """Just past the quote that closes the string opening at `start` (the end of the text if none)."""
    k = start + 1
    while True:
        quote = text.find('"', k)
        if quote < 0:
            return len(text)
        slash = quote
        while slash > start + 1 and text[slash - 1] == "\\":
            slash -= 1
        if (quote - slash) % 2 == 0:  # an even run of backslashes escapes only itself
            return quote + 1
        k = quote + 1


def _json_comments(text: str, offsets: list[int]) -> dict[int, Comment]:
    out: dict[int, Comment] = {}
    pending = sorted(offsets)
    i = 0  # pending[i:] are the offsets not yet passed
    for start, end, is_comment in _json_lexemes(text):
        if i == len(pending):
            break
        while i < len(pending) and pending[i] < start:
            i += 1
        if not is_comment:
            continue
        block = text.startswith("/*", start)
        body_end = end - 2 if block and text.endswith("*/", start + 2, end) else end
        while i < len(pending) and pending[i] < end:
            out[pending[i]] = Comment(start, end, start + 2, body_end)
            i += 1
    return out


# ------------------------------------------------------------------ Markdown


@dataclass(frozen=True)
class FencedBlock:
    start: int  # the opening fence line
    end: int  # the end of the last content line
    kind: Optional[str]
    text: object  # LStr: the content, located in the Markdown text


def fenced_blocks(text: str) -> list[FencedBlock]:
    """The fenced code blocks of a Markdown text (through the Markdown source's own scanner)."""
    from .lstr import LStr

    try:
        from .sources.markdown import block_kind, scan
    except ModuleNotFoundError:  # no Markdown reader: no blocks (and no findings in Markdown either)
        return []
    blocks = []
    for block in scan(LStr.at(text, 0)).blocks:
        _, end = block.text.span()
        blocks.append(FencedBlock(block.start, max(end, block.start), block_kind(block), block.text))
    return blocks


def _markdown_comments(text: str, offsets: list[int]) -> dict[int, Comment]:
    blocks = fenced_blocks(text)
    out: dict[int, Comment] = {}
    inside: dict[int, list[int]] = {}  # block index -> offsets in it
    for offset in offsets:
        index = next((i for i, b in enumerate(blocks) if b.start <= offset < b.end), None)
        if index is not None:
            inside.setdefault(index, []).append(offset)
            continue
        comment = _html_comment(text, offset, blocks)
        if comment is not None:
            out[offset] = comment
    for index, block_offsets in inside.items():
        out.update(_comments_in_block(blocks[index], block_offsets))
    return out


def _html_comment(text: str, offset: int, blocks: list[FencedBlock]) -> Optional[Comment]:
    start = text.rfind("<!--", 0, offset)
    if start < 0 or text.find("-->", start + 4, offset) >= 0:
        return None
    if not _opens_html_block(text[text.rfind("\n", 0, start) + 1:start]):
        return None
    if any(b.start <= start < b.end for b in blocks):
        return None
    end = text.find("-->", start + 4)
    if end < 0:
        return Comment(start, len(text), start + 4, len(text))
    return Comment(start, end + 3, start + 4, end)


def _opens_html_block(prefix: str) -> bool:
    """An HTML comment starts a block when only blockquote markers and up to three spaces (four
    after a marker: its own optional space) come before it on its line."""
    if prefix.strip(" \t>"):
        return False
    marker = prefix.rfind(">")
    return len(prefix[marker + 1:].expandtabs(4)) <= (4 if marker >= 0 else 3)


def _comments_in_block(block: FencedBlock, offsets: list[int]) -> dict[int, Comment]:
    """Comments in a fenced block, read in the block's language and mapped back to the file."""
    if block.kind is None or block.kind == "markdown":
        return {}
    content = str(block.text)
    located = block.text

    def place(i: int) -> int:  # a nested block's content is not contiguous in the file
        return located.span(i, i)[0]

    # the block's own marks, found in its own text, then placed in the file
    local = [m.start() for m in _MARK.finditer(content)]
    mapped = {place(i): comment for i, comment in comments_at(content, block.kind, local).items()}
    return {o: Comment(place(c.start), place(c.end), place(c.body_start), place(c.body_end))
            for o in offsets for c in [mapped.get(o)] if c is not None}


_MARK = re.compile("milint:", re.IGNORECASE)
