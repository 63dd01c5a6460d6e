"""The only place that knows the order of the stages:
discover -> include/exclude -> read -> prefilter -> parse (sources) -> facts -> checks -> findings
-> inline suppressions -> per-file ignores -> fingerprints -> baseline; and, on request, fixes."""
from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from . import __version__
from .discover import Candidate, Notice, discover
from .findings import (Finding, Region, Related, Replacement, Suppression, assign_fingerprints,
                       format_message)
from .rulebook import Rule, load_rules, select_rules

PARSE_ERROR = "MI900"
FILE_SKIPPED = "MI901"
SUPPRESSION_RULES = ("MI902", "MI903")  # suppress.UNUSED and suppress.EXPIRED (imported only when needed)
DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024
DEFAULT_MAX_DEPTH = 512  # JSON nesting; real templates stay far below, hostile ones go far above
MAX_FINDINGS_PER_RULE = 500  # per file: a generated file repeating one mistake must not flood the report
DEFAULT_TIMEOUT_PER_FILE = 30.0  # seconds; a file that takes longer is skipped with a note (MI901)
HEAD_BYTES = 8192


@dataclass
class Settings:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    forced_kind: Optional[str] = None
    prefilter: bool = True
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    jobs: int = 1  # processes; 0: decide from the number of files (auto_jobs)
    load_entrypoints: bool = True
    extra_rule_paths: list[str] = field(default_factory=list)
    level_overrides: dict = field(default_factory=dict)
    use_gitignore: bool = True
    root: Optional[str] = None
    # set from the configuration file (milint/config.py), with the command line on top
    config_file: str = ""  # how messages name it
    config_selection: Optional[tuple[list, list, list]] = None  # select, ignore, extend-select
    per_file_ignores: list = field(default_factory=list)  # (folder, glob, rule ids)
    include: list = field(default_factory=list)  # (folder, glob)
    exclude: list = field(default_factory=list)  # (folder, glob)
    rule_options: dict = field(default_factory=dict)  # rule id -> {option: value}
    require_reason: bool = False  # suppressions must say why
    baseline: Optional[str] = None  # a baseline file: findings recorded in it are suppressed
    max_depth: Optional[int] = None  # nesting limit of JSON sources (None: DEFAULT_MAX_DEPTH)
    timeout_per_file: Optional[float] = None  # seconds to read one file (None: DEFAULT_TIMEOUT_PER_FILE)
    cache_dir: Optional[str] = None  # keep results between runs here (milint/result_cache.py); None: do not


class Toolbox:
    """Plugins, every known rule, the checks bound to them, and the reporters."""

    def __init__(self, settings: Settings):
        from .checks.declarative import DeclarativeCheck
        from .plugin import plugin_manager

        self.pm = plugin_manager(load_entrypoints=settings.load_entrypoints)
        checks: dict[str, Callable] = {}
        for table in self.pm.hook.milint_checks():
            checks.update(table or {})
        rule_paths: list[tuple[str, Path]] = []
        for plugin, paths in zip(self._plugin_names("milint_rule_paths"), self.pm.hook.milint_rule_paths()):
            rule_paths.extend((plugin, Path(p)) for p in paths or [])
        rule_paths.extend(("config", Path(p)) for p in settings.extra_rule_paths)
        self.rules: list[Rule] = []
        seen: dict[str, Rule] = {}
        for origin, path in sorted(rule_paths, key=lambda item: item[0] != "milint.checks.plugin"):
            for rule in load_rules([path]):
                rule.origin = "milint" if origin == "milint.checks.plugin" else origin
                if origin == "config" and not isinstance(rule.check, dict):
                    # configuration is data: its rules may not bind to code
                    raise ValueError(f"{rule.source}: rule {rule.id} comes from rule-paths, so its check "
                                     f"must be declarative (a mapping), not {rule.check!r}")
                if rule.id in seen:
                    raise ValueError(f"rule {rule.id} is defined twice: {seen[rule.id].source} and {rule.source}")
                seen[rule.id] = rule
                self.rules.append(rule)
        self.rules.sort(key=lambda r: r.id)
        self.by_id = {r.id: r for r in self.rules}
        self.checks: dict[str, Callable] = {}
        for rule in self.rules:
            if rule.check == "python":
                if rule.id not in checks:
                    raise ValueError(f"{rule.source}: rule {rule.id} says check: python, "
                                     "but no plugin registers a check for it")
                self.checks[rule.id] = checks[rule.id]
            elif isinstance(rule.check, dict):
                self.checks[rule.id] = DeclarativeCheck(rule.check, rule.source)
        reporters: dict[str, Callable] = {}
        for table in reversed(self.pm.hook.milint_reporters()):
            reporters.update(table or {})
        self.reporters = reporters

    def _plugin_names(self, hook_name: str) -> list[str]:
        impls = getattr(self.pm.hook, hook_name).get_hookimpls()
        return [impl.plugin_name for impl in reversed(impls)]  # the order results come back in

    def find(self, key: str) -> Optional[Rule]:
        key = key.strip()
        return self.by_id.get(key.upper()) or next((r for r in self.rules if r.name == key.lower()), None)

    def classify(self, name: str, head: bytes = b"") -> Optional[str]:
        return self.pm.hook.milint_classify(name=name, head=head)


@dataclass
class Report:
    findings: list[Finding]
    notices: list[Notice]
    rules: list[Rule]
    root: Path
    files_seen: int = 0
    files_parsed: int = 0
    errors: int = 0  # internal errors: the run exits 2
    version: str = __version__
    baseline: Any = None  # the baseline applied (milint.baseline.Baseline)
    baseline_gone: int = 0  # findings recorded in the baseline that no longer occur
    checked: dict = field(default_factory=dict)  # relpath -> (Candidate, digest) of files with fixes
    files: Optional[list[str]] = None  # relpaths of the files looked at (None: not known)
    files_cached: int = 0  # of files_seen, how many had their results from the cache of earlier runs


class FileChecker:
    """Everything needed to check one file; built once per process."""

    def __init__(self, toolbox: Toolbox, rules: list[Rule], settings: Settings):
        self.toolbox = toolbox
        self.settings = settings
        self.rules = [r for r in rules if not r.is_tool_rule]
        self.tool_rules = {r.id: r for r in rules if r.is_tool_rule}
        from .prefilter import TriggerIndex

        self.index = TriggerIndex(t for r in self.rules for t in r.triggers_lower)
        self.rule_triggers = {r.id: frozenset(t.encode("utf-8") for t in r.triggers_lower) for r in self.rules}
        # per rule, what run_rules tests before running it: its check, triggers and fact kinds
        self._runnable = [(r, toolbox.checks[r.id], self.rule_triggers[r.id], tuple(r.facts or ()))
                          for r in self.rules if r.id in toolbox.checks]
        # per trigger, the fact kinds its rules read (None: a rule that does not say)
        self._kinds_of_trigger: dict[bytes, Optional[frozenset]] = {}
        for r in self.rules:
            for trigger in self.rule_triggers[r.id]:
                known = self._kinds_of_trigger.get(trigger, frozenset())
                self._kinds_of_trigger[trigger] = (None if known is None or not r.facts
                                                   else known | frozenset(r.facts))
        # a file that mentions only a suppression is still read: it may hold an unused one
        self.reads_suppressions = any(i in self.tool_rules for i in SUPPRESSION_RULES)
        self.options = {r.id: {**r.options, **settings.rule_options.get(r.id, {})} for r in self.rules}
        self.active_ids = frozenset(r.id for r in rules)
        self._policy = None
        self.results = None  # a result_cache.ResultCache, when the run keeps results between runs
        # the last file's result may differ with the same bytes (its time ran out, a suppression in
        # it expires): it is not kept between runs
        self._unrepeatable = False
        self.path_ignores = []
        if settings.per_file_ignores:
            from .config import matchers

            self.path_ignores = [(matcher, frozenset(ids)) for folder, glob, ids in settings.per_file_ignores
                                 for matcher in matchers([(folder, glob)])]

    def _rule_id(self, reference: str) -> Optional[str]:
        rule = self.toolbox.find(reference)
        return rule.id if rule is not None else None

    def passes_prefilter(self, data_lower: bytes) -> bool:
        return bool(self.index.found(data_lower)) or (self.reads_suppressions and b"milint:" in data_lower)

    def check(self, candidate: Candidate) -> tuple[list[Finding], list[Notice], bool, Optional[str], Any]:
        """Findings and notices of one file, whether it was parsed, (when a finding offers a fix) the
        digest of the bytes that were checked, and, when the run keeps results, the entry to keep
        (`ResultCache.save`) or None."""
        data, unread, st = self._read(candidate)
        if data is None:
            return unread + (None, None)
        results = self.results
        self._unrepeatable = False
        findings, notices, parsed = self.result_of(candidate, data, [])
        fixable = any(f.fix for f in findings)
        digest = _digest(data) if fixable or results is not None else None
        entry = None
        if (results is not None and not self._unrepeatable
                and not any(n.level == "error" for n in notices)):  # only what the same bytes always give
            entry = results.record(candidate.relpath, digest, candidate.kind, findings, notices, parsed,
                                   stamp_of(st))
        self.suppress_by_path(candidate, findings)  # after recording: the path is not in the entry's key
        return findings, notices, parsed, digest if fixable else None, entry

    def from_cache(self, candidate: Candidate) -> Optional[tuple]:
        """What `check` would give, as an earlier run recorded it for the file as it is now, or None;
        in the place of check's entry, the file's size and time to keep with the old entry."""
        if self.results is None or not self.results.has(candidate.relpath):
            return None
        try:
            st = os.stat(candidate.path)
        except OSError:
            return None
        stamp = stamp_of(st)
        # the same size and modification time as when the entry was kept: not even read
        hit = self.results.lookup_unchanged(candidate.relpath, stamp, candidate.kind)
        if hit is None:
            data, _, _ = self._read(candidate, st)
            hit = self.results.lookup(candidate.relpath, data, candidate.kind) if data is not None else None
        if hit is None:
            return None
        findings, notices, parsed, digest = hit
        self.suppress_by_path(candidate, findings)
        return findings, notices, parsed, digest if any(f.fix for f in findings) else None, stamp

    def _read(self, candidate: Candidate, st: Optional[os.stat_result] = None
              ) -> tuple[Optional[bytes], Optional[tuple], Optional[os.stat_result]]:
        """The file's bytes and its status (`st`, when the caller has it); or None and the result of a
        file that is not read (too large, unreadable)."""
        notices: list[Notice] = []
        try:
            st = st or os.stat(candidate.path)
            if st.st_size > self.settings.max_file_size:  # known from its size: not even opened
                return None, self.check_bytes(candidate, b"", notices, st.st_size), None
            with open(candidate.path, "rb") as fh:
                return fh.read(self.settings.max_file_size + 1), None, st
        except OSError as exc:
            notices.append(Notice(candidate.relpath, f"cannot read file: {exc.strerror or exc}", "warning"))
            return None, ([], notices, False), None

    def check_bytes(self, candidate: Candidate, data: bytes, notices: list[Notice],
                    size: Optional[int] = None) -> tuple[list[Finding], list[Notice], bool]:
        """Findings of a file's bytes with every suppression applied (in the file and by its path), the
        notices, and whether it was parsed.  Over the size limit (`size`, else the data's), it is skipped."""
        findings, notices, parsed = self.result_of(candidate, data, notices, size)
        self.suppress_by_path(candidate, findings)
        return findings, notices, parsed

    def result_of(self, candidate: Candidate, data: bytes, notices: list[Notice],
                  size: Optional[int] = None) -> tuple[list[Finding], list[Notice], bool]:
        """As `check_bytes`, without the suppressions that the file's path gets from the configuration."""
        size = len(data) if size is None else size
        limit = self.settings.max_file_size
        if size > limit:
            findings = self._skipped(candidate.relpath, f"file is {size:,} bytes, over the {limit:,}-byte limit; "
                                     "not checked", notices)
            parsed = False
        else:
            findings, parsed = self.check_data(candidate, data, notices)
        return findings, notices, parsed

    def check_data(self, candidate: Candidate, data: bytes, notices: list[Notice]) -> tuple[list[Finding], bool]:
        """Findings of one file's bytes (inline suppressions applied), and whether it was parsed."""
        from .document import Document
        from .text import DecodeError, decode, looks_binary

        rel = candidate.relpath
        head = data[:HEAD_BYTES]
        kind = candidate.kind or self.toolbox.classify(os.path.basename(candidate.path), head)
        if kind is None:
            return [], False
        if looks_binary(head):
            if candidate.kind is not None:
                return self._skipped(rel, f"binary content in a {kind} file; not checked", notices), False
            return [], False
        found: frozenset = frozenset()
        if self.settings.prefilter and b"\x00" not in head:
            lowered = data.lower()
            found = self.index.found(lowered)
            if not found and not (self.reads_suppressions and b"milint:" in lowered):
                return [], False
        try:
            decoded = decode(data)
        except DecodeError as exc:
            doc = Document(Path(candidate.path), rel, kind, decode(b""))
            return self._parse_error(doc, str(exc), None, notices, byte_offset=exc.offset, data=data), False
        document = Document(Path(candidate.path), rel, kind, decoded)
        if self.settings.prefilter and b"\x00" in head:  # UTF-16: look at the decoded text
            lowered = document.lower.encode("utf-8")
            found = self.index.found(lowered)
            if not found and not (self.reads_suppressions and b"milint:" in lowered):
                return [], False
        document.triggers_found = found
        document.wants = self.wanted_facts(found) if self.settings.prefilter else None
        document.max_depth = self.settings.max_depth or DEFAULT_MAX_DEPTH
        from .timelimit import OverLimit, time_limit

        try:
            with time_limit(self.settings.timeout_per_file or DEFAULT_TIMEOUT_PER_FILE):
                return self._facts_and_findings(document, notices), True
        except OverLimit as exc:
            self._unrepeatable = True
            return self._skipped(rel, f"{exc}; not checked ({exc.hint})", notices), True

    def _facts_and_findings(self, document, notices: list[Notice]) -> list[Finding]:
        try:
            facts = [f for part in self.toolbox.pm.hook.milint_extract_facts(document=document)
                     if part for f in part]
        except RecursionError:
            document.problem("too deeply nested to read")
            facts = []
        except Exception as exc:  # a bug in a source: report it, keep checking other files
            notices.append(Notice(document.relpath, f"internal error while reading: {exc!r}\n"
                                  f"{traceback.format_exc()}", "error"))
            return []
        findings: list[Finding] = []
        for message, start, end in document.problems:
            findings.extend(self._parse_error(document, message, (start, end), notices))
        findings.extend(self.run_rules(document, facts, notices))
        findings.extend(self.suppress_inline(document, findings, notices))
        return findings

    def suppress_inline(self, document, findings: list[Finding], notices: list[Notice]) -> list[Finding]:
        """Mark what the file's own comments and ARM metadata suppress; findings about those suppressions."""
        if "milint" not in document.lower:
            return []  # nearly every file: nothing to import, nothing to read
        from .suppress import Policy, suppress_inline

        if self._policy is None:
            self._policy = Policy(resolve=self._rule_id, active=self.active_ids,
                                  require_reason=self.settings.require_reason)
        try:
            problems = suppress_inline(document, findings, self._policy)
        except Exception as exc:  # a bug here must not lose the file's findings
            notices.append(Notice(document.relpath, f"internal error while reading suppressions: {exc!r}\n"
                                  f"{traceback.format_exc()}", "error"))
            return []
        if document.suppressions_expire:
            self._unrepeatable = True  # on the expiry date the same bytes give another result (MI903)
        out = []
        for problem in problems:
            rule = self.tool_rules.get(problem.rule_id)
            if rule is None:
                continue
            region = Region(*document.region(problem.start, problem.end))
            out.append(Finding(rule.id, rule.name, self.level_of(rule),
                               format_message(rule.message, {"detail": problem.detail}), document.relpath,
                               region, problem.start, problem.end, document.text[problem.start:problem.end]))
        return out

    def suppress_by_path(self, candidate: Candidate, findings: list[Finding]) -> None:
        """The configuration's per-file-ignores: kept as findings, suppressed (SARIF external)."""
        if not self.path_ignores or not findings:
            return
        ignored: set[str] = set()
        for matcher, ids in self.path_ignores:
            if matcher.matches(str(candidate.path)):
                ignored |= ids
        why = f"per-file-ignores in {self.settings.config_file or 'the configuration'}"
        for finding in findings:
            if finding.suppression is None and finding.rule_id in ignored:
                finding.suppression = Suppression("external", why, "config")

    def wanted_facts(self, found: frozenset) -> Optional[frozenset]:
        """The fact kinds read by the rules whose triggers occur in the file (None: all kinds)."""
        kinds: set = set()
        for trigger in found:
            wanted = self._kinds_of_trigger.get(trigger, frozenset())
            if wanted is None:
                return None
            kinds.update(wanted)
        return frozenset(kinds)

    def run_rules(self, document, facts: list[dict], notices: list[Notice]) -> list[Finding]:
        from .checks import CheckContext, group_facts

        findings: list[Finding] = []
        if not facts:
            return findings
        by_kind = group_facts(facts)
        kinds_here = by_kind.keys()
        found = getattr(document, "triggers_found", None)
        if not self.settings.prefilter:
            found = None
        for rule, check, triggers, kinds in self._runnable:
            if found is not None and triggers.isdisjoint(found):
                continue  # none of this rule's triggers is in the file: it cannot fire
            if kinds and kinds_here.isdisjoint(kinds):
                continue  # checks read facts only through facts_of, and none of its kinds is here
            try:
                count = 0
                for hit in check(CheckContext(document, facts, rule, self.options.get(rule.id), by_kind)):
                    if count == MAX_FINDINGS_PER_RULE:
                        notices.append(Notice(document.relpath, f"{rule.id} found more than "
                                              f"{MAX_FINDINGS_PER_RULE} problems in this file; the rest are "
                                              "not listed", "warning"))
                        break
                    findings.append(self.to_finding(rule, document, hit))
                    count += 1
            except Exception as exc:  # a bug in a rule: report it, keep going
                notices.append(Notice(document.relpath, f"internal error in rule {rule.id}: {exc!r}\n"
                                      f"{traceback.format_exc()}", "error"))
        return findings

    def level_of(self, rule: Rule) -> str:
        return self.settings.level_overrides.get(rule.id, rule.level)

    def to_finding(self, rule: Rule, document, hit) -> Finding:
        start, end = hit.at.span()
        region = Region(*document.region(start, end))
        message = format_message(hit.message or rule.message, hit.args)
        fix = [Replacement(s, e, edit.text, Region(*document.region(s, e)))
               for edit in hit.fix or [] for s, e in [edit.at.span()]]
        related = []
        for at, text in hit.related:
            s, e = at.span()
            related.append(Related(document.relpath, Region(*document.region(s, e)), text))
        return Finding(rule.id, rule.name, self.level_of(rule), message, document.relpath, region,
                       start, end, document.text[start:end], fix, related)

    def _skipped(self, rel: str, message: str, notices: list[Notice]) -> list[Finding]:
        rule = self.tool_rules.get(FILE_SKIPPED)
        if rule is None:
            notices.append(Notice(rel, message))
            return []
        return [Finding(rule.id, rule.name, self.level_of(rule), message, rel, Region(1, 1, 1, 1))]

    def _parse_error(self, document, message: str, span: Optional[tuple[int, int]], notices: list[Notice],
                     byte_offset: Optional[int] = None, data: bytes = b"") -> list[Finding]:
        if span is not None:
            region = Region(*document.region(*span))
        else:  # undecodable bytes: the line and column of the first bad byte
            before = data[:byte_offset or 0]
            line = before.count(b"\n") + 1
            col = len(before) - (before.rfind(b"\n") + 1) + 1
            region = Region(line, col, line, col)
        rule = self.tool_rules.get(PARSE_ERROR)
        notices.append(Notice(document.relpath, f"{region.start_line}:{region.start_column}: {message}", "warning",
                              reported=rule is not None))
        if rule is None:
            return []
        start, end = span or (0, 0)
        return [Finding(rule.id, rule.name, self.level_of(rule), message, document.relpath, region, start, end,
                        document.text[start:end])]


# one per worker process
_WORKER: Optional[FileChecker] = None
# the main process's checker while it forks workers: they inherit it, rules, plugins and all
_FORK_PARENT: Optional[FileChecker] = None


def _init_worker(settings: Settings, rule_ids: list[str], results: Any) -> None:
    global _WORKER
    if _FORK_PARENT is not None:  # a forked worker: building its own would only repeat the parent's work
        _WORKER = _FORK_PARENT
        return
    toolbox = Toolbox(settings)
    _WORKER = FileChecker(toolbox, [toolbox.by_id[i] for i in rule_ids], settings)
    _WORKER.results = results


def _check_batch_in_worker(batch: list[tuple[int, Candidate]]) -> list[tuple[int, tuple]]:
    return [(i, _WORKER.check(candidate)) for i, candidate in batch]


# a file changed this recently may change again within the same tick of its clock, keeping its time
RACY_SECONDS = 2


def stamp_of(st: Optional[os.stat_result]) -> Optional[list]:
    """[size, modification time in ns] by which an unchanged file is known without reading it; None
    for a file modified in the last RACY_SECONDS (another change in the same tick would not show)."""
    from .cachedir import stamp

    if st is None or time.time_ns() - st.st_mtime_ns < RACY_SECONDS * 1_000_000_000:
        return None
    return stamp(st)


def _digest(data: bytes) -> str:
    from .fixes import digest

    return digest(data)


def active_rules(toolbox: Toolbox, settings: Settings) -> list[Rule]:
    """The rules of a run: the configuration's selection, then the command line's on top (as in ruff,
    a `select` replaces what came before it, `extend-select` adds and `ignore` removes)."""
    chosen = list(toolbox.rules)
    for layer in (settings.config_selection, (settings.select, settings.ignore, settings.extend_select)):
        if not layer:
            continue
        select, ignore, extend = layer
        if select:
            chosen = select_rules(toolbox.rules, select)
        if extend:
            chosen += [r for r in select_rules(toolbox.rules, extend) if r not in chosen]
        if ignore:
            dropped = {r.id for r in select_rules(toolbox.rules, ignore)}
            chosen = [r for r in chosen if r.id not in dropped]
    return sorted(chosen, key=lambda r: r.id)


def _path_filter(settings: Settings) -> Optional[Callable[[Candidate], bool]]:
    """The configuration's include and exclude globs (None when it has neither)."""
    if not settings.include and not settings.exclude:
        return None
    from .config import matchers

    include, exclude = matchers(settings.include), matchers(settings.exclude)

    def wanted(candidate: Candidate) -> bool:
        path = str(candidate.path)
        if include and not any(m.matches(path) for m in include):
            return False
        return not any(m.matches(path) for m in exclude)
    return wanted


def _start(settings: Settings, toolbox: Optional[Toolbox]) -> tuple[Toolbox, list[Rule], Any, Path]:
    """The toolbox, the active rules, the baseline and the root of a run."""
    toolbox = toolbox or Toolbox(settings)
    rules = active_rules(toolbox, settings)
    baseline = None
    if settings.baseline:  # read first: a bad baseline fails before any work
        from .baseline import load_baseline

        baseline = load_baseline(settings.baseline)
    return toolbox, rules, baseline, Path(settings.root or os.getcwd()).resolve()


def run_text(filename: str, data: bytes, settings: Settings, toolbox: Optional[Toolbox] = None) -> Report:
    """Check `data` as if it were the file `filename` (an editor's unsaved buffer, read from stdin)."""
    from .discover import relative

    toolbox, rules, baseline, root = _start(settings, toolbox)
    path = Path(os.path.abspath(filename))
    candidate = Candidate(path, relative(path, root), settings.forced_kind or toolbox.classify(path.name),
                          explicit=True)
    findings, notices, parsed = FileChecker(toolbox, rules, settings).check_bytes(candidate, data, [])
    errors = sum(1 for n in notices if n.level == "error")
    report = Report(findings, notices, rules, root, 1, int(parsed), errors, baseline=baseline, checked={},
                    files=[candidate.relpath])
    _finish(report)
    return report


def run(paths: list[str], settings: Settings, toolbox: Optional[Toolbox] = None) -> Report:
    toolbox, rules, baseline, root = _start(settings, toolbox)
    notices: list[Notice] = []
    candidates = list(discover(paths or ["."], root, lambda name: toolbox.classify(name),
                               notices, settings.forced_kind, settings.use_gitignore))
    wanted = _path_filter(settings)
    if wanted is not None:
        candidates = [c for c in candidates if wanted(c)]
    candidates.sort(key=lambda c: c.relpath)
    checker = FileChecker(toolbox, rules, settings)
    checker.results = cache = _result_cache(settings, toolbox, rules, root)
    # files unchanged since an earlier run first, here: what is left may be too little for workers
    results: list = [checker.from_cache(c) for c in candidates] if cache is not None else [None] * len(candidates)
    pending = [i for i, result in enumerate(results) if result is None]
    todo = [candidates[i] for i in pending]
    jobs = settings.jobs or auto_jobs(len(todo))
    if jobs > 1 and len(todo) > 1:
        fresh = _run_parallel(todo, settings, rules, jobs, cache, checker)
    else:
        fresh = (checker.check(c) for c in todo)
    for i, result in zip(pending, fresh):
        results[i] = result
    findings: list[Finding] = []
    checked: dict = {}
    parsed = 0
    for candidate, (file_findings, file_notices, was_parsed, digest, _) in zip(candidates, results):
        findings.extend(file_findings)
        notices.extend(file_notices)
        parsed += was_parsed
        if digest is not None:
            checked[candidate.relpath] = (candidate, digest)
    files_cached = len(candidates) - len(pending)
    if cache is not None:
        pending_set = set(pending)
        cache.save([results[i][4] for i in pending if results[i][4] is not None],
                   [(c.relpath, results[i][4]) for i, c in enumerate(candidates) if i not in pending_set])
    errors = sum(1 for n in notices if n.level == "error")
    report = Report(findings, notices, rules, root, len(candidates), parsed, errors, baseline=baseline,
                    checked=checked, files=[c.relpath for c in candidates], files_cached=files_cached)
    _finish(report)
    return report


def _result_cache(settings: Settings, toolbox: Toolbox, rules: list[Rule], root: Path):
    """The cache of results for this kind of run under this root, when the run keeps one."""
    if not settings.cache_dir:
        return None
    from .result_cache import for_run

    return for_run(Path(settings.cache_dir), settings, toolbox, [r.id for r in rules], root)


def _finish(report: Report) -> None:
    """Order, fingerprints, then the baseline (it matches findings by fingerprint)."""
    report.findings.sort(key=lambda f: f.sort_key)
    assign_fingerprints(report.findings)
    if report.baseline is not None:
        from .baseline import apply_baseline

        report.baseline_gone = apply_baseline(report.findings, report.baseline, report.root, report.files)


# below this many files, starting worker processes costs more than it saves (a pre-commit batch)
AUTO_PARALLEL_FILES = 300
AUTO_MAX_JOBS = 8  # each worker holds its own rules and parsers: bound the memory on big machines


def auto_jobs(files: int) -> int:
    """Processes for `--jobs auto`: one for few files, else one per core this process may use."""
    if files < AUTO_PARALLEL_FILES:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))  # what a container or taskset grants, not the machine
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, AUTO_MAX_JOBS))


def _run_parallel(candidates: list[Candidate], settings: Settings, rules: list[Rule], jobs: int,
                  cache: Any = None, parent: Optional[FileChecker] = None):
    """Results of checking `candidates` in `jobs` worker processes; forked workers inherit
    `parent`, the main process's checker for the same settings and rules."""
    import multiprocessing

    global _FORK_PARENT
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    batches = _batches(candidates, jobs)
    results: list = [None] * len(candidates)
    _FORK_PARENT = parent if method == "fork" else None
    try:
        with ctx.Pool(jobs, initializer=_init_worker, initargs=(settings, [r.id for r in rules], cache)) as pool:
            for done in pool.imap_unordered(_check_batch_in_worker, batches):
                for i, result in done:
                    results[i] = result
    finally:
        _FORK_PARENT = None
    return results


def _batches(candidates: list[Candidate], jobs: int) -> list[list[tuple[int, Candidate]]]:
    """Work for the pool, largest files first and each of those alone, so that one huge file
    started last cannot leave the other workers idle; small files go in batches to save trips."""
    def size(c: Candidate) -> int:
        try:
            return os.stat(c.path).st_size
        except OSError:
            return 0
    order = sorted(enumerate(candidates), key=lambda item: -size(item[1]))
    alone = max(jobs * 4, len(order) // 100)
    chunk = max(1, min(64, (len(order) - alone) // (jobs * 8)))
    batches = [[item] for item in order[:alone]]
    rest = order[alone:]
    batches.extend(rest[i:i + chunk] for i in range(0, len(rest), chunk))
    return batches


def fix(report: Report, toolbox: Toolbox, settings: Settings, write: bool = True) -> list:
    """The fix stage (`--fix`, `--diff`): the safe fixes of every file that has some; when written, the
    file's findings are those of its fixed text.  Returns one `fixes.FileFix` per file."""
    from .fixes import fix_file

    checker = FileChecker(toolbox, report.rules, settings)
    safe = {r.id for r in report.rules if r.fix == "safe"}
    outcomes = []
    for relpath, (candidate, digest) in sorted(report.checked.items()):

        def recheck(data: bytes, candidate: Candidate = candidate) -> list[Finding]:
            return checker.check_bytes(candidate, data, [])[0]

        mine = [f for f in report.findings if f.path == relpath]
        outcome = fix_file(candidate.path, relpath, digest, mine, recheck, safe, write)
        outcomes.append(outcome)
        if outcome.written and outcome.remaining is not None:
            report.findings = [f for f in report.findings if f.path != relpath] + outcome.remaining
    if any(o.written for o in outcomes):
        _finish(report)
    return outcomes


def example_findings(code: str, filename: str, toolbox: Toolbox, rules: Optional[list[Rule]] = None,
                     kind: Optional[str] = None, prefilter: bool = True,
                     options: Optional[dict] = None) -> list[Finding]:
    """Check one in-memory snippet as if it were a file of that name (used by rule examples): what
    milint reports, so findings that the snippet itself suppresses are left out.  `options`: rule id ->
    {option: value}, as a configuration would give them."""
    import tempfile

    settings = Settings(prefilter=prefilter, forced_kind=kind, rule_options=options or {})
    checker = FileChecker(toolbox, rules if rules is not None else toolbox.rules, settings)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / filename
        path.write_bytes(code.encode("utf-8") if isinstance(code, str) else code)
        candidate = Candidate(path, filename, kind or toolbox.classify(filename))
        found = checker.check(candidate)[0]
    found = [f for f in found if f.suppression is None]
    found.sort(key=lambda f: f.sort_key)
    return found


def exit_code(report: Report, fail_on: str) -> int:
    from .rulebook import LEVEL_RANK

    if report.errors:
        return 2
    if fail_on == "never":
        return 0
    threshold = LEVEL_RANK[fail_on]
    failing = [f for f in report.findings if f.suppression is None and LEVEL_RANK[f.level] >= threshold]
    return 1 if failing else 0


def describe(value: Any) -> str:  # pragma: no cover - debugging aid
    return repr(value)
