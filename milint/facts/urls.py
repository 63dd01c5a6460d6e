"""URLs taken apart with every part still located, and percent-decoding that keeps positions.

A URL here may be partly unknown (``http://$HOST/x``): the parts that hold an unknown placeholder
are unknown, the others stay usable, so ``https://$ARM/subscriptions/x/resourcegroups/y`` still
exposes its path segments.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..lstr import LStr, UNKNOWN


@dataclass
class QueryParam:
    name: LStr  # decoded
    value: Optional[LStr]  # decoded; None for a bare `name` without '='
    raw_value: Optional[LStr]  # as written
    text: LStr  # the whole name=value as written


@dataclass
class Url:
    text: LStr
    scheme: Optional[LStr] = None
    host: Optional[LStr] = None
    port: Optional[LStr] = None
    path: Optional[LStr] = None
    query_text: Optional[LStr] = None
    query: list[QueryParam] = field(default_factory=list)
    fragment: Optional[LStr] = None

    @property
    def segments(self) -> list[LStr]:
        """Path segments (empty ones dropped), still located."""
        if not self.path:
            return []
        return [s for s in self.path.split_located("/") if s]

    def params(self, name: str) -> list[QueryParam]:
        """Query parameters whose decoded name equals `name` (case-sensitive, as servers read them)."""
        return [p for p in self.query if str(p.name) == name]

    def param(self, name: str) -> Optional[QueryParam]:
        found = self.params(name)
        return found[-1] if found else None

    @property
    def host_lower(self) -> Optional[str]:
        return self.host.lower() if self.host is not None and self.host.known else None


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")


def parse_url(text: LStr) -> Url:
    """Split a URL (absolute, or a path starting with '/') into located parts."""
    s = str(text)
    url = Url(text=text)
    pos = 0
    m = _SCHEME.match(s)
    if m:
        url.scheme = text.sub(0, m.end(1))
        pos = m.end()
        end = len(s)
        for stop in "/?#":
            i = s.find(stop, pos)
            if 0 <= i < end:
                end = i
        authority = text.sub(pos, end)
        at = str(authority).rfind("@")
        if at >= 0:
            authority = authority.sub(at + 1)
        auth = str(authority)
        colon = auth.rfind(":")
        if colon >= 0 and "]" not in auth[colon:]:
            url.host = authority.sub(0, colon)
            url.port = authority.sub(colon + 1)
        else:
            url.host = authority
        pos = end
    elif s.startswith(UNKNOWN):
        # $ENDPOINT/path?query: the whole base is unknown
        url.host = text.sub(0, 1)
        pos = 1
    hash_at = s.find("#", pos)
    q_at = s.find("?", pos)
    if hash_at >= 0 and (q_at < 0 or hash_at < q_at):
        q_at = -1
    path_end = min(i for i in (q_at, hash_at, len(s)) if i >= 0)
    url.path = text.sub(pos, path_end)
    if q_at >= 0:
        q_end = hash_at if hash_at > q_at else len(s)
        url.query_text = text.sub(q_at + 1, q_end)
        url.query = parse_query(url.query_text)
    if hash_at >= 0:
        url.fragment = text.sub(hash_at + 1)
    return url


def parse_query(query: LStr) -> list[QueryParam]:
    params = []
    for part in query.split_located("&"):
        if not part:
            continue
        eq = str(part).find("=")
        if eq < 0:
            params.append(QueryParam(percent_decode(part), None, None, part))
        else:
            raw = part.sub(eq + 1)
            params.append(QueryParam(percent_decode(part.sub(0, eq)), percent_decode(raw), raw, part))
    return params


_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")


def percent_decode(value: LStr) -> LStr:
    """Undo %XX escapes (UTF-8); each decoded character points at its escape."""
    s = str(value)
    if "%" not in s:
        return value
    parts = []
    last = 0
    matches = list(_PERCENT.finditer(s))
    i = 0
    while i < len(matches):
        m = matches[i]
        # gather a run of adjacent escapes: multi-byte UTF-8 characters span several
        j = i
        while j + 1 < len(matches) and matches[j + 1].start() == matches[j].end():
            j += 1
        run_start, run_end = m.start(), matches[j].end()
        parts.append(value.sub(last, run_start))
        data = bytes(int(matches[k].group(1), 16) for k in range(i, j + 1))
        decoded = data.decode("utf-8", errors="replace")
        if len(decoded) == j - i + 1:  # one character per escape: map each exactly
            for k, ch in enumerate(decoded):
                mk = matches[i + k]
                parts.append(LStr.atom(ch, mk.start(), mk.end(), parent=value))
        else:
            parts.append(LStr.atom(decoded, run_start, run_end, parent=value))
        last = run_end
        i = j + 1
    parts.append(value.sub(last))
    return LStr.concat(parts)


def is_encoded(raw: LStr) -> bool:
    """The value was written percent-encoded (so a fix should encode what it inserts)."""
    return "%" in str(raw) and bool(_PERCENT.search(str(raw)))


def base_of(url: LStr) -> LStr:
    """The URL up to its query or fragment: where a finding about the request as a whole points."""
    s = str(url)
    ends = [i for i in (s.find("?"), s.find("#")) if i > 0]
    return url.sub(0, min(ends)) if ends else url


def is_broken(url: LStr) -> bool:
    """A URL that cannot be what its author meant: it holds whitespace (a line wrapped inside a
    quoted URL) or a doc placeholder cut in two (see `is_cut`)."""
    return is_cut(url) or len(str(url).split(maxsplit=1)) > 1  # whitespace between two non-blank runs


def is_cut(url: LStr) -> bool:
    """A doc placeholder cut in two (`<SUBSCRIPTION` without its `>`): the word ended at a space or
    line break inside the placeholder, so the rest of the command may be in other words or lines."""
    text = str(url)
    return text.count("<") != text.count(">")


def is_open_ended(url: Url) -> bool:
    """Whether unknown text could add query parameters we cannot see.

    `$ENDPOINT?...`, `.../token$QS`, `...?$QS`, `...&$MORE` are open; a variable that is a whole
    path segment (`/resourceGroups/$RG`) or a parameter value (`resource=$R`) is not: it stands for
    a name or a value, not for more of the URL.  A doc placeholder broken by a space
    (`<SUBSCRIPTION` without its `>`) leaves the rest of the URL in another word, so it is open too.
    """
    if is_cut(url.text):
        return True
    if url.query_text is not None:
        return any(UNKNOWN in str(p.name) or (p.value is None and UNKNOWN in str(p.text)) for p in url.query)
    path = str(url.path or "")
    if not path.strip("/"):  # nothing after the host: an unknown end of the host may hold the rest
        return str(url.host or "").endswith(UNKNOWN)
    if UNKNOWN not in path:
        return False
    last = path.rsplit("/", 1)[-1]
    return not (last == UNKNOWN and "/" in path) and UNKNOWN in last
