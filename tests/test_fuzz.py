"""Property tests ("fuzzing") of every parser with hostile, near-valid input (see fuzz_grammars.py):
JSON with comments, shell, PowerShell, ARM expressions, URLs, Markdown, the code lexers and
`.http` request files.

Invariants: no exception escapes a parser; every located value maps inside the text it came from
(start <= end), and the values that are slices of the text map onto exactly those characters; JSON
values equal what `json.loads` reads whenever it reads the text; and through the whole engine, a
finding's region holds exactly the snippet it reports, and nothing ends as an internal error.

CI runs a short, deterministic profile.  The long run (>= 100k cases per parser, random seeds):

    MILINT_FUZZ_EXAMPLES=100000 python -m pytest tests/test_fuzz.py -q

Adding a parser is one `Target(...)` line in TARGETS: a strategy of texts and a function that
parses one text and checks its values.
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz_grammars as G
from milint.lstr import LStr

LONG_RUN = int(os.environ.get("MILINT_FUZZ_EXAMPLES", "0") or 0)
FUZZ = settings(max_examples=LONG_RUN or 100, deadline=None, database=None, derandomize=not LONG_RUN,
                suppress_health_check=list(HealthCheck), print_blob=True)

# Every text is parsed as a part of a bigger file (as a Markdown code block or a script inside a
# template is): its values must stay between these two.
_BEFORE, _AFTER = "#head\n", "\n#tail"


@dataclass
class Source:
    """A text embedded in a file, and the invariants every value located in it must keep."""

    text: str

    def __post_init__(self):
        self.full = _BEFORE + self.text + _AFTER
        self.lo, self.hi = len(_BEFORE), len(_BEFORE) + len(self.text)
        self.lstr = LStr.at(self.full, 0).sub(self.lo, self.hi)

    def inside(self, value: LStr, what: str = "value") -> None:
        """Every character of `value` maps into the text, with start <= end."""
        s, e = value.span()
        assert self.lo <= s <= e <= self.hi, f"{what} {str(value)!r} maps to {s}..{e} outside {self.lo}..{self.hi}"
        for i in _sample(len(value)):
            a, b = value.span(i, i + 1)
            assert self.lo <= a <= b <= self.hi, f"{what} {str(value)!r}[{i}] maps to {a}..{b}"

    def faithful(self, value: LStr, what: str = "value") -> None:
        """Each character maps onto itself in the text, or onto backslash escapes that end with it
        (a command inside backticks is read from its de-escaped body, at any depth)."""
        self.inside(value, what)
        for i in _sample(len(value)):
            a, b = value.span(i, i + 1)
            written = self.full[a:b]
            assert re.fullmatch(r"\\*" + re.escape(value[i]), written), \
                f"{what} {str(value)!r}[{i}] maps onto {written!r}"

    def exact(self, value: LStr, what: str = "value") -> None:
        """`value` is a slice of the text and maps onto exactly those characters."""
        self.inside(value, what)
        s, e = value.span()
        if len(value):
            assert self.full[s:e] == str(value), f"{what} {str(value)!r} maps onto {self.full[s:e]!r}"


def _sample(n: int) -> Iterable[int]:
    if n <= 48:
        return range(n)
    return sorted({*range(16), *range(n - 16, n), *range(0, n, max(1, n // 16))})


# ------------------------------------------------------------------------------------ JSON
def same_json(a: Any, b: Any) -> bool:
    """Equality of parsed JSON values where NaN equals NaN and 1 differs from 1.0 and True."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def check_json(text: str) -> None:
    from milint.sources.jsonc import JArray, JObject, JsonDocument, JsonError, parse_located

    src = Source(text)
    try:
        expected = json.loads(text)
    except (ValueError, RecursionError):
        expected = ...
    try:
        located = parse_located(text)
    except JsonError as exc:
        assert 0 <= exc.offset <= len(text)
        if not exc.message.startswith("nesting deeper"):  # json.loads goes deeper than the limit
            assert expected is ..., f"json.loads reads it, parse_located does not: {exc.message} at {exc.offset}"
        return
    if expected is not ...:
        assert same_json(located, expected)
    doc = JsonDocument(src.lstr)
    assert same_json(doc.value, located)
    stack = [((), located)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, JObject):
            for key, item in node.items():
                ks, ke, vs, ve = node.spans[key]
                assert json.loads(text[ks:ke], strict=False) == key
                src.exact(doc.key_text(path + (key,)), "key") if "\\" not in text[ks:ke] else \
                    src.inside(doc.key_text(path + (key,)), "key")
                stack.append((path + (key,), item))
        elif isinstance(node, JArray):
            stack.extend((path + (i,), item) for i, item in enumerate(node))
        if not path:
            continue
        where = doc.value_span(path).span()
        assert src.lo <= where[0] <= where[1] <= src.hi
        token = src.full[where[0]:where[1]]
        if isinstance(node, str):
            value = doc.string(path, node)
            assert str(value) == node
            src.inside(value, "string")
            s, e = value.span()
            assert json.loads('"' + src.full[s:e] + '"', strict=False) == node
        elif isinstance(node, (JObject, JArray)):
            assert token[:1] + token[-1:] in ("{}", "[]")
        else:
            assert same_json(json.loads(token), node), token


# ------------------------------------------------------------------------------------ shell
def check_shell(text: str) -> None:
    from milint.sources.shell import parse_shell

    src = Source(text)
    for command in parse_shell(src.lstr):
        src.faithful(command.text, "command text")
        for word in command.words:
            src.inside(word, "word")
        for name, value in command.assignments:
            src.faithful(name, "assigned name")
            src.inside(value, "assigned value")
        if command.heredoc is not None:
            src.inside(command.heredoc, "here-document")


# ------------------------------------------------------------------------------------ PowerShell
def check_powershell(text: str) -> None:
    from milint.sources.powershell import PsArray, PsHashtable, PsParam, PsUnknown, parse_powershell

    src = Source(text)

    def value(v: Any) -> None:
        if isinstance(v, LStr):
            src.inside(v, "argument")
        elif isinstance(v, PsUnknown):
            src.exact(v.text, "unknown value")
        elif isinstance(v, PsHashtable):
            src.exact(v.text, "hashtable")
            for key, item in v.entries:
                src.inside(key, "hashtable key")
                value(item)
        elif isinstance(v, PsArray):
            src.exact(v.text, "array")
            for item in v.items:
                value(item)
        else:
            raise AssertionError(f"unexpected value {v!r}")

    for command in parse_powershell(src.lstr):
        src.inside(command.name, "command name")
        src.exact(command.text, "command text")
        for element in command.elements:
            if isinstance(element, PsParam):
                src.inside(element.name, "parameter name")
                src.exact(element.text, "parameter")
                if element.value is not None:
                    value(element.value)
            else:
                value(element)
        command.bind(frozenset({"identity"}))


# ------------------------------------------------------------------------------------ ARM expressions
def check_arm(text: str) -> None:
    """`text` is a template whose parameters, variables and output use expressions."""
    from milint.sources.arm import ArmTemplate
    from milint.sources.arm_expressions import Unknown, evaluate, is_expression
    from milint.sources.jsonc import JsonDocument, JsonError

    src = Source(text)
    try:
        doc = JsonDocument(src.lstr)
    except JsonError:
        return
    template = ArmTemplate(doc)

    def walk(v: Any) -> None:
        stack = [v]
        while stack:
            v = stack.pop()
            if isinstance(v, LStr):
                src.inside(v, "evaluated string")
            elif isinstance(v, Unknown):
                src.inside(v.where, "unknown's place")
                src.inside(v.as_lstr(), "unknown as a string")
            elif isinstance(v, dict):
                stack.extend(v.keys())
                stack.extend(v.values())
            elif isinstance(v, list):
                stack.extend(v)

    walk(template.eval_at(("outputs", "o", "value")))
    value = doc.value if isinstance(doc.value, dict) else {}
    for section, lookup in (("parameters", template.parameter), ("variables", template.variable)):
        names = value.get(section)
        for name in (names if isinstance(names, dict) else []):
            if isinstance(name, str):
                walk(lookup(name))
    for resource in template.all_resources():
        walk(resource.name())
    # the expression text on its own, in a scope that knows nothing
    output = value.get("outputs", {}).get("o", {}).get("value") if isinstance(value.get("outputs"), dict) \
        and isinstance(value["outputs"].get("o"), dict) else None
    if isinstance(output, str):
        alone = Source(output)
        result = evaluate(alone.lstr, _EmptyScope())
        if not is_expression(output):
            alone.exact(result, "plain string")


class _EmptyScope:
    def parameter(self, name):
        from milint.sources.arm_expressions import Unknown
        return Unknown(LStr.of(name))

    variable = parameter


def _arm_texts() -> st.SearchStrategy:
    def template(params, variables, expression):
        return json.dumps({"parameters": {k: {"type": "string", "defaultValue": v} for k, v in params.items()},
                           "variables": variables, "outputs": {"o": {"type": "string", "value": expression}},
                           "resources": [{"type": "Microsoft.ManagedIdentity/userAssignedIdentities",
                                          "name": expression}]})
    names = st.sampled_from(["p0", "p1", "P1", "v0", "v1", "V0"])
    return st.builds(template, st.dictionaries(names, G.ARM_SCOPE_VALUES, max_size=3),
                     st.dictionaries(names, G.ARM_SCOPE_VALUES, max_size=3), G.ARM_EXPRESSIONS)


# ------------------------------------------------------------------------------------ URLs
def check_url(text: str) -> None:
    from milint.facts.urls import is_encoded, parse_url, percent_decode

    src = Source(text)
    url = parse_url(src.lstr)
    for part in (url.scheme, url.host, url.port, url.path, url.query_text, url.fragment):
        if part is not None:
            src.exact(part, "URL part")
            src.inside(percent_decode(part), "decoded URL part")
            is_encoded(part)
    for segment in url.segments:
        src.exact(segment, "path segment")
    for param in url.query:
        src.exact(param.text, "query parameter")
        src.inside(param.name, "parameter name")
        if param.value is not None:
            src.inside(param.value, "parameter value")
            src.exact(param.raw_value, "raw parameter value")
            if "%" not in str(param.raw_value):
                assert str(param.value) == str(param.raw_value)


# ------------------------------------------------------------------------------------ Markdown
def _walk_located(value: Any, src: Source, what: str) -> None:
    """Every located string inside facts (dicts, lists, tuples) maps inside the text."""
    stack, seen = [value], set()
    while stack:
        v = stack.pop()
        if isinstance(v, LStr):
            src.inside(v, what)
        elif isinstance(v, (dict, list, tuple)) and id(v) not in seen:
            seen.add(id(v))
            stack.extend(v.values() if isinstance(v, dict) else v)
        elif hasattr(v, "span") and callable(v.span):
            s, e = v.span()
            assert src.lo <= s <= e <= src.hi, f"{what}: {s}..{e}"


def check_markdown(text: str) -> None:
    from milint.facts.requests import Context
    from milint.sources.markdown import markdown_facts, scan

    src = Source(text)
    for block in scan(src.lstr).blocks:
        src.faithful(block.text, "code block")
    _walk_located(markdown_facts(src.lstr, Context()), src, "Markdown fact")


def check_http_file(text: str) -> None:
    from milint.facts.http_file import http_facts
    from milint.facts.requests import Context

    src = Source(text)
    for excerpt in (False, True):
        _walk_located(http_facts(src.lstr, Context(), excerpt=excerpt), src, ".http fact")


# ------------------------------------------------------------------------------------ code lexers
def check_code(case: tuple[str, str]) -> None:
    from milint.sources.code.lexer import lex
    from milint.sources.code.tokens import Hole

    language, text = case
    src = Source(text)
    for token in lex(language, src.lstr):
        assert 0 <= token.start <= token.end <= len(src.lstr)
        src.exact(token.located(), f"{language} token")
        for part in token.parts or ():
            if isinstance(part, Hole):
                assert token.start <= part.start <= part.expr_start <= part.expr_end <= part.end <= token.end
            else:
                src.inside(part, f"{language} string part")
        if token.parts is not None:
            src.inside(token.value, f"{language} string value")


# ------------------------------------------------------------------------------------ the table
class Target:
    """A parser to fuzz: a strategy of texts, and a function that parses one and checks it."""

    def __init__(self, name: str, texts: st.SearchStrategy, check: Callable[[str], None]):
        self.name, self.texts, self.check = name, texts, check

    def __repr__(self):  # failure reports print this, not the (huge) strategy
        return f"Target({self.name!r})"


TARGETS = [
    Target("jsonc", G.JSON, check_json),
    Target("shell", G.SHELL, check_shell),
    Target("powershell", G.POWERSHELL, check_powershell),
    Target("arm_expressions", _arm_texts(), check_arm),
    Target("urls", G.URLS, check_url),
    Target("markdown", G.MARKDOWN, check_markdown),
    Target("code_lexers", G.CODE, check_code),
    Target("http_file", G.HTTP, check_http_file),
]


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
@FUZZ
@given(data=st.data())
def test_parser_survives_near_valid_input(target, data):
    target.check(data.draw(target.texts, label=target.name))


# ------------------------------------------------------------------------------------ whole files
_NEWLINE = re.compile(r"\r\n|\r|\n")


def _offset(text: str, line: int, column: int) -> int:
    """Offset of a SARIF line and UTF-16 column, computed independently of milint.text."""
    starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    assert 1 <= line <= len(starts), (line, len(starts))
    start = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    units = 0
    for i in range(start, end + 1):
        if units == column - 1:
            return i
        if i < end:
            units += 2 if ord(text[i]) > 0xFFFF else 1
    raise AssertionError(f"column {column} is past the end of line {line}")


_EXTENSIONS = {"python": ".py", "csharp": ".cs", "java": ".java", "javascript": ".js", "typescript": ".ts",
               "go": ".go", "ruby": ".rb"}
FILES = st.one_of(
    G.SHELL.map(lambda t: ("get-token.sh", t)),
    G.POWERSHELL.map(lambda t: ("Get-Token.ps1", t)),
    G.ARM_TEMPLATES.map(lambda t: ("azuredeploy.json", t)),
    G.JSON.map(lambda t: ("body.json", t)),
    G.MARKDOWN.map(lambda t: ("README.md", t)),
    G.HTTP.map(lambda t: ("imds.http", t)),
    G.CODE.map(lambda case: ("app" + _EXTENSIONS[case[0]], case[1])),
)


@FUZZ
@given(FILES, st.sampled_from(["\n", "\r\n", "\r"]), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_findings_report_exactly_their_region(toolbox, file, newline, encoding):
    from milint.discover import Candidate
    from milint.engine import FileChecker, Settings, example_findings
    from milint.text import decode

    name, text = file
    data = text.replace("\n", newline).encode(encoding)
    decoded = decode(data).text
    for finding in example_findings(data, name, toolbox):
        assert finding.snippet == decoded[finding.start:finding.end]
        r = finding.region
        start, end = _offset(decoded, r.start_line, r.start_column), _offset(decoded, r.end_line, r.end_column)
        assert decoded[start:end] == finding.snippet, (finding.rule_id, r)
        assert "{" not in finding.message or "{" in finding.snippet, finding.message
        for fix in finding.fix:
            fr = fix.region
            assert (_offset(decoded, fr.start_line, fr.start_column),
                    _offset(decoded, fr.end_line, fr.end_column)) == (fix.start, fix.end)
    # the same file through the checker itself: nothing escaped as an internal error
    import tempfile
    from pathlib import Path

    checker = FileChecker(toolbox, toolbox.rules, Settings(load_entrypoints=False))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        notices = checker.check(Candidate(path, name, toolbox.classify(name)))[1]
    assert [n.message for n in notices if n.level == "error"] == []
