"""The command line end to end, in a real subprocess: formats, selection, exit codes."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BAD_SH = "curl 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com' -H Metadata:true\n"
GOOD_SH = BAD_SH.replace(".com'", ".com/'")


def milint(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "milint", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "bad.sh").write_text(BAD_SH)
    (tmp_path / "good.sh").write_text(GOOD_SH)
    (tmp_path / "notes.txt").write_text(BAD_SH)  # not a kind milint reads
    return tmp_path


def test_text_output_and_exit_code(tree):
    out = milint("check", ".", cwd=tree)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0].startswith("bad.sh:1:93: MI201 [error] Token resource `https://management.azure.com`")
    assert lines[-1] == "Found 1 problem (1 error) in 1 file (2 files checked)."


def test_clean_tree_exits_zero(tree):
    (tree / "bad.sh").unlink()
    out = milint("check", cwd=tree)
    assert out.returncode == 0 and "No problems found" in out.stdout


@pytest.mark.parametrize("fail_on, code", [("error", 1), ("warning", 1), ("note", 1), ("never", 0)])
def test_fail_on_levels(tree, fail_on, code):
    assert milint("check", ".", "--fail-on", fail_on, cwd=tree).returncode == code


def test_fail_on_error_ignores_warnings(tmp_path):
    (tmp_path / "a.sh").write_text("curl 'http://localhost:50342/oauth2/token?resource=https://vault.azure.net' -H Metadata:true\n")
    assert milint("check", ".", "--fail-on", "error", cwd=tmp_path).returncode == 0
    assert milint("check", ".", cwd=tmp_path).returncode == 1


def test_select_and_ignore_by_id_prefix_and_name(tree):
    assert milint("check", ".", "--ignore", "MI201", cwd=tree).returncode == 0
    assert milint("check", ".", "--ignore", "token-resource-trailing-slash", cwd=tree).returncode == 0
    assert milint("check", ".", "--select", "MI2", cwd=tree).returncode == 1
    assert milint("check", ".", "--select", "MI1,MI3", cwd=tree).returncode == 0


def test_unknown_selector_is_a_usage_error(tree):
    out = milint("check", ".", "--select", "MI999", cwd=tree)
    assert out.returncode == 2 and "matches no rule" in out.stderr


def test_missing_path_is_a_usage_error(tree):
    out = milint("check", "nope/", cwd=tree)
    assert out.returncode == 2 and "no such file" in out.stderr


def test_json_and_github_formats(tree):
    data = json.loads(milint("check", ".", "--format", "json", cwd=tree).stdout)
    (finding,) = data["findings"]
    assert finding["rule"] == "MI201" and finding["region"]["startLine"] == 1
    assert finding["fix"] == [{"region": {"startLine": 1, "startColumn": 121, "endLine": 1, "endColumn": 121},
                               "text": "/"}]
    gh = milint("check", ".", "--format", "github", cwd=tree).stdout
    assert gh.startswith("::error file=bad.sh,line=1,col=93,endLine=1,endColumn=121,title=MI201 "
                         "token-resource-trailing-slash::")


def test_sarif_to_output_file_is_valid(tree):
    from sarif_schema import validation_errors

    out = milint("check", ".", "--format", "sarif", "--output", "out.sarif", cwd=tree)
    assert out.returncode == 1 and out.stdout == ""
    log = json.loads((tree / "out.sarif").read_text())
    assert validation_errors(log) == []
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["MI201"]


def test_parse_error_is_a_finding_and_other_files_are_still_checked(tree):
    (tree / "broken.json").write_text('{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
                                      'deploymentTemplate.json#", "resources": [}')
    out = milint("check", ".", "--format", "json", cwd=tree)
    rules = sorted(f["rule"] for f in json.loads(out.stdout)["findings"])
    assert out.returncode == 1 and rules == ["MI201", "MI900"]


def test_explicit_files_and_as_kind(tree):
    (tree / "script.txt").write_text(BAD_SH)
    assert milint("check", "script.txt", cwd=tree).returncode == 0  # not a kind milint reads
    assert milint("check", "--as", "bash", "script.txt", cwd=tree).returncode == 1
    assert milint("check", "--as", "cobol", "script.txt", cwd=tree).returncode == 2


def test_rules_and_rule_commands():
    listing = milint("rules").stdout.splitlines()
    assert any(line.startswith("MI201  token-resource-trailing-slash") for line in listing)
    doc = milint("rule", "MI201").stdout
    for part in ("What it checks:", "Why it matters:", "How to fix:", "Bad (", "Good (", "Source: seed L402"):
        assert part in doc
    assert milint("rule", "token-resource-trailing-slash").stdout == doc
    assert milint("rule", "MI777").returncode == 2


def test_version_and_no_command():
    out = milint("--version")
    assert out.returncode == 0 and out.stdout.startswith("milint ")
    assert milint().returncode == 2


def test_parallel_jobs_give_the_same_findings():
    one = milint("check", FIXTURES, "--format", "json", "--fail-on", "never")
    two = milint("check", FIXTURES, "--format", "json", "--fail-on", "never", "-j", "2")
    assert json.loads(one.stdout)["findings"] == json.loads(two.stdout)["findings"] != []


def test_forked_workers_inherit_the_main_processs_checker(tmp_path):
    """Where workers are forked they take the main process's checker (rules, plugins, parsers
    already built) instead of building their own; spawned ones build theirs."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("workers are spawned on this platform")
    from milint.discover import Candidate
    from milint.engine import FileChecker, Settings, Toolbox, _run_parallel, active_rules

    settings = Settings(load_entrypoints=False)
    toolbox = Toolbox(settings)
    rules = active_rules(toolbox, settings)
    parent = FileChecker(toolbox, rules, settings)
    parent.check = lambda candidate: ([], [], "inherited", None, None)  # travels only by fork
    files = [Candidate(str(tmp_path / f"{i}.sh"), f"{i}.sh", "shell") for i in range(4)]
    for candidate in files:
        Path(candidate.path).write_text("echo hello\n")
    assert [r[2] for r in _run_parallel(files, settings, rules, 2, None, parent)] == ["inherited"] * 4
    assert [r[2] for r in _run_parallel(files, settings, rules, 2, None)] == [False] * 4


def test_statistics_count_each_rules_findings(tmp_path):
    listing = json.loads(milint("check", FIXTURES, "--format", "json", "--fail-on", "never").stdout)["findings"]
    active = [f for f in listing if f["suppressed"] is None]
    out = milint("check", FIXTURES, "--statistics", "--fail-on", "never")
    rows = [line.split() for line in out.stdout.splitlines()[:-1]]
    counted = {row[1]: int(row[0]) for row in rows}
    expected = {}
    for f in active:
        expected[f["rule"]] = expected.get(f["rule"], 0) + 1
    assert counted == expected
    assert [int(row[0]) for row in rows] == sorted((int(row[0]) for row in rows), reverse=True)
    assert out.stdout.splitlines()[-1].startswith(f"Found {len(active)} problems")


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_jobs_must_be_a_count_or_auto(tree, value):
    out = milint("check", tree, "--jobs", value)
    assert out.returncode == 2 and "--jobs" in out.stderr


def test_auto_jobs_stay_serial_for_small_runs(monkeypatch):
    from milint import engine

    assert engine.auto_jobs(10) == 1  # a pre-commit batch: starting workers would cost more
    monkeypatch.setattr(engine.os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert engine.auto_jobs(engine.AUTO_PARALLEL_FILES) == engine.AUTO_MAX_JOBS
    monkeypatch.setattr(engine.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert engine.auto_jobs(10_000) == 2


def test_auto_parallel_run_gives_the_same_findings(tmp_path):
    from milint import engine

    for i in range(engine.AUTO_PARALLEL_FILES + 5):
        (tmp_path / f"s{i:03d}.sh").write_text(BAD_SH if i % 7 == 0 else GOOD_SH)
    serial = json.loads(milint("check", tmp_path, "--format", "json", "-j", "1").stdout)["findings"]
    auto = json.loads(milint("check", tmp_path, "--format", "json").stdout)["findings"]
    assert auto == serial and len(serial) == len(range(0, engine.AUTO_PARALLEL_FILES + 5, 7))
