"""`milint check --stdin-filename PATH`: an editor's unsaved buffer, read from standard input and
reported as PATH, with the kind and the configuration that PATH would have."""
import json
import subprocess
import sys

TOKEN = ('curl -H Metadata:true "http://169.254.169.254/metadata/identity/oauth2/token'
         '?api-version=2018-02-01&resource=https://management.azure.com"\n')


def run(cwd, text, *args):
    return subprocess.run([sys.executable, "-m", "milint", "check", *args], input=text.encode("utf-8"),
                          capture_output=True, cwd=cwd, timeout=120)


def findings(out):
    return [(f["rule"], f["path"], f["region"]["startLine"], f["suppressed"] is not None)
            for f in json.loads(out.stdout)["findings"]]


def test_buffer_is_checked_as_the_named_file(tmp_path):
    out = run(tmp_path, "echo start\n" + TOKEN, "--stdin-filename", "scripts/get-token.sh", "--format", "json")
    assert out.returncode == 1, out.stderr
    assert findings(out) == [("MI201", "scripts/get-token.sh", 2, False)]
    # the file on disk (absent here) plays no part; an unsaved edit that fixes it is clean
    fixed = TOKEN.replace("azure.com\"", "azure.com/\"")
    assert run(tmp_path, fixed, "--stdin-filename", "scripts/get-token.sh").returncode == 0


def test_the_name_decides_the_kind(tmp_path):
    out = run(tmp_path, TOKEN, "--stdin-filename", "notes.txt", "--format", "json")
    assert out.returncode == 0 and findings(out) == []  # milint does not read .txt files
    as_bash = run(tmp_path, TOKEN, "--stdin-filename", "notes.txt", "--as", "bash", "--format", "json")
    assert [f[0] for f in findings(as_bash)] == ["MI201"]


def test_the_configuration_of_the_files_folder_applies(tmp_path):
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / ".milint.yaml").write_text("ignore: [MI201]\n")
    out = run(tmp_path, TOKEN, "--stdin-filename", "legacy/token.sh", "--format", "json")
    assert out.returncode == 0 and findings(out) == [], out.stderr
    (tmp_path / ".milint.yaml").write_text('per-file-ignores:\n  "docs/**": [MI201]\n')
    out = run(tmp_path, TOKEN, "--stdin-filename", "docs/howto.sh", "--format", "json")
    assert out.returncode == 0 and findings(out) == [("MI201", "docs/howto.sh", 1, True)]


def test_sarif_names_the_file(tmp_path):
    out = run(tmp_path, TOKEN, "--stdin-filename", "get-token.sh", "--format", "sarif")
    result = json.loads(out.stdout)["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "get-token.sh"


def test_oversized_and_undecodable_input_are_one_diagnostic(tmp_path):
    out = run(tmp_path, TOKEN * 10, "--stdin-filename", "t.sh", "--max-file-size", "100", "--format", "json")
    assert [f[0] for f in findings(out)] == ["MI901"]
    bad = subprocess.run([sys.executable, "-m", "milint", "check", "--stdin-filename", "t.sh", "--format", "json"],
                         input=b"curl \xff\xfe\xfa http://169.254.169.254/\n", capture_output=True, cwd=tmp_path,
                         timeout=120)
    assert bad.returncode in (0, 1) and [f[0] for f in findings(bad)] == ["MI900"]


def test_fix_and_paths_are_usage_errors(tmp_path):
    assert run(tmp_path, TOKEN, "--stdin-filename", "t.sh", "--fix").returncode == 2
    assert run(tmp_path, TOKEN, "--stdin-filename", "t.sh", "other.sh").returncode == 2
    assert run(tmp_path, TOKEN, "--stdin-filename", "t.sh", "-").returncode == 1
