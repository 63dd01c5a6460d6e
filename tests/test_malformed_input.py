"""Broken and hostile files, through the real engine and command line.

Every case puts one bad file next to a good one (`control.sh`, which has one known finding) and
checks: no crash and no internal error, no hang, exactly one clear diagnostic naming the bad file
(with its position when one is known), the other file still checked, and an exit code of 2 only
for usage or tool errors.
"""
from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from milint.engine import Settings, exit_code, run

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
TOKEN = ("curl 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"
         "&resource=https://management.azure.com' -H Metadata:true\n")  # MI201 at 1:93
EXTENSION = "ManagedIdentityExtensionForWindows"  # MI102 wherever a template deploys it


def template(*, comments: bool = False, indent=None, extension: str = EXTENSION) -> str:
    """An ARM template that deploys the deprecated identity extension (one MI102 finding)."""
    value = {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": [{
        "type": "Microsoft.Compute/virtualMachines/extensions", "apiVersion": "2018-06-01",
        "name": "vm/MSIExtension", "properties": {"publisher": "Microsoft.ManagedIdentity",
                                                  "type": extension, "typeHandlerVersion": "1.0"}}]}
    text = json.dumps(value, indent=indent)
    if comments:  # comments in every odd place ARM accepts them
        text = ("// leading\n/* block */" + text.replace(":", " /* after key */ : // line\n")
                .replace(",", " /**/ ,/*x*/").replace("[", "[ // open\n").replace("}", "/* end */ }")
                + "// trailing without a newline")
    return text


def check(tree: Path, toolbox, paths=None, **options):
    settings = Settings(load_entrypoints=False, root=str(tree), **options)
    return run([str(p) for p in (paths or [tree])], settings, toolbox)


def diagnostics(report, name: str) -> list[tuple]:
    """What the run says about one file: (rule or notice level, message, region or None).  A
    parse error is a finding and, for the console and SARIF notifications, a notice that repeats
    it: that is one diagnostic."""
    found = [f for f in report.findings if f.path == name]
    out = [(f.rule_id, f.message, (f.region.start_line, f.region.start_column)) for f in found]
    out += [(n.level, n.message, None) for n in report.notices
            if n.path == name and not any(n.message.endswith(f.message) for f in found)]
    return out


def assert_survived(report) -> None:
    """No internal error, and the control file was checked as usual."""
    internal = [n.message for n in report.notices if "internal error" in n.message or n.level == "error"]
    assert internal == []
    assert [(f.rule_id, f.region.start_line, f.region.start_column, f.snippet)
            for f in report.findings if f.path == "control.sh"] == [
        ("MI201", 1, 93, "https://management.azure.com")]
    assert exit_code(report, "warning") == 1  # findings, not a tool error


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "control.sh").write_text(TOKEN)
    return tmp_path


def only(report, name: str) -> tuple:
    found = diagnostics(report, name)
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------------------------------------------ JSON
def test_truncated_json_is_one_parse_error_at_the_end(tree, toolbox):
    text = template()[:template().index(', "typeHandlerVersion"')]  # ends after a complete value
    (tree / "truncated.json").write_text(text)
    report = check(tree, toolbox)
    assert_survived(report)
    rule, message, where = only(report, "truncated.json")
    assert rule == "MI900" and "not valid JSON" in message and where == (1, len(text) + 1)


def test_invalid_json_points_at_the_bad_character(tree, toolbox):
    text = f'{{"$schema": "{SCHEMA}", "x": "{EXTENSION}",\n "resources": [}}'
    (tree / "invalid.json").write_text(text)
    report = check(tree, toolbox)
    assert_survived(report)
    rule, message, where = only(report, "invalid.json")
    assert rule == "MI900" and where == (2, text.splitlines()[1].index("}") + 1)


@pytest.mark.parametrize("indent", [None, 2])
def test_comments_in_odd_places_are_read_and_findings_stay_exact(tree, toolbox, indent):
    text = template(comments=True, indent=indent)
    (tree / "commented.json").write_text(text)
    report = check(tree, toolbox)
    assert_survived(report)
    [(rule, _, _)] = diagnostics(report, "commented.json")
    [finding] = [f for f in report.findings if f.path == "commented.json"]
    assert rule == "MI102" and finding.snippet == EXTENSION
    assert text[finding.start:finding.end] == EXTENSION


def test_duplicate_keys_last_one_wins_and_positions_follow_it(tree, toolbox):
    bad, clean = json.loads(template()), json.loads(template(extension="Other"))
    first = json.dumps(clean["resources"])
    second = json.dumps(bad["resources"])
    text = f'{{"$schema": "{SCHEMA}", "resources": {first},\n "resources": {second}}}'
    (tree / "dup.json").write_text(text)
    report = check(tree, toolbox)
    assert_survived(report)
    [finding] = [f for f in report.findings if f.path == "dup.json"]
    assert finding.rule_id == "MI102" and finding.start == text.rindex(EXTENSION) and finding.region.start_line == 2
    # and the other way round: the clean one wins
    (tree / "dup.json").write_text(f'{{"$schema": "{SCHEMA}", "resources": {second},\n "resources": {first}}}')
    assert diagnostics(check(tree, toolbox), "dup.json") == []


@pytest.mark.parametrize("prefix", ["", "// ARM comment: the located parser reads it\n"])
def test_100k_levels_of_nesting_are_one_parse_error(tree, toolbox, prefix):
    head = f'{prefix}{{"$schema": "{SCHEMA}", "x": "{EXTENSION}", "deep": '
    (tree / "deep.json").write_text(head + "[" * 100_000 + "]" * 100_000 + "}")
    start = time.perf_counter()
    report = check(tree, toolbox)
    assert time.perf_counter() - start < 10
    assert_survived(report)
    rule, message, where = only(report, "deep.json")
    line = head.count("\n") + 1
    assert rule == "MI900" and "nesting deeper than 512 levels" in message
    # at the bracket that opens level 513 (the root object is level 1)
    assert where == (line, len(head.splitlines()[-1]) + 511 + 1)


@pytest.mark.parametrize("name, text", [
    ("deep.sh", TOKEN + "echo " + "$(" * 100_000 + ")" * 100_000 + "\n" + "`" * 5_000 + "\n" + "${" * 50_000),
    ("deep.ps1", "Invoke-RestMethod -Uri 'http://169.254.169.254/metadata/identity/oauth2/token?api-version="
                 "2018-02-01&resource=https://management.azure.com' -Headers @{Metadata='true'}\n"
                 + "$(" * 100_000 + "@{a=" * 50_000 + "[" * 50_000),
])
def test_deep_nesting_in_scripts_does_not_stop_their_reading(tree, toolbox, name, text):
    (tree / name).write_text(text)
    start = time.perf_counter()
    report = check(tree, toolbox)
    assert time.perf_counter() - start < 20
    assert_survived(report)
    column = text.index("https://management.azure.com") + 1
    assert [(rule, where) for rule, _, where in diagnostics(report, name)] == [("MI201", (1, column))]


# ------------------------------------------------------------------------------------ sizes
def test_a_50_mb_file_over_the_limit_is_skipped_without_being_read(tree, toolbox, monkeypatch):
    big = tree / "huge.json"
    with open(big, "wb") as fh:  # sparse: costs no disk
        fh.write(b'{"x": "oauth2/token"')
        fh.truncate(50 * 1024 * 1024)
    opened = []
    real_open = builtins.open
    monkeypatch.setattr(builtins, "open", lambda file, *a, **k: (opened.append(str(file)), real_open(file, *a, **k))[1])
    start = time.perf_counter()
    report = check(tree, toolbox)
    assert time.perf_counter() - start < 5
    assert_survived(report)
    rule, message, where = only(report, "huge.json")
    assert rule == "MI901" and "52,428,800 bytes, over the 16,777,216-byte limit" in message
    assert str(big) not in opened


@pytest.mark.slow
def test_a_50_mb_script_with_a_raised_limit_is_read_to_the_end(tree, toolbox):
    lines = 50 * 1024 * 1024 // 32
    (tree / "big.sh").write_bytes(b"echo 'a line of filler text' \n" * lines + TOKEN.encode())
    # a file this size needs both limits raised: size, and the 30 s default time per file
    report = check(tree, toolbox, max_file_size=64 * 1024 * 1024, timeout_per_file=900)
    assert_survived(report)
    assert only(report, "big.sh")[0::2] == ("MI201", (lines + 1, 93))


def test_an_extremely_long_line_keeps_exact_columns(tree, toolbox):
    filler = '"' + "x" * 4_000_000 + '"'
    text = template().replace('"contentVersion"', f'"padding": {filler}, "contentVersion"')
    (tree / "minified.json").write_text(text)
    start = time.perf_counter()
    report = check(tree, toolbox)
    assert time.perf_counter() - start < 20
    assert_survived(report)
    rule, _, where = only(report, "minified.json")
    assert rule == "MI102" and where == (1, text.index(EXTENSION) + 1)


# ------------------------------------------------------------------------------------ bytes
@pytest.mark.parametrize("name", ["blob.json", "blob.ps1", "blob.sh"])
def test_binary_content_with_a_text_name_is_skipped_with_a_note(tree, toolbox, name):
    (tree / name).write_bytes(bytes(range(256)) * 64 + b"oauth2/token")
    report = check(tree, toolbox)
    assert_survived(report)
    rule, message, _ = only(report, name)
    assert rule == "MI901" and "binary content" in message


def test_invalid_utf8_is_one_parse_error_at_the_first_bad_byte(tree, toolbox):
    (tree / "latin1.sh").write_bytes(TOKEN.encode() + b"echo caf\xe9\n")
    report = check(tree, toolbox)
    assert_survived(report)
    rule, message, where = only(report, "latin1.sh")
    assert rule == "MI900" and "not valid UTF-8" in message and where == (2, 9)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le", "utf-8-sig", "utf-32"])
def test_utf16_and_boms_are_read_with_text_positions(tree, toolbox, encoding):
    data = TOKEN.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # BOM-less UTF-16 is recognised when it is little-endian ASCII
    (tree / "wide.sh").write_bytes(data)
    report = check(tree, toolbox)
    assert_survived(report)
    [finding] = [f for f in report.findings if f.path == "wide.sh"]
    assert (finding.rule_id, finding.region.start_line, finding.region.start_column, finding.snippet) == (
        "MI201", 1, 93, "https://management.azure.com")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_line_ends_count_as_lines(tree, toolbox, newline):
    text = template(indent=2).replace("\n", newline)
    (tree / "lines.json").write_text(text, newline="")
    report = check(tree, toolbox)
    assert_survived(report)
    [(rule, _, where)] = diagnostics(report, "lines.json")
    line = next(i for i, t in enumerate(template(indent=2).splitlines(), 1) if EXTENSION in t)
    column = template(indent=2).splitlines()[line - 1].index(EXTENSION) + 1
    assert (rule, where) == ("MI102", (line, column))


def test_nul_bytes_early_mean_binary_late_ones_are_text(tree, toolbox):
    (tree / "early.sh").write_bytes(b"echo \x00\n" + TOKEN.encode())
    (tree / "late.sh").write_bytes(b"#" * 9000 + b"\n" + TOKEN.encode() + b"echo \x00 done\n")
    report = check(tree, toolbox)
    assert_survived(report)
    assert only(report, "early.sh")[0] == "MI901"
    assert only(report, "late.sh")[0::2] == ("MI201", (2, 93))


@pytest.mark.parametrize("name, data", [
    ("empty.json", b""), ("empty.sh", b""), ("empty.ps1", b""), ("blank.json", b" \n\t\r\n"),
    ("bom.json", b"\xef\xbb\xbf"), ("bom16.ps1", b"\xff\xfe"),
])
def test_empty_files_are_quietly_fine(tree, toolbox, name, data):
    (tree / name).write_bytes(data)
    report = check(tree, toolbox)
    assert_survived(report)
    assert diagnostics(report, name) == []
    # read even without a trigger word, an empty .json is not JSON
    everything = check(tree, toolbox, prefilter=False)
    expected = [("MI900", "not valid JSON: empty document: expected a JSON value")] if name.endswith(".json") else []
    assert [(rule, message) for rule, message, _ in diagnostics(everything, name)] == expected


# ------------------------------------------------------------------------------------ the file system
def test_symlink_loops_and_links_out_of_the_tree_are_not_followed(tmp_path, toolbox):
    tree, outside = tmp_path / "tree", tmp_path / "outside"
    tree.mkdir()
    outside.mkdir()
    (tree / "control.sh").write_text(TOKEN)
    (outside / "secret.sh").write_text(TOKEN)
    os.symlink(outside / "secret.sh", tree / "secret.sh")
    os.symlink(outside, tree / "elsewhere")
    os.symlink(tree / "loop-a", tree / "loop-b")
    os.symlink(tree / "loop-b", tree / "loop-a")
    os.symlink(tree, tree / "self")  # a folder link inside the tree: its files are walked once
    report = check(tree, toolbox)
    assert_survived(report)
    for name in ("secret.sh", "elsewhere", "loop-a", "loop-b"):
        assert [message for _, message, _ in diagnostics(report, name)] == [
            "symbolic link that leads outside the checked tree or nowhere; not followed"]
    assert {f.path for f in report.findings} == {"control.sh"}
    # named on the command line, a link out of the tree is not followed either
    named = check(tree, toolbox, paths=[tree / "control.sh", tree / "secret.sh", tree / "elsewhere" / "secret.sh"])
    assert {f.path for f in named.findings} == {"control.sh"}
    assert len(diagnostics(named, "secret.sh")) == 1 and len(diagnostics(named, "elsewhere/secret.sh")) == 1


def test_an_unreadable_file_is_a_warning_and_the_run_goes_on(tree, toolbox, monkeypatch):
    (tree / "locked.sh").write_text(TOKEN)
    real_open = builtins.open

    def refusing(file, *args, **kwargs):  # tests run as root: simulate the permission
        if str(file).endswith("locked.sh"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing)
    report = check(tree, toolbox)
    assert_survived(report)
    assert only(report, "locked.sh")[:2] == ("warning", "cannot read file: Permission denied")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifos_and_folders_with_file_names_never_block(tree):
    os.mkfifo(tree / "pipe.json")  # opening it for reading would wait for a writer forever
    os.symlink(tree / "pipe.json", tree / "link-to-pipe.sh")
    (tree / "folder.json").mkdir()
    (tree / "folder.json" / "inner.sh").write_text(TOKEN)
    for args in (["."], ["pipe.json", "link-to-pipe.sh", "folder.json", "control.sh"]):
        out = subprocess.run([sys.executable, "-m", "milint", "check", *args, "--format", "json", "-o", "out.json"],
                             cwd=tree, capture_output=True, text=True, timeout=60)
        assert out.returncode == 1, out.stderr
        data = json.loads((tree / "out.json").read_text())
        assert sorted(f["path"] for f in data["findings"]) == ["control.sh", "folder.json/inner.sh"]
        assert "internal error" not in out.stderr
        assert sorted(line for line in out.stderr.splitlines() if "regular" in line) == [
            "milint: link-to-pipe.sh: note: not a regular file; skipped",
            "milint: pipe.json: note: not a regular file; skipped"]


def test_every_hostile_file_at_once_through_the_command_line(tree):
    files = {
        "truncated.json": template()[:150].encode(), "deep.json": b"[" * 100_000 + b'"oauth2/token"',
        "blob.ps1": bytes(range(256)) * 40, "latin1.sh": b"curl oauth2/token \xff\n",
        "wide.ps1": "irm 'http://x/oauth2/token'\r\n".encode("utf-16"), "empty.json": b"",
        "nul.json": b'{"a": "oauth2/token\x00"}', "cr.sh": TOKEN.replace("\n", "\r").encode(),
        "weird name\nwith newline.sh": TOKEN.encode(), "-rf.sh": b"echo oauth2/token\n",
    }
    for name, data in files.items():
        (tree / name).write_bytes(data)
    os.symlink("/etc/passwd", tree / "passwd.sh")
    out = subprocess.run([sys.executable, "-m", "milint", "check", ".", "--format", "sarif"],
                         cwd=tree, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1, out.stderr
    assert "internal error" not in out.stderr and "Traceback" not in out.stderr
    log = json.loads(out.stdout)
    run_ = log["runs"][0]
    assert run_["invocations"][0]["executionSuccessful"] is True
    paths = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]}
    paths |= {loc["physicalLocation"]["artifactLocation"]["uri"]
              for n in run_["invocations"][0].get("toolExecutionNotifications", []) for loc in n.get("locations", [])}
    assert {"control.sh", "truncated.json", "deep.json", "blob.ps1", "latin1.sh", "passwd.sh",
            "weird%20name%0Awith%20newline.sh"} <= paths


# ------------------------------------------------------------------------------------ YAML
BOMB = "\n".join(["lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"] + [
    f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)])


def _bomb_rule(where: str) -> str:
    """A rule file that is valid in every way but one: `where` holds nine levels of aliases."""
    anchors = ", ".join(["&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"] + [
        f"&l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)])
    fields = {"id": "MI998", "name": "bomb", "level": "note", "summary": "s", "message": "m",
              "docs": "{what: w, why: y}", "triggers": "[x]", "check": "{fact: x, where: x}",
              "seed": "[L1]", "examples": "[{file: a.sh, verdict: bad, code: x, at: x}, "
                                          "{file: b.sh, verdict: good, code: y}]"}
    fields[where] = f"[{anchors}]"
    return "".join(f"{k}: {v}\n" for k, v in fields.items())


def _run_limited(code: str, timeout: float = 20) -> subprocess.CompletedProcess:
    """Run Python code in a child with 1 GB of address space and a time limit."""
    prelude = "import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
    return subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, timeout=timeout)


def test_rule_files_load_with_a_safe_loader(tmp_path):
    marker = tmp_path / "pwned"
    rule = tmp_path / "MI997-tag.yaml"
    rule.write_text(f"id: !!python/object/apply:os.system ['touch {marker}']\n")
    from milint.rulebook import RuleError, load_rule_file

    with pytest.raises(RuleError, match="cannot read rule file"):
        load_rule_file(rule)
    assert not marker.exists()


@pytest.mark.parametrize("where", ["summary"])
def test_a_billion_laughs_rule_file_is_a_clean_error(tmp_path, where):
    rule = tmp_path / "MI998-bomb.yaml"
    rule.write_text(_bomb_rule(where))
    try:
        out = _run_limited("from pathlib import Path\nfrom milint.rulebook import RuleError, load_rule_file\n"
                           f"try:\n    load_rule_file(Path({str(rule)!r}))\nexcept RuleError as e:\n"
                           "    print('clean:', e)\n", timeout=3)
    except subprocess.TimeoutExpired:
        pytest.fail("loading the rule file did not end")
    assert out.returncode == 0 and out.stdout.startswith("clean:"), out.stderr[-500:]


def test_a_billion_laughs_config_is_a_clean_error_or_harmless(tmp_path):
    (tmp_path / ".milint.yaml").write_text(BOMB + "\nselect: *l8\nexclude: *l8\noptions: {MI201: {x: *l8}}\n")
    (tmp_path / "control.sh").write_text(TOKEN)
    code = ("import sys\nfrom milint.cli import main\n"
            f"import os; os.chdir({str(tmp_path)!r})\nsys.exit(main(['check', '.']))\n")
    try:
        out = _run_limited(code, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("reading the configuration did not end")
    assert out.returncode in (1, 2) and "MemoryError" not in out.stderr and "Traceback" not in out.stderr


# ------------------------------------------------------------------------------------ limits
def test_the_time_limit_stops_a_parser_quickly():
    from milint.lstr import LStr
    from milint.sources.jsonc import parse_located
    from milint.sources.powershell import parse_powershell
    from milint.sources.shell import parse_shell
    from milint.timelimit import TimeLimitExceeded, time_limit

    script = LStr.at("echo $(a) 'b' \"$c\"\n" * 200_000, 0)
    flat = "[" + "1, " * 500_000 + "1]"
    for parse, text in ((parse_shell, script), (parse_powershell, script), (parse_located, flat)):
        start = time.perf_counter()
        with pytest.raises(TimeLimitExceeded), time_limit(0.05):
            parse(text)
        assert time.perf_counter() - start < 1.0, parse.__name__
    parse_shell(LStr.at("echo fine\n", 0))  # the limit is gone after its block


def test_an_arm_expression_bomb_is_bounded(tree, toolbox):
    variables = {"v0": "ab", **{f"v{i}": f"[concat(variables('v{i - 1}'), variables('v{i - 1}'))]"
                                for i in range(1, 64)}}
    value = json.loads(template())
    value["variables"] = variables
    value["resources"][0]["properties"]["settings"] = {"commandToExecute": "[variables('v63')]"}
    value["resources"] += [dict(value["resources"][0], name=f"vm/e{i}") for i in range(200)]
    (tree / "bomb.json").write_text(json.dumps(value))
    start = time.perf_counter()
    report = check(tree, toolbox)
    assert time.perf_counter() - start < 20
    assert_survived(report)
    assert {rule for rule, _, _ in diagnostics(report, "bomb.json")} == {"MI102"}


def test_a_configured_nesting_limit_is_a_parse_error(tree, toolbox):
    (tree / "nested.json").write_text(f'{{"$schema": "{SCHEMA}", "x": "{EXTENSION}", "a": ' + "[" * 20 + "]" * 20 + "}")
    report = check(tree, toolbox, max_depth=8)
    rule, message, _ = only(report, "nested.json")
    assert rule == "MI900" and "nesting deeper than 8 levels" in message


@pytest.mark.parametrize("name, text", [
    ("slow.sh", TOKEN + "echo $(a) 'b' \"$c\"\n" * 5_000),
    # lexing application code honours the limit too, as the other parsers do
    ("slow.js", TOKEN.replace("curl", "// curl") + "x = 'a' + \"b\" / 2;\n" * 50_000),
])
def test_a_file_over_the_time_limit_is_skipped_with_a_note(tree, toolbox, name, text):
    check(tree, toolbox)  # imports done first: within 1 ms the control file must only be read
    (tree / name).write_text(text)
    start = time.perf_counter()
    report = check(tree, toolbox, timeout_per_file=0.001)
    assert time.perf_counter() - start < 5
    assert_survived(report)
    rule, message, _ = only(report, name)
    assert rule == "MI901" and "time limit" in message


def test_a_huge_literal_in_a_pygments_language_is_skipped_not_lexed(tree, toolbox):
    """Pygments would need gigabytes for one huge string literal; such files (Ruby: the one language
    milint lexes with Pygments) are skipped with a note, while Python and JavaScript files of the
    same size are read by milint's own scanners."""
    from milint.sources.code.lexer import GENERAL_LEXER_MAX_CHARS

    blob = "x\\'" * (GENERAL_LEXER_MAX_CHARS // 3 + 1)
    token = 'fetch("http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com")'
    url = token[7:-2]
    (tree / "bundle.rb").write_text(f"BLOB = '{blob}'\nNet::HTTP.get(URI(\"{url}\"))\n")
    (tree / "bundle.js").write_text(f"const blob = '{blob}';\n{token};\n")
    (tree / "generated.py").write_text(f"BLOB = '{blob}'\nrequests.get(\"{url}\", headers={{'Metadata': 'true'}})\n")
    report = check(tree, toolbox)
    assert_survived(report)
    rule, message, _ = only(report, "bundle.rb")
    assert rule == "MI901" and "more than milint lexes" in message and "excluded" in message
    assert "MI201" in [f.rule_id for f in report.findings if f.path == "bundle.js"]
    assert [f.rule_id for f in report.findings if f.path == "generated.py"] == ["MI201"]


def test_one_rule_reports_at_most_a_bounded_number_of_findings_per_file(tree, toolbox):
    from milint.engine import MAX_FINDINGS_PER_RULE

    (tree / "repeat.sh").write_text(TOKEN * (MAX_FINDINGS_PER_RULE + 50))
    report = check(tree, toolbox)
    assert_survived(report)
    mine = [f for f in report.findings if f.path == "repeat.sh" and f.rule_id == "MI201"]
    assert len(mine) == MAX_FINDINGS_PER_RULE
    assert any("not listed" in n.message for n in report.notices if n.path == "repeat.sh")


@pytest.mark.parametrize("name, text", [
    # a block comment and a string that each span megabytes, with suppression marks that send the text
    # through the comment scanner: the scanners keep constant memory where `re` would need gigabytes
    ("comment.json", '{"identity": {"type": "SystemAssigned"}, /* milint: ' + "a*" * 6_000_000 + ' */ "x": 1}'),
    ("string.json", '{"identity": {"type": "SystemAssigned"}, "x": "' + '\\"a' * 4_500_000
     + '"} // milint: ignore[MI301]\n'),
])
def test_megabyte_lexemes_fit_in_bounded_memory(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    (tmp_path / "control.sh").write_text(TOKEN)
    code = ("import sys, os\nfrom milint.cli import main\n"
            f"os.chdir({str(tmp_path)!r})\nsys.exit(main(['check', '--format', 'json', '.']))\n")
    out = _run_limited(code, timeout=120)
    assert out.returncode == 1, out.stderr[-800:]
    rules = {(f["path"], f["rule"]) for f in json.loads(out.stdout)["findings"]}
    assert ("control.sh", "MI201") in rules
