"""HTTP request files (`.http` / `.rest`, as read by the VS Code REST Client and the JetBrains HTTP
Client) and ```http blocks of Markdown, as `HttpRequest`s.

A file holds one or more requests separated by lines that start with ``###``.  Each request is a
request line ``METHOD URL [HTTP/1.1]`` (the method may be left out: GET), optional query
continuation lines (``?a=b`` / ``&c=d``), header lines ``Name: value``, a blank line and a body.
Lines starting with ``#`` or ``//`` are comments.  ``@name = value`` lines define file variables,
used as ``{{name}}`` in the URL, headers and body: a variable defined by a literal in the same file
is known (and located at its definition, so a finding and its fix point there); anything else in
``{{...}}`` (environment files, ``{{$processEnv X}}``, a previous response) is unknown.

Documentation pastes are often broken (a URL wrapped onto the next line by a PDF export).  A
request line followed by a line that is neither a header, a query continuation nor blank is read as
a URL whose end we cannot see: the URL gets an unknown tail, so nothing after the break is judged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..lstr import LStr
from .requests import Context, HttpRequest, request_facts

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT")
_METHOD = re.compile(r"^[ \t]*(" + "|".join(METHODS) + r")[ \t]+(?=\S)")
# what a request target may start with: an absolute URL (maybe quoted), an origin-form path, a variable
_TARGET = re.compile(r"""^['"]?(?:https?://|\{\{)|^/""", re.IGNORECASE)
_BARE_URL = re.compile(r"^[ \t]*(?:https?://|\{\{[^{}]+\}\}/)", re.IGNORECASE)
_VERSION = re.compile(r"(?<=[ \t])HTTP/\d(?:\.\d)?(?=\s|$)")
_HEADER = re.compile(r"([A-Za-z0-9!#$%&'*+.^_`|~-]+)[ \t]*:")
_VARIABLE_DEF = re.compile(r"[ \t]*@([A-Za-z_][\w.-]*)[ \t]*=")
_VARIABLE_USE = re.compile(r"\{\{([^{}]*)\}\}")
_QUERY_LINE = re.compile(r"^[ \t]+[?&]")
_SEPARATOR = re.compile(r"^###")
_COMMENT = re.compile(r"^[ \t]*(?:#|//)")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_MAX_EXPANSION_DEPTH = 8
_MAX_SUBSTITUTIONS = 1000


def is_request_line(line: str) -> bool:
    """``GET http://...`` (a method, then a URL, a path or a ``{{variable}}``)."""
    m = _METHOD.match(line)
    return bool(m) and bool(_TARGET.match(line[m.end():]))


def http_facts(source: LStr, ctx: Context, excerpt: bool = False) -> list[dict]:
    """rest_call / token_request facts of every request, and the facts of JSON bodies that create
    or update a resource (`json_fragments.with_body_facts`, as for curl and PowerShell).

    `excerpt`: the text is a documentation sample, which often shows a request line alone and
    describes the headers elsewhere (a table).  There, a request written without any header line,
    or with text after its HTTP version (a header pasted onto the request line), has headers we
    cannot see; in a request file, what is not written is not sent."""
    from .json_fragments import with_body_facts

    lines = _lines(source)
    variables = _file_variables(lines)
    facts: list[dict] = []
    for chunk in _requests(lines):
        request = _request(chunk, variables, excerpt)
        if request is None:
            continue
        facts.extend(with_body_facts(request_facts(request, ctx)))
    return facts


# ------------------------------------------------------------------ lines and requests
@dataclass
class _Line:
    text: LStr  # without the line break
    whole: LStr  # with it


def _lines(source: LStr) -> list[_Line]:
    out = []
    start = 0
    text = str(source)
    for m in _NEWLINE.finditer(text):
        out.append(_Line(source.sub(start, m.start()), source.sub(start, m.end())))
        start = m.end()
    if start < len(text):
        out.append(_Line(source.sub(start), source.sub(start)))
    return out


def _requests(lines: list[_Line]) -> list[list[_Line]]:
    """The lines of each request, split at ``###`` separators and before every request line that
    names its method (documentation lists requests one after the other without separators)."""
    chunks: list[list[_Line]] = [[]]
    for line in lines:
        if _SEPARATOR.match(line.text):
            chunks.append([])
            continue
        if chunks[-1] and is_request_line(line.text):
            chunks.append([])
        chunks[-1].append(line)
    return [c for c in chunks if c]


def _file_variables(lines: list[_Line]) -> dict[str, LStr]:
    variables: dict[str, LStr] = {}
    for line in lines:
        m = _VARIABLE_DEF.match(line.text)
        if m:
            variables[m.group(1)] = line.text.sub(m.end()).strip_located(" \t")
    return variables


def _skippable(line: LStr) -> bool:
    return not line.strip() or bool(_COMMENT.match(line)) or bool(_VARIABLE_DEF.match(line))


def _request(lines: list[_Line], variables: dict[str, LStr], excerpt: bool = False) -> Optional[HttpRequest]:
    texts = [line.text for line in lines]
    i = 0
    while i < len(texts) and _skippable(texts[i]):
        i += 1
    if i == len(texts):
        return None
    parsed = _request_line(texts[i])
    if parsed is None:
        return None
    method, url, trailing = parsed
    i += 1
    while i < len(texts) and _QUERY_LINE.match(texts[i]):  # a query written over several lines
        url = LStr.concat([url, texts[i].strip_located()])
        i += 1
    headers: list[tuple[LStr, LStr]] = []
    headers_known = query_known = True
    first = True
    while i < len(texts) and texts[i].strip():
        line = texts[i]
        i += 1
        if _COMMENT.match(line):
            continue
        m = _HEADER.match(line)
        if m:
            value = line.sub(m.end()).strip_located(" \t")
            headers.append((line.sub(m.start(1), m.end(1)), _expand(value, variables)))
        else:
            headers_known = False
            if first:  # the URL was wrapped onto this line: its end cannot be known
                url = LStr.concat([url, LStr.unknown(0, len(line), parent=line)])
                query_known = False
        first = False
    if excerpt and (trailing or first):
        headers_known = False  # a sample that shows no headers, or pasted them onto the request line
    body = _body(lines[i + 1:])
    return HttpRequest(tool="http", url=_expand(url, variables), method=method, headers=headers,
                       headers_known=headers_known, query_known=query_known,
                       body=_expand(body, variables) if body is not None else None)


def _request_line(line: LStr) -> Optional[tuple[Optional[LStr], LStr, bool]]:
    """(method, URL, whether text follows the HTTP version) of a request line; the method is None
    when only a URL is written."""
    text = str(line)
    m = _METHOD.match(text)
    if m:
        method, start = line.sub(m.start(1), m.end(1)), m.end()
        if not _TARGET.match(text[start:]):
            return None
    elif _BARE_URL.match(text):
        method, start = None, len(text) - len(text.lstrip())
    else:
        return None
    version = _VERSION.search(text, start)
    end = version.start() if version else len(text)
    url = line.sub(start, end).strip_located()
    if len(url) >= 2 and url[0] == url[-1] and url[0] in "'\"":
        url = url.sub(1, len(url) - 1)  # the docs sometimes quote the URL as if for a shell
    return method, url, bool(version) and bool(text[version.end():].strip())


def _body(lines: list[_Line]) -> Optional[LStr]:
    """The body as one located string (None when there is none; unknown when read from a file)."""
    while lines and not lines[-1].text.strip():
        lines = lines[:-1]
    if not lines:
        return None
    first = lines[0].text
    if first.startswith("<"):  # `< ./body.json`: the body comes from a file
        return LStr.unknown(0, len(first), parent=first)
    return LStr.concat([line.whole for line in lines[:-1]] + [lines[-1].text])


# ------------------------------------------------------------------ variables
def _expand(value: LStr, variables: dict[str, LStr], depth: int = 0, budget: Optional[list] = None) -> LStr:
    """Replace ``{{name}}`` by the file variable's located value, or by an unknown.  Variables may
    use variables; a chain too deep, or more substitutions than a real file needs (variables that
    double each other up), leaves the rest unknown."""
    text = str(value)
    if "{{" not in text:
        return value
    budget = [_MAX_SUBSTITUTIONS] if budget is None else budget
    parts: list[LStr] = []
    last = 0
    for m in _VARIABLE_USE.finditer(text):
        parts.append(value.sub(last, m.start()))
        known = variables.get(m.group(1).strip(" \t"))
        budget[0] -= 1
        if known is not None and depth < _MAX_EXPANSION_DEPTH and budget[0] > 0:
            parts.append(_expand(known, variables, depth + 1, budget))
        else:
            parts.append(LStr.unknown(m.start(), m.end(), parent=value))
        last = m.end()
    parts.append(value.sub(last))
    return LStr.concat(parts)
