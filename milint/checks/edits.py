"""Fixes that replace a value where it is written as is.

A located value may come from several places (an ARM concat(), a parameter default, an escape):
replacing its span would then also replace what lies between.  A fix is only offered when the
file holds exactly the value's text at its span."""
from __future__ import annotations

from typing import Optional

from ..lstr import LStr
from . import CheckContext, Edit


def written_as_is(ctx: CheckContext, value: LStr) -> bool:
    start, end = value.span()
    return ctx.document.text[start:end] == str(value)


def plain_edit(ctx: CheckContext, value: LStr, text: str) -> Optional[Edit]:
    """An edit replacing `value` by `text`, or None when the value is not written as is."""
    if not isinstance(value, LStr) or not value.known or not written_as_is(ctx, value):
        return None
    return Edit(value, text)


def place(ctx: CheckContext, value, written):
    """Where to point for `value`: the value itself when it stands in the file as is, else where
    it is `written` (an expression such as ``[concat(...)]`` that builds it from several places)."""
    if isinstance(value, LStr) and written_as_is(ctx, value) and str(value):
        return value
    return written if written is not None else value
