"""The literal prefilter: which of the active rules' trigger strings occur in a file.

Every rule declares trigger strings (lower-case literals); a file in which none occurs is never
parsed, and a rule runs only on files that hold one of its own triggers.  On an ordinary
repository almost no file passes, so this search over every byte of every file is the hot path of a
whole-tree run.  One pass of a DFA Aho-Corasick automaton (ahocorasick-rs, in Rust) finds every
trigger at once, 10 to 30 times faster than testing the triggers one by one; the one-by-one test
remains as the fallback where that package cannot be installed.
"""
from __future__ import annotations

from typing import Iterable, Optional


class TriggerIndex:
    """Finds which triggers occur in lower-cased bytes."""

    def __init__(self, triggers: Iterable[str]):
        self.patterns: tuple[bytes, ...] = tuple(sorted({t.lower().encode("utf-8") for t in triggers if t}))
        self._automaton = _automaton(self.patterns, implementation="DFA") if self.patterns else None

    def found(self, data_lower: bytes) -> frozenset[bytes]:
        """The triggers that occur in `data_lower` (already lower-cased)."""
        if not self.patterns:
            return frozenset()
        if self._automaton is not None:
            patterns = self.patterns
            return frozenset(patterns[i] for i, _, _ in
                             self._automaton.find_matches_as_indexes(data_lower, overlapping=True))
        return frozenset(p for p in self.patterns if p in data_lower)


class LiteralScreen:
    """Whether lower-cased text holds any of a few literals: one pass of ahocorasick-rs's SIMD
    search where a handful of plain `in` tests would each scan the whole text (30 times faster on
    the standard library's larger modules); those tests where the package is missing."""

    def __init__(self, literals: Iterable[str]):
        self.literals = tuple(literals)
        self._automaton = _automaton([s.encode("utf-8") for s in self.literals], matchkind="LeftmostFirst")

    def any_in(self, text_lower: str) -> bool:
        if self._automaton is None:
            return any(s in text_lower for s in self.literals)
        # one match is enough: any occurrence of any literal makes a leftmost search report one
        return bool(self._automaton.find_matches_as_indexes(text_lower.encode("utf-8", "surrogatepass")))


def _automaton(patterns, implementation: Optional[str] = None, matchkind: Optional[str] = None):
    """An ahocorasick-rs automaton over byte patterns, or None where the package is missing."""
    try:
        import ahocorasick_rs
    except ImportError:
        return None
    options = {}
    if implementation:
        options["implementation"] = getattr(ahocorasick_rs.Implementation, implementation)
    if matchkind:
        options["matchkind"] = getattr(ahocorasick_rs.MatchKind, matchkind)
    return ahocorasick_rs.BytesAhoCorasick(list(patterns), **options)
