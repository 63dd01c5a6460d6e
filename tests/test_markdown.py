"""Markdown: fenced blocks (in lists and blockquotes too) as sub-documents with exact positions,
language labels and guessing, and the per-section Cloud Shell decision."""
import random

import pytest

from milint.engine import example_findings
from milint.facts.requests import Context
from milint.lstr import LStr, UNKNOWN
from milint.sources.markdown import block_kind, guess_kind, markdown_facts, scan

IMDS = "http://169.254.169.254/metadata/identity/oauth2/token"
OLD = "http://localhost:50342/oauth2/token"


def blocks_of(text: str):
    return scan(LStr.at(text, 0)).blocks


def facts_of(text: str) -> list[dict]:
    return markdown_facts(LStr.at(text, 0), Context())


def findings(text: str, toolbox, name: str = "doc.md"):
    return example_findings(text, name, toolbox)


def fence(label: str, body: str, marker: str = "```") -> str:
    return f"{marker}{label}\n{body}\n{marker}\n"


# ------------------------------------------------------------------ blocks
def test_backtick_and_tilde_fences_of_any_length():
    text = ("````bash\ncurl a\n```\nstill inside\n````\n\n"
            "~~~powershell\nGet-AzVM\n~~~\n")
    found = blocks_of(text)
    assert [(b.info, str(b.text)) for b in found] == [
        ("bash", "curl a\n```\nstill inside\n"), ("powershell", "Get-AzVM\n")]


@pytest.mark.parametrize("info, label", [
    ("azurecli-interactive", "azurecli-interactive"),
    ("json {.line-numbers}", "json"),
    ("{.python}", "python"),
    ("{.json .numberLines}", "json"),
    ("PowerShell", "powershell"),
    ("js,ignore", "js"),
    ("", ""),
])
def test_info_strings(info, label):
    assert blocks_of(f"```{info}\nx\n```\n")[0].info == label


def test_inline_code_with_three_backticks_is_not_a_fence():
    assert blocks_of("Use ```az login``` first.\n") == []


def test_unclosed_fence_runs_to_the_end():
    (block,) = blocks_of("text\n```bash\ncurl x\ncurl y")
    assert str(block.text) == "curl x\ncurl y"


def test_fences_in_html_comments_are_not_read():
    text = "<!--\n```bash\ncurl x\n```\n-->\n```bash\ncurl y\n```\n"
    assert [str(b.text) for b in blocks_of(text)] == ["curl y\n"]


def test_list_item_fence_is_stripped_and_mapped_back():
    text = "1. Get a token:\n\n   ```bash\n   curl a \\\n     -H b\n   ```\n"
    (block,) = blocks_of(text)
    assert str(block.text) == "curl a \\\n  -H b\n"
    for i, ch in enumerate(str(block.text)):
        s, e = block.text.span(i, i + 1)
        assert text[s:e] == ch


def test_blockquote_fence_is_stripped_and_mapped_back():
    text = "> Note:\n>\n> ```bash\n> curl a\n>   -H b\n> ```\n"
    (block,) = blocks_of(text)
    assert str(block.text) == "curl a\n  -H b\n"
    s, e = block.text.span(0, 6)
    assert text[s:e] == "curl a"


def test_blockquote_ends_the_block():
    (block,) = blocks_of("> ```bash\n> curl a\nnot quoted\n")
    assert str(block.text) == "curl a\n"


def test_empty_wrapper_around_a_labeled_fence_is_repaired():
    # the seed's pasted form (L8013-L8036): ``` + blank + ```json ... ``` + blank + ```
    text = "```\n\n```json\n{\"a\": 1}\n```\n\n```\n\nprose\n\n```bash\ncurl x\n```\n"
    assert [(b.info, str(b.text)) for b in blocks_of(text)] == [("json", "{\"a\": 1}\n"), ("bash", "curl x\n")]


def test_crlf():
    (block,) = blocks_of("```bash\r\ncurl a\r\n```\r\n")
    assert str(block.text) == "curl a\r\n"


# ------------------------------------------------------------------ languages
@pytest.mark.parametrize("body, kind", [
    ("GET http://169.254.169.254/x HTTP/1.1\nMetadata: true", "http"),
    ("HTTP/1.1 200 OK\nContent-Type: application/json", None),
    ('{"identity": {"type": "SystemAssigned"}}', "json"),
    ('"identity": {\n  "type": "SystemAssigned"\n}', "json"),
    ('{ not json', None),
    ("$response = Invoke-WebRequest -Uri http://x -Headers @{Metadata=\"true\"}", "powershell"),
    ("Invoke-WebRequest -Uri http://x", "powershell"),
    ("Connect-AzAccount -Identity", "powershell"),
    ("# sign in\naz login --identity", "bash"),
    ("$ az vm list\n[]", "bash"),
    ("response=$(curl -s http://x)", "bash"),
    ("#!/usr/bin/env bash\necho hi", "bash"),
    ("using System;\nvar request = (HttpWebRequest)WebRequest.Create(url);", "csharp"),
    ("import java.io.*;\nHttpURLConnection con;", "java"),
    ("package main\n\nfunc main() {}", "go"),
    ("import requests\nrequests.get(url)", "python"),
    ("const token = await fetch(url);", "javascript"),
    ("StatusCode : 200\nContent : {}", None),
    ("Self-Signed certificates are rejected", None),
    ("Hello world! :)", None),
    ("", None),
])
def test_guessing_unlabeled_blocks(body, kind):
    assert guess_kind(LStr.at(body, 0)) == kind


def test_labels_decide_and_request_lines_win_over_shell_labels():
    text = (fence("azurecli-interactive", "az login") + fence("azurepowershell-interactive", "Get-AzVM")
            + fence("powershell-interactive", "Get-AzVM") + fence("bash", f"GET {IMDS}")
            + fence("output", "az login") + fence("yaml", "a: b"))
    assert [block_kind(b) for b in blocks_of(text)] == ["bash", "powershell", "powershell", "http", None, None]


def test_shell_session_keeps_only_the_commands(toolbox):
    text = fence("console", f"$ curl '{OLD}?resource=https://management.azure.com/' \\\n"
                            "    -H Metadata:true\n"
                            "curl: (7) Failed to connect to localhost port 50342")
    found = findings(text, toolbox)
    assert [(f.rule_id, f.snippet, f.region.start_line) for f in found] == [("MI101", OLD, 2)]


def test_response_json_is_not_read_but_request_bodies_are(monkeypatch):
    import milint.facts.json_fragments as json_fragments

    seen = []
    monkeypatch.setattr(json_fragments, "fragment_facts", lambda parsed, ctx: seen.append(parsed.value) or [])
    text = ("The response looks like this:\n\n" + fence("", '{"identity": {"type": "SystemAssigned"}}')
            + "\nRequest body:\n\n" + fence("json", '{"identity": {"type": "UserAssigned"}}')
            + "\nAdd this to the resource:\n\n" + fence("json", '"identity": {"type": "None"}'))
    facts_of(text)
    assert seen == [{"identity": {"type": "UserAssigned"}}, {"identity": {"type": "None"}}]


def test_template_parts_are_read_as_templates(toolbox):
    resource = ('{\n  "type": "Microsoft.Compute/virtualMachines/extensions",\n  "name": "vm/ext",\n'
                '  "apiVersion": "2018-06-01",\n  "properties": {\n    "publisher": "Microsoft.ManagedIdentity",\n'
                '    "type": "ManagedIdentityExtensionForLinux",\n    "typeHandlerVersion": "1.0"\n  }\n}')
    members = '"resources": [\n' + "\n".join("  " + line for line in resource.splitlines()) + "\n]"
    for body in (resource, members):
        found = findings("Add the extension:\n\n" + fence("json", body), toolbox)
        assert [(f.rule_id, f.snippet) for f in found] == [("MI102", "ManagedIdentityExtensionForLinux")]


# ------------------------------------------------------------------ positions through the engine
def test_finding_in_an_indented_list_item_fence_points_at_the_offending_text(toolbox):
    text = ("# Get a token\n\n"
            "1. Connect to the VM.\n"
            "2. Request the token:\n\n"
            "   ```bash\n"
            f"   curl -H Metadata:true \\\n"
            f"     '{OLD}?resource=https://management.azure.com'\n"
            "   ```\n")
    found = {f.rule_id: f for f in findings(text, toolbox)}
    assert set(found) == {"MI101", "MI201"}
    for rule, expected in (("MI101", OLD), ("MI201", "https://management.azure.com")):
        f = found[rule]
        assert f.snippet == expected
        lines = text.splitlines()
        r = f.region
        assert r.start_line == r.end_line == 8
        assert lines[r.start_line - 1][r.start_column - 1:r.end_column - 1] == expected


def test_finding_in_a_blockquote_list_fence(toolbox):
    text = ("> 1. Old way:\n"
            ">    ```http\n"
            f">    GET {OLD}?resource=https%3A%2F%2Fmanagement.azure.com HTTP/1.1\n"
            ">    ```\n")
    found = {f.rule_id: f for f in findings(text, toolbox)}
    assert found["MI101"].snippet == OLD
    assert found["MI201"].snippet == "https%3A%2F%2Fmanagement.azure.com"
    assert (found["MI101"].region.start_line, found["MI101"].region.start_column) == (3, 10)


def test_fix_inside_a_markdown_block(toolbox):
    from milint.fixes import apply_fixes

    text = fence("bash", f"curl '{IMDS}?api-version=2018-02-01&resource=https://management.azure.com' -H Metadata:true")
    mine = [f for f in findings(text, toolbox) if f.rule_id == "MI201"]
    fixed, applied = apply_fixes(text, mine)
    assert applied and "resource=https://management.azure.com/'" in fixed


# ------------------------------------------------------------------ Cloud Shell, per section
EXTENSION_CALL = fence("bash", f"curl '{OLD}?resource=https://management.azure.com/' -H Metadata:true")


def _mi101(text, toolbox):
    return [f.region.start_line for f in findings(text, toolbox) if f.rule_id == "MI101"]


def test_cloud_shell_boilerplate_in_another_section_does_not_silence(toolbox):
    text = ("# Move off the VM extension\n\n"
            "## Prerequisites\n\n- Use Azure Cloud Shell to run the steps.\n\n"
            "## Open Azure Cloud Shell\n\nSelect **Try It**.\n\n"
            "## Get a token from the extension\n\n" + EXTENSION_CALL)
    assert _mi101(text, toolbox) == [14]


def test_cloud_shell_mentioned_in_the_section_silences(toolbox):
    text = ("# Tokens\n\n## Inside Cloud Shell\n\nCloud Shell serves tokens on port 50342:\n\n" + EXTENSION_CALL
            + "\n## On a VM with the old extension\n\n" + EXTENSION_CALL)
    assert _mi101(text, toolbox) == [14]


def test_cloud_shell_in_an_enclosing_heading_title_silences(toolbox):
    text = "# Use a managed identity in Azure Cloud Shell\n\n## Get a token\n\n" + EXTENSION_CALL
    assert _mi101(text, toolbox) == []


def test_cloud_shell_in_the_block_itself_silences(toolbox):
    text = "# Tokens\n\n" + fence("bash", f"# runs in Cloud Shell\ncurl '{OLD}?resource=https://management.azure.com/'")
    assert _mi101(text, toolbox) == []


def test_file_without_headings_is_one_section(toolbox):
    assert _mi101("This sample runs in Azure Cloud Shell.\n\n" + EXTENSION_CALL, toolbox) == []
    assert _mi101("This sample runs on a VM.\n\n" + EXTENSION_CALL, toolbox) == [4]


def test_setext_headings_make_sections(toolbox):
    text = ("Cloud Shell\n===========\n\nSee the docs.\n\n"
            "VM extension\n------------\n\n" + EXTENSION_CALL)
    # the block's own section (VM extension) is inside the Cloud Shell H1: the title chain counts
    assert _mi101(text, toolbox) == []
    text = "Old extension\n=============\n\n" + EXTENSION_CALL + "\nCloud Shell\n===========\n\nText.\n"
    assert _mi101(text, toolbox) == [5]


def test_facts_carry_their_top_level_section():
    text = "intro\n\n" + EXTENSION_CALL + "# A\n\n## A.1\n\n" + EXTENSION_CALL + "# B\n\n" + EXTENSION_CALL
    sections = [f["section"] for f in facts_of(text) if f["kind"] == "token_request"]
    assert sections == [-1, 0, 2]


def test_markdown_inside_markdown():
    text = fence("markdown", fence("bash", f"curl '{OLD}'"), marker="````")
    assert [f["endpoint"] for f in facts_of(text) if f["kind"] == "token_request"] == ["vm_extension"]


# ------------------------------------------------------------------ bad input
_PREFIXES = ["", "", "", "> ", ">", "   ", "- ", "1. ", "\t", "> - ", "    "]
_LINES = ["```", "~~~", "````", "```bash", "```json", "```http", "```markdown", "```powershell", "```console",
          "# Title", "## Cloud Shell", "===", "---", "<!--", "-->", "", "text", "The response:",
          f"curl -H Metadata:true '{OLD}?resource=https://management.azure.com'",
          f"GET {IMDS}?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com HTTP/1.1",
          "Metadata: true", "$ az vm update -g rg -n vm --set identity.type=None \\",
          "$x = Invoke-WebRequest -Uri 'http://localhost:50342/oauth2/token' -Headers @{Metadata=\"true\"} `",
          '"identity": {"type": "UserAssigned", "userAssignedIdentities": {"a": {}, "b": {}}}',
          '{"resources": [{"type": "Microsoft.Compute/virtualMachines/extensions", "apiVersion": "x",',
          '"properties": {"type": "ManagedIdentityExtensionForLinux"}}]}', "{", "}", "[", "]",
          "az identity create -g rg -n 'a b'", "PUT https://management.azure.com/subscriptions/1/resourcegroups/x",
          "@{", "'", '"', "\\", "`", UNKNOWN, "é\x00", "<#", "{{x}}", "###"]
_NEWLINES = ["\n", "\n", "\n", "\r\n", "\r"]


def _random_markdown(rng: random.Random) -> str:
    return "".join(rng.choice(_PREFIXES) + rng.choice(_LINES) + rng.choice(_NEWLINES)
                   for _ in range(rng.randint(0, 40)))


def _mutated(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 6)):
        a = rng.randrange(len(text) + 1)
        b = min(len(text), a + rng.randint(0, 40))
        text = rng.choice([text[:a] + text[b:], text[:a] + text[a:b] * 2 + text[b:],
                           text[:a] + rng.choice(_LINES) + text[a:]])
    return text


def test_random_markdown_never_crashes():
    rng = random.Random(3)
    kinds = set()
    for _ in range(600):
        text = _random_markdown(rng)
        for item in facts_of(text):
            kinds.add(item["kind"])
            s, e = item["at"].span()
            assert 0 <= s <= e <= len(text)
    assert {"token_request", "rest_call", "cli_command"} <= kinds  # the inputs reach the readers


def test_mutated_fixtures_never_crash():
    from pathlib import Path

    docs = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "docs").glob("*.md"))
    assert docs
    rng = random.Random(5)
    for _ in range(300):
        text = _mutated(rng, rng.choice(docs).read_text(encoding="utf-8"))
        for item in facts_of(text):
            item["at"].span()


def test_random_markdown_through_the_engine(toolbox):
    rng = random.Random(11)
    rules = set()
    for _ in range(80):
        text = _random_markdown(rng)
        for f in findings(text, toolbox):
            rules.add(f.rule_id)
            assert f.start <= f.end
    assert rules  # some inputs do produce findings


def test_http_blocks_are_documentation_excerpts():
    arm = "https://management.azure.com/subscriptions/1/resourceGroups/rg?api-version=2019-10-01"
    text = (fence("", f"PUT {arm} HTTP/1.1")
            + fence("http", f"GET {IMDS}?api-version=2018-02-01&resource={arm[:29]}\nMetadata: true"))
    calls = [f for f in facts_of(text) if f["kind"] == "rest_call"]
    assert [c["headers_known"] for c in calls] == [False, True]


@pytest.mark.parametrize("text", [
    " " * 200_000 + "x\n",
    "> " * 100_000 + "```bash\n" + "> " * 100_000 + "curl x\n",
    "#" + " " * 100_000 + "x" + " " * 100_000 + "#\n",
    "```\n" * 20_000,
    "```\n" + "\n" * 100_000 + "```json\n{}\n```\n" + "\n" * 100_000 + "```\n",
    "1. " * 50_000 + "```bash\ncurl x\n```\n",
    "- a\n" * 50_000 + "---\n",
    "```console\n" + "$ x\n" * 20_000 + "```\n",
    "```http\nGET http://x" + " " * 100_000 + "y\nName:" + " " * 100_000 + "v\n```\n",
    "<!--\n" * 50_000,
    "```\n" + "a" * 200_000 + " := 1\n```\n",
])
def test_hostile_shapes_are_read_in_linear_time(text, monkeypatch):
    """The Markdown layer (and HTTP blocks) stay linear; the shell and PowerShell parsers that
    read the blocks have their own tests."""
    import time

    import milint.facts.dispatch as dispatch

    monkeypatch.setattr(dispatch, "facts_for", lambda kind, source, ctx: [])
    start = time.perf_counter()
    facts_of(text)
    assert time.perf_counter() - start < 3.0


def test_comment_marker_inside_prose_hides_nothing():
    text = "Write `<!--` to open a comment.\n\n```bash\ncurl y\n```\n"
    assert [str(b.text) for b in blocks_of(text)] == ["curl y\n"]
