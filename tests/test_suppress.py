"""Inline suppressions: comments in each kind's syntax (never text inside a string), ARM resource
metadata, reasons, expiry, and the findings about unused or expired suppressions; end to end through
the command line on temporary repositories, plus the comment detection on its own."""
import json
import re

import pytest
from cli_runner import milint
from hypothesis import given, settings, strategies as st

from milint.comments import comments_at

TOKEN_URL = "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"
BAD_CURL = f"curl -s -H Metadata:true '{TOKEN_URL}&resource=https://management.azure.com'"
BAD_PS = f"Invoke-RestMethod -Uri '{TOKEN_URL}&resource=https://management.azure.com' -Headers @{{Metadata='true'}}"
ARM_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
CURL_COL = BAD_CURL.index("https://management") + 1  # where MI201 reports (1-based)
PS_COL = BAD_PS.index("https://management") + 1


def findings(cwd, *args):
    out = milint("check", "--format", "json", "--isolated", *args, cwd=cwd)
    assert out.returncode in (0, 1), out.stderr
    return [(f["rule"], f["path"], f["region"]["startLine"], f["region"]["startColumn"],
             (f["suppressed"] or {}).get("source")) for f in json.loads(out.stdout)["findings"]]


# ------------------------------------------------------------------ where comments are
def _comment_texts(text, kind):
    marks = [m.start() for m in re.finditer("milint:", text)]
    found = comments_at(text, kind, marks)
    return [text[found[m].start:found[m].end] if m in found else None for m in marks]


def test_bash_comments_are_told_from_strings_heredocs_and_words():
    text = ("curl a # milint: ignore[A]\n"
            'echo "x # milint: ignore[B]"\n'
            "echo 'y # milint: ignore[C]'\n"
            "cat <<EOF\n# milint: ignore[D]\nEOF\n"
            'echo "#" # milint: ignore[E]\n'
            "echo a#milint: ignore[F]\n"
            "x=$(curl b # milint: ignore[G]\n)\n")
    assert _comment_texts(text, "bash") == ["# milint: ignore[A]", None, None, None, "# milint: ignore[E]", None,
                                            "# milint: ignore[G]"]


def test_powershell_comments_are_told_from_strings_and_here_strings():
    text = ("Invoke-X -A b # milint: ignore[A]\n"
            '$x = "a # milint: ignore[B]"\n'
            '$s = @"\n# milint: ignore[C]\n"@\n'
            "<# milint: ignore[D] -- two\n   lines #>\n"
            "$y = 'it''s # milint: ignore[E]'\n")
    assert _comment_texts(text, "powershell") == ["# milint: ignore[A]", None, None,
                                                  "<# milint: ignore[D] -- two\n   lines #>", None]


def test_powershell_comment_inside_a_hashtable_is_not_recognised():
    # a known limit of asking the parser: a probe statement is not valid inside @{ }; such a
    # suppression is simply not seen (the finding stays reported), never wrongly applied
    assert _comment_texts("$h = @{\n a = 1 # milint: ignore[A]\n}\n", "powershell") == [None]


def test_json_comments_are_told_from_strings():
    text = ('{\n // milint: ignore[A] -- r\n "a": "// milint: ignore[B]", /* milint: ignore[C] */\n'
            ' "b": "q\\" // milint: ignore[D]"\n}')
    assert _comment_texts(text, "arm") == ["// milint: ignore[A] -- r", None, "/* milint: ignore[C] */", None]


def test_markdown_html_comments_and_comments_inside_fenced_blocks():
    pytest.importorskip("milint.sources.markdown")
    text = ("Text\n<!-- milint: ignore[A] -- why -->\n```bash\ncurl x # milint: ignore[B]\n"
            'echo "# milint: ignore[C]"\n```\n\n'
            "`<!-- milint: ignore[D] -->` is inline code\n"
            "```html\n<!-- milint: ignore[E] -->\n```\n")
    assert _comment_texts(text, "markdown") == ["<!-- milint: ignore[A] -- why -->", "# milint: ignore[B]",
                                                None, None, None]


_PIECES = st.sampled_from(["milint: ignore[MI201]", "#", "<#", "#>", "//", "/*", "*/", "<!--", "-->", "```", "'", '"',
                           "`", "$(", ")", "@\"", "\"@", "<<EOF", "EOF", "\\", "\n", " ", "{", "}", "x", "--"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=40), st.sampled_from(["bash", "powershell", "json", "markdown", "python", "go"]))
def test_any_text_gives_comments_that_hold_their_marks(pieces, kind):
    text = "".join(pieces)
    marks = [m.start() for m in re.finditer("milint:", text)]
    for mark, comment in comments_at(text, kind, marks).items():
        assert comment.start <= comment.body_start <= mark < comment.body_end <= comment.end <= len(text)


def test_other_kinds_use_their_comment_prefixes():
    assert _comment_texts('x = "a # milint: ignore[A]"  # milint: ignore[B]\n', "python") == \
        [None, "# milint: ignore[B]"]
    assert _comment_texts('s = "// milint: x"; /* milint: ignore[B] */\n', "csharp") == \
        [None, "/* milint: ignore[B] */"]


# ------------------------------------------------------------------ end to end
def test_bash_suppressions_by_id_and_name_on_the_line_and_the_line_before(tmp_path):
    (tmp_path / "get-token.sh").write_text(
        "# milint: ignore[MI201] -- the gateway compares the audience without the slash\n"
        f"{BAD_CURL}\n"
        f"{BAD_CURL}  # milint: ignore[token-resource-trailing-slash, MI501] -- same gateway\n"
        f"{BAD_CURL}\n")
    out = milint("check", "--isolated", ".", "--select", "MI2,MI9", cwd=tmp_path)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert [line.split(": ")[0] for line in lines[:-1]] == [f"get-token.sh:4:{CURL_COL}"]  # only the unsuppressed one
    assert lines[-1] == "Found 1 problem (1 error) in 1 file (1 file checked; 2 suppressed)."
    assert "MI902" not in out.stdout  # MI501 did not run (--select), so it is not called unused


def test_suppressed_findings_are_in_sarif_and_never_fail_the_run(tmp_path):
    from sarif_schema import validation_errors

    (tmp_path / "get-token.sh").write_text(f"{BAD_CURL}  # milint: ignore[MI201] -- legacy gateway\n")
    out = milint("check", "--isolated", ".", "--format", "sarif", cwd=tmp_path, process=True)
    assert out.returncode == 0
    log = json.loads(out.stdout)
    assert validation_errors(log) == []
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "MI201"
    assert result["suppressions"] == [{"kind": "inSource", "justification": "legacy gateway", "status": "accepted"}]
    text = milint("check", "--isolated", ".", cwd=tmp_path)
    assert text.returncode == 0 and text.stdout.strip() == "No problems found (1 file checked; 1 suppressed)."
    assert milint("check", "--isolated", ".", "--format", "github", cwd=tmp_path).stdout == ""


def test_text_in_strings_suppresses_nothing(tmp_path):
    (tmp_path / "get-token.sh").write_text(f'echo "# milint: ignore[MI201]"\n{BAD_CURL}\n')
    (tmp_path / "get-token.ps1").write_text(f"$note = '# milint: ignore[MI201]'\n{BAD_PS}\n")
    assert findings(tmp_path) == [("MI201", "get-token.ps1", 2, PS_COL, None),
                                  ("MI201", "get-token.sh", 2, CURL_COL, None)]


def test_powershell_block_comment_before_the_line(tmp_path):
    (tmp_path / "get-token.ps1").write_text(f"<# milint: ignore[MI201]\n   -- the gateway quirk #>\n{BAD_PS}\n")
    assert findings(tmp_path) == [("MI201", "get-token.ps1", 3, PS_COL, "comment")]


def test_a_standalone_comment_covers_the_continuation_lines_of_the_next_command(tmp_path):
    (tmp_path / "get-token.sh").write_text(
        "# milint: ignore[MI201] -- gateway quirk\n"
        "curl -s -H Metadata:true \\\n"
        f"  '{TOKEN_URL}&resource=https://management.azure.com'\n"
        f"{BAD_CURL}\n")
    continued = len(f"  '{TOKEN_URL}&resource=") + 1
    assert findings(tmp_path) == [("MI201", "get-token.sh", 3, continued, "comment"),
                                  ("MI201", "get-token.sh", 4, CURL_COL, None)]


def test_a_reason_that_mentions_a_suppression_is_just_a_reason(tmp_path):
    (tmp_path / "a.sh").write_text(f"{BAD_CURL}  # milint: ignore[MI201] -- replaces milint: ignore[MI501]\n")
    assert findings(tmp_path) == [("MI201", "a.sh", 1, CURL_COL, "comment")]


def test_unused_and_unknown_suppressions_are_findings_at_the_rule_name(tmp_path):
    (tmp_path / "ok.sh").write_text(
        "# milint: ignore[MI501, MI201] -- kept from an older version\n"
        f"{BAD_CURL}\n"
        "echo done  # milint: ignore[no-such-rule]\n"
        "# milint: ignore -- everything\n")
    out = milint("check", "--isolated", ".", "--format", "json", cwd=tmp_path)
    got = [(f["rule"], f["region"]["startLine"], f["region"]["startColumn"], f["region"]["endColumn"], f["message"])
           for f in json.loads(out.stdout)["findings"] if f["suppressed"] is None]
    assert [g[:4] for g in got] == [("MI902", 1, 18, 23), ("MI902", 3, 29, 41), ("MI902", 4, 3, 17)]
    assert "no MI501 finding on this line or the next" in got[0][4]
    assert "`no-such-rule` is not the id or name of a milint rule" in got[1][4]
    assert "names no rule" in got[2][4]
    assert out.returncode == 1  # MI902 is a warning


def test_expired_suppression_stops_working_and_says_so(tmp_path):
    (tmp_path / "old.sh").write_text(f"# milint: ignore[MI201] until=2001-01-31 -- to be replaced\n{BAD_CURL}\n")
    (tmp_path / "new.sh").write_text(f"# milint: ignore[MI201] until=2999-01-31 -- to be replaced\n{BAD_CURL}\n")
    (tmp_path / "typo.sh").write_text(f"{BAD_CURL} # milint: ignore[MI201] until=31.01.2027 -- to be replaced\n")
    typo = (tmp_path / "typo.sh").read_text().index("31.01") + 1
    assert findings(tmp_path) == [("MI201", "new.sh", 2, CURL_COL, "comment"),
                                  ("MI903", "old.sh", 1, 31, None), ("MI201", "old.sh", 2, CURL_COL, None),
                                  ("MI201", "typo.sh", 1, CURL_COL, None), ("MI903", "typo.sh", 1, typo, None)]


def test_a_reason_can_be_required(tmp_path):
    (tmp_path / ".milint.yaml").write_text("require-reason: true\n")
    (tmp_path / "a.sh").write_text(f"{BAD_CURL}  # milint: ignore[MI201]\n")
    (tmp_path / "b.sh").write_text(f"{BAD_CURL}  # milint: ignore[MI201] -- gateway quirk\n")
    out = milint("check", "--format", "json", ".", cwd=tmp_path)
    got = [(f["rule"], f["path"], (f["suppressed"] or {}).get("justification")) for f in
           json.loads(out.stdout)["findings"]]
    assert got == [("MI201", "a.sh", None), ("MI902", "a.sh", None), ("MI201", "b.sh", "gateway quirk")]
    assert "requires one (require-reason)" in out.stdout


def _template(resources):
    return json.dumps({"$schema": ARM_SCHEMA, "contentVersion": "1.0.0.0", "resources": resources}, indent=2)


def _identity(name, **extra):
    return {"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "apiVersion": "2018-11-30", "name": name,
            "location": "westeurope", **extra}


def test_arm_metadata_covers_its_resource_only(tmp_path):
    meta = {"milint": {"ignore": ["identity-name-invalid", "MI102"], "reason": "kept for the audit trail"}}
    (tmp_path / "azuredeploy.json").write_text(_template([_identity("id logs", metadata=meta),
                                                          _identity("id other")]))
    out = milint("check", "--isolated", ".", "--format", "json", cwd=tmp_path)
    got = [(f["rule"], f["snippet"] if "snippet" in f else f["region"]["startLine"], (f["suppressed"] or {}))
           for f in json.loads(out.stdout)["findings"]]
    assert [(rule, sup.get("source"), sup.get("justification")) for rule, _, sup in got] == [
        ("MI301", "metadata", "kept for the audit trail"), ("MI902", None, None), ("MI301", None, None)]
    assert "inside this resource" in out.stdout


def test_arm_line_comments_and_strings(tmp_path):
    text = _template([_identity("id logs"), _identity("id other", tags={"note": "// milint: ignore[MI301]"})])
    text = text.replace('"name": "id logs"', '// milint: ignore[MI301] -- legacy\n      "name": "id logs"')
    (tmp_path / "azuredeploy.json").write_text(text)
    assert [(r, s) for r, _, _, _, s in findings(tmp_path)] == [("MI301", "comment"), ("MI301", None)]


def test_arm_metadata_that_is_malformed_or_expired(tmp_path):
    (tmp_path / "azuredeploy.json").write_text(_template([
        _identity("id a", metadata={"milint": {"ignor": ["MI301"]}}),
        _identity("id b", metadata={"milint": {"ignore": "MI301", "until": "2001-01-01"}})]))
    got = findings(tmp_path)
    assert [(r, s) for r, _, _, _, s in got] == [("MI301", None), ("MI902", None), ("MI902", None),
                                                 ("MI301", None), ("MI903", None)]


def test_markdown_comment_before_a_fence_covers_the_block(tmp_path):
    pytest.importorskip("milint.sources.markdown")
    (tmp_path / "README.md").write_text(
        "# Get a token\n\n<!-- milint: ignore[MI201] -- the sample shows the gateway's own form -->\n\n"
        f"```bash\necho first\n{BAD_CURL}\n```\n\n```bash\n{BAD_CURL}\n```\n")
    assert findings(tmp_path) == [("MI201", "README.md", 7, CURL_COL, "comment"),
                                  ("MI201", "README.md", 11, CURL_COL, None)]


def test_a_file_that_only_holds_a_suppression_is_checked_with_and_without_the_prefilter(tmp_path):
    (tmp_path / "a.sh").write_text("echo hello  # milint: ignore[MI201]\n")
    assert findings(tmp_path) == findings(tmp_path, "--no-prefilter") == [("MI902", "a.sh", 1, 30, None)]


def test_per_file_ignores_are_external_suppressions(tmp_path):
    (tmp_path / ".milint.yaml").write_text("per-file-ignores:\n  'legacy/**': [MI201]\n")
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "a.sh").write_text(BAD_CURL + "\n")
    (tmp_path / "b.sh").write_text(BAD_CURL + "\n")
    out = milint("check", ".", "--format", "sarif", cwd=tmp_path)
    results = json.loads(out.stdout)["runs"][0]["results"]
    by_path = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in results}
    assert by_path["legacy/a.sh"]["suppressions"] == [
        {"kind": "external", "justification": "per-file-ignores in .milint.yaml", "status": "accepted"}]
    assert "suppressions" not in by_path["b.sh"]


def test_engine_and_suppress_agree_on_the_tool_rule_ids(toolbox):
    from milint import engine, suppress

    assert engine.SUPPRESSION_RULES == (suppress.UNUSED, suppress.EXPIRED)
    assert {suppress.UNUSED, suppress.EXPIRED} <= set(toolbox.by_id)
