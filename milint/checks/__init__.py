"""What a check receives and returns.

A Python check is ``def check(ctx: CheckContext) -> Iterable[Hit]``, registered for a rule id with
`register` and handed to milint through the ``milint_checks`` hook.  A check reads facts only; it
never parses text itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional


@dataclass
class Edit:
    """Replace the text at `at` (anything with .span(); an empty span inserts) with `text`."""

    at: Any
    text: str


@dataclass
class Hit:
    """One finding as a check reports it; the engine adds rule, level and position."""

    at: Any  # where: LStr or Where
    args: dict = field(default_factory=dict)  # values for the rule's message template
    fix: Optional[list[Edit]] = None
    related: list[tuple[Any, str]] = field(default_factory=list)
    message: Optional[str] = None  # overrides the rule's message template when set


class CheckContext:
    """The document's facts, grouped by kind, and the rule being run."""

    def __init__(self, document, facts: list[dict], rule, options: Optional[dict] = None,
                 by_kind: Optional[dict[str, list[dict]]] = None):
        self.document = document
        self.facts = facts
        self.rule = rule
        self.options = options or {}
        self._by_kind = by_kind if by_kind is not None else group_facts(facts)

    def facts_of(self, kind: str) -> list[dict]:
        return self._by_kind.get(kind, [])


def group_facts(facts: list[dict]) -> dict[str, list[dict]]:
    """Facts by kind (computed once per file and shared by every rule)."""
    grouped: dict[str, list[dict]] = {}
    for f in facts:
        grouped.setdefault(f["kind"], []).append(f)
    return grouped


CheckFunction = Callable[[CheckContext], Iterable[Hit]]


def registry() -> tuple[dict[str, CheckFunction], Callable[[str], Callable[[CheckFunction], CheckFunction]]]:
    """A fresh {rule id: check} table and the decorator that fills it (one per checks module)."""
    table: dict[str, CheckFunction] = {}

    def register(rule_id: str):
        def wrap(func: CheckFunction) -> CheckFunction:
            if rule_id in table:
                raise ValueError(f"two checks registered for {rule_id}")
            table[rule_id] = func
            return func
        return wrap

    return table, register
