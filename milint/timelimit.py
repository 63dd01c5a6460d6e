"""A time limit for reading one file, checked cooperatively by the parsers.

Whoever reads a file opens `time_limit(seconds)` around the work; the loops that could run long on
hostile input (the JSON, shell and PowerShell parsers, the ARM expression evaluator) call `check()`
as they go, which raises `TimeLimitExceeded` once the time is up.  Without an open limit `check()`
is one comparison.  The limit is per process: milint checks files in parallel with processes.

`OverLimit` (and `TimeLimitExceeded`) is a `BaseException`, like `KeyboardInterrupt`: the ``except Exception``
clauses that keep one bad value from spoiling a file must not swallow it.  It is only ever raised
inside a `time_limit` block, so only code that opens one needs to catch it.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator, Optional

_deadline: Optional[float] = None  # time.monotonic() after which check() raises
_seconds: float = 0.0  # the limit that was set, for the message


class OverLimit(BaseException):
    """Reading a file would cost more than milint spends on one file; the file is skipped with a note.
    `hint` says what the user can do about it."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


class TimeLimitExceeded(OverLimit):
    """Reading a file took longer than its time limit."""

    def __init__(self, seconds: float):
        super().__init__(f"reading took longer than the time limit of {seconds:g} s",
                         "raise `timeout-per-file` to read it")
        self.seconds = seconds


def check() -> None:
    """Raise TimeLimitExceeded when the innermost open limit has passed."""
    if _deadline is not None and time.monotonic() > _deadline:
        raise TimeLimitExceeded(_seconds)


@contextmanager
def time_limit(seconds: Optional[float]) -> Iterator[None]:
    """Limit the work inside the block to `seconds` (None or 0: no limit)."""
    global _deadline, _seconds
    if not seconds or seconds <= 0:
        yield
        return
    previous = _deadline, _seconds
    deadline = time.monotonic() + seconds
    if _deadline is None or deadline < _deadline:  # an outer, sooner limit still holds
        _deadline, _seconds = deadline, seconds
    try:
        yield
    finally:
        _deadline, _seconds = previous
