"""SARIF output: valid against the official schema and carrying what GitHub code scanning reads."""
import json
from pathlib import Path

from milint.engine import Settings, run
from milint.report import sarif

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _log(toolbox, paths, **options):
    report = run([str(p) for p in paths], Settings(load_entrypoints=False, root=str(FIXTURES)), toolbox)
    return report, json.loads(sarif.render(report, **options))


def test_fixture_run_is_valid_and_complete(toolbox):
    report, log = _log(toolbox, [FIXTURES], automation_id="milint/pr/")
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "milint" and driver["version"] and driver["informationUri"].startswith("https://")
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(ids) and "MI201" in ids
    for rule in driver["rules"]:
        for key in ("shortDescription", "fullDescription"):
            assert 0 < len(rule[key]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert rule["name"] and "tags" in rule["properties"]
    assert run_["columnKind"] == "utf16CodeUnits"
    assert run_["automationDetails"] == {"id": "milint/pr/"}
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    assert run_["invocations"][0]["executionSuccessful"] is True
    results = run_["results"]
    assert len(results) == len(report.findings) > 0
    for res in results:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")  # explicit, even for warnings
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not loc["artifactLocation"]["uri"].startswith(("/", "file:"))
        region = loc["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)
        assert res["partialFingerprints"]["milint/v1"]
    assert any("relatedLocations" in r for r in results)
    fixes = [r for r in results if "fixes" in r]
    assert fixes and all(r["fixes"][0]["artifactChanges"][0]["replacements"] for r in fixes)


def test_clean_run_has_empty_results(toolbox):
    _, log = _log(toolbox, [FIXTURES / "arm" / "vm-clean.json"])
    assert log["runs"][0]["results"] == []


def test_parse_problems_are_notifications(toolbox, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", ')
    report = run([str(bad)], Settings(load_entrypoints=False, root=str(tmp_path)), toolbox)
    log = json.loads(sarif.render(report))
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("broken.json" in n["message"]["text"] for n in notes)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["MI900"]
