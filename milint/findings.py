"""Findings: what a rule reports, resolved to exact regions, with fixes and stable fingerprints."""
from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass, field
from typing import Callable, Optional


@dataclass
class Region:
    start_line: int
    start_column: int  # 1-based, UTF-16 code units
    end_line: int
    end_column: int  # exclusive

    def as_dict(self) -> dict:
        return {"startLine": self.start_line, "startColumn": self.start_column,
                "endLine": self.end_line, "endColumn": self.end_column}


@dataclass
class Replacement:
    start: int  # offsets in the decoded text
    end: int
    text: str
    region: Region


@dataclass
class Related:
    path: str
    region: Region
    message: str


@dataclass
class Suppression:
    kind: str  # "inSource" or "external"
    justification: str = ""
    source: str = ""  # what suppressed it: "comment", "metadata", "config", "baseline"


@dataclass
class Finding:
    rule_id: str
    rule_name: str
    level: str
    message: str
    path: str  # relative to the run's root, '/'-separated
    region: Region
    start: int = 0  # offsets in the decoded text
    end: int = 0
    snippet: str = ""  # the text of the region
    fix: list[Replacement] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    fingerprint: str = ""
    suppression: Optional[Suppression] = None

    @property
    def sort_key(self):
        r = self.region
        return (self.path, r.start_line, r.start_column, self.rule_id, r.end_line, r.end_column, self.message)


class _SafeFormat(string.Formatter):
    def get_value(self, key, args, kwargs):
        if isinstance(key, str):
            return kwargs.get(key, "{" + key + "}")
        return super().get_value(key, args, kwargs)


def format_message(template: str, args: dict) -> str:
    """Fill a rule's message template; a missing argument stays visible as {name}."""
    try:
        return _SafeFormat().format(template, **args)
    except (ValueError, IndexError):
        return template


def assign_fingerprints(findings: list[Finding]) -> None:
    """A fingerprint names the rule, the file and the offending text, not the line number, so it
    survives edits elsewhere in the file and changes when the offending text changes.  Identical
    findings in one file are told apart by their order."""
    for finding, fingerprint in zip(findings, fingerprints(findings)):
        finding.fingerprint = fingerprint


def fingerprints(findings: list[Finding], path_of: Callable[[Finding], str] = lambda f: f.path) -> list[str]:
    """The fingerprint of each finding (in the given order), with its path as `path_of` names it
    (a baseline names paths relative to its own folder)."""
    out: dict[int, str] = {}
    seen: dict[tuple, int] = {}
    for i in sorted(range(len(findings)), key=lambda i: findings[i].sort_key):
        finding = findings[i]
        text = " ".join(finding.snippet.split())
        path = path_of(finding)
        key = (finding.rule_id, path, text)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        digest = hashlib.sha256("\0".join([finding.rule_id, path, text, str(occurrence)]).encode("utf-8"))
        out[i] = digest.hexdigest()[:32]
    return [out[i] for i in range(len(findings))]
