"""Baselines: `milint baseline FILE` records today's findings; `check --baseline FILE` reports only
new ones and keeps the others as suppressed (SARIF external, baselineState unchanged).  Fingerprints
survive edits above and below a finding and change when its text changes."""
import json

import pytest
from cli_runner import milint

from milint.findings import Finding, Region, fingerprints

TOKEN_URL = "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"
BAD_ARM = f"curl -s -H Metadata:true '{TOKEN_URL}&resource=https://management.azure.com'\n"
BAD_RG = ('curl -H "Authorization: Bearer $T" '
          '"https://management.azure.com/subscriptions/$S/resourcegroups/x?api-version=2016-09-01"\n')


def active(cwd, *args):
    """(rule, path, line) of the findings a check with the baseline still reports."""
    out = milint("check", "--isolated", "--format", "json", "--baseline", "milint-baseline.json", *args, cwd=cwd)
    assert out.returncode in (0, 1), out.stderr
    return [(f["rule"], f["path"], f["region"]["startLine"]) for f in json.loads(out.stdout)["findings"]
            if f["suppressed"] is None]


@pytest.fixture
def legacy(tmp_path):
    """A repository with two findings, recorded in a baseline."""
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "token.sh").write_text("#!/bin/bash\n" + BAD_ARM + "echo done\n")
    (tmp_path / "deploy" / "rg.sh").write_text(BAD_RG)
    out = milint("baseline", "--isolated", "milint-baseline.json", ".", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "recorded 2 findings in milint-baseline.json" in out.stderr
    return tmp_path


def test_baseline_file_is_sorted_json_with_relative_paths(legacy):
    data = json.loads((legacy / "milint-baseline.json").read_text())
    assert data["milint-baseline"] == 1
    assert [(e["rule"], e["path"], e["line"]) for e in data["findings"]] == [
        ("MI501", "deploy/rg.sh", 1), ("MI201", "deploy/token.sh", 2)]
    assert all(len(e["fingerprint"]) == 32 for e in data["findings"])


def test_known_findings_pass_and_new_ones_fail(legacy):
    clean = milint("check", "--isolated", "--baseline", "milint-baseline.json", ".", cwd=legacy, process=True)
    assert clean.returncode == 0 and "2 suppressed" in clean.stdout
    (legacy / "deploy" / "new.sh").write_text(BAD_ARM)
    assert active(legacy) == [("MI201", "deploy/new.sh", 1)]
    assert milint("check", "--isolated", "--baseline", "milint-baseline.json", ".", cwd=legacy).returncode == 1


def test_sarif_marks_baseline_findings_external_and_unchanged(legacy):
    from sarif_schema import validation_errors

    (legacy / "deploy" / "new.sh").write_text(BAD_ARM)
    out = milint("check", "--isolated", "--baseline", "milint-baseline.json", "--format", "sarif", ".", cwd=legacy)
    log = json.loads(out.stdout)
    assert validation_errors(log) == []
    states = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: (r["baselineState"],
                                                                                 r.get("suppressions"))
              for r in log["runs"][0]["results"]}
    assert states["deploy/new.sh"] == ("new", None)
    assert states["deploy/rg.sh"] == ("unchanged", [{"kind": "external", "status": "accepted",
                                                     "justification": "recorded in the baseline "
                                                                      "milint-baseline.json"}])


def test_fingerprints_survive_edits_above_and_below(legacy):
    script = legacy / "deploy" / "token.sh"
    script.write_text("#!/bin/bash\nset -euo pipefail\n\n# get a token\n" + BAD_ARM + "echo done\necho more\n")
    assert active(legacy) == []


def test_fingerprints_change_when_the_offending_text_changes(legacy):
    script = legacy / "deploy" / "token.sh"
    script.write_text("#!/bin/bash\n" + BAD_ARM.replace("management.azure.com", "management.usgovcloudapi.net")
                      + "echo done\n")
    assert active(legacy) == [("MI201", "deploy/token.sh", 2)]
    (legacy / "deploy" / "rg.sh").write_text(BAD_RG.replace("resourcegroups", "ResourceGroups"))
    assert ("MI501", "deploy/rg.sh", 1) in active(legacy)


def test_a_second_identical_finding_is_new(legacy):
    (legacy / "deploy" / "token.sh").write_text("#!/bin/bash\n" + BAD_ARM + BAD_ARM + "echo done\n")
    assert active(legacy) == [("MI201", "deploy/token.sh", 3)]


def test_the_baseline_works_from_another_folder(legacy):
    assert active(legacy / "deploy", "--baseline", "../milint-baseline.json", ".") == []
    out = milint("check", "--isolated", "--baseline", "../milint-baseline.json", "token.sh", cwd=legacy / "deploy")
    assert out.returncode == 0


def test_baseline_from_config_and_gone_findings(legacy):
    (legacy / ".milint.yaml").write_text("baseline: milint-baseline.json\n")
    (legacy / "deploy" / "rg.sh").write_text("echo fixed\n")
    out = milint("check", ".", cwd=legacy / "deploy")
    assert out.returncode == 0
    assert "1 finding(s) recorded in the baseline no longer occur" in out.stderr


def test_a_run_over_some_files_says_nothing_of_the_others(legacy):
    """pre-commit passes the staged files only: findings recorded in other files are not 'gone'."""
    (legacy / ".milint.yaml").write_text("baseline: milint-baseline.json\n")
    out = milint("check", "deploy/token.sh", cwd=legacy)
    assert out.returncode == 0 and "no longer occur" not in out.stderr, out.stderr
    (legacy / "deploy" / "token.sh").write_text("echo fixed\n")
    out = milint("check", "deploy/token.sh", cwd=legacy / "deploy" / "..")
    assert "1 finding(s) recorded in the baseline no longer occur" in out.stderr


def test_bad_baseline_is_a_usage_error(tmp_path):
    (tmp_path / "a.sh").write_text(BAD_ARM)
    (tmp_path / "b.json").write_text('{"findings": []}')
    out = milint("check", "--isolated", "--baseline", "b.json", ".", cwd=tmp_path)
    assert out.returncode == 2 and "b.json: not a milint baseline" in out.stderr
    out = milint("check", "--isolated", "--baseline", "missing.json", ".", cwd=tmp_path)
    assert out.returncode == 2 and "missing.json: cannot read the baseline" in out.stderr


def _finding(line, snippet, rule="MI201", path="a.sh"):
    return Finding(rule, "x", "error", "m", path, Region(line, 1, line, 2), snippet=snippet)


def test_fingerprints_are_deterministic_and_tell_duplicates_apart():
    items = [_finding(9, "https://management.azure.com"), _finding(3, "https://management.azure.com"),
             _finding(5, "resourcegroups", rule="MI501")]
    first = fingerprints(items)
    assert first == fingerprints(list(items)) and len(set(first)) == 3
    moved = [_finding(20, "https://management.azure.com"), _finding(13, "https://management.azure.com"),
             _finding(1, "resourcegroups", rule="MI501")]
    assert fingerprints(moved) == first  # lines moved, order kept: same fingerprints
    spaced = [_finding(3, "https://management.azure.com"), _finding(5, "resourcegroups  ", rule="MI501")]
    assert fingerprints(spaced)[1] == first[2]  # whitespace is normalised
    assert fingerprints([_finding(3, "https://management.azure.com", path="b.sh")])[0] != first[1]
    assert fingerprints(items, path_of=lambda f: "sub/" + f.path) != first
