"""Results kept between runs: a file that did not change is answered from the cache with exactly the
report a fresh check gives, and anything that could change a result is a miss."""
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from milint import engine, result_cache
from milint.engine import FileChecker, Settings, run
from milint.report import json_format
from cli_runner import milint

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TOKEN_SH = ("curl 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"
            "&resource=https://management.azure.com' -H Metadata:true\n")


@pytest.fixture
def repo(tmp_path):
    """A repository holding one file with one finding (MI201)."""
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "a.sh").write_text(TOKEN_SH)
    return folder


def cached(repo: Path, **options) -> Settings:
    """Settings of a run that keeps its results in a folder beside the repository."""
    return Settings(root=str(repo), cache_dir=str(repo.parent / "cache"), **options)


def report_data(report) -> dict:
    data = json.loads(json_format.render(report))
    data["summary"].pop("cached")
    return data


def never_checked(monkeypatch):
    def refuse(self, candidate):
        raise AssertionError(f"{candidate.relpath} was checked, not answered from the cache")
    monkeypatch.setattr(FileChecker, "check", refuse)


@pytest.fixture
def fixtures_copy(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    return tmp_path


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_warm_run_reports_what_a_fresh_run_does(fixtures_copy, tmp_path, toolbox, monkeypatch, jobs):
    settings = Settings(root=str(fixtures_copy), cache_dir=str(tmp_path / "cache"), jobs=jobs)
    cold = run([str(fixtures_copy / "fixtures")], settings, toolbox)
    assert cold.files_cached == 0 and cold.findings
    assert any(f.fix for f in cold.findings) and any(f.related for f in cold.findings)
    never_checked(monkeypatch)
    warm = run([str(fixtures_copy / "fixtures")], settings, toolbox)
    assert warm.files_cached == warm.files_seen == cold.files_seen
    assert report_data(warm) == report_data(cold)
    assert warm.checked.keys() == cold.checked.keys()  # --fix finds the same fixable files


def test_suppressed_findings_and_parse_errors_come_back_as_they_were(repo, toolbox, monkeypatch):
    (repo / "kept.sh").write_text("# milint: ignore[MI201] -- on purpose\n" + TOKEN_SH)
    (repo / "broken.json").write_text('{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
                                      'deploymentTemplate.json#", "resources": [}')
    settings = cached(repo)
    cold = run([str(repo)], settings, toolbox)
    assert {f.rule_id for f in cold.findings} >= {"MI201", "MI900"}
    assert any(f.suppression is not None for f in cold.findings)
    never_checked(monkeypatch)
    warm = run([str(repo)], settings, toolbox)
    assert report_data(warm) == report_data(cold)


def test_a_changed_file_is_checked_again(repo, toolbox):
    (repo / "a.sh").write_text(TOKEN_SH.replace(".com'", ".com/'"))
    (repo / "b.sh").write_text("echo hello\n")
    settings = cached(repo)
    assert run([str(repo)], settings, toolbox).findings == []
    (repo / "a.sh").write_text(TOKEN_SH)
    again = run([str(repo)], settings, toolbox)
    assert [f.rule_id for f in again.findings] == ["MI201"]
    assert again.files_cached == 1  # b.sh


def test_another_selection_or_option_does_not_use_the_results_of_this_one(repo, toolbox):
    assert run([str(repo)], cached(repo, ignore=["MI201"]), toolbox).findings == []
    found = run([str(repo)], cached(repo), toolbox)
    assert found.files_cached == 0 and [f.rule_id for f in found.findings] == ["MI201"]
    levels = run([str(repo)], cached(repo, level_overrides={"MI201": "note"}), toolbox)
    assert levels.files_cached == 0 and levels.findings[0].level == "note"


def test_edited_code_starts_a_fresh_cache_and_a_reinstall_does_not(tmp_path, toolbox, monkeypatch):
    module = tmp_path / "plugin.py"
    module.write_text("X = 1\n")
    monkeypatch.setattr(result_cache, "_code_files", lambda toolbox: [str(module)])
    settings = Settings(cache_dir=str(tmp_path / "cache"))

    def name(root=tmp_path):
        return result_cache.for_run(tmp_path / "cache", settings, toolbox, ["MI201"], root).folder.name
    before = name()
    assert name() == before
    os.utime(module, (1, 1))  # a fresh `pip install` in a CI job: new times, same contents
    assert name() == before
    module.write_text("X = 2\n")  # same size, new contents
    os.utime(module, (2, 2))
    edited = name()
    assert edited != before
    module.write_text("X = 1\n")
    assert name() == before
    assert name(tmp_path / "elsewhere") != before


def test_code_files_cover_milint_and_every_module_of_a_plugin_s_package(tmp_path, monkeypatch):
    from milint.engine import Toolbox

    package = tmp_path / "acme_pack"
    package.mkdir()
    (package / "__init__.py").write_text("from .plugin import *\n")
    (package / "plugin.py").write_text("class Pack:\n    pass\n")
    (package / "impl.py").write_text("CHECKS = {}\n")  # where the checks live: imported by the plugin
    (tmp_path / "single.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import acme_pack.plugin
    import single

    box = Toolbox(Settings(load_entrypoints=False))
    box.pm.register(acme_pack.plugin.Pack())  # a plugin object, not a module
    box.pm.register(single)
    files = result_cache._code_files(box)
    assert str(Path(engine.__file__).resolve()) in files
    assert {str((package / n).resolve()) for n in ("__init__.py", "plugin.py", "impl.py")} <= set(files)
    assert str((tmp_path / "single.py").resolve()) in files


def test_libraries_count_by_installed_version():
    import pygments

    versions = dict(result_cache._library_versions())
    assert set(versions) == set(result_cache._DEPENDENCIES)
    assert any(pygments.__version__ in name for name in versions["pygments"])  # an upgrade changes the lexers


def test_results_a_run_cannot_repeat_are_not_kept(repo, toolbox, monkeypatch):
    settings = cached(repo)
    real = dict(toolbox.checks)

    def crash(ctx):
        raise RuntimeError("a bug in a rule")
    monkeypatch.setitem(toolbox.checks, "MI201", crash)
    crashed = run([str(repo)], settings, toolbox)
    assert crashed.errors == 1 and crashed.findings == []
    monkeypatch.setitem(toolbox.checks, "MI201", real["MI201"])
    fixed = run([str(repo)], settings, toolbox)
    assert fixed.files_cached == 0 and [f.rule_id for f in fixed.findings] == ["MI201"]


def test_a_file_out_of_time_is_not_kept(repo, toolbox, monkeypatch):
    from milint.timelimit import TimeLimitExceeded

    settings = cached(repo)
    real = FileChecker._facts_and_findings

    def slow(self, document, notices):
        raise TimeLimitExceeded(30)
    monkeypatch.setattr(FileChecker, "_facts_and_findings", slow)
    assert [f.rule_id for f in run([str(repo)], settings, toolbox).findings] == ["MI901"]
    monkeypatch.setattr(FileChecker, "_facts_and_findings", real)
    again = run([str(repo)], settings, toolbox)
    assert again.files_cached == 0 and [f.rule_id for f in again.findings] == ["MI201"]


@pytest.mark.parametrize("name, text", [
    ("mixed.sh", "# milint: ignore[MI201] Until=2999-01-01 -- migrating\n" + TOKEN_SH),
    ("dotless.sh", "# milint: ignore[MI201] untıl=2999-01-01 -- migrating\n" + TOKEN_SH),
    ("wide.sh", ("# milint: ignore[MI201] until=2999-01-01 -- migrating\n" + TOKEN_SH).encode("utf-16")),
    ("escaped.json", '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'
                     ' "metadata": {"milint": {"ignore": ["MI103"], "\\u0075ntil": "2999-01-01"}}, "resources": '
                     '[{"type": "Microsoft.Compute/virtualMachines", "name": "vm", "identity": {"type": "none"}}]}'),
])
def test_however_an_expiry_is_written_the_file_is_not_kept(repo, toolbox, name, text):
    (repo / "a.sh").unlink()
    target = repo / name
    target.write_bytes(text) if isinstance(text, bytes) else target.write_text(text, encoding="utf-8")
    settings = cached(repo)
    run([str(repo)], settings, toolbox)
    assert run([str(repo)], settings, toolbox).files_cached == 0


def test_a_file_with_an_expiring_suppression_is_checked_every_time(repo, toolbox):
    """Its result changes on the expiry date (MI903), with the same bytes."""
    (repo / "a.sh").write_text("# milint: ignore[MI201] until=2999-01-01 -- migrating\n" + TOKEN_SH)
    (repo / "b.json").write_text('{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymen'
                                 'tTemplate.json#", "metadata": {"milint": {"ignore": ["MI103"], "until": "2999-01-01"}}, '
                                 '"resources": [{"type": "Microsoft.Compute/virtualMachines", "name": "vm", '
                                 '"identity": {"type": "SystemAssigned"}}]}')
    settings = cached(repo)
    first = run([str(repo)], settings, toolbox)
    assert first.findings and all(f.suppression is not None for f in first.findings if f.rule_id == "MI201")
    assert run([str(repo)], settings, toolbox).files_cached == 0


def test_per_file_ignores_are_applied_after_the_look_up(repo, toolbox, monkeypatch):
    """They depend on the path a file was named by, which is not in an entry's key."""
    ignoring = cached(repo, per_file_ignores=[(str(repo), "*.sh", ["MI201"])], config_file=".milint.yaml")
    [first] = run([str(repo)], ignoring, toolbox).findings
    assert first.suppression is not None and first.suppression.source == "config"
    never_checked(monkeypatch)
    again = run([str(repo)], ignoring, toolbox)
    assert again.files_cached == 1 and again.findings[0].suppression is not None
    plain = run([str(repo)], cached(repo), toolbox)  # the same kind of run without the ignores
    assert plain.files_cached == 1 and plain.findings[0].suppression is None


def test_an_entry_with_anything_wrong_in_any_place_is_a_miss(repo, toolbox):
    (repo / "a.sh").write_text("# milint: ignore[MI201] -- on purpose\n" + TOKEN_SH.replace("-H Metadata:true", ""))
    settings = cached(repo)
    truth = report_data(run([str(repo)], settings, toolbox))
    [file] = cache_files(repo.parent / "cache")
    pristine = json.loads(file.read_text())
    result = pristine["entries"]["a.sh"][3]
    assert any(f[11] is not None for f in result[0]) and any(f[9] for f in result[0])  # suppressed; fixable

    def places(value, at=()):
        yield at
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from places(item, at + (i,))
    damaged = 0
    for at in list(places(result))[1:]:
        for wrong in (None, 7, True, -1, "x", [], {"k": 1}, [[["deep"]]]):
            data = json.loads(json.dumps(pristine))
            node = data["entries"]["a.sh"][3]
            for i in at[:-1]:
                node = node[i]
            if type(node[at[-1]]) is type(wrong) or (wrong is None and at[0] == 0 and at[2:] == (11,)):
                continue  # a value of the same type may be right (the cache itself is trusted); unsuppressed
            node[at[-1]] = wrong
            file.write_text(json.dumps(data))
            report = run([str(repo)], settings, toolbox)  # must not raise
            assert report.files_cached == 0 and report_data(report) == truth, (at, wrong)
            damaged += 1
    assert damaged > 200
    finding = result[0][0]
    for short in (finding[:11], finding + [None], finding[:5] + [finding[5][:3]] + finding[6:],
                  finding[:4] + ["elsewhere.sh"] + finding[5:]):  # wrong lengths; another file's finding
        data = json.loads(json.dumps(pristine))
        data["entries"]["a.sh"][3][0][0] = short
        file.write_text(json.dumps(data))
        report = run([str(repo)], settings, toolbox)
        assert report.files_cached == 0 and report_data(report) == truth


def test_a_cache_inside_the_repository_is_not_checked(repo):
    out = [milint("check", "--cache-dir", ".milint-cache", "--format", "json", ".", cwd=repo) for _ in range(3)]
    assert [json.loads(o.stdout)["summary"]["files"] for o in out] == [1, 1, 1]
    assert (repo / ".milint-cache" / "results" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_workers_started_by_spawn_are_not_sent_the_shards(repo, toolbox):
    import pickle

    settings = cached(repo)
    run([str(repo)], settings, toolbox)
    cache = engine._result_cache(settings, toolbox, engine.active_rules(toolbox, settings), repo.resolve())
    assert cache.has("a.sh")
    copy = pickle.loads(pickle.dumps(cache))
    assert copy.folder == cache.folder and copy._shards == {} and copy.has("a.sh")


def age(*files: Path, seconds: int = 100) -> None:
    """Files last changed a while ago (one changed within engine.RACY_SECONDS is always read)."""
    when = time.time() - seconds
    for file in files:
        os.utime(file, (when, when))


def never_read(monkeypatch):
    def refuse(self, candidate, st=None):
        raise AssertionError(f"{candidate.relpath} was read")
    monkeypatch.setattr(FileChecker, "_read", refuse)


def test_a_file_with_its_old_size_and_time_is_not_even_read(repo, toolbox, monkeypatch):
    age(repo / "a.sh")
    settings = cached(repo)
    cold = run([str(repo)], settings, toolbox)
    never_read(monkeypatch)
    warm = run([str(repo)], settings, toolbox)
    assert warm.files_cached == 1 and report_data(warm) == report_data(cold)


def test_a_file_changed_just_now_is_read_next_time(repo, toolbox, monkeypatch):
    """Changed within the same tick of the clock, a file could change again and keep its time."""
    settings = cached(repo)
    run([str(repo)], settings, toolbox)  # a.sh was written a moment ago
    [file] = cache_files(repo.parent / "cache")
    assert json.loads(file.read_text())["entries"]["a.sh"][4] is None
    reads = []
    real = FileChecker._read
    monkeypatch.setattr(FileChecker, "_read", lambda self, c, *st: reads.append(c.relpath) or real(self, c, *st))
    assert run([str(repo)], settings, toolbox).files_cached == 1 and reads == ["a.sh"]


def test_a_new_time_means_a_read_and_the_entry_learns_it(repo, toolbox, monkeypatch):
    age(repo / "a.sh", seconds=1000)
    settings = cached(repo)
    real = FileChecker._read
    run([str(repo)], settings, toolbox)
    age(repo / "a.sh", seconds=500)  # a fresh checkout: the same bytes, another time
    again = run([str(repo)], settings, toolbox)
    assert again.files_cached == 1  # by its digest
    never_read(monkeypatch)
    assert run([str(repo)], settings, toolbox).files_cached == 1  # by its new time
    monkeypatch.setattr(FileChecker, "_read", real)
    (repo / "a.sh").write_text(TOKEN_SH.replace(".com'", ".com/'"))  # changed: another time and size
    age(repo / "a.sh", seconds=200)
    changed = run([str(repo)], settings, toolbox)
    assert changed.files_cached == 0 and changed.findings == []


def cache_files(folder: Path) -> list[Path]:
    return sorted((folder / "results").glob("v*/*.json"))


def shard_of(folder: Path, relpath: str) -> Path:
    """The cache file that holds `relpath`'s entry."""
    [run_folder] = (folder / "results").glob("v*")
    return run_folder / f"{result_cache._shard_of(relpath):02x}.json"


def change_entry(file: Path, relpath: str, change) -> None:
    data = json.loads(file.read_text())
    change(data["entries"][relpath])
    file.write_text(json.dumps(data))


def test_a_damaged_cache_is_a_miss_and_is_rewritten(repo, tmp_path, toolbox):
    settings = cached(repo)
    run([str(repo)], settings, toolbox)
    [file] = cache_files(tmp_path / "cache")
    version = str(result_cache.FORMAT).encode()
    for damage in (b"\x00garbage{", b'{"format": %b, "entries": {"a.sh": [1, 2, 3, [4], null]}}' % version,
                   b'{"format": %b, "entries": {"a.sh": ["x", null, 0, 5, [1, 2]]}}' % version, b"[" * 100000):
        file.write_bytes(damage)
        again = run([str(repo)], settings, toolbox)
        assert [f.rule_id for f in again.findings] == ["MI201"] and again.files_cached == 0
        assert json.loads(file.read_text())["entries"]["a.sh"][0] != "x"
    entry = json.loads(file.read_text())
    digest = entry["entries"]["a.sh"][0]
    entry["entries"]["a.sh"][3] = [[["MI201", "too", "few"]], [], True]  # the right key, a damaged result
    file.write_text(json.dumps(entry))
    damaged = run([str(repo)], settings, toolbox)
    assert digest and [f.rule_id for f in damaged.findings] == ["MI201"] and damaged.files_cached == 0


def test_a_cache_folder_that_cannot_be_written_costs_only_speed(repo, tmp_path, toolbox):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    settings = Settings(root=str(repo), cache_dir=str(blocked))
    for _ in range(2):
        report = run([str(repo)], settings, toolbox)
        assert [f.rule_id for f in report.findings] == ["MI201"] and report.files_cached == 0 and not report.errors


def test_runs_side_by_side_keep_each_other_s_entries(repo, toolbox, monkeypatch):
    (repo / "b.sh").write_text(TOKEN_SH)
    settings = cached(repo)
    run([str(repo / "a.sh")], settings, toolbox)  # two pre-commit batches, one after the other
    run([str(repo / "b.sh")], settings, toolbox)
    never_checked(monkeypatch)
    both = run([str(repo)], settings, toolbox)
    assert both.files_cached == 2 and len(both.findings) == 2


def test_entries_unused_for_a_month_are_dropped(repo, tmp_path, toolbox):
    (repo / "b.sh").write_text(TOKEN_SH)
    settings = cached(repo)
    run([str(repo)], settings, toolbox)
    cache = tmp_path / "cache"

    def age(entry, days=result_cache.KEEP_DAYS + 1):
        entry[2] -= days
    change_entry(shard_of(cache, "a.sh"), "a.sh", age)
    change_entry(shard_of(cache, "b.sh"), "b.sh", lambda entry: age(entry, 2))
    report = run([str(repo)], settings, toolbox)
    assert report.files_cached == 2  # an old entry that is still right is used, and its date refreshed
    days = {rel: json.loads(shard_of(cache, rel).read_text())["entries"][rel][2] for rel in ("a.sh", "b.sh")}
    assert days["a.sh"] == days["b.sh"] == result_cache.ResultCache(cache).today
    change_entry(shard_of(cache, "a.sh"), "a.sh", age)
    (repo / "a.sh").unlink()
    (repo / "b.sh").unlink()
    for i in range(200):  # new files in every shard: each shard is rewritten, its old entries dropped
        (repo / f"new{i}.sh").write_text("echo new\n")
    run([str(repo)], settings, toolbox)
    assert "a.sh" not in json.loads(shard_of(cache, "a.sh").read_text())["entries"]
    assert "b.sh" in json.loads(shard_of(cache, "b.sh").read_text())["entries"]  # used yesterday: kept


def test_cache_folders_of_other_runs_are_dropped_when_old_or_too_many(repo, tmp_path, toolbox):
    folder = tmp_path / "cache" / "results"
    prefix = f"v{result_cache.FORMAT}-"
    old = folder / f"{prefix}old"
    (old / "00.json").parent.mkdir(parents=True)
    (old / "00.json").write_text("{}")
    month_ago = time.time() - (result_cache.KEEP_DAYS + 1) * 86400
    os.utime(old, (month_ago, month_ago))
    recent = []
    for i in range(result_cache.MAX_RUNS + 3):
        other = folder / f"{prefix}other{i:02}"
        other.mkdir()
        os.utime(other, (time.time() - 1000 + i, time.time() - 1000 + i))
        recent.append(other)
    unrelated = folder / "notes.txt"
    unrelated.write_text("kept")
    run([str(repo)], cached(repo), toolbox)
    left = sorted(p.name for p in folder.glob(f"{prefix}*"))
    assert not old.exists() and unrelated.exists()
    assert len(left) == result_cache.MAX_RUNS
    assert recent[-1].name in left and recent[0].name not in left


def test_a_small_batch_reads_only_the_shards_of_its_files(repo, tmp_path, toolbox, monkeypatch):
    """pre-commit in a big repository: a few files must not cost the whole cache."""
    for i in range(300):
        (repo / f"s{i}.sh").write_text(TOKEN_SH + f"# {i}\n")
    settings = cached(repo, jobs=1)
    run([str(repo)], settings, toolbox)
    assert len(cache_files(tmp_path / "cache")) == result_cache.SHARDS
    from milint import cachedir

    read = []
    real = cachedir.read_json
    monkeypatch.setattr(cachedir, "read_json", lambda path: read.append(path) or real(path))
    batch = run([str(repo / "s1.sh"), str(repo / "s2.sh")], settings, toolbox)
    assert batch.files_cached == 2
    shards = [path for path in read if path.name != "code-digests.json"]
    assert sorted(shards) == sorted({shard_of(tmp_path / "cache", rel) for rel in ("s1.sh", "s2.sh")})


def test_a_fully_cached_run_writes_nothing(repo, tmp_path, toolbox):
    settings = cached(repo)
    run([str(repo)], settings, toolbox)
    [file] = cache_files(tmp_path / "cache")
    stamp = file.stat().st_mtime_ns
    os.utime(file, ns=(stamp - 10**9, stamp - 10**9))
    run([str(repo)], settings, toolbox)
    assert file.stat().st_mtime_ns == stamp - 10**9


# ------------------------------------------------------------------ the command line
def test_command_line_keeps_results_where_told_and_says_so(repo, tmp_path):
    cache = tmp_path / "cache"
    first = milint("check", "--cache-dir", cache, ".", cwd=repo)
    second = milint("check", "--cache-dir", cache, ".", cwd=repo)
    assert first.returncode == second.returncode == 1
    assert first.stdout.splitlines()[:-1] == second.stdout.splitlines()[:-1]
    assert second.stdout.splitlines()[-1] == ("Found 1 problem (1 error) in 1 file "
                                              "(1 file checked, 1 of them unchanged since an earlier run).")
    summary = json.loads(milint("check", "--cache-dir", cache, "--format", "json", ".", cwd=repo).stdout)["summary"]
    assert summary["cached"] == 1


def test_no_cache_reads_and_writes_nothing(repo, tmp_path):
    cache = tmp_path / "cache"
    milint("check", "--no-cache", "--cache-dir", cache, ".", cwd=repo)
    assert not cache.exists()
    milint("check", "--cache-dir", cache, ".", cwd=repo)
    assert cache_files(cache)
    out = milint("check", "--no-cache", "--cache-dir", cache, ".", cwd=repo)
    assert "unchanged" not in out.stdout


def test_environment_switches_the_default_cache_off(tmp_path, monkeypatch):
    from milint import cachedir

    monkeypatch.setenv("MILINT_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.delenv("MILINT_NO_CACHE", raising=False)
    assert cachedir.cache_folder() == tmp_path / "c"
    monkeypatch.setenv("MILINT_NO_CACHE", "1")
    assert cachedir.cache_folder() is None


def test_the_configuration_cannot_choose_the_cache_folder(repo, tmp_path):
    """A pull request may edit the configuration: it must not point milint at results it wrote."""
    (repo / ".milint.yaml").write_text("cache-dir: forged\n")
    out = milint("check", "--cache-dir", tmp_path / "cache", ".", cwd=repo)
    assert out.returncode == 2 and "cache-dir" in out.stderr
    assert not (repo / "forged").exists()


def test_fix_works_from_cached_results(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "arm", repo)
    cache = tmp_path / "cache"
    milint("check", "--cache-dir", cache, ".", cwd=repo)
    before = (repo / "vm-two-identities.json").read_text()
    fixed = milint("check", "--cache-dir", cache, "--fix", ".", cwd=repo)
    assert "fixed" in fixed.stderr and (repo / "vm-two-identities.json").read_text() != before
    after = milint("check", "--no-cache", "--format", "json", ".", cwd=repo)
    cached = milint("check", "--cache-dir", cache, "--format", "json", ".", cwd=repo)
    assert json.loads(cached.stdout)["findings"] == json.loads(after.stdout)["findings"]
