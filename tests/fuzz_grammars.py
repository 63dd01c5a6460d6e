"""Hypothesis strategies that write near-valid input for milint's parsers.

Random text rarely gets past a parser's first character, so each language has a small grammar that
writes plausible programs (nested substitutions, quotes, here-documents, hashtables, expressions,
URLs with escapes), and every strategy also *mutates* valid text -- generated or taken from the
fixtures and the rule examples -- by inserting tokens of the language, deleting, duplicating and
truncating.  That reaches the states where parsers break: unterminated constructs, stray
closers, half escapes, deep nesting.
"""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
UNKNOWN = "\ufffc"

# ------------------------------------------------------------------------------------ mutation
_OPS = ("insert", "delete", "duplicate", "truncate", "swap")


def _apply(text: str, edits: list) -> str:
    for where, op, token, size in edits:
        i = int(where * len(text))
        if op == "insert":
            text = text[:i] + token + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + size:]
        elif op == "duplicate":
            text = text[:i + size] + text[i:i + size] + text[i + size:]
        elif op == "truncate":
            text = text[:i]
        else:  # swap two neighbouring runs
            text = text[:i] + text[i + size:i + 2 * size] + text[i:i + size] + text[i + 2 * size:]
    return text


def mutated(texts: st.SearchStrategy, vocabulary: list[str]) -> st.SearchStrategy:
    """`texts` with a few edits that use the language's own tokens."""
    edit = st.tuples(st.floats(0, 1), st.sampled_from(_OPS), st.sampled_from(vocabulary),
                     st.integers(1, 12))
    return st.builds(_apply, texts, st.lists(edit, min_size=1, max_size=6))


def soup(vocabulary: list[str]) -> st.SearchStrategy:
    """Tokens of the language in any order."""
    return st.lists(st.sampled_from(vocabulary), max_size=40).map("".join)


def language(grammar: st.SearchStrategy, vocabulary: list[str], corpus: list[str]) -> st.SearchStrategy:
    """Everything a parser should survive: grammar output, mutations of it and of real files,
    and token soup."""
    seeds = st.sampled_from(corpus) if corpus else grammar
    return st.one_of(grammar, mutated(grammar, vocabulary), mutated(seeds, vocabulary), soup(vocabulary))


# ------------------------------------------------------------------------------------ corpus
def corpus(*suffixes: str) -> list[str]:
    """Fixture files and rule examples whose file name ends with one of `suffixes`."""
    texts = []
    for path in sorted((ROOT / "fixtures").rglob("*")):
        if path.is_file() and path.name.endswith(suffixes):
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    try:
        from milint.checks.plugin import builtin_rules_dir
        from milint.rulebook import load_rules

        for rule in load_rules([builtin_rules_dir()]):
            texts.extend(e.code for e in rule.examples if e.file.endswith(suffixes))
    except Exception:  # a rule file being edited must not stop the fuzzing of parsers
        pass
    return texts


# ------------------------------------------------------------------------------------ shared bits
_NAMES = st.sampled_from(["a", "x1", "HOST", "identity", "_v", "Metadata", "client_id", "é", "😀"])
_TEXT = st.text(st.sampled_from("ab \t/:.-_=%?&#é😀\\\"'$`{}()[]<>|;\n\r\x00\ufeff" + UNKNOWN), max_size=12)
_IMDS = "http://169.254.169.254/metadata/identity/oauth2/token"


# ------------------------------------------------------------------------------------ URLs
def _url(scheme, user, host, port, segments, query, fragment) -> str:
    out = f"{scheme}://" if scheme else ""
    out += f"{user}@" if user and scheme else ""
    out += host if scheme else ""
    out += f":{port}" if port and scheme else ""
    out += "/" + "/".join(segments) if segments or not scheme else ""
    if query is not None:
        out += "?" + "&".join(query)
    if fragment is not None:
        out += "#" + fragment
    return out


_PCT = st.sampled_from(["%2F", "%2f", "%3A", "%E2%82%AC", "%E2%82", "%F0%9F%98%80", "%", "%G1", "%%", "%C3",
                        "%00", "%0A", "%25", "%ZZ", "%e9"])
_URL_PART = st.lists(st.one_of(st.sampled_from(["a", "b", "api-version", "resource", "2018-02-01", UNKNOWN,
                                                "https:", "management.azure.com", "", "~"]), _PCT),
                     max_size=4).map("".join)
URL_GRAMMAR = st.builds(
    _url,
    st.sampled_from(["http", "https", "", "HTTP", "x+y.z", UNKNOWN]),
    st.one_of(st.none(), _URL_PART),
    st.sampled_from(["169.254.169.254", "localhost", "[::1]", "[fe80::1%25en0]", UNKNOWN, "a.b", "", "h:1"]),
    st.one_of(st.none(), st.sampled_from(["50342", "80", UNKNOWN, "", "x"])),
    st.lists(_URL_PART, max_size=5),
    st.one_of(st.none(), st.lists(st.builds(lambda k, v, eq: k + ("=" if eq else "") + v, _URL_PART, _URL_PART,
                                            st.booleans()), max_size=4)),
    st.one_of(st.none(), _URL_PART),
)
URL_VOCABULARY = ["%", "%2", "%2F", "?", "&", "=", "#", "/", "//", "://", "@", ":", "[", "]", UNKNOWN, "%E2%82",
                  "resource=", "api-version=", "é", "😀", " "]
URLS = language(URL_GRAMMAR, URL_VOCABULARY, [_IMDS + "?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net"])


# ------------------------------------------------------------------------------------ JSON
_JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10), st.sampled_from(["[concat('a', 'b')]", "[parameters('p')]", "[[literal]", _IMDS,
                                           "UserAssigned", "SystemAssigned, UserAssigned"]))
_JSON_KEYS = st.one_of(st.text(max_size=6), st.sampled_from(
    ["$schema", "identity", "type", "userAssignedIdentities", "resources", "properties", "name", "a", "a"]))
JSON_VALUES = st.recursive(_JSON_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_JSON_KEYS, inner, max_size=4)), max_leaves=25)


def _dump(value, indent, ascii_only) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=ascii_only)


JSON_GRAMMAR = st.builds(_dump, JSON_VALUES, st.sampled_from([None, 0, 2]), st.booleans())
JSON_VOCABULARY = ["//c\n", "/*c*/", "/*", "*/", ",", ",]", ",}", "[", "]", "{", "}", '"', "\\", "\\u00e9",
                   "\\ud800", "\\udc00", "\\ud83d\\ude00", ":", "1e999", "-", "-0", "NaN", "-Infinity", "\x00",
                   "\ufeff", " ", "\n", "\r\n", '"$schema": "deploymentTemplate",', "9" * 5000, "tru", "nul",
                   "[" * 600, "]" * 600, '"\\u12"', '"a":1,"a":2', "١"]
JSON = language(JSON_GRAMMAR, JSON_VOCABULARY, corpus(".json"))


# ------------------------------------------------------------------------------------ shell
def _sh_word(children) -> st.SearchStrategy:
    plain = st.sampled_from(["az", "curl", "-H", "Metadata:true", "--identity", "echo", "x=1", "a\\ b",
                             _IMDS + "?api-version=2018-02-01", "'" + _IMDS + "'", "--query", "{}", "*"])
    quoted = st.builds(lambda t: "'" + t.replace("'", "") + "'", _TEXT)
    dquoted = st.lists(st.one_of(st.text(st.sampled_from("ab :/\\"), max_size=4), st.sampled_from(
        ["$HOST", "${X:-y}", "${#a[@]}", "\\\"", "\\$", "$(", "$1"]), children.map(lambda c: "$(" + c + ")"),
        children.map(lambda c: "`" + c.replace("`", "") + "`")), max_size=4).map(lambda p: '"' + "".join(p) + '"')
    expansion = st.one_of(st.builds(lambda n: "$" + n, _NAMES), st.builds(lambda n: "${" + n + "}", _NAMES),
                          children.map(lambda c: "$(" + c + ")"), children.map(lambda c: "<(" + c + ")"),
                          st.just("$((1 + (2)))"), st.builds(lambda t: "$'" + t.replace("'", "\\'") + "'", _TEXT))
    return st.lists(st.one_of(plain, quoted, dquoted, expansion), min_size=1, max_size=3).map("".join)


def _sh_script(children) -> st.SearchStrategy:
    command = st.lists(_sh_word(children), min_size=1, max_size=5).map(" ".join)
    compound = st.one_of(
        children.map(lambda c: f"if {c}; then {c}; fi"),
        children.map(lambda c: f"for i in a b; do {c}; done"),
        children.map(lambda c: f"while {c}\ndo\n {c}\ndone"),
        children.map(lambda c: f"case $x in\n a|b) {c};;\n *) {c};&\nesac"),
        children.map(lambda c: f"f() {{ {c}; }}"),
        children.map(lambda c: f"function g {{ {c}\n}}"),
        children.map(lambda c: f"( {c} )"),
        children.map(lambda c: f"[[ -n $x && {c} ]]"),
        children.map(lambda c: f"cat <<EOF\n{c}\nEOF"),
        children.map(lambda c: f"cat <<-'E'\n\t{c}\n\tE"),
        children.map(lambda c: f"arr=( {c} )"),
    )
    sep = st.sampled_from(["\n", "; ", " && ", " || ", " | ", " & ", " \\\n  ", "\r\n", " # note\n"])
    return st.lists(st.tuples(st.one_of(command, compound), sep), min_size=1, max_size=4).map(
        lambda parts: "".join(c + s for c, s in parts))


SHELL_GRAMMAR = st.recursive(st.sampled_from(["true", "echo hi", "az login --identity", f"curl {_IMDS}"]),
                             _sh_script, max_leaves=12)
SHELL_VOCABULARY = ["$(", ")", "`", "'", '"', "${", "}", "$((", "))", "((", "<<EOF\n", "\nEOF\n", "<<-", "<<<",
                    "\\", "\\\n", ";", ";;", "&&", "|", "&", "(", "{", "}", "[[", "]]", "if ", "then ", "fi",
                    "case ", " in ", "esac", "for ", "do ", "done", "function ", "$'", "\\x4", "\\u{", "#",
                    "\n", "\r", "\r\n", " ", "=", "a=(", "<(", ">(", "2>&1", "{fd}>", UNKNOWN, "\x00", "é",
                    "😀", "coproc ", "select ", "time -p ", "# milint: ignore[MI201] why\n", "# milint: ignore[",
                    "milint: ignore[MI201] until=2001-01-01"]
SHELL = language(SHELL_GRAMMAR, SHELL_VOCABULARY, corpus(".sh", ".azcli", ".bash"))


# ------------------------------------------------------------------------------------ PowerShell
def _ps_value(children) -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(["x", "42", "-1.5e3kb", "$true", "$env:IDENTITY_ENDPOINT", "$a.b", "${x y}", "$_",
                         "'" + _IMDS + "'", "[Type]::Member", "[int]$x", "@()", "@{}", "1..3", "--%"]),
        st.builds(lambda t: "'" + t.replace("'", "''") + "'", _TEXT),
        st.builds(lambda t, c: '"' + t.replace('"', '`"') + "$(" + c + ")" + '"', _TEXT, children),
        st.builds(lambda k, v: "@{" + k + " = " + v + "; 'b' = 1}", _NAMES, children),
        children.map(lambda c: "@(" + c + ", 2)"),
        children.map(lambda c: "(" + c + ")"),
        children.map(lambda c: "{ " + c + " }"),
        children.map(lambda c: '@"\n' + c + '\n"@'),
        children.map(lambda c: "@'\n" + c + "\n'@"),
        children.map(lambda c: "$(" + c + ").Content"),
    )


def _ps_script(children) -> st.SearchStrategy:
    name = st.sampled_from(["Invoke-RestMethod", "irm", "Invoke-WebRequest", "Connect-AzAccount", "az",
                            "Get-AzVM", "& 'x.exe'", ". $f", "Write-Output", "Set-AzVMExtension"])
    param = st.sampled_from(["-Uri", "-Headers", "-Identity", "-Method:", "-Body", "--identities", "-AccountId",
                             "-Name:'x'", "–Uri", "-"])
    element = st.one_of(param, _ps_value(children), st.just("@splat"), st.just("`\n "), st.just("2>&1"))
    command = st.builds(lambda n, els: n + " " + " ".join(els), name, st.lists(element, max_size=5))
    statement = st.one_of(
        command,
        st.builds(lambda v, c: f"$r = {c}", _NAMES, children),
        children.map(lambda c: f"if ($x -eq 1) {{ {c} }} elseif ($y) {{ {c} }} else {{ {c} }}"),
        children.map(lambda c: f"foreach ($i in $list) {{ {c} }}"),
        children.map(lambda c: f"function F {{ param([Parameter(Mandatory=$true)][string]$a) {c} }}"),
        children.map(lambda c: f"try {{ {c} }} catch {{ {c} }} finally {{ }}"),
        children.map(lambda c: f"switch ($x) {{ 'a' {{ {c} }} default {{ }} }}"),
        children.map(lambda c: f"{c} | ForEach-Object {{ $_ }}"),
        st.just("<# block\ncomment #>"), st.just("# comment"),
    )
    sep = st.sampled_from(["\n", "; ", " | ", "\r\n", " `\n", " && ", " || "])
    return st.lists(st.tuples(statement, sep), min_size=1, max_size=4).map(lambda p: "".join(a + b for a, b in p))


POWERSHELL_GRAMMAR = st.recursive(st.sampled_from(["Get-Date", "$x", "irm $u", f"irm '{_IMDS}'"]), _ps_script,
                                  max_leaves=12)
POWERSHELL_VOCABULARY = ["$(", ")", "@{", "}", "@(", "(", "{", "[", "]", "'", '"', "`", "`\n", "@\"\n",
                         "\n\"@", "@'\n", "\n'@", "<#", "#>", "#", "|", ";", "&", "&&", "=", ",", "-", "--%",
                         ":", "::", ".", "$", "${", "\u2018", "\u201c", "\u2013", "\n", "\r", " ", "`u{1F600}",
                         "`u{", "[Parameter(", "-Uri ", UNKNOWN, "\x00", "é", "😀", "if ", "foreach ", "function ",
                         "# milint: ignore[MI201]\n", "<# milint: ignore[all] #>"]
POWERSHELL = language(POWERSHELL_GRAMMAR, POWERSHELL_VOCABULARY, corpus(".ps1", ".psm1"))


# ------------------------------------------------------------------------------------ ARM expressions
_ARM_FUNCTIONS = ["concat", "format", "toLower", "toUpper", "string", "resourceId", "if", "equals", "not", "and",
                  "or", "bool", "createArray", "array", "createObject", "union", "length", "empty", "coalesce",
                  "first", "last", "split", "json", "replace", "trim", "reference", "uniqueString",
                  "subscription", "resourceGroup"]


def _arm_call(children) -> st.SearchStrategy:
    call = st.builds(lambda f, args: f"{f}({', '.join(args)})", st.sampled_from(_ARM_FUNCTIONS),
                     st.lists(children, max_size=4))
    ref = st.builds(lambda f, n: f"{f}('{n}')", st.sampled_from(["parameters", "variables"]),
                    st.sampled_from(["p0", "p1", "v0", "v1", "V0", "missing"]))
    member = st.builds(lambda base, m: base + m, st.one_of(call, ref),
                       st.sampled_from([".id", ".properties.principalId", "[0]", "['a']", "[parameters('p0')]"]))
    return st.one_of(call, ref, member)


_ARM_ATOMS = st.one_of(
    st.builds(lambda t: "'" + t.replace("'", "''") + "'", _TEXT),
    st.sampled_from(["1", "-2", "0", "true", "false", "null", "'Microsoft.Compute/virtualMachines'",
                     "'{0}-{1}'", "'a,b'", "'[1,2]'", "'{\"a\": 1}'", "''''"]))
ARM_EXPRESSION_BODY = st.recursive(_ARM_ATOMS, _arm_call, max_leaves=15)
ARM_EXPRESSION_GRAMMAR = ARM_EXPRESSION_BODY.map(lambda e: "[" + e + "]")
ARM_VOCABULARY = ["(", ")", "'", "''", ",", ".", "[", "]", "[[", "concat(", "parameters('p0')", "variables('v0')",
                  "-", "1", " ", "\\", '"', UNKNOWN, "é", "{0}", "{", "}", "format(", "replace(", "::"]
ARM_EXPRESSIONS = language(ARM_EXPRESSION_GRAMMAR, ARM_VOCABULARY, ["[concat(parameters('p0'), '-x')]"])
# what parameters and variables may hold: values that refer to each other (cycles included)
ARM_SCOPE_VALUES = st.one_of(_JSON_SCALARS, ARM_EXPRESSIONS, st.lists(ARM_EXPRESSIONS, max_size=3),
                             st.dictionaries(_JSON_KEYS, ARM_EXPRESSIONS, max_size=3))


# ------------------------------------------------------------------------------------ whole ARM templates
_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def _template(params, variables, identity_type, users, expression, indent) -> str:
    resources = [
        {"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "apiVersion": "2018-11-30",
         "name": expression, "location": "[resourceGroup().location]"},
        {"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2019-07-01", "name": "vm",
         "identity": {"type": identity_type, "userAssignedIdentities": {u: {} for u in users}},
         "properties": {"osProfile": {"customData": expression}}},
        {"type": "Microsoft.Compute/virtualMachines/extensions", "name": "vm/ext", "apiVersion": "2019-07-01",
         "properties": {"publisher": "Microsoft.ManagedIdentity", "type": "ManagedIdentityExtensionForLinux",
                        "settings": {"commandToExecute": f"curl {_IMDS}?resource=https://management.azure.com"}}},
    ]
    template = {"$schema": _SCHEMA, "contentVersion": "1.0.0.0",
                "parameters": {k: {"type": "string", "defaultValue": v} for k, v in params.items()},
                "variables": variables, "resources": resources,
                "outputs": {"o": {"type": "string", "value": expression}}}
    return json.dumps(template, indent=indent, ensure_ascii=False)


ARM_TEMPLATE_GRAMMAR = st.builds(
    _template,
    st.dictionaries(st.sampled_from(["p0", "p1", "P0"]), ARM_SCOPE_VALUES, max_size=2),
    st.dictionaries(st.sampled_from(["v0", "v1", "V1"]), ARM_SCOPE_VALUES, max_size=2),
    st.sampled_from(["UserAssigned", "userassigned", "SystemAssigned,UserAssigned", "None", "none",
                     "[parameters('p0')]"]),
    st.lists(st.one_of(ARM_EXPRESSIONS, st.sampled_from([
        "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'a')]",
        "/subscriptions/x/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/b"])),
        max_size=3),
    ARM_EXPRESSIONS, st.sampled_from([None, 1]))
ARM_TEMPLATES = st.one_of(ARM_TEMPLATE_GRAMMAR, mutated(ARM_TEMPLATE_GRAMMAR, JSON_VOCABULARY + ARM_VOCABULARY))


# ------------------------------------------------------------------------------------ Markdown
def _fenced(label, body, fence, container) -> str:
    block = f"{fence}{label}\n{body}\n{fence}\n"
    if container == "list":
        return "".join(("- " if i == 0 else "  ") + line + "\n" for i, line in enumerate(block.splitlines()))
    if container == "quote":
        return "".join("> " + line + "\n" for line in block.splitlines())
    return block


_MD_BODY = st.one_of(SHELL_GRAMMAR, POWERSHELL_GRAMMAR, JSON_GRAMMAR, st.just("$ az login --identity\noutput\n"),
                     st.just("PS> Connect-AzAccount -Identity"), st.just("GET " + _IMDS + " HTTP/1.1\nMetadata: true"))
MARKDOWN_GRAMMAR = st.lists(st.one_of(
    st.builds(_fenced, st.sampled_from(["bash", "azurecli-interactive", "powershell", "json", "", "text", "http",
                                        "python", "console", "json {.x}"]),
              _MD_BODY, st.sampled_from(["```", "~~~", "````"]), st.sampled_from(["", "list", "quote"])),
    st.builds(lambda level, title: "#" * level + " " + title + "\n", st.integers(1, 7),
              st.sampled_from(["Use Azure Cloud Shell", "Get a token", "", "Response"])),
    st.sampled_from(["The response looks like this:\n", "Title\n=====\n", "<!--\n```bash\ncurl x\n```\n-->\n",
                     "---\ntitle: x\n---\n", "\n", "1. step\n", "    indented code\n"]),
), max_size=8).map("".join)
MARKDOWN_VOCABULARY = ["```", "~~~", "\n", "> ", "- ", "1. ", "# ", "<!--", "-->", "---\n", "    ", "`", "$ ",
                       "PS> ", "```bash\n", "```json\n", "\r\n", "\t", UNKNOWN, "é"]
MARKDOWN = language(MARKDOWN_GRAMMAR, MARKDOWN_VOCABULARY, corpus(".md"))


# ------------------------------------------------------------------------------------ application code
_CODE_STRINGS = {
    "python": ['f"{token}"', "'''a\\nb'''", 'r"\\d"', 'b"\\x00"', "f'{x!r:>{w}}'", '"\\N{BULLET}"'],
    "csharp": ['$"{token}"', '@"c:\\a"', '$@"{x}"', '"""raw"""', "'\\u0041'", '$"{{x}}"'],
    "java": ['"\\u0041"', '"""\n text\n"""', "'a'", '"\\t"'],
    "javascript": ["`a ${b} c`", "`${`${x}`}`", "/re[/]x/g", "'\\x41'", '"\\u{1F600}"'],
    "typescript": ["`a ${b as string}`", "<T>(x: T) => x", "'\\''"],
    "go": ["`raw\\n`", '"\\xff"', "'\\u12345'", '"%s"'],
    "ruby": ['"#{x}"', "%q(a)", "<<~EOS\n text\nEOS\n", "'a\\'b'", "`ls`", ":sym"],
}


def _code(language_name, pieces) -> tuple[str, str]:
    return language_name, " ".join(pieces)


CODE_GRAMMAR = st.sampled_from(sorted(_CODE_STRINGS)).flatmap(lambda name: st.builds(
    _code, st.just(name), st.lists(st.one_of(st.sampled_from(_CODE_STRINGS[name]), st.sampled_from(
        ["requests.get(", "http.NewRequest(", "new HttpClient()", "(", ")", "{", "}", ";", "\n", "# c", "// c",
         "/* c", "*/", f'"{_IMDS}?resource=https://management.azure.com"', "url =", "+", "."])), max_size=12)))
CODE_VOCABULARY = ['"', "'", "`", "${", "#{", "{", "}", "\\", "\\u", "\\x", '"""', "'''", "/*", "*/", "//", "#",
                   "\n", "\r", "<<~E\n", "\nE\n", "@\"", "$\"", "%q(", UNKNOWN, "\x00", "😀"]
CODE = st.one_of(CODE_GRAMMAR, st.tuples(CODE_GRAMMAR.map(lambda c: c[0]),
                                         mutated(CODE_GRAMMAR.map(lambda c: c[1]), CODE_VOCABULARY)))


# ------------------------------------------------------------------------------------ .http request files
_HTTP_REQUEST = st.builds(
    lambda method, target, version, headers, body: f"{method}{target}{version}\n{headers}\n{body}",
    st.sampled_from(["GET ", "POST ", "PUT ", "", "get ", "PATCH "]),
    st.sampled_from([_IMDS + "?api-version=2018-02-01&resource=https://management.azure.com", "{{base}}/x",
                     "/path?a=b", "'" + _IMDS + "'", "{{host}}{{path}}", "http://localhost:50342/oauth2/token"]),
    st.sampled_from(["", " HTTP/1.1", " HTTP/2", " HTTP/1.1 Metadata: true"]),
    st.lists(st.sampled_from(["Metadata: true", "Authorization: Bearer {{token}}", "  &resource=x", "?a=b",
                              "Content-Type: application/json", "X-Odd:", "# comment", "// comment"]),
             max_size=4).map("\n".join),
    st.one_of(st.just(""), JSON_GRAMMAR))
HTTP_GRAMMAR = st.lists(st.one_of(_HTTP_REQUEST, st.sampled_from(
    ["@base = http://169.254.169.254", "@token = {{token}}", "@a = {{b}}\n@b = {{a}}", "@path = /metadata"])),
    min_size=1, max_size=4).map("\n###\n".join)
HTTP_VOCABULARY = ["{{", "}}", "###", "@", "=", "\n", "GET ", "HTTP/1.1", ":", "?", "&", "#", "//", "{{$processEnv X}}",
                   "\r\n", " ", UNKNOWN, "é"]
HTTP = language(HTTP_GRAMMAR, HTTP_VOCABULARY, corpus(".http", ".rest"))
