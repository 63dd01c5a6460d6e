"""The kinds of text milint reads, in one table: how each is recognised (extensions, names,
shebang interpreters, Markdown fence labels) and which module turns it into facts.

Adding a language means adding a row here and a `<module>.facts(source, ctx)` function."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    extensions: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    interpreters: tuple[str, ...] = ()  # shebang programs
    fences: tuple[str, ...] = ()  # Markdown code-fence labels
    facts: str = ""  # "module:function" producing facts from (source: LStr, ctx: Context)
    # comment syntax: line prefixes ("#") and block pairs ("/* */"), for inline suppressions
    comments: tuple[str, ...] = ()


_HASH = ("#",)
_C_LIKE = ("//", "/* */")

KINDS: tuple[Kind, ...] = (
    Kind("json", (".json", ".jsonc"), fences=("json", "jsonc", "json5"),
         facts="milint.facts.json_facts:json_text_facts", comments=_C_LIKE),
    Kind("bash", (".sh", ".bash", ".azcli", ".ksh", ".zsh"), interpreters=("bash", "sh", "dash", "zsh", "ksh"),
         fences=("bash", "sh", "shell", "azurecli", "azurecli-interactive", "azcli", "zsh", "console", "cli"),
         facts="milint.facts.shell_facts:shell_facts", comments=_HASH),
    Kind("powershell", (".ps1", ".psm1"), interpreters=("pwsh", "powershell"),
         fences=("powershell", "azurepowershell", "azurepowershell-interactive", "ps", "ps1", "pwsh"),
         facts="milint.facts.powershell_facts:powershell_facts", comments=("#", "<# #>")),
    Kind("markdown", (".md", ".markdown"), fences=("markdown", "md"),
         facts="milint.sources.markdown:markdown_facts", comments=("<!-- -->",)),
    Kind("python", (".py",), interpreters=("python", "python3"), fences=("python", "py", "python3"),
         facts="milint.facts.code_facts:python_facts", comments=_HASH),
    Kind("csharp", (".cs", ".csx"), fences=("csharp", "cs", "c#"), facts="milint.facts.code_facts:csharp_facts",
         comments=_C_LIKE),
    Kind("java", (".java",), fences=("java",), facts="milint.facts.code_facts:java_facts", comments=_C_LIKE),
    Kind("javascript", (".js", ".mjs", ".cjs", ".jsx"), interpreters=("node", "nodejs"),
         fences=("javascript", "js", "node", "nodejs", "jsx"), facts="milint.facts.code_facts:javascript_facts",
         comments=_C_LIKE),
    Kind("typescript", (".ts", ".tsx", ".mts", ".cts"), fences=("typescript", "ts", "tsx"),
         facts="milint.facts.code_facts:typescript_facts", comments=_C_LIKE),
    Kind("go", (".go",), fences=("go", "golang"), facts="milint.facts.code_facts:go_facts", comments=_C_LIKE),
    Kind("ruby", (".rb",), filenames=("rakefile",), interpreters=("ruby",), fences=("ruby", "rb"),
         facts="milint.facts.code_facts:ruby_facts", comments=_HASH),
    Kind("http", (".http", ".rest"), fences=("http", "rest"), facts="milint.facts.http_file:http_facts",
         comments=("#", "//")),
)

BY_NAME = {k.name: k for k in KINDS}
BY_EXTENSION = {ext: k.name for k in KINDS for ext in k.extensions}
BY_FILENAME = {name: k.name for k in KINDS for name in k.filenames}
BY_INTERPRETER = {prog: k.name for k in KINDS for prog in k.interpreters}
BY_FENCE = {label: k.name for k in KINDS for label in k.fences}

# kinds that a source refines (a JSON file that is a template) comment like the kind they came from
COMMENTS = {k.name: k.comments for k in KINDS}
COMMENTS.update({"arm": COMMENTS["json"], "arm-parameters": COMMENTS["json"]})

# what `--as` accepts: every kind, and "arm" (a JSON file read as a template even without $schema)
FORCIBLE = ("arm",) + tuple(k.name for k in KINDS)
