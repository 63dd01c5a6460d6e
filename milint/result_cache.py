"""The results of checking a file, kept between runs: pre-commit and CI mostly see files that did
not change since the last run, and a file's findings depend only on its bytes, its name and the run.

An entry is looked up by the file's path and the SHA-256 of its bytes, or, when the file's size and
modification time are those recorded with the entry, without reading it.  Everything else a result
depends on -- the content of milint's and its plugins' modules and of the rule files, the installed
versions of the libraries it reads with, the Python version, every setting of the run (selection,
options, levels, limits) and the root -- names the cache folder, so a change to any of them starts a
fresh one.  Per-file ignores depend on the path a file is named by: they are applied after the
look-up, not kept.  Only results that the same bytes always give are kept: not a file skipped for
time, one a rule crashed on, or one whose suppressions expire on a date.

Entries are JSON data, never pickles, read strictly (anything unexpected is a miss), and the folder
comes from the command line or the environment only, never from a configuration file: a pull
request can change the configuration, and must not be able to point milint at results it wrote.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import time
import types
import zlib
from dataclasses import asdict
from pathlib import Path
from typing import Any, Optional

from . import __version__, fixes
from .cachedir import KEEP_DAYS, today
from .cachedir import stamp as file_stamp
from .discover import Notice
from .findings import Finding, Region, Related, Replacement, Suppression

FORMAT = 3  # of the entries below; part of the folder name
SHARDS = 64  # files per kind of run: a pre-commit batch reads the few that hold its files
MAX_RUNS = 8  # kinds of run (cache folders) kept: a big repository takes some 250 bytes a file in each
# settings that cannot change a recorded result (per-file ignores are applied after the look-up)
_NEUTRAL_SETTINGS = ("jobs", "baseline", "cache_dir", "load_entrypoints", "per_file_ignores", "config_file")
# libraries whose upgrade can change what milint finds (lexers, declarative checks, rule files, the
# prefilter), by module and by distribution name as its metadata folder spells it, normalised
_DEPENDENCIES = {"pygments": "pygments_", "jmespath": "jmespath_", "yaml": "pyyaml_", "ahocorasick_rs": "ahocorasick_rs_"}


class ResultCache:
    """Results of one kind of run (see `namespace`) under one root: a folder of SHARDS files, each
    holding the entries of the paths that hash to it, read when first needed and saved once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.today = today()
        self._shards: dict[int, dict] = {}

    @classmethod
    def open(cls, base: Path, namespace: str) -> "ResultCache":
        return cls(base / "results" / f"v{FORMAT}-{namespace}")

    def __getstate__(self) -> dict:
        # a worker started by spawn only records entries: it does not need the shards read so far
        return {"folder": self.folder, "today": self.today, "_shards": {}}

    def has(self, relpath: str) -> bool:
        return relpath in self._shard(_shard_of(relpath))

    def lookup(self, relpath: str, data: bytes, kind: Optional[str]) -> Optional[tuple]:
        """(findings, notices, parsed, digest) recorded for these bytes at this path, or None."""
        entry = self._shard(_shard_of(relpath)).get(relpath)
        if not _is_entry(entry) or entry[0] != fixes.digest(data):
            return None
        return self._result(relpath, entry, kind)

    def lookup_unchanged(self, relpath: str, stamp: Optional[list], kind: Optional[str]) -> Optional[tuple]:
        """As `lookup`, for a file whose size and modification time (`stamp`) are what they were when
        its entry was kept: it is not read (as in git, make and ruff)."""
        entry = self._shard(_shard_of(relpath)).get(relpath)
        if stamp is None or not _is_entry(entry) or entry[4] != stamp:
            return None
        return self._result(relpath, entry, kind)

    def _result(self, relpath: str, entry: list, kind: Optional[str]) -> Optional[tuple]:
        if entry[1] != kind:
            return None
        try:
            findings, notices, parsed = decode_result(entry[3], relpath)
        except ValueError:  # a damaged entry is a miss
            return None
        return findings, notices, parsed, entry[0]

    def record(self, relpath: str, digest: str, kind: Optional[str], findings: list[Finding],
               notices: list[Notice], parsed: bool, stamp: Optional[list]) -> list:
        """The entry for a result, to hand to `save` (workers record, the main process saves)."""
        return [relpath, [digest, kind, self.today, encode_result(findings, notices, parsed), stamp]]

    def save(self, recorded: list, used: list[tuple[str, Optional[list]]]) -> None:
        """Write the new entries, and the use dates and the files' current size and time (`used`) of
        the old ones, to the shards they belong to; entries long unused are dropped.  Each shard is read again first, so that runs side by side
        (pre-commit's batches) keep each other's entries; a run that found everything writes nothing."""
        from .cachedir import write_json

        changes: dict[int, list] = {}
        for rel, entry in recorded:
            changes.setdefault(_shard_of(rel), []).append((rel, entry))
        for rel, stamp in used:
            shard = _shard_of(rel)
            entry = self._shard(shard).get(rel)
            if _is_entry(entry) and (entry[2] != self.today or entry[4] != stamp):
                changes.setdefault(shard, []).append((rel, entry[:2] + [self.today, entry[3], stamp]))
        written = False
        if changes:
            _ignore_in_git(self.folder.parent)
        oldest = self.today - KEEP_DAYS
        for shard, entries in changes.items():
            merged = self._read(shard)
            merged.update(entries)
            merged = {rel: e for rel, e in merged.items() if _is_entry(e) and e[2] >= oldest}
            written |= write_json(self._path(shard), {"format": FORMAT, "entries": merged})
        if written:
            _prune_runs(self.folder.parent, keep=self.folder)

    def _shard(self, shard: int) -> dict:
        entries = self._shards.get(shard)
        if entries is None:
            entries = self._shards[shard] = self._read(shard)
        return entries

    def _read(self, shard: int) -> dict:
        from .cachedir import read_json

        data = read_json(self._path(shard))
        entries = data.get("entries") if isinstance(data, dict) and data.get("format") == FORMAT else None
        return entries if isinstance(entries, dict) else {}

    def _path(self, shard: int) -> Path:
        return self.folder / f"{shard:02x}.json"


def _ignore_in_git(results: Path) -> None:
    """A cache folder inside a repository (``--cache-dir .cache``) is neither committed nor checked."""
    marker = results / ".gitignore"
    if not marker.exists():
        try:
            results.mkdir(parents=True, exist_ok=True)
            marker.write_text("# written by milint: its result cache\n*\n", encoding="utf-8")
        except OSError:
            pass


def _shard_of(relpath: str) -> int:
    return zlib.crc32(relpath.encode("utf-8", "surrogatepass")) % SHARDS


def _is_entry(entry: Any) -> bool:
    """[digest, kind, day last used, result, [size, mtime ns] or None]"""
    return (isinstance(entry, list) and len(entry) == 5 and isinstance(entry[0], str)
            and isinstance(entry[2], int) and (entry[4] is None or isinstance(entry[4], list)))


def _prune_runs(results: Path, keep: Path) -> None:
    """Drop the folders of other kinds of run once unused for KEEP_DAYS (an older milint, a changed
    configuration), and beyond the MAX_RUNS most recent: each edit of the settings starts one."""
    import shutil

    try:
        folders = [(p.stat().st_mtime, p) for p in results.glob(f"v{FORMAT}-*") if p.is_dir() and p != keep]
    except OSError:
        return
    folders.sort(reverse=True)
    oldest = time.time() - KEEP_DAYS * 86400
    for rank, (mtime, path) in enumerate(folders):
        if mtime < oldest or rank >= MAX_RUNS - 1:
            shutil.rmtree(path, ignore_errors=True)


# ------------------------------------------------------------------ what names a cache file
def for_run(base: Path, settings: Any, toolbox: Any, rule_ids: list[str], root: Path) -> ResultCache:
    """The cache of this kind of run.  The digests of code and rule files are remembered by size
    and modification time in the folder, so a run reads only the files that changed."""
    from .cachedir import read_json, write_json

    memo_path = base / "results" / "code-digests.json"
    known = read_json(memo_path)
    known = known if isinstance(known, dict) else {}
    now: dict = {}
    name = namespace(settings, toolbox, rule_ids, root, (known, now))
    if now != known:  # files that changed, or another kind of run's files: this run's are kept
        write_json(memo_path, now)
    return ResultCache.open(base, name)


def namespace(settings: Any, toolbox: Any, rule_ids: list[str], root: Path,
              memo: tuple[dict, dict]) -> str:
    """A digest of everything besides the file itself that a result depends on.  Code and rule
    files count by content, libraries by installed version: a fresh `pip install` in each CI job
    gives new modification times, not new results.  `memo`: file digests known, and those used."""
    known, now = memo
    state = {
        "root": str(root),
        "milint": __version__, "python": list(sys.version_info[:3]), "format": FORMAT,
        "code": _content_digest(_code_files(toolbox), known, now),
        "rule_files": _content_digest(sorted({str(r.source) for r in toolbox.rules}), known, now),
        "libraries": _library_versions(),
        "rules": rule_ids,
        "settings": {k: v for k, v in asdict(settings).items() if k not in _NEUTRAL_SETTINGS},
    }
    text = json.dumps(state, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _code_files(toolbox: Any) -> list[str]:
    """The modules of milint and of every plugin's package: an edited check (an editable install, a
    rule pack in development, a helper module a plugin imports) must not be answered from the cache."""
    packages = {Path(__file__).resolve().parent}
    files: set[str] = set()
    for plugin in toolbox.pm.get_plugins():
        name = plugin.__name__ if isinstance(plugin, types.ModuleType) else type(plugin).__module__
        top = sys.modules.get(name.split(".")[0])
        file = getattr(top, "__file__", None)
        if not file:
            continue
        path = Path(file).resolve()
        if path.name == "__init__.py":
            packages.add(path.parent)
        else:
            files.add(str(path))
    for package in packages:
        files.update(str(p) for p in package.rglob("*.py"))
    return sorted(files)


def _content_digest(files: list[str], known: dict, now: dict) -> str:
    """One digest of the files' names and contents.  `known` maps a file to [size, mtime ns, digest]
    as an earlier run saw it; `now` receives the same for these files as they are."""
    combined = hashlib.sha256()
    for file in files:
        combined.update(file.encode("utf-8", "surrogatepass") + b"\0")
        try:
            size_and_time = file_stamp(os.stat(file))
            seen = known.get(file)
            if isinstance(seen, list) and len(seen) == 3 and seen[:2] == size_and_time and isinstance(seen[2], str):
                file_digest = seen[2]
            else:
                with open(file, "rb") as fh:
                    file_digest = fixes.digest(fh.read())
            now[file] = size_and_time + [file_digest]
        except OSError:
            file_digest = "missing"
        combined.update(file_digest.encode("ascii", "replace"))
    return combined.hexdigest()


def _library_versions() -> list:
    """The installed distributions of the libraries whose upgrade can change what milint finds,
    by the name of their metadata folder (``pygments-2.19.1.dist-info``); found, not imported."""
    listings: dict[Path, list[str]] = {}
    out = []
    for module, dist in _DEPENDENCIES.items():
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.origin:
            out.append([module, None])
            continue
        origin = Path(spec.origin)
        site = origin.parent.parent if origin.name.startswith("__init__.") else origin.parent
        if site not in listings:
            try:
                listings[site] = os.listdir(site)
            except OSError:
                listings[site] = []
        out.append([module, sorted(n for n in listings[site] if n.lower().replace("-", "_").startswith(dist)
                                   and n.endswith((".dist-info", ".egg-info")))])
    return out


# ------------------------------------------------------------------ results as JSON
def encode_result(findings: list[Finding], notices: list[Notice], parsed: bool) -> list:
    return [[_encode_finding(f) for f in findings],
            [[n.path, n.message, n.level, n.reported] for n in notices], parsed]


def decode_result(data: Any, relpath: str) -> tuple[list[Finding], list[Notice], bool]:
    """The result `encode_result` wrote for the file at `relpath`; ValueError for anything else (a
    damaged or forged entry must be a miss, never a crash or a wrong report)."""
    findings_data, notices_data, parsed = _items(data, 3)
    findings = [_decode_finding(f, relpath) for f in _items(findings_data)]
    notices = []
    for item in _items(notices_data):
        path, message, level, reported = _items(item, 4)
        notices.append(Notice(_same(path, relpath), _text(message), _choice(level, _LEVELS), _flag(reported)))
    return findings, notices, _flag(parsed)


_LEVELS = ("error", "warning", "note")


def _items(value: Any, count: Optional[int] = None) -> list:
    if not isinstance(value, list) or (count is not None and len(value) != count):
        raise ValueError("not the list expected")
    return value


def _of(value: Any, kind: type) -> Any:
    if type(value) is not kind:  # exactly: a bool is not a number here
        raise ValueError(f"not a {kind.__name__}")
    return value


def _text(value: Any) -> str:
    return _of(value, str)


def _flag(value: Any) -> bool:
    return _of(value, bool)


def _number(value: Any) -> int:
    if _of(value, int) < 0:
        raise ValueError("a negative count")
    return value


def _choice(value: Any, choices: tuple) -> str:
    if value not in choices:
        raise ValueError("not one of the choices")
    return value


def _same(value: Any, relpath: str) -> str:
    if value != relpath:
        raise ValueError("about another file")
    return value


def _decode_region(value: Any) -> Region:
    return Region(*(_number(n) for n in _items(value, 4)))


def _region(r: Region) -> list:
    return [r.start_line, r.start_column, r.end_line, r.end_column]


def _encode_finding(f: Finding) -> list:
    suppression = None if f.suppression is None else [f.suppression.kind, f.suppression.justification,
                                                       f.suppression.source]
    return [f.rule_id, f.rule_name, f.level, f.message, f.path, _region(f.region), f.start, f.end, f.snippet,
            [[x.start, x.end, x.text, _region(x.region)] for x in f.fix],
            [[r.path, _region(r.region), r.message] for r in f.related], suppression]


def _decode_finding(data: Any, relpath: str) -> Finding:
    (rule_id, name, level, message, path, region, start, end, snippet, fix, related,
     suppression) = _items(data, 12)
    replacements = []
    for item in _items(fix):
        s, e, text, where = _items(item, 4)
        replacements.append(Replacement(_number(s), _number(e), _text(text), _decode_region(where)))
    notes = []
    for item in _items(related):
        other, where, note = _items(item, 3)
        notes.append(Related(_same(other, relpath), _decode_region(where), _text(note)))
    if suppression is not None:
        kind, justification, source = _items(suppression, 3)
        suppression = Suppression(_choice(kind, ("inSource", "external")), _text(justification), _text(source))
    return Finding(_text(rule_id), _text(name), _choice(level, _LEVELS), _text(message), _same(path, relpath),
                   _decode_region(region), _number(start), _number(end), _text(snippet), replacements, notes,
                   suppression=suppression)
