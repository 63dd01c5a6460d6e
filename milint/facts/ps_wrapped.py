"""PowerShell commands whose parameters were wrapped onto the next line.

Copied documentation often breaks a long command without a backtick (`... -Uri '<url>'` and, on
the next line, `-Method GET -Headers @{...}`).  PowerShell then runs the first line alone, yet the
author meant the parameters for it: what the command really gets is not known, so such a command
is handed on as if it were splatted (its parameters unknown) and rules do not judge what it lacks.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable, Iterator, Optional

from ..lstr import LStr
from ..sources.powershell import PsCommand

# the rest of a command's line is blank (or a comment) and the next line starts with a parameter
# (`-Name`; not the unary operators -not, -bnot, -join and -split, which can start a statement)
_PARAMETER_ON_NEXT_LINE = re.compile(r"[ \t]*(?:#[^\n]*)?\r?\n[ \t]*-(?!(?:not|bnot|join|split)\b)[A-Za-z]",
                                     re.IGNORECASE)


def unwrapped_commands(source: LStr, commands: Iterable[PsCommand]) -> Iterator[PsCommand]:
    """The commands of `source`, those continued on the next line marked as splatted."""
    text = str(source)
    finder = _CommandFinder(source)
    for command in commands:
        end = finder.end_of(command)
        if end is not None and _PARAMETER_ON_NEXT_LINE.match(text, end):
            command = replace(command, splatted=True)
        yield command


class _CommandFinder:
    """Where each command of a script ends, as an index into the script's text."""

    _WINDOW = 1 << 16  # how far past the previous command a search looks

    def __init__(self, source: LStr):
        self.text = str(source)
        first, last = source.span()
        # a script that stands contiguous in its file maps file offsets to indexes directly
        self.base = first if last - first == len(self.text) else None
        self.cursor = 0

    def end_of(self, command: PsCommand) -> Optional[int]:
        written = str(command.text)
        start = None
        if self.base is not None:
            guess = command.text.span()[0] - self.base
            if guess >= 0 and self.text.startswith(written, guess):
                start = guess
        if start is None:  # commands come in source order, outer before inner
            found = self.text.find(written, self.cursor, self.cursor + len(written) + self._WINDOW)
            start = found if found >= 0 else None
        if start is None:
            return None
        self.cursor = start + 1
        return start + len(written)
