"""A rule's documentation as text and Markdown (for `milint rule`, SARIF help and docs/rules.md)."""
from __future__ import annotations

from .rulebook import FAMILIES, Rule, family_of

_LANG = {"arm": "json", "json": "json", "bash": "bash", "powershell": "powershell"}
_EXT_LANG = {".json": "json", ".sh": "bash", ".azcli": "bash", ".ps1": "powershell", ".psm1": "powershell",
             ".md": "markdown", ".py": "python", ".cs": "csharp", ".java": "java", ".js": "javascript",
             ".ts": "typescript", ".go": "go", ".rb": "ruby", ".yaml": "yaml", ".yml": "yaml", ".http": "http"}


def _lang(file: str) -> str:
    dot = file.rfind(".")
    return _EXT_LANG.get(file[dot:].lower(), "") if dot >= 0 else ""


def citations(rule: Rule) -> str:
    parts = [f"seed {c}" for c in rule.seed] + list(rule.references)
    return ", ".join(parts)


def rule_markdown(rule: Rule, heading: str = "#") -> str:
    d = rule.docs
    out = [f"{heading} {rule.id} {rule.name}", "",
           f"**Level:** {rule.level} · **Family:** {family_of(rule)} · **Autofix:** {'yes' if rule.fix else 'no'}"
           + (f" · **Applies to:** {', '.join(rule.applies_to)}" if rule.applies_to else ""), "",
           rule.summary, "", f"{heading}# What it checks", "", d["what"], "", f"{heading}# Why it matters", "",
           d["why"], ""]
    if d.get("fix"):
        out += [f"{heading}# How to fix", "", d["fix"], ""]
    if d.get("notes"):
        out += [f"{heading}# Notes", "", d["notes"], ""]
    bad = [e for e in rule.examples if e.verdict == "bad"]
    good = [e for e in rule.examples if e.verdict == "good"]
    for title, items in (("Bad", bad), ("Good", good)):
        if not items:
            continue
        out += [f"{heading}# {title} example{'s' if len(items) > 1 else ''}", ""]
        for e in items:
            out += [f"`{e.file}`" + _with_options(e) + (f": {e.note}" if e.note else ""), "", f"```{_lang(e.file)}",
                    e.code.rstrip("\n"), "```", ""]
    if rule.options:
        out += [f"{heading}# Options", "", f"Set in the configuration under `[tool.milint.options.{rule.id}]`:", ""]
        out += [f"- `{name}` (default `{default!r}`{_choices(rule, name)})" for name, default in rule.options.items()]
        out += [""]
    out += [f"**Source:** {citations(rule)}", ""]
    return "\n".join(out)


def _choices(rule: Rule, name: str) -> str:
    allowed = rule.option_choices.get(name)
    return f"; one or more of {', '.join(map(str, allowed))}" if allowed else ""


def _with_options(example) -> str:
    return "".join(f" (with `{k} = {v!r}`)" for k, v in example.options.items())


def rule_text(rule: Rule) -> str:
    d = rule.docs
    out = [f"{rule.id} {rule.name} [{rule.level}]", "", rule.summary, "", "What it checks:", _indent(d["what"]),
           "", "Why it matters:", _indent(d["why"])]
    if d.get("fix"):
        out += ["", "How to fix:", _indent(d["fix"])]
    if d.get("notes"):
        out += ["", "Notes:", _indent(d["notes"])]
    for e in rule.examples:
        label = "Bad" if e.verdict == "bad" else "Good"
        out += ["", f"{label} ({e.file}){_with_options(e)}{': ' + e.note if e.note else ''}:",
                _indent(e.code.rstrip())]
    if rule.options:
        out += ["", f"Options ([tool.milint.options.{rule.id}]):"]
        out += [f"    {name} (default {default!r}{_choices(rule, name)})" for name, default in rule.options.items()]
    out += ["", f"Autofix: {'yes' if rule.fix else 'no'}", f"Source: {citations(rule)}"]
    return "\n".join(out) + "\n"


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else "" for line in text.splitlines())


def rules_reference(rules: list[Rule]) -> str:
    """The rules reference page (docs/rules.md): an index by family, then every rule in full."""
    out = ["# milint rules", "",
           "Generated from the YAML files in `rules/` by `milint rules --markdown`; do not edit by hand.",
           "Select a whole family by its prefix (`--select MI2`), a rule by id or by name.", ""]
    families: dict[str, list[Rule]] = {}
    for rule in sorted(rules, key=lambda r: r.id):
        families.setdefault(family_of(rule) or "other", []).append(rule)
    for family, members in families.items():
        prefix = members[0].id[:3] if FAMILIES.get(members[0].id[:3]) == family else ""
        out += [f"## {family}" + (f" (`{prefix}`)" if prefix else ""), "", "| id | name | level | autofix | summary |",
                "|---|---|---|---|---|"]
        for r in members:
            summary = r.summary.replace("|", "\\|")
            out.append(f"| [{r.id}](#{r.id.lower()}-{r.name}) | `{r.name}` | {r.level} | {'yes' if r.fix else ''} | {summary} |")
        out.append("")
    for rule in sorted(rules, key=lambda r: r.id):
        out += ["---", "", rule_markdown(rule, heading="##")]
    return "\n".join(out).rstrip("\n") + "\n"
