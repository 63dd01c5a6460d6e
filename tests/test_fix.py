"""`milint check --fix` and `--diff`: safe fixes only, written back in the file's own encoding, BOM
and line endings; never to a file that changed after it was read; overlapping fixes wait for the
next pass; running it again changes nothing."""
import json
import os

import pytest
from cli_runner import milint

from milint.findings import Finding, Region, Replacement
from milint.fixes import apply_fixes, digest, fix_file

TOKEN_URL = "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"
BAD_ARM = f"curl -s -H Metadata:true '{TOKEN_URL}&resource=https://management.azure.com'"
BAD_RG = ('curl -H "Authorization: Bearer $T" '
          '"https://management.azure.com/subscriptions/$S/resourcegroups/x?api-version=2016-09-01"')
BAD_CLI = "az vm update -n myVM -g myRG --set identity.type=None"


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "deploy.sh").write_text(f"#!/bin/bash\n{BAD_ARM}\n{BAD_RG}\n{BAD_CLI}\n")
    return tmp_path


def test_fix_writes_the_safe_fixes_and_says_what_changed(repo):
    out = milint("check", "--isolated", "--fix", ".", cwd=repo, process=True)
    assert out.returncode == 0, out.stdout + out.stderr  # nothing remains
    assert (repo / "deploy.sh").read_text() == (
        f"#!/bin/bash\n{BAD_ARM[:-1]}/'\n{BAD_RG.replace('resourcegroups', 'resourceGroups')}\n"
        f"{BAD_CLI.replace('None', 'none')}\n")
    assert "milint: fixed deploy.sh:2:" in out.stderr and "MI201 token-resource-trailing-slash" in out.stderr
    assert "milint: fixed 3 problems in 1 file" in out.stderr
    assert "No problems found" in out.stdout
    again = milint("check", "--isolated", "--fix", ".", cwd=repo)
    assert again.returncode == 0 and "fixed" not in again.stderr  # idempotent


def test_fix_reports_what_remains_at_its_new_place(repo):
    (repo / "deploy.sh").write_text(f"{BAD_RG}\n{BAD_ARM}  # milint: ignore[MI201] -- gateway\n"
                                    f"{BAD_ARM.replace('management.azure.com', 'vault.azure.net')}"
                                    "  # milint: ignore[MI201] -- stale\n")
    out = milint("check", "--isolated", "--fix", "--format", "json", ".", cwd=repo)
    remaining = [(f["rule"], f["region"]["startLine"], (f["suppressed"] or {}).get("source"))
                 for f in json.loads(out.stdout)["findings"]]
    assert remaining == [("MI201", 2, "comment"), ("MI902", 3, None)]
    assert "resource=https://management.azure.com'  # milint" in (repo / "deploy.sh").read_text()  # suppressed: kept
    assert out.returncode == 1


def test_diff_prints_without_writing(repo):
    before = (repo / "deploy.sh").read_bytes()
    out = milint("check", "--isolated", "--diff", ".", cwd=repo)
    assert out.returncode == 1
    assert (repo / "deploy.sh").read_bytes() == before
    assert out.stdout.startswith("--- a/deploy.sh\n+++ b/deploy.sh\n@@ -1,4 +1,4 @@\n #!/bin/bash\n")
    assert f"\n-{BAD_ARM}\n" in out.stdout and f"\n+{BAD_ARM[:-1]}/'\n" in out.stdout
    assert "milint: would fix 3 problems in 1 file" in out.stderr
    (repo / "deploy.sh").write_text("echo nothing to fix\n")
    clean = milint("check", "--isolated", "--diff", ".", cwd=repo)
    assert clean.returncode == 0 and clean.stdout == ""


@pytest.mark.parametrize("encoding, bom, newline", [
    ("utf-16-le", b"\xff\xfe", "\r\n"), ("utf-8", b"\xef\xbb\xbf", "\r\n"), ("utf-8", b"", "\n")])
def test_fix_keeps_encoding_bom_and_line_endings(tmp_path, encoding, bom, newline):
    text = f"# caf\u00e9{newline}{BAD_ARM}{newline}echo done{newline}"
    (tmp_path / "t.ps1").write_bytes(bom + text.replace("curl -s -H Metadata:true", "Invoke-RestMethod -Headers "
                                                        "@{Metadata='true'} -Uri").encode(encoding))
    out = milint("check", "--isolated", "--fix", ".", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    data = (tmp_path / "t.ps1").read_bytes()
    assert data.startswith(bom) and data[len(bom):].decode(encoding).count(newline) == 3
    assert "management.azure.com/'" in data[len(bom):].decode(encoding)
    assert "\r\n" not in data[len(bom):].decode(encoding) or newline == "\r\n"


def test_fix_keeps_permissions_and_links(tmp_path):
    script = tmp_path / "real.sh"
    script.write_text(BAD_ARM + "\n")
    script.chmod(0o754)
    (tmp_path / "link.sh").symlink_to("real.sh")
    out = milint("check", "--isolated", "--fix", "link.sh", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "link.sh").is_symlink() and script.read_text().endswith("azure.com/'\n")
    assert os.stat(script).st_mode & 0o777 == 0o754
    assert [p.name for p in tmp_path.iterdir() if "milint-fix" in p.name] == []


# ------------------------------------------------------------------ the mechanics
def _finding(start, end, text, rule="MI201"):
    return Finding(rule, "r", "error", "m", "a.sh", Region(1, start + 1, 1, end + 1), start, end,
                   fix=[Replacement(start, end, text, Region(1, start + 1, 1, end + 1))])


def test_overlapping_fixes_wait_for_the_next_pass():
    text, applied = apply_fixes("abcdef", [_finding(1, 3, "XY"), _finding(2, 4, "Z"), _finding(5, 5, "!")])
    assert text == "aXYde!f" and len(applied) == 2
    same_point = apply_fixes("ab", [_finding(1, 1, "x"), _finding(1, 1, "y", rule="MI999")])
    assert same_point == ("axb", same_point[1]) and len(same_point[1]) == 1


def test_fix_file_loops_until_nothing_applies(tmp_path):
    path = tmp_path / "a.sh"
    path.write_bytes(b"abcdef\n")
    checks = []

    def recheck(data: bytes):  # the second fix overlapped the first; it is found again on the new text
        checks.append(data)
        return [_finding(3, 5, "Z")] if data == b"aXYdef\n" else []

    first = [_finding(1, 3, "XY"), _finding(2, 4, "Q")]
    result = fix_file(path, "a.sh", digest(b"abcdef\n"), first, recheck, {"MI201"}, write=True)
    assert path.read_bytes() == b"aXYZf\n" and result.written and len(result.fixed) == 2
    assert checks == [b"aXYdef\n", b"aXYZf\n"] and result.remaining == []


def test_fix_file_never_touches_a_changed_file(tmp_path):
    path = tmp_path / "a.sh"
    path.write_bytes(b"abcdef\n")
    result = fix_file(path, "a.sh", digest(b"something else"), [_finding(1, 3, "XY")], lambda d: [], {"MI201"},
                      write=True)
    assert not result.written and "changed after it was checked" in result.refused
    assert path.read_bytes() == b"abcdef\n"

    def edit_meanwhile(data):  # someone saves the file while milint is fixing it
        path.write_bytes(b"edited\n")
        return []

    result = fix_file(path, "a.sh", digest(b"abcdef\n"), [_finding(1, 3, "XY")], edit_meanwhile, {"MI201"},
                      write=True)
    assert not result.written and "changed while it was being fixed" in result.refused
    assert path.read_bytes() == b"edited\n"


def test_only_safe_rules_and_unsuppressed_findings_are_fixed(tmp_path):
    from milint.findings import Suppression

    path = tmp_path / "a.sh"
    path.write_bytes(b"abcdef\n")
    suppressed = _finding(1, 2, "S")
    suppressed.suppression = Suppression("inSource", "why", "comment")
    result = fix_file(path, "a.sh", digest(b"abcdef\n"), [suppressed, _finding(3, 4, "U", rule="MI777")],
                      lambda d: [], {"MI201"}, write=True)
    assert not result.changed and path.read_bytes() == b"abcdef\n"


def test_the_fix_stage_refuses_a_file_changed_after_the_check(repo):
    from milint.engine import Settings, Toolbox, fix, run

    settings = Settings(load_entrypoints=False, root=str(repo))
    toolbox = Toolbox(settings)
    report = run([str(repo)], settings, toolbox)
    (repo / "deploy.sh").write_text("echo rewritten meanwhile\n")
    (outcome,) = fix(report, toolbox, settings, write=True)
    assert outcome.refused and not outcome.written
    assert (repo / "deploy.sh").read_text() == "echo rewritten meanwhile\n"
