"""What a code expression evaluates to, when it can be known: strings (literals, concatenation,
interpolation, formatting, variables assigned once, URL objects) and mappings (dict/object/hash
literals, url.Values, header collections).  Environment variables become unknown values that
remember the variable's name, so token endpoints read from IDENTITY_ENDPOINT or MSI_ENDPOINT are
recognised.  Everything else is unknown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..lstr import LStr, UNKNOWN
from ..sources.code import NAME, OP, STR, Hole
from ..sources.code.structure import join_literals, literal_value, split
from .code_model import Code, sub_code
from .urls import parse_query

_MAX_DEPTH = 12

# environment lookups; S stands for the string literal that names the variable
_ENV_SHAPES = {
    "python": r"(?:os\.)?(?:environ\[S\]|environ\.get\(S(?:,.*)?\)|getenv\(S(?:,.*)?\))",
    "csharp": r"(?:System\.)?Environment\.GetEnvironmentVariable\(S(?:,.*)?\)",
    "java": r"System\.getenv\(S\)",
    "javascript": r"process\.env(?:\[S\]|\.(\w+))",
    "go": r"os\.Getenv\(S\)",
    "ruby": r"ENV(?:\[S\]|\.fetch\(S(?:,.*)?\))",
}
_ENV = {lang: re.compile(rf"^{shape}$") for lang, shape in _ENV_SHAPES.items()}
_ENV["typescript"] = _ENV["javascript"]

# calls whose result is their first argument, as far as the URL it holds goes: percent-encoding
# functions and URL object constructors
_PASS_THROUGH = {
    "python": {"quote", "quote_plus", "urllib.parse.quote", "urllib.parse.quote_plus", "parse.quote",
               "parse.quote_plus", "urllib.quote", "str", "httpx.URL", "yarl.URL", "URL"},
    "csharp": {"HttpUtility.UrlEncode", "WebUtility.UrlEncode", "Uri.EscapeDataString", "Uri.EscapeUriString",
               "System.Web.HttpUtility.UrlEncode", "System.Net.WebUtility.UrlEncode", "new Uri",
               "new System.Uri", "new UriBuilder"},
    "java": {"URLEncoder.encode", "new URL", "new URI", "URI.create", "new java.net.URL", "java.net.URI.create",
             "HttpUrl.parse", "HttpUrl.get", "String.valueOf"},
    "javascript": {"encodeURIComponent", "encodeURI", "new URL", "String"},
    "go": {"url.QueryEscape", "url.PathEscape", "url.Parse", "url.ParseRequestURI"},
    "ruby": {"CGI.escape", "URI.encode_www_form_component", "ERB::Util.url_encode", "URI.encode", "URI.escape",
             "URI", "URI.parse", "URI.join"},
}
_PASS_THROUGH["typescript"] = _PASS_THROUGH["javascript"]

# methods and properties that turn a URL object back into its text (the receiver's value)
_AS_TEXT = {"String", "toString", "ToString", "to_s", "toURL", "toURI", "href", "AbsoluteUri", "request_uri",
            "geturl", "url", "Uri", "URL", "uri", "toExternalForm", "OriginalString", "url()"}

# calls that turn a mapping into a query string
_QUERY_BUILDERS = {
    "python": {"urlencode", "urllib.parse.urlencode", "parse.urlencode", "urllib.urlencode"},
    "javascript": {"new URLSearchParams", "querystring.stringify", "qs.stringify", "stringify"},
    "ruby": {"URI.encode_www_form"},
}
_QUERY_BUILDERS["typescript"] = _QUERY_BUILDERS["javascript"]

# methods that add one entry to a mapping variable: m.Add(k, v)
_ADDERS = {"Add", "Set", "add", "set", "append", "put", "Append", "TryAdd", "add_field", "store"}
# methods that read a mapping without changing it
_READERS = {"get", "Get", "Encode", "copy", "items", "keys", "values", "toString", "String", "has", "Has",
            "ContainsKey", "to_s", "each", "fetch", "Keys", "Values", "entries", "forEach", "Count",
            "getAll", "GetValues", "include?", "key?", "dup", "clone", "to_h", "to_a", "Clone", "toJSON"}


@dataclass
class Mapping:
    entries: list[tuple[LStr, LStr]] = field(default_factory=list)
    complete: bool = True  # False when entries may be added where we cannot see
    ranges: dict = field(default_factory=dict)  # key -> token range of its value (literal entries)

    def get(self, name: str) -> Optional[LStr]:
        found = [v for k, v in self.entries if k.known and str(k).lower() == name.lower()]
        return found[-1] if found else None


class Values:
    def __init__(self, code: Code, _busy: Optional[set] = None, _depth: int = 0, position: int = -1):
        self.code = code
        self.position = position  # for an interpolation: the index of its literal in the file
        self.root = code.parent or code
        self.lang = code.language
        self._busy = _busy if _busy is not None else set()
        self._depth = _depth

    # ------------------------------------------------------------------ strings
    def string(self, a: int, b: int) -> LStr:
        """The string [a, b) evaluates to; unknown (never None) where it cannot be known."""
        value = self.maybe_string(a, b)
        return value if value is not None else self.code.span_unknown(a, b)

    def maybe_string(self, a: int, b: int) -> Optional[LStr]:
        if a >= b or self._depth > _MAX_DEPTH:
            return None
        code = self.code
        return join_literals(code.tokens, code.partner, a, b, self.lang, operand=self._operand,
                             resolve_hole=lambda hole: self._hole(hole, a))

    def _operand(self, a: int, b: int) -> Optional[LStr]:
        code, t = self.code, self.code.tokens
        env = self._env(a, b)
        if env is not None:
            return env
        if b - a == 1 and t[a].kind == NAME:
            return self.variable(t[a].text, self._at(a))
        if t[a].kind == STR and b - a >= 3:
            formatted = self._python_percent(a, b)
            if formatted is not None:
                return formatted
        last = t[b - 1]
        if last.kind == OP and last.text == ")" and code.partner[b - 1] > a:
            call = code.call_at(code.partner[b - 1] - 1)
            if call is not None and code.chain_start(call.index) - (1 if code.is_name(a, "new") else 0) == a:
                return self._call_value(call)
        if last.kind == NAME and b - a >= 3 and code.is_op(b - 2, ".", "?.") and last.text in _AS_TEXT:
            return self.maybe_string(a, b - 2)
        return None

    def _at(self, i: int) -> int:
        """Where in the file a variable is read (an interpolation reads it where its literal is)."""
        return self.position if self.code.parent is not None else i

    def _hole(self, hole: Hole, at: int) -> Optional[LStr]:
        tokens = hole.tokens()
        if not tokens or self._depth > _MAX_DEPTH:
            return None
        position = self._at(self._literal_index(hole, at))
        inner = Values(sub_code(self.root, tokens), self._busy, self._depth + 1, position=position)
        value = inner.maybe_string(0, len(tokens))
        if value is None or (not value.known and len(value) == 1 and value.unknown_source(0) == "<expression>"):
            return None  # unknown: keep the hole as written
        return value

    def _literal_index(self, hole: Hole, near: int) -> int:
        """The index of the literal that holds `hole` (searched from `near`)."""
        t = self.code.tokens
        for k in range(near, len(t)):
            if t[k].kind == STR and t[k].start <= hole.start < t[k].end and t[k].src is hole.src:
                return k
        return near

    def _env(self, a: int, b: int) -> Optional[LStr]:
        pattern = _ENV.get(self.lang)
        t = self.code.tokens
        if pattern is None or b - a > 12:
            return None
        strings = [tok for tok in t[a:b] if tok.kind == STR]
        if len(strings) > 2:
            return None
        shape = "".join("S" if tok.kind == STR else tok.text for tok in t[a:b])
        m = pattern.match(shape)
        if not m:
            return None
        name = m.group(1) if m.lastindex else (str(strings[0].value) if strings else None)
        if not name:
            return None
        return LStr.unknown(t[a].start, t[b - 1].end, parent=t[a].src, raw=name)

    def variable(self, name: str, at: int) -> Optional[LStr]:
        root = self.root
        assign = root.visible_assignment(name, at)
        if assign is None or ("s", name) in self._busy or self._depth > _MAX_DEPTH:
            return None
        key = ("s", assign.index)
        if key in root.values_cache:  # a variable's value does not depend on where it is read
            return root.values_cache[key]
        self._busy.add(("s", name))
        try:
            inner = Values(root, self._busy, self._depth + 1)
            value = inner.maybe_string(*assign.rhs)
            if value is not None:
                value = inner._url_changes(assign, value)
        finally:
            self._busy.discard(("s", name))
        root.values_cache[key] = value
        return value

    def _url_changes(self, assign, value: LStr) -> LStr:
        """A URL object changed after it was made: u.RawQuery = ..., uri.query = ..., searchParams."""
        code = self.code
        a, b = code.window(assign)
        for use in code.uses(assign.name, a + 1, b):
            if use.action == "assign" and use.path in (".RawQuery", ".query", ".search"):
                value = replace_query(value, self.string(*use.value))
            elif use.action == "call" and use.path in (".searchParams.append", ".searchParams.set") and use.call:
                k, v = use.call.arg(0), use.call.arg(1)
                if k is not None and v is not None:
                    value = add_query(value, [(self.string(k.start, k.end), self.string(v.start, v.end))])
        return value

    def _call_value(self, call) -> Optional[LStr]:
        path = call.path
        bare = path[4:] if path.startswith("new ") else path
        first = call.arg(0)
        if path in _PASS_THROUGH.get(self.lang, ()) or bare in _PASS_THROUGH.get(self.lang, ()):
            if first is None or first.splat:
                return None
            return self.string(first.start, first.end)
        if path in _QUERY_BUILDERS.get(self.lang, ()) or (self.lang == "go" and call.name == "Encode"
                                                          and call.receiver is not None):
            if self.lang == "go":
                mapping = self.mapping(*call.receiver)
            elif self.lang == "ruby" and any(self.code.is_op(k, "=>") for k in range(call.open + 1, call.close)) \
                    and len(call.args) > 1 or (first is not None and first.name is not None):
                mapping = self._braced(call.open + 1, call.close)  # encode_www_form('k' => v, ...)
            else:
                mapping = self.mapping(first.start, first.end) if first is not None else None
            return query_text(mapping.entries) if mapping is not None and mapping.complete else None
        if call.name in _AS_TEXT and call.receiver is not None:
            return self.maybe_string(*call.receiver)
        return self._formatted(call)

    # ------------------------------------------------------------------ formatting
    def _formatted(self, call) -> Optional[LStr]:
        path, lang = call.path, self.lang
        positional = [a for a in call.args if a.name is None and not a.splat]
        if lang == "go" and path == "fmt.Sprintf" or lang == "java" and path in ("String.format", "format"):
            if not positional:
                return None
            template = self.string(positional[0].start, positional[0].end)
            return _printf(template, [self.string(a.start, a.end) for a in positional[1:]])
        if lang == "csharp" and path in ("string.Format", "String.Format"):
            if not positional:
                return None
            template = self.string(positional[0].start, positional[0].end)
            return _braces(template, [self.string(a.start, a.end) for a in positional[1:]], {})
        if lang == "python" and call.name == "format" and call.receiver is not None:
            template = self.maybe_string(*call.receiver)
            if template is None or call.has_splat:
                return None
            named = {a.name: self.string(a.start, a.end) for a in call.args if a.name}
            return _braces(template, [self.string(a.start, a.end) for a in positional], named)
        return None

    def _python_percent(self, a: int, b: int) -> Optional[LStr]:
        code = self.code
        if self.lang != "python" or not code.is_op(a + 1, "%"):
            return None
        template = literal_value(code.tokens[a])
        rest = (a + 2, b)
        if code.is_op(a + 2, "(") and code.partner[a + 2] == b - 1:
            args = [self.string(s, e) for s, e in split(code.tokens, code.partner, a + 3, b - 1)]
        else:
            args = [self.string(*rest)]
        return _printf(template, args)

    # ------------------------------------------------------------------ mappings
    def mapping(self, a: int, b: int) -> Optional[Mapping]:
        """The mapping [a, b) evaluates to, or None when it cannot be known."""
        if a >= b or self._depth > _MAX_DEPTH:
            return None
        code, t = self.code, self.code.tokens
        last = t[b - 1]
        if b - a == 1 and last.kind == NAME:
            return self._mapping_variable(last.text, self._at(a))
        if last.kind == OP and last.text == "}" and code.partner[b - 1] >= a:
            return self._braced(code.partner[b - 1] + 1, b - 1)
        if last.kind == OP and last.text == "]" and code.partner[b - 1] == a:
            return self._pairs(a + 1, b - 1)
        if last.kind == OP and last.text == ")" and code.partner[b - 1] > a:
            call = code.call_at(code.partner[b - 1] - 1)
            if call is None:
                return None
            first = call.arg(0)
            if call.path in ("dict",) and self.lang == "python":
                return Mapping([(code.tokens[x.start - 2].located(), self.string(x.start, x.end))
                                for x in call.args if x.name], not call.has_splat and
                               all(x.name for x in call.args))
            if call.name in ("Headers", "URLSearchParams", "HashMap", "Map", "of", "ofEntries") and first is not None:
                inner = self.mapping(first.start, first.end) if len(call.args) == 1 else None
                if call.name == "of" and len(call.args) % 2 == 0 and self.lang == "java":  # Map.of(k, v, ...)
                    pairs = call.args
                    return Mapping([(self.string(pairs[k].start, pairs[k].end), self.string(pairs[k + 1].start, pairs[k + 1].end))
                                    for k in range(0, len(pairs), 2)])
                return inner
            if call.name in ("Query",) and call.receiver is not None:  # Go: u.Query(), req.URL.Query()
                url = self.maybe_string(*call.receiver)
                return _query_mapping(url)
        return None

    def _mapping_variable(self, name: str, at: int) -> Optional[Mapping]:
        root = self.root
        assign = root.visible_assignment(name, at)
        if assign is None or ("m", name) in self._busy:
            return None
        key = ("m", assign.index)
        if key in root.values_cache:
            cached = root.values_cache[key]
            return None if cached is None else Mapping(list(cached.entries), cached.complete, dict(cached.ranges))
        self._busy.add(("m", name))
        try:
            inner = Values(root, self._busy, self._depth + 1)
            mapping = inner.mapping(*assign.rhs)
            if mapping is None:
                return None
            mapping = Mapping(list(mapping.entries), mapping.complete, dict(mapping.ranges))
            a, b = root.window(assign)
            for use in root.uses(name, a + 1, b):
                inner._apply(mapping, use)
            root.values_cache[key] = Mapping(list(mapping.entries), mapping.complete, dict(mapping.ranges))
            return mapping
        finally:
            self._busy.discard(("m", name))

    def _apply(self, mapping: Mapping, use) -> None:
        """A statement that may change a mapping variable."""
        if use.action == "index-assign" and not use.path:
            mapping.entries.append((self.string(*use.key), self._entry_value(*use.value)))
        elif use.action == "assign" and use.path.count(".") == 1 and self.lang in ("javascript", "typescript"):
            key_token = self.code.tokens[use.index + 2]
            mapping.entries.append((key_token.located(), self.string(*use.value)))
        elif use.action == "call" and use.call is not None:
            name = use.call.name
            if use.path == "." + name and name in _ADDERS and len(use.call.args) >= 2:
                k, v = use.call.args[0], use.call.args[1]
                mapping.entries.append((self.string(k.start, k.end), self.string(v.start, v.end)))
            elif use.path == ".update" and len(use.call.args) == 1:
                other = self.mapping(use.call.args[0].start, use.call.args[0].end)
                if other is None:
                    mapping.complete = False
                else:
                    mapping.entries.extend(other.entries)
                    mapping.complete = mapping.complete and other.complete
            elif name not in _READERS:
                mapping.complete = False
        elif use.action in ("index-assign", "assign"):
            mapping.complete = False
        elif use.action == "passed" and use.call is not None and use.call.name not in _CONSUMERS:
            mapping.complete = False

    def _entry_value(self, a: int, b: int) -> LStr:
        """A mapping value; Go's url.Values / http.Header hold lists: {"v"} or []string{"v"}."""
        t = self.code.tokens
        last = t[b - 1]
        o = self.code.partner[b - 1] if last.kind == OP and last.text in ("}", "]") else -1
        is_list = o == a or (o > a and last.text == "}" and all(
            tok.kind == NAME or tok.text in ("[", "]", ".") for tok in t[a:o]))  # Go []string{"v"}
        if is_list:
            items = split(t, self.code.partner, o + 1, b - 1)
            if len(items) >= 1:
                return self.string(*items[0])
        return self.string(a, b)

    def _braced(self, a: int, b: int) -> Mapping:
        code, t = self.code, self.code.tokens
        mapping = Mapping()
        for s, e in split(t, code.partner, a, b):
            first = t[s]
            if first.kind == OP and first.text in ("...", "**", "*"):
                mapping.complete = False
                continue
            if first.kind == OP and first.text == "{" and code.partner[s] == e - 1:  # C# {"k", "v"}
                pair = split(t, code.partner, s + 1, e - 1)
                if len(pair) == 2:
                    mapping.entries.append((self.string(*pair[0]), self.string(*pair[1])))
                continue
            sep = next((k for k in range(s, e) if t[k].kind == OP and t[k].text in (":", "=>", "=")
                        and code.enclosing[k] == code.enclosing[s]), None)
            if sep is None or sep == s:
                if self.lang in ("javascript", "typescript") and e - s == 1 and first.kind == NAME:
                    value = self.variable(first.text, self._at(s))  # { headers } shorthand
                    mapping.entries.append((first.located(), value if value is not None else self.code.span_unknown(s, e)))
                    continue
                mapping.complete = False
                continue
            if first.kind == OP and first.text == "[" and code.partner[s] == sep - 1:
                key = self.string(s + 1, sep - 1)  # C# ["k"] = v; JS [k]: v
            elif sep - s == 1 and first.kind == NAME and self.lang in ("javascript", "typescript", "ruby", "csharp"):
                key = first.located()  # bare key (JS), symbol key (Ruby), member (C# initializer)
            else:
                key = self.string(s, sep)
            mapping.entries.append((key, self._entry_value(sep + 1, e)))
            mapping.ranges[str(key)] = (sep + 1, e)
        return mapping

    def _pairs(self, a: int, b: int) -> Optional[Mapping]:
        code, t = self.code, self.code.tokens
        mapping = Mapping()
        for s, e in split(t, code.partner, a, b):
            if t[s].kind == OP and t[s].text in ("(", "[") and code.partner[s] == e - 1:
                pair = split(t, code.partner, s + 1, e - 1)
                if len(pair) == 2:
                    mapping.entries.append((self.string(*pair[0]), self.string(*pair[1])))
                    continue
            return None
        return mapping


_CONSUMERS = {"get", "post", "put", "patch", "delete", "head", "request", "options", "Request", "urlopen",
              "urlencode", "fetch", "axios", "stringify", "encode_www_form", "Headers", "URLSearchParams", "dict",
              "print", "len", "dumps", "NewRequest", "Do", "Get", "Post", "GetAsync", "PostAsync", "new",
              "HttpRequest", "log", "println", "Println", "Printf", "request_get", "json"}


# ---------------------------------------------------------------------- query text helpers
def query_text(entries: list[tuple[LStr, LStr]]) -> LStr:
    parts: list = []
    for k, (name, value) in enumerate(entries):
        if k:
            parts.append("&")
        parts.extend([name, "=", value])
    return LStr.concat(parts) if parts else LStr("")


def replace_query(url: LStr, query: LStr) -> LStr:
    s = str(url)
    q = s.find("?")
    base = url.sub(0, q) if q >= 0 else url
    if not str(query):
        return base
    return LStr.concat([base, "?", query])


def add_query(url: LStr, entries: list[tuple[LStr, LStr]]) -> LStr:
    if not entries:
        return url
    sep = "&" if "?" in str(url) else "?"
    return LStr.concat([url, sep, query_text(entries)])


def _query_mapping(url: Optional[LStr]) -> Optional[Mapping]:
    if url is None:
        return None
    s = str(url)
    q = s.find("?")
    if q < 0:
        return Mapping() if not s.endswith(UNKNOWN) else None
    params = parse_query(url.sub(q + 1))
    return Mapping([(p.name, p.value if p.value is not None else LStr("")) for p in params])


_PRINTF = re.compile(r"%(?:%|[-+ #0]*(?:[1-9]\d*)?(?:\.\d+)?([a-zA-Z]))")
_BRACES = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def _printf(template: LStr, args: list[LStr]) -> LStr:
    out, last, k = [], 0, 0
    s = str(template)
    for m in _PRINTF.finditer(s):
        out.append(template.sub(last, m.start()))
        if m.group() == "%%":
            out.append(LStr.atom("%", m.start(), m.end(), parent=template))
        else:
            arg = args[k] if k < len(args) and m.group(1) in ("s", "v") else None
            out.append(arg if arg is not None else LStr.unknown(m.start(), m.end(), parent=template,
                                                                raw="<expression>"))
            k += 1
        last = m.end()
    out.append(template.sub(last))
    return LStr.concat(out)


def _braces(template: LStr, args: list[LStr], named: dict) -> LStr:
    out, last, k = [], 0, 0
    s = str(template)
    for m in _BRACES.finditer(s):
        out.append(template.sub(last, m.start()))
        if m.group() in ("{{", "}}"):
            out.append(LStr.atom(m.group()[0], m.start(), m.end(), parent=template))
        else:
            field_name = m.group(1).split(":")[0].split(",")[0].split("!")[0].strip()
            arg = None
            if field_name == "":
                arg = args[k] if k < len(args) else None
                k += 1
            elif field_name.isdigit():
                arg = args[int(field_name)] if int(field_name) < len(args) else None
            else:
                arg = named.get(field_name)
            out.append(arg if arg is not None else LStr.unknown(m.start(), m.end(), parent=template,
                                                                raw="<expression>"))
        last = m.end()
    out.append(template.sub(last))
    return LStr.concat(out)
