"""Project configuration: ``[tool.milint]`` in pyproject.toml, or ``.milint.yaml``.

The file is looked for upward from the folder that holds every checked path (the current folder
when none is given), as ruff does; in one folder ``.milint.yaml`` wins over pyproject.toml, and a
pyproject.toml without ``[tool.milint]`` is passed over.  ``--config FILE`` names the file, and
``--isolated`` ignores every file.  Globs and paths in the file are relative to its folder; globs
follow .gitignore syntax (a name without ``/`` matches at any depth, ``dir/`` a folder, ``**``
any depth), and a path matches when it, or a folder above it, does.

Nothing heavy is imported unless a file is found: a pyproject.toml is parsed only when its bytes
mention milint, and YAML only for ``.milint.yaml``.  Every mistake is a `ConfigError` that names
the file and the key (the command line exits 2).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

YAML_NAMES = (".milint.yaml", ".milint.yml")
PYPROJECT = "pyproject.toml"
LEVELS = ("error", "warning", "note")
FAIL_ON = LEVELS + ("never",)


class ConfigError(ValueError):
    """A configuration file that cannot be used: the message names the file and the key."""


class Config:
    """One configuration file, read and type-checked (a plain class: start-up stays light)."""

    def __init__(self, path: Path):
        self.path = path
        self.select: Optional[list[str]] = None
        self.ignore: list[str] = []
        self.extend_select: list[str] = []
        self.per_file_ignores: dict[str, list[str]] = {}
        self.levels: dict[str, str] = {}
        self.fail_on: Optional[str] = None
        self.include: list[str] = []
        self.exclude: list[str] = []
        self.rule_paths: list[str] = []  # absolute
        self.options: dict[str, dict] = {}
        self.max_file_size: Optional[int] = None
        self.max_depth: Optional[int] = None  # limits read by the sources
        self.timeout_per_file: Optional[float] = None
        self.require_reason = False
        self.baseline: Optional[str] = None  # absolute

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def label(self) -> str:
        """How messages name the file: relative to the current folder when it is below it."""
        name = _display(self.path)
        return f"{name}: [tool.milint]" if self.path.name == PYPROJECT else name

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.label} {key}: {problem}" if key else f"{self.label}: {problem}")


# ------------------------------------------------------------------ finding and reading the file
def find_config_file(paths: list[str], cwd: Optional[str] = None) -> Optional[Path]:
    """The configuration that governs `paths`: the nearest one above their common folder."""
    cwd = os.path.abspath(cwd or os.getcwd())
    folders = []
    for p in paths or [cwd]:
        full = os.path.abspath(os.path.join(cwd, p))
        folders.append(full if os.path.isdir(full) else os.path.dirname(full))
    try:
        start = Path(os.path.commonpath(folders))
    except ValueError:  # different drives
        start = Path(cwd)
    for folder in [start, *start.parents]:
        for name in YAML_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _mentions_milint(pyproject):
            return pyproject
    return None


def _mentions_milint(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if b"milint" not in data:
        return False  # most pyproject.toml files: no TOML parser is ever imported
    try:
        table = _read_toml(path, data).get("tool", {})
    except ConfigError:
        return b"tool.milint" in data  # broken, but meant for us: let loading report it
    return isinstance(table, dict) and "milint" in table


def _read_toml(path: Path, data: bytes) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{_display(path)}: not valid TOML: {exc}") from None


def load_config(path: Path) -> Config:
    """Read and type-check one configuration file (rule names are checked by `resolve`)."""
    path = Path(os.path.abspath(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{_display(path)}: cannot read the configuration: {exc.strerror or exc}") from None
    if path.name == PYPROJECT:
        table = _read_toml(path, data).get("tool", {})
        raw = table.get("milint", {}) if isinstance(table, dict) else {}
    elif path.suffix == ".toml":  # a file named by --config holds the keys at its top level
        raw = _read_toml(path, data)
    else:
        raw = _read_yaml(path, data)
    config = Config(path)
    if not isinstance(raw, dict):
        raise config.error("", "the configuration must be a mapping of keys to values")
    for key, value in raw.items():
        reader = _KEYS.get(key)
        if reader is None:
            raise config.error(str(key), f"unknown key; milint reads {', '.join(sorted(_KEYS))}")
        reader(config, key, value)
    return config


def _read_yaml(path: Path, data: bytes) -> Any:
    import yaml

    try:
        raw = yaml.safe_load(data) if data.strip() else {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{_display(path)}: not valid YAML: {exc}") from None
    return {} if raw is None else raw


def discover_config(paths: list[str], explicit: Optional[str] = None, isolated: bool = False) -> Optional[Config]:
    if isolated:
        return None
    if explicit:
        if not os.path.isfile(explicit):
            raise ConfigError(f"{explicit}: no such configuration file")
        return load_config(Path(explicit))
    found = find_config_file(paths)
    return load_config(found) if found else None


def _display(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


# ------------------------------------------------------------------ one reader per key
def _rules_list(config: Config, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise config.error(key, "must be a list of rule ids, id prefixes or rule names")
    return [v.strip() for v in value if v.strip()]


def _globs(config: Config, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise config.error(key, "must be a list of glob patterns")
    return [v.strip() for v in value]


def _mapping(config: Config, key: str, value: Any) -> dict:
    if not isinstance(value, dict):
        raise config.error(key, "must be a table (a mapping)")
    return value


def _positive(config: Config, key: str, value: Any, kind: type) -> Any:
    ok = isinstance(value, (int, float) if kind is float else int) and not isinstance(value, bool)
    if not ok or value <= 0:
        raise config.error(key, f"must be a positive {'number' if kind is float else 'whole number'}")
    return value


def _set(attr: str, read):
    def reader(config: Config, key: str, value: Any) -> None:
        setattr(config, attr, read(config, key, value))
    return reader


def _read_per_file_ignores(config: Config, key: str, value: Any) -> dict:
    out = {}
    for pattern, rules in _mapping(config, key, value).items():
        out[str(pattern)] = _rules_list(config, f"{key}.{pattern}", rules)
    return out


def _read_levels(config: Config, key: str, value: Any) -> dict:
    out = {}
    for rule, level in _mapping(config, key, value).items():
        if level not in LEVELS:
            raise config.error(f"{key}.{rule}", f"{level!r} is not a level; use error, warning or note")
        out[str(rule)] = level
    return out


def _read_fail_on(config: Config, key: str, value: Any) -> str:
    if value not in FAIL_ON:
        raise config.error(key, f"{value!r} is not one of {', '.join(FAIL_ON)}")
    return value


def _read_rule_paths(config: Config, key: str, value: Any) -> list[str]:
    out = []
    for entry in _globs(config, key, value):
        full = os.path.normpath(os.path.join(config.folder, entry))
        if not os.path.exists(full):
            raise config.error(key, f"{entry!r} does not exist (paths are relative to {_display(config.folder)})")
        out.append(full)
    return out


def _read_options(config: Config, key: str, value: Any) -> dict:
    out = {}
    for rule, options in _mapping(config, key, value).items():
        out[str(rule)] = dict(_mapping(config, f"{key}.{rule}", options))
    return out


def _read_bool(config: Config, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise config.error(key, "must be true or false")
    return value


def _read_baseline(config: Config, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise config.error(key, "must be the path of a baseline file")
    return os.path.normpath(os.path.join(config.folder, value))


_KEYS = {
    "select": _set("select", _rules_list),
    "ignore": _set("ignore", _rules_list),
    "extend-select": _set("extend_select", _rules_list),
    "per-file-ignores": _set("per_file_ignores", _read_per_file_ignores),
    "levels": _set("levels", _read_levels),
    "fail-on": _set("fail_on", _read_fail_on),
    "include": _set("include", _globs),
    "exclude": _set("exclude", _globs),
    "rule-paths": _set("rule_paths", _read_rule_paths),
    "options": _set("options", _read_options),
    "max-file-size": _set("max_file_size", lambda c, k, v: _positive(c, k, v, int)),
    "max-depth": _set("max_depth", lambda c, k, v: _positive(c, k, v, int)),
    "timeout-per-file": _set("timeout_per_file", lambda c, k, v: _positive(c, k, v, float)),
    "require-reason": _set("require_reason", _read_bool),
    "baseline": _set("baseline", _read_baseline),
}


# ------------------------------------------------------------------ rule names, once the rules are known
class ResolvedRules:
    """The configuration's rule names as rule ids."""

    def __init__(self, per_file_ignores: list, levels: dict, options: dict):
        self.per_file_ignores = per_file_ignores  # (folder, glob, rule ids)
        self.levels = levels  # rule id -> level
        self.options = options  # rule id -> option values


def resolve(config: Config, rules: list) -> ResolvedRules:
    """Check every rule name in the configuration against the known rules (built-in, plugins and
    rule-paths) and turn selectors into rule ids."""
    from .rulebook import matches

    def ids(key: str, selectors: list[str]) -> list[str]:
        out = []
        for selector in selectors:
            chosen = [r.id for r in rules if matches(r, selector)]
            if not chosen:
                raise config.error(key, f"{selector!r} matches no rule id, id prefix or rule name "
                                        "(`milint rules` lists them)")
            out.extend(chosen)
        return out

    for key, selectors in (("select", config.select or []), ("ignore", config.ignore),
                           ("extend-select", config.extend_select)):
        ids(key, selectors)
    folder = str(config.folder)
    per_file = [(folder, pattern, tuple(sorted(set(ids(f"per-file-ignores.{pattern}", selectors)))))
                for pattern, selectors in config.per_file_ignores.items()]
    levels = {}
    for selector, level in config.levels.items():
        for rule_id in ids(f"levels.{selector}", [selector]):
            levels[rule_id] = level
    by_id = {r.id: r for r in rules}
    options: dict[str, dict] = {}
    for selector, values in config.options.items():
        for rule_id in ids(f"options.{selector}", [selector]):
            options[rule_id] = _checked_options(config, f"options.{selector}", by_id[rule_id], values)
    return ResolvedRules(per_file, levels, options)


def _checked_options(config: Config, key: str, rule, values: dict) -> dict:
    declared = rule.options
    for name, value in values.items():
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise config.error(f"{key}.{name}", f"rule {rule.id} has no option {name!r} (its options: {known})")
        default = declared[name]
        if default is not None and not _same_type(default, value):
            raise config.error(f"{key}.{name}", f"must be a {type(default).__name__}, like the default "
                                                f"{default!r}")
        allowed = rule.option_choices.get(name)
        if allowed is not None:
            from .rulebook import outside_choices

            wrong = outside_choices(allowed, value)
            if wrong:
                raise config.error(f"{key}.{name}", f"{wrong[0]!r} is not one of {', '.join(map(str, allowed))}")
    return dict(values)


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


# ------------------------------------------------------------------ globs
class PathMatcher:
    """.gitignore-style globs relative to a folder; a path matches when it or a folder above it does."""

    def __init__(self, folder: str, patterns: list[str]):
        from .gitignore import IgnoreFile

        self.folder = os.path.abspath(folder)
        self.patterns = IgnoreFile("", list(patterns))

    def matches(self, path: str) -> bool:
        rel = os.path.relpath(os.path.abspath(path), self.folder).replace(os.sep, "/")
        if rel == ".." or rel.startswith("../"):
            return False
        parts = rel.split("/")
        for i in range(1, len(parts)):
            if self.patterns.verdict("/".join(parts[:i]), True):
                return True
        return bool(self.patterns.verdict(rel, False))


def matchers(entries: list[tuple[str, str]]) -> list[PathMatcher]:
    """One matcher per folder for (folder, glob) pairs."""
    by_folder: dict[str, list[str]] = {}
    for folder, pattern in entries:
        by_folder.setdefault(folder, []).append(pattern)
    return [PathMatcher(folder, patterns) for folder, patterns in by_folder.items()]
