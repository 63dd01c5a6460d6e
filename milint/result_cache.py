"""The results of checking a file, kept between runs: pre-commit and CI mostly see files that did
not change since the last run, and a file's findings depend only on its bytes, its name and the run.

An entry is looked up by the file's path and the SHA-256 of its bytes.  Everything else a result
depends on -- milint's version and code, the plugins' code, the rule files, the Python version and
every setting of the run (selection, options, levels, limits, per-file ignores, the root) -- goes
into the name of the cache file, so a change to any of them starts a fresh one.  Only results that
the same input always gives are kept: not a file skipped for time, not one a rule crashed on.

Entries are JSON data, never pickles, and the folder comes from the command line or the
environment only, never from a configuration file: a pull request can change the configuration,
and must not be able to point milint at results it wrote itself.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import time
import zlib
from dataclasses import asdict
from pathlib import Path
from typing import Any, Optional

from . import __version__
from .discover import Notice
from .findings import Finding, Region, Related, Replacement, Suppression

FORMAT = 2  # of the entries below; part of the folder name
SHARDS = 64  # files per kind of run: a pre-commit batch reads the few that hold its files
KEEP_DAYS = 30  # an entry not used for this long (a deleted or renamed file) is dropped when saving
MAX_RUNS = 8  # kinds of run (cache folders) kept: a big repository takes some 250 bytes a file in each
# settings that cannot change a file's result
_NEUTRAL_SETTINGS = ("jobs", "baseline", "cache_dir", "load_entrypoints")
# libraries whose upgrade can change what milint finds (lexers, declarative checks, rule files)
_DEPENDENCIES = ("pygments", "jmespath", "yaml", "ahocorasick_rs")


class ResultCache:
    """Results of one kind of run (see `namespace`) under one root: a folder of SHARDS files, each
    holding the entries of the paths that hash to it, read when first needed and saved once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.today = int(time.time() // 86400)
        self._shards: dict[int, dict] = {}

    @classmethod
    def open(cls, base: Path, namespace: str) -> "ResultCache":
        return cls(base / "results" / f"v{FORMAT}-{namespace}")

    def has(self, relpath: str) -> bool:
        return relpath in self._shard(_shard_of(relpath))

    def lookup(self, relpath: str, data: bytes, kind: Optional[str]) -> Optional[tuple]:
        """(findings, notices, parsed, digest) recorded for these bytes at this path, or None."""
        entry = self._shard(_shard_of(relpath)).get(relpath)
        if not _is_entry(entry):
            return None
        digest = _digest(data)
        if entry[0] != digest or entry[1] != kind:
            return None
        try:
            findings, notices, parsed = decode_result(entry[3])
        except (ValueError, TypeError, IndexError, KeyError):  # a damaged entry is a miss
            return None
        return findings, notices, parsed, digest

    def record(self, relpath: str, data: bytes, kind: Optional[str], findings: list[Finding],
               notices: list[Notice], parsed: bool, digest: Optional[str] = None) -> list:
        """The entry for a result, to hand to `save` (workers record, the main process saves)."""
        return [relpath, [digest or _digest(data), kind, self.today, encode_result(findings, notices, parsed)]]

    def save(self, recorded: list, used: list[str]) -> None:
        """Write the new entries and the use dates of the old ones to the shards they belong to;
        entries long unused are dropped.  Each shard is read again first, so that runs side by side
        (pre-commit's batches) keep each other's entries; a run that found everything writes nothing."""
        from .cachedir import write_json

        changes: dict[int, list] = {}
        for rel, entry in recorded:
            changes.setdefault(_shard_of(rel), []).append((rel, entry))
        for rel in used:
            shard = _shard_of(rel)
            entry = self._shard(shard).get(rel)
            if _is_entry(entry) and entry[2] != self.today:
                changes.setdefault(shard, []).append((rel, entry[:2] + [self.today] + entry[3:]))
        written = False
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


def _shard_of(relpath: str) -> int:
    return zlib.crc32(relpath.encode("utf-8", "surrogatepass")) % SHARDS


def _is_entry(entry: Any) -> bool:
    """[digest, kind, day last used, result]"""
    return isinstance(entry, list) and len(entry) == 4 and isinstance(entry[2], int)


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


def _digest(data: bytes) -> str:
    from .fixes import digest

    return digest(data)


# ------------------------------------------------------------------ what names a cache file
def namespace(settings: Any, toolbox: Any, rule_ids: list[str], root: Path) -> str:
    """A digest of everything besides the file itself that a result depends on."""
    state = {
        "root": str(root),
        "milint": __version__, "python": list(sys.version_info[:3]), "format": FORMAT,
        "code": _stamps(_code_files(toolbox)),
        "rule_files": _stamps(sorted({str(r.source) for r in toolbox.rules})),
        "rules": rule_ids,
        "settings": {k: v for k, v in asdict(settings).items() if k not in _NEUTRAL_SETTINGS},
    }
    text = json.dumps(state, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _code_files(toolbox: Any) -> list[str]:
    """milint's own modules, those of every plugin and the libraries it reads with: an edited check
    (an editable install, a plugin in development) or an upgrade must not be answered from the cache."""
    package = Path(__file__).resolve().parent
    files = {str(p) for p in package.rglob("*.py")}
    for name in _DEPENDENCIES:  # found, not imported: their start-up cost stays where it was
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin:
            files.add(spec.origin)
    for plugin in toolbox.pm.get_plugins():
        module = sys.modules.get(getattr(plugin, "__name__", None) or type(plugin).__module__)
        file = getattr(module, "__file__", None)
        if file:
            files.add(str(Path(file).resolve()))
    return sorted(files)


def _stamps(files: list[str]) -> list:
    out = []
    for file in files:
        try:
            st = os.stat(file)
            out.append([file, st.st_size, st.st_mtime_ns])
        except OSError:
            out.append([file, None, None])
    return out


# ------------------------------------------------------------------ results as JSON
def encode_result(findings: list[Finding], notices: list[Notice], parsed: bool) -> list:
    return [[_encode_finding(f) for f in findings],
            [[n.path, n.message, n.level, n.reported] for n in notices], parsed]


def decode_result(data: list) -> tuple[list[Finding], list[Notice], bool]:
    findings_data, notices_data, parsed = data
    findings = [_decode_finding(f) for f in findings_data]
    notices = [Notice(str(p), str(m), str(level), bool(reported)) for p, m, level, reported in notices_data]
    return findings, notices, bool(parsed)


def _region(r: Region) -> list:
    return [r.start_line, r.start_column, r.end_line, r.end_column]


def _encode_finding(f: Finding) -> list:
    suppression = None if f.suppression is None else [f.suppression.kind, f.suppression.justification,
                                                       f.suppression.source]
    return [f.rule_id, f.rule_name, f.level, f.message, f.path, _region(f.region), f.start, f.end, f.snippet,
            [[x.start, x.end, x.text, _region(x.region)] for x in f.fix],
            [[r.path, _region(r.region), r.message] for r in f.related], suppression]


def _decode_finding(data: list) -> Finding:
    (rule_id, name, level, message, path, region, start, end, snippet, fix, related, suppression) = data
    return Finding(rule_id, name, level, message, path, Region(*region), start, end, snippet,
                   [Replacement(s, e, text, Region(*r)) for s, e, text, r in fix],
                   [Related(p, Region(*r), m) for p, r, m in related],
                   suppression=Suppression(*suppression) if suppression is not None else None)
