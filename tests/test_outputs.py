"""Outputs for CI: JUnit XML, GitLab code quality, GitHub workflow commands, and several reports
from one run."""
import json
import xml.etree.ElementTree as ET

import pytest
from cli_runner import milint

TOKEN_URL = "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"
BAD_ARM = f"curl -s -H Metadata:true '{TOKEN_URL}&resource=https://management.azure.com'\n"
BAD_RG = ('curl -H "Authorization: Bearer $T" '
          '"https://management.azure.com/subscriptions/$S/resourcegroups/x?api-version=2016-09-01"\n')
COL = BAD_ARM.index("https://management") + 1  # where MI201 reports, and where it ends
END = COL + len("https://management.azure.com")
RG_COL = BAD_RG.index("resourcegroups") + 1


def check(*args, cwd, process=False):
    return milint("check", "--isolated", *args, cwd=cwd, process=process)


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "token.sh").write_text(BAD_ARM + BAD_ARM.rstrip("\n") + "  # milint: ignore[MI201] -- gateway\n")
    (tmp_path / "rg.sh").write_text(BAD_RG + "echo '\x01 <tag> & \"quotes\"'\n")
    return tmp_path


def test_junit_is_xml_with_failures_and_skipped(repo):
    out = check(".", "--format", "junit", cwd=repo)
    assert out.returncode == 1
    root = ET.fromstring(out.stdout)
    assert root.tag == "testsuites" and root.get("name") == "milint"
    assert (root.get("tests"), root.get("failures"), root.get("skipped"), root.get("errors")) == ("3", "2", "1", "0")
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert sorted(suites) == ["rg.sh", "token.sh"]
    cases = suites["token.sh"].findall("testcase")
    assert [c.get("name") for c in cases] == [f"MI201 token-resource-trailing-slash at 1:{COL}",
                                              f"MI201 token-resource-trailing-slash at 2:{COL}"]
    assert cases[0].find("failure").get("type") == "error" and cases[0].get("line") == "1"
    assert cases[0].find("failure").text.startswith(f"token.sh:1:{COL}: MI201 [error] Token resource")
    assert cases[1].find("skipped").get("message") == "suppressed (inSource): gateway"


def test_junit_for_a_clean_run_has_one_passing_case(tmp_path):
    (tmp_path / "ok.sh").write_text("echo fine\n")
    root = ET.fromstring(check(".", "--format", "junit", cwd=tmp_path).stdout)
    (case,) = list(root.iter("testcase"))
    assert root.get("tests") == "1" and root.get("failures") == "0" and list(case) == []


def test_gitlab_code_quality_shape(repo):
    out = check(".", "--format", "gitlab", cwd=repo)
    issues = json.loads(out.stdout)
    assert isinstance(issues, list) and len(issues) == 2  # the suppressed finding is left out
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert set(issue["location"]) == {"path", "lines"} and isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
    by_rule = {i["check_name"]: i for i in issues}
    assert by_rule["MI501"]["severity"] == "minor" and by_rule["MI201"]["severity"] == "major"
    assert by_rule["MI501"]["location"] == {"path": "rg.sh", "lines": {"begin": 1}}
    assert by_rule["MI201"]["description"].startswith("MI201 token-resource-trailing-slash: Token resource")
    assert len({i["fingerprint"] for i in issues}) == 2


def test_github_workflow_commands(repo):
    out = check(".", "--format", "github", cwd=repo)
    lines = out.stdout.splitlines()
    assert lines == [
        f"::warning file=rg.sh,line=1,col={RG_COL},endLine=1,endColumn={RG_COL + 14},title=MI501 "
        "resource-groups-casing::"
        "Path segment `resourcegroups` should be written `resourceGroups` in a Resource Manager request URL.",
        f"::error file=token.sh,line=1,col={COL},endLine=1,endColumn={END},title=MI201 "
        "token-resource-trailing-slash::"
        "Token resource `https://management.azure.com` lacks the trailing slash that Azure Resource Manager "
        "requires: request `https://management.azure.com/`."]


def test_several_outputs_in_one_run(repo):
    from sarif_schema import validation_errors

    out = check(".", "--output-format", "sarif=milint.sarif", "--output-format", "json=milint.json",
                 "--output-format", "junit=junit.xml", "--format", "text", "--automation-id", "milint/pr/", cwd=repo,
                process=True)
    assert out.returncode == 1
    assert out.stdout.splitlines()[-1] == "Found 2 problems (1 error, 1 warning) in 2 files (2 files checked; " \
                                          "1 suppressed)."
    log = json.loads((repo / "milint.sarif").read_text())
    assert validation_errors(log) == []
    assert log["runs"][0]["automationDetails"] == {"id": "milint/pr/"}
    assert len(json.loads((repo / "milint.json").read_text())["findings"]) == 3
    ET.parse(repo / "junit.xml")


def test_an_output_format_without_a_file_goes_to_stdout(repo):
    out = check(".", "--output-format", "gitlab", cwd=repo)
    assert len(json.loads(out.stdout)) == 2


@pytest.mark.parametrize("args, words", [
    (["--format", "yaml"], "unknown output format 'yaml'"),
    (["--output-format", "json", "--format", "text"], "only one report can go to standard output"),
    (["--output-format", "sarif="], "name the file after '='"),
])
def test_output_mistakes_are_usage_errors(repo, args, words):
    out = check(".", *args, cwd=repo)
    assert out.returncode == 2 and words in out.stderr
