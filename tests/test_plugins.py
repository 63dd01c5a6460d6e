"""A third-party rule pack, installed the way pip installs one (a dist-info with a `milint` entry
point), shows up in `milint rules`, in results and in SARIF; blocking it works; a pack with a
broken rule file is a clear configuration error."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

PACK_RULE = textwrap.dedent("""\
    id: AC001
    name: imds-request-without-client-id
    level: warning
    summary: Acme policy - every IMDS token request names its identity.
    message: "Acme policy: add client_id to this IMDS token request."
    check: python
    triggers: ["169.254.169.254"]
    references: ["Acme cloud policy 7"]
    docs:
      what: IMDS token requests without client_id.
      why: Acme VMs carry several identities.
    examples:
      - file: a.sh
        verdict: bad
        code: "curl -H Metadata:true 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net'"
        at: http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net
      - file: b.sh
        verdict: good
        code: "echo hi"
    """)

PACK_CODE = textwrap.dedent("""\
    from pathlib import Path
    from milint.checks import Hit
    from milint.plugin import hookimpl

    @hookimpl
    def milint_rule_paths():
        return [Path(__file__).parent / "rules"]

    def check(ctx):
        for request in ctx.facts_of("token_request"):
            if request["endpoint"] == "imds" and not request["selectors"]:
                yield Hit(at=request["url"])

    @hookimpl
    def milint_checks():
        return {"AC001": check}
    """)


@pytest.fixture
def pack(tmp_path):
    site = tmp_path / "site"
    pkg = site / "acme_milint"
    (pkg / "rules").mkdir(parents=True)
    (pkg / "__init__.py").write_text(PACK_CODE)
    (pkg / "rules" / "AC001-imds-request-without-client-id.yaml").write_text(PACK_RULE)
    info = site / "acme_milint-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-milint\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[milint]\nacme = acme_milint\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "t.sh").write_text("curl -H Metadata:true 'http://169.254.169.254/metadata/identity/oauth2/token"
                               "?api-version=2018-02-01&resource=https://vault.azure.net'\n")
    return site, work


def _milint(site, work, *args):
    env = dict(os.environ, PYTHONPATH=str(site) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "milint", *args], cwd=work, env=env, capture_output=True,
                          text=True, timeout=120)


def test_pack_rule_is_listed_reported_and_in_sarif(pack):
    site, work = pack
    assert any(line.startswith("AC001  imds-request-without-client-id") for line in
               _milint(site, work, "rules").stdout.splitlines())
    out = _milint(site, work, "check", ".", "--format", "sarif")
    log = json.loads(out.stdout)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["AC001"]
    rule = next(r for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "AC001")
    assert rule["properties"]["plugin"] == "acme"
    from sarif_schema import validation_errors
    assert validation_errors(log) == []


def test_pack_rule_can_be_deselected(pack):
    site, work = pack
    assert _milint(site, work, "check", ".", "--ignore", "AC").returncode == 0


def test_broken_pack_rule_is_a_configuration_error(pack):
    site, work = pack
    rule_file = site / "acme_milint" / "rules" / "AC001-imds-request-without-client-id.yaml"
    rule_file.write_text(PACK_RULE.replace("level: warning", "level: loud"))
    out = _milint(site, work, "check", ".")
    assert out.returncode == 2 and "level 'loud'" in out.stderr and "AC001" in out.stderr


def test_in_process_registration(toolbox):
    """Plugins can also be registered programmatically (as tests and embedders do)."""
    from milint.plugin import plugin_manager
    pm = plugin_manager(load_entrypoints=False)
    names = {name for name, _ in pm.list_name_plugin()}
    assert {"milint.sources.plugin", "milint.checks.plugin", "milint.report.plugin"} <= names


def test_pack_that_fails_to_import_is_a_clear_error(pack):
    site, work = pack
    (site / "acme_milint-1.0.dist-info" / "entry_points.txt").write_text(
        "[console_scripts]\nacme = acme_milint:main\n\n[milint]\n# the pack\nacme = acme_missing_module\n")
    out = _milint(site, work, "check", ".")
    assert out.returncode == 2 and "acme_missing_module" in out.stderr and "Traceback" not in out.stderr
    assert "plugin 'acme'" in out.stderr


def test_entry_point_files_are_read_by_section(tmp_path, monkeypatch):
    from milint.entry_points import entry_points
    info = tmp_path / "pack-1.0.dist-info"
    info.mkdir()
    (info / "entry_points.txt").write_text(
        "[console_scripts]\nacme = acme.cli:main\n\n[milint]\n; a comment\nacme = acme.plugin:hooks.v1 [extra]\n"
        "second=acme.other\n\n[other]\nx = y\n")
    (tmp_path / "bad-1.0.dist-info").mkdir()  # no entry_points.txt
    monkeypatch.setattr("sys.path", [str(tmp_path / "missing"), str(tmp_path)])
    assert list(entry_points("milint")) == [("acme", "acme.plugin:hooks.v1"), ("second", "acme.other")]
