"""Inline suppressions: ``milint: ignore[MI201, other-rule-name] until=2027-03-31 -- reason`` in a
comment on the finding's line or alone on the line before it, and ``"metadata": {"milint":
{"ignore": [...], "reason": "...", "until": "..."}}`` on an ARM resource (or the template itself),
which covers every finding inside that resource.

A suppressed finding is kept, marked with a `Suppression` (SARIF ``inSource``).  A suppression that
silences nothing, names an unknown rule, lacks a reason the configuration requires, or is malformed
becomes a problem for MI902; one past its ``until`` date stops working and becomes a problem for
MI903.  This module finds and matches suppressions; the engine turns problems into findings.

Which text is a comment is decided by `comments.py` (a ``milint: ignore`` inside a string literal
never counts).  Reading stops at the comment: a directive in a comment that holds other text is
fine (``# deploy step; milint: ignore[MI501] -- legacy API``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Optional

from .findings import Finding, Suppression

UNUSED = "MI902"
EXPIRED = "MI903"
_SUPPRESSION_RULES = (UNUSED, EXPIRED)

_MARK = re.compile("milint:", re.IGNORECASE)
_DIRECTIVE = re.compile(r"(?P<head>milint:[ \t]*ignore\b(?:\[(?P<rules>[^\]\r\n]*)\])?)"
                        r"(?:[ \t]*until=(?P<until>\S*))?(?:\s*--(?P<reason>.*))?", re.IGNORECASE | re.DOTALL)
_RULE_REF = re.compile(r"[^,\s]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONTINUATION = {"bash": "\\", "powershell": "`"}  # a line ending so goes on on the next line


@dataclass
class Policy:
    """What the run knows that matching needs."""

    resolve: Callable[[str], Optional[str]]  # a rule id or name as written -> the rule id, or None
    active: frozenset  # ids of the rules that ran
    require_reason: bool = False
    today: date = field(default_factory=date.today)


@dataclass
class Problem:
    """A finding about a suppression, for rule MI902 or MI903; offsets in the document text."""

    rule_id: str
    start: int
    end: int
    detail: str


@dataclass
class RuleRef:
    text: str
    start: int
    end: int
    rule_id: Optional[str]
    used: bool = False


@dataclass
class Directive:
    refs: list[RuleRef]
    reason: str
    origin: str  # "comment" or "metadata"
    start: int  # the directive's own text, for problems about it as a whole
    end: int
    lines: frozenset = frozenset()  # 1-based lines it covers (comments)
    span: Optional[tuple[int, int]] = None  # offsets it covers (metadata)
    until: Optional[tuple[str, int, int]] = None  # the expiry as written, and where
    in_force: bool = True
    scope: str = "inside this resource"  # what it covers, in words
    text_end: int = 0  # end of the directive with its expiry and reason

    def covers(self, finding: Finding) -> bool:
        if self.span is not None:
            return self.span[0] <= finding.start < self.span[1]
        return finding.region.start_line in self.lines


def suppress_inline(document, findings: list[Finding], policy: Policy) -> list[Problem]:
    """Mark the findings that the document's own suppressions cover; the problems found on the way."""
    if "milint" not in document.lower:
        return []
    problems: list[Problem] = []
    directives = comment_directives(document, policy, problems)
    if document.kind == "arm" and '"milint"' in document.lower:
        directives += metadata_directives(document, policy, problems)
    # a result that changes with the date, not the bytes: the result cache must not keep it
    document.suppressions_expire = any(d.until is not None for d in directives)
    for directive in directives:
        _check_in_force(directive, policy, problems)
    for finding in findings:
        if finding.rule_id in _SUPPRESSION_RULES:
            continue
        for directive in directives:
            if not directive.in_force or not directive.covers(finding):
                continue
            for ref in directive.refs:
                if ref.rule_id == finding.rule_id:
                    ref.used = True
                    if finding.suppression is None:
                        finding.suppression = Suppression("inSource", directive.reason, directive.origin)
    if not document.problems:  # a file that could not be read fully: unused is unknowable
        problems.extend(_unused(directives, policy))
    return problems


# ------------------------------------------------------------------ comments
def comment_directives(document, policy: Policy, problems: list[Problem]) -> list[Directive]:
    from .comments import comments_at

    text = document.text
    marks = [m.start() for m in _MARK.finditer(text)]
    found = comments_at(text, document.kind, marks)
    directives = []
    read_up_to = 0  # a "milint:" inside a directive's own reason is part of that reason
    for mark in marks:
        comment = found.get(mark)
        if comment is None or mark < read_up_to:
            continue
        directive = _parse(text, mark, comment.body_end, policy, problems)
        if directive is not None:
            read_up_to = directive.text_end
            directive.lines, directive.scope = _covered_lines(document, comment)
            directives.append(directive)
    return directives


def _parse(text: str, mark: int, body_end: int, policy: Policy, problems: list[Problem]) -> Optional[Directive]:
    m = _DIRECTIVE.match(text, mark, body_end)
    if m is None:
        return None  # "milint:" followed by something else is not ours to judge
    refs = []
    if m.group("rules") is not None:
        base = m.start("rules")
        for r in _RULE_REF.finditer(m.group("rules")):
            refs.append(RuleRef(r.group(), base + r.start(), base + r.end(), policy.resolve(r.group())))
    reason = " ".join((m.group("reason") or "").split())
    directive = Directive(refs, reason, "comment", *m.span("head"), text_end=m.end())
    if not refs:
        problems.append(Problem(UNUSED, *m.span("head"),
                                "This suppression names no rule, so it silences nothing: write "
                                "`milint: ignore[<rule id or name>] -- <reason>`."))
        directive.in_force = False
    if m.group("until") is not None:
        directive.until = (m.group("until"), *m.span("until"))
    return directive


def _covered_lines(document, comment) -> tuple[frozenset, str]:
    """The comment's own lines; when it stands alone, also the next line and that line's continuations
    (or, for a Markdown comment before a fenced block, the block).  And what that is, in words."""
    lines = document.lines
    text = document.text
    first = lines.line_of(comment.start) + 1
    last = lines.line_of(max(comment.start, comment.end - 1)) + 1
    covered = set(range(first, last + 1))
    before = text[lines.starts[first - 1]:comment.start]
    after = lines.line_text(last)[comment.end - lines.starts[last - 1]:]
    if before.strip(" \t>" if document.kind == "markdown" else " \t") or after.strip():
        return frozenset(covered), "on this line"
    block = _fence_after(document, comment) if document.kind == "markdown" else None
    if block is not None:
        covered.update(range(block[0], block[1] + 1))
        return frozenset(covered), "in the code block that follows"
    nxt = last + 1
    covered.add(nxt)
    mark = _CONTINUATION.get(document.kind)
    while mark and nxt < len(lines.starts) and lines.line_text(nxt).rstrip().endswith(mark):
        nxt += 1
        covered.add(nxt)
    return frozenset(covered), "on this line or the next"


def _fence_after(document, comment) -> Optional[tuple[int, int]]:
    """The lines of the fenced block that follows an HTML comment after blank lines only, if any."""
    from .comments import fenced_blocks

    if not document.text.startswith("<!--", comment.start):
        return None
    for block in fenced_blocks(document.text):
        if block.start >= comment.end:
            if document.text[comment.end:block.start].strip():
                return None
            return (document.lines.line_of(block.start) + 1,
                    document.lines.line_of(max(block.start, block.end - 1)) + 1)
    return None


# ------------------------------------------------------------------ ARM metadata
_METADATA_KEYS = ("ignore", "reason", "until")


def metadata_directives(document, policy: Policy, problems: list[Problem]) -> list[Directive]:
    """`metadata.milint` of the template and of every resource, nested ones included."""
    from .sources.jsonc import JArray, JObject, JsonError, parse_located

    try:
        root = parse_located(document.text)
    except (JsonError, RecursionError):
        return []
    directives = []
    scopes = [root] if isinstance(root, JObject) else []
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, JObject):
            resources = node.get("resources")
            if isinstance(resources, JArray):
                scopes.extend(r for r in resources if isinstance(r, JObject))
            elif isinstance(resources, JObject):  # symbolic names (languageVersion 2.0)
                scopes.extend(r for r in resources.values() if isinstance(r, JObject))
            stack.extend(node.values())
        elif isinstance(node, JArray):
            stack.extend(node)
    for scope in scopes:
        metadata = scope.get("metadata")
        if isinstance(metadata, JObject) and "milint" in metadata:
            directive = _metadata_directive(document.text, scope, metadata, policy, problems)
            if directive is not None:
                directive.scope = "in this template" if scope is root else "inside this resource"
                directives.append(directive)
    return directives


def _metadata_directive(text: str, scope, metadata, policy: Policy, problems: list[Problem]) -> Optional[Directive]:
    from .sources.jsonc import JArray, JObject

    ks, ke, _, _ = metadata.spans["milint"]
    entry = metadata["milint"]
    shape = ("`metadata.milint` must be an object such as {\"ignore\": [\"MI103\"], \"reason\": \"...\"}; "
             "this one suppresses nothing.")
    if not isinstance(entry, JObject):
        problems.append(Problem(UNUSED, ks + 1, ke - 1, shape))
        return None
    for key in entry:
        if key not in _METADATA_KEYS:
            s, e, _, _ = entry.spans[key]
            problems.append(Problem(UNUSED, s + 1, e - 1, f"`{key}` is not a key of `metadata.milint`; "
                                                          "it takes ignore, reason and until."))
    ignore = entry.get("ignore")
    items: list[tuple[str, int, int]] = []
    if isinstance(ignore, str):
        _, _, vs, ve = entry.spans["ignore"]
        items.append((ignore, vs + 1, ve - 1))
    elif isinstance(ignore, JArray):
        for value, (vs, ve) in zip(ignore, ignore.spans):
            if isinstance(value, str):
                items.append((value, vs + 1, ve - 1))
    if not items:
        problems.append(Problem(UNUSED, ks + 1, ke - 1, shape))
        return None
    reason = entry.get("reason")
    refs = [RuleRef(text.strip(), s, e, policy.resolve(text)) for text, s, e in items]
    directive = Directive(refs, " ".join(reason.split()) if isinstance(reason, str) else "", "metadata",
                          ks + 1, ke - 1, span=(scope.start, scope.end))
    if "until" in entry:
        _, _, vs, ve = entry.spans["until"]
        until = entry["until"]
        directive.until = (until, vs + 1, ve - 1) if isinstance(until, str) else (text[vs:ve], vs, ve)
    return directive


# ------------------------------------------------------------------ validity and use
def _check_in_force(directive: Directive, policy: Policy, problems: list[Problem]) -> None:
    for ref in directive.refs:
        if ref.rule_id is None:
            problems.append(Problem(UNUSED, ref.start, ref.end,
                                    f"`{ref.text}` is not the id or name of a milint rule; correct it or "
                                    "remove it (`milint rules` lists them)."))
    if directive.until is not None:
        value, start, end = directive.until
        day = _parse_date(value)
        if day is None:
            problems.append(Problem(EXPIRED, start, end,
                                    f"`{value}` is not a date: write the expiry as until=YYYY-MM-DD. "
                                    "Until then the suppression does not apply."))
            directive.in_force = False
        elif day < policy.today:
            names = ", ".join(r.text for r in directive.refs) or "rules"
            problems.append(Problem(EXPIRED, start, end,
                                    f"This suppression of {names} expired on {day.isoformat()} and no longer "
                                    "applies: fix the finding, or set a new date with a reason."))
            directive.in_force = False
    if directive.in_force and policy.require_reason and not directive.reason:
        where = ("add `\"reason\": \"...\"` beside `ignore`" if directive.origin == "metadata"
                 else "add `-- <reason>` after the rule list")
        problems.append(Problem(UNUSED, directive.start, directive.end,
                                f"This suppression gives no reason, and the configuration requires one "
                                f"(require-reason): {where}. Until then it does not apply."))
        directive.in_force = False


def _parse_date(value: str) -> Optional[date]:
    if not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _unused(directives: list[Directive], policy: Policy) -> list[Problem]:
    out = []
    for directive in directives:
        if not directive.in_force:
            continue
        for ref in directive.refs:
            if ref.used or ref.rule_id is None or ref.rule_id not in policy.active:
                continue  # a rule that did not run here cannot tell whether it is needed
            out.append(Problem(UNUSED, ref.start, ref.end,
                               f"`{ref.text}` is suppressed here, but there is no {ref.rule_id} finding "
                               f"{directive.scope}: remove it from the suppression."))
    return out
