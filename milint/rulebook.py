"""Rules as data: load, validate and select the YAML rule files.

Each rule is one YAML file, the single source of truth for its id, name, level, message,
documentation, seed citation, triggers and examples.  Listing, explaining, SARIF metadata, the
literal prefilter and the example tests all read from here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

LEVELS = ("error", "warning", "note")
LEVEL_RANK = {"note": 1, "warning": 2, "error": 3}

_ID = re.compile(r"^[A-Z][A-Z0-9]*[0-9]{3}$")
_NAME = re.compile(r"[a-z][a-z0-9-]*")  # kebab-case; no `--` and no trailing `-` (checked in code)
_CITATION = re.compile(r"^L\d+(?:[-\u2013]L?\d+)?$")

_REQUIRED = ("id", "name", "level", "summary", "message", "docs", "triggers", "examples", "check")
_OPTIONAL = ("seed", "references", "tags", "precision", "applies-to", "facts", "fix", "options", "option-choices",
             "family")
_DOC_KEYS = ("what", "why", "fix", "notes")
_EXAMPLE_KEYS = ("file", "verdict", "code", "at", "fixed", "note", "as", "options")


class RuleError(ValueError):
    """A rule file that does not follow the rule schema."""


@dataclass
class Example:
    file: str
    verdict: str  # "bad" or "good"
    code: str
    at: list[str] = field(default_factory=list)  # region texts the bad example must be reported at
    fixed: Optional[str] = None  # the code after `--fix`
    note: str = ""
    kind: Optional[str] = None  # force a file kind (like --as)
    options: dict = field(default_factory=dict)  # the rule's options for this example (as in the config)


@dataclass
class Rule:
    id: str
    name: str
    level: str
    summary: str
    message: str
    docs: dict
    triggers: list[str]
    examples: list[Example]
    check: Any  # "python", "tool", or a declarative mapping
    seed: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    precision: str = "high"
    applies_to: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    fix: Optional[str] = None
    options: dict = field(default_factory=dict)
    option_choices: dict = field(default_factory=dict)  # option -> the values it may hold (a list option: each item)
    family: str = ""
    source: str = ""  # the file it came from
    origin: str = "milint"  # the plugin that provided it

    @property
    def is_tool_rule(self) -> bool:
        return self.check == "tool"

    @property
    def triggers_lower(self) -> tuple[str, ...]:
        return tuple(t.lower() for t in self.triggers)


def _fail(source: str, message: str) -> RuleError:
    return RuleError(f"{source}: {message}")


def rule_from_data(data: Any, source: str) -> Rule:
    """Validate one parsed rule file and build its Rule."""
    if not isinstance(data, dict):
        raise _fail(source, "a rule file must hold a mapping")
    unknown = sorted(set(data) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise _fail(source, f"unknown key(s): {', '.join(unknown)}")
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise _fail(source, f"missing key(s): {', '.join(missing)}")
    rid, name, level = data["id"], data["name"], data["level"]
    if not isinstance(rid, str) or not _ID.match(rid):
        raise _fail(source, f"id {rid!r} must look like MI201 (capital letters, then three digits)")
    if not isinstance(name, str) or not _NAME.fullmatch(name) or "--" in name or name.endswith("-"):
        raise _fail(source, f"name {name!r} must be kebab-case")
    if level not in LEVELS:
        raise _fail(source, f"level {level!r} must be one of {', '.join(LEVELS)}")
    docs = data["docs"]
    if not isinstance(docs, dict) or not {"what", "why"} <= set(docs) or set(docs) - set(_DOC_KEYS):
        raise _fail(source, f"docs must have 'what' and 'why' (and may have {', '.join(_DOC_KEYS[2:])})")
    check = data["check"]
    if check not in ("python", "tool") and not isinstance(check, dict):
        raise _fail(source, "check must be 'python', 'tool' or a declarative mapping")
    triggers = data["triggers"]
    if not isinstance(triggers, list) or not all(isinstance(t, str) and t for t in triggers):
        raise _fail(source, "triggers must be a list of non-empty strings")
    if not all(t.isascii() for t in triggers):
        raise _fail(source, "triggers must be ASCII (the prefilter compares lower-cased bytes)")
    if not triggers and check != "tool":
        raise _fail(source, "a rule needs at least one trigger string (the prefilter relies on it)")
    seed = [str(s) for s in data.get("seed") or []]
    for citation in seed:
        if not _CITATION.match(citation):
            raise _fail(source, f"seed citation {citation!r} must look like L2223 or L9089-L9091")
    if not seed and not data.get("references"):
        raise _fail(source, "a rule must cite the seed (seed: [L402]) or a reference")
    examples = [_example(e, source) for e in data["examples"] or []]
    verdicts = {e.verdict for e in examples}
    if check != "tool" and not {"bad", "good"} <= verdicts:
        raise _fail(source, "a rule needs at least one bad and one good example")
    options = data.get("options") or {}
    if not isinstance(options, dict):
        raise _fail(source, "options must be a mapping of option names to their defaults")
    choices = data.get("option-choices") or {}
    if not isinstance(choices, dict) or not set(choices) <= set(options) or not all(
            isinstance(v, list) for v in choices.values()):
        raise _fail(source, "option-choices must map declared options to lists of allowed values")
    for example in examples:
        undeclared = sorted(set(example.options) - set(options))
        if undeclared:
            raise _fail(source, f"example {example.file} sets option(s) the rule does not declare: "
                                f"{', '.join(map(str, undeclared))}")
        for option, value in example.options.items():
            allowed = choices.get(option)
            if allowed and outside_choices(allowed, value):
                raise _fail(source, f"example {example.file}: option {option} = {value!r} is not among its choices")
    return Rule(
        id=rid, name=name, level=level, summary=str(data["summary"]).strip(),
        message=str(data["message"]).strip(), docs={k: str(v).strip() for k, v in docs.items()},
        triggers=list(triggers), examples=examples, check=check, seed=seed,
        references=[str(r) for r in data.get("references") or []],
        tags=[str(t) for t in data.get("tags") or []], precision=str(data.get("precision", "high")),
        applies_to=[str(a) for a in data.get("applies-to") or []],
        facts=[str(f) for f in data.get("facts") or []], fix=data.get("fix"),
        options=dict(options), option_choices={k: list(v) for k, v in choices.items()}, family=str(data.get("family", "")), source=source,
    )


def _example(data: Any, source: str) -> Example:
    if not isinstance(data, dict):
        raise _fail(source, "each example must be a mapping")
    unknown = sorted(set(data) - set(_EXAMPLE_KEYS))
    if unknown:
        raise _fail(source, f"example has unknown key(s): {', '.join(unknown)}")
    if data.get("verdict") not in ("bad", "good") or not data.get("file") or "code" not in data:
        raise _fail(source, "each example needs file, verdict (bad/good) and code")
    at = data.get("at") or []
    # YAML reads some texts as other types (2018-12-01 is a date): every `at` is text
    at = [str(a) for a in at] if isinstance(at, list) else [str(at)]
    if data["verdict"] == "bad" and not at:
        raise _fail(source, f"bad example {data['file']} must say where the finding is (at:)")
    return Example(file=str(data["file"]), verdict=data["verdict"], code=str(data["code"]), at=at,
                   fixed=data.get("fixed"), note=str(data.get("note", "")), kind=data.get("as"),
                   options=dict(data.get("options") or {}))


MAX_RULE_VALUES = 100_000  # far above any real rule file; YAML aliases can expand past any memory


def _parse_rule_file(path: Path):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, "rb") as fh:
            data = yaml.load(fh, Loader=loader)
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: cannot read rule file: {exc}") from None
    if _expanded_size(data, MAX_RULE_VALUES) >= MAX_RULE_VALUES:
        raise RuleError(f"{path}: cannot read rule file: its aliases expand to more than "
                        f"{MAX_RULE_VALUES:,} values")
    return data


def _expanded_size(data, limit: int) -> int:
    """How many values `data` holds once aliases are expanded, counting no further than `limit`
    (aliases share one Python object, so a "billion laughs" file is small until something copies it)."""
    count = 0
    stack = [data]
    while stack and count < limit:
        node = stack.pop()
        count += 1
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            count += len(node) // 1000  # long strings built by aliases count by their size
    return count


def _rules_of(data, path: Path) -> list[Rule]:
    items = data if isinstance(data, list) else [data]
    return [rule_from_data(item, str(path)) for item in items]


def load_rule_file(path: Path) -> list[Rule]:
    return _rules_of(_parse_rule_file(path), path)


def load_rules(paths: Iterable[Path], cache: bool = True) -> list[Rule]:
    """Rules from YAML files and folders of them, in file-name order.

    Parsing ~90 YAML files costs more than the rest of milint's start-up, so the parsed data is kept
    in a JSON cache keyed by each file's size and modification time; the rules are still validated
    from that data on every run.  The cache holds data only, never code."""
    store = _RuleCache() if cache else None
    rules: list[Rule] = []
    for path in paths:
        path = Path(path)
        files = sorted(path.glob("*.y*ml")) if path.is_dir() else [path]
        for file in files:
            data = store.get(file) if store else None
            if data is None:
                data = _as_json(_parse_rule_file(file))
                if store:
                    store.put(file, data)
            rules.extend(_rules_of(data, file))
    if store:
        store.save()
    return rules


def _as_json(data):
    """YAML may give dates and other types; the cached form is plain JSON, so use that form always."""
    import json

    return json.loads(json.dumps(data, default=str))


class _RuleCache:
    def __init__(self):
        from . import __version__
        from .cachedir import cache_folder, read_json, today

        folder = cache_folder()
        self.path: Optional[Path] = folder / f"rules-{__version__}.json" if folder is not None else None
        self.changed = False
        self.today = today()
        entries = read_json(self.path) if self.path is not None else None
        self.entries: dict = entries if isinstance(entries, dict) else {}

    @staticmethod
    def _stamp(file: Path) -> Optional[list]:
        from .cachedir import stamp

        try:
            return stamp(file.stat())
        except OSError:
            return None

    def get(self, file: Path):
        entry = self.entries.get(str(file))
        stamp = self._stamp(file)
        if isinstance(entry, dict) and stamp is not None and entry.get("stamp") == stamp:
            if entry.get("day") != self.today:  # used today: kept another cachedir.KEEP_DAYS
                entry["day"] = self.today
                self.changed = True
            return entry.get("data")
        return None

    def put(self, file: Path, data) -> None:
        stamp = self._stamp(file)
        if stamp is not None and self.path is not None:
            self.entries[str(file)] = {"stamp": stamp, "data": data, "day": self.today}
            self.changed = True

    def save(self) -> None:
        if not self.changed or self.path is None:
            return
        import os

        from .cachedir import KEEP_DAYS, write_json

        # entries of rule files that no longer exist (a removed pack) or have not been read for a month
        # (a test's temporary folder): every run reads the whole cache at start-up
        oldest = self.today - KEEP_DAYS
        self.entries = {k: v for k, v in self.entries.items()
                        if isinstance(v, dict) and isinstance(v.get("day"), int) and v["day"] >= oldest
                        and os.path.exists(k)}
        write_json(self.path, self.entries)  # a read-only home: no cache, same results


FAMILIES = {
    "MI1": "token endpoints and the VM extension",
    "MI2": "token audiences",
    "MI3": "identity resources and identity blocks",
    "MI4": "Azure CLI and PowerShell identity commands",
    "MI5": "REST calls around identities",
    "MI6": "identifiers and role assignments",
    "MI7": "SDK credentials and libraries",
    "MI9": "milint itself",
}


def family_of(rule: Rule) -> str:
    if rule.family:
        return rule.family
    return FAMILIES.get(rule.id[:3], "")


class SelectionError(ValueError):
    """A --select/--ignore entry that names no rule."""


def outside_choices(allowed: Iterable, value: Any) -> list:
    """The values of an option (one, or a list) that are not among its allowed choices; choices
    are compared without case."""
    folded = {str(a).lower() for a in allowed}
    return [v for v in (value if isinstance(value, list) else [value]) if str(v).lower() not in folded]


def matches(rule: Rule, selector: str) -> bool:
    s = selector.strip()
    if s.upper() == "ALL":
        return True
    return rule.id == s.upper() or rule.name == s.lower() or rule.id.startswith(s.upper())


def select_rules(rules: list[Rule], select: Optional[list[str]] = None,
                 ignore: Optional[list[str]] = None, extend_select: Optional[list[str]] = None) -> list[Rule]:
    """ruff-style selection: `select` replaces the default (all), `ignore` removes."""
    for selector in (select or []) + (ignore or []) + (extend_select or []):
        if not any(matches(r, selector) for r in rules):
            raise SelectionError(f"{selector!r} matches no rule id, id prefix or rule name")
    chosen = [r for r in rules if not select or any(matches(r, s) for s in select)]
    if extend_select:
        chosen += [r for r in rules if r not in chosen and any(matches(r, s) for s in extend_select)]
    if ignore:
        chosen = [r for r in chosen if not any(matches(r, s) for s in ignore)]
    return sorted(chosen, key=lambda r: r.id)
