"""Which facts belong to one script, for rules that follow a machine from command to command.

A file is one script.  A Markdown file is not: its code blocks are separate samples, often
alternatives to one another, and facts from two blocks must never be read as one sequence.
Markdown facts carry `section`; they are only related when they also name the same `block`."""
from __future__ import annotations

from typing import Hashable, Optional

ISOLATED = None


def script_of(fact: dict) -> Optional[Hashable]:
    """A key shared by the facts of one script; None when the fact must stand alone."""
    if "section" not in fact:
        return ""
    block = fact.get("block")
    return ("block", block) if block is not None else ISOLATED
