"""Token-request facts and the MI1xx rules: the logic behind them, and the traps they must avoid."""
import pytest

from milint.facts.requests import Context, is_imds_token_path
from milint.facts.shell_facts import shell_facts
from milint.facts.urls import is_broken, is_open_ended, parse_url
from milint.lstr import LStr, UNKNOWN
from rule_snippets import findings_of, ids_and_snippets

IMDS = "http://169.254.169.254/metadata/identity/oauth2/token"
U = UNKNOWN


@pytest.mark.parametrize("path, expected", [
    ("/metadata/identity/oauth2/token", True),
    ("/metadata/identity/oauth2/token/", True),
    ("/Metadata/Identity/OAuth2/Token", True),
    ("/metadata/oauth2/token", True),  # a near miss is still a token request (MI112 reports it)
    ("/metadata/identity/token", True),
    ("/oauth2/token", True),
    ("/metadata/identity/info", False),
    ("/metadata/instance", False),
    ("/metadata/scheduledevents", False),
    ("/latest/api/token", False),  # AWS IMDSv2
    ("/computeMetadata/v1/instance/service-accounts/default/token", False),  # GCP
])
def test_imds_token_paths(path, expected):
    assert is_imds_token_path(path) is expected


@pytest.mark.parametrize("url, expected", [
    (f"https://management.azure.com/subscriptions/{U}/resourceGroups/{U}", False),  # variables are names
    (f"{IMDS}?api-version=2018-02-01&resource={U}", False),  # a variable is a value
    (f"{IMDS}{U}", True),  # the query may be in the variable
    (f"{IMDS}?{U}", True),
    (f"{IMDS}?api-version=2018-02-01&{U}", True),
    (f"http://x/a/{U}{U}", True),
    (f"{U}", True),
    ("https://management.azure.com/subscriptions/<SUBSCRIPTION", True),
])
def test_open_ended_urls(url, expected):
    assert is_open_ended(parse_url(LStr.at(url, 0))) is expected


def test_broken_urls():
    assert is_broken(LStr.at(f"{IMDS}?api-version=2018-02-\n01", 0))
    assert is_broken(LStr.at("https://management.azure.com/subscriptions/<SUBSCRIPTION-", 0))
    assert not is_broken(LStr.at("https://management.azure.com/subscriptions/<SUBSCRIPTION ID>/x".replace(" ", "_"), 0))


def _facts(script: str) -> list[dict]:
    return shell_facts(LStr.at(script, 0), Context())


def test_result_var_links_a_token_to_its_variable():
    script = (f"TOKEN=$(curl -s -H Metadata:true '{IMDS}?api-version=2018-02-01&resource=https://vault.azure.net' "
              "| jq -r .access_token)\n"
              "curl -H \"Authorization: Bearer ${TOKEN}\" https://kv.vault.azure.net/secrets/a?api-version=7.4\n"
              "export ARM=\"$(az account get-access-token --query accessToken -o tsv)\"\n")
    facts = _facts(script)
    token = [f for f in facts if f["kind"] == "token_request"][0]
    assert token["result_var"] == "TOKEN"
    use = [f for f in facts if f["kind"] == "rest_call" and f["auth_var"]][0]
    assert use["auth_var"] == "TOKEN"
    cli = [f for f in facts if f["kind"] == "cli_command"][0]
    assert cli["result_var"] == "ARM"


def test_result_var_is_left_out_when_the_variable_is_assigned_twice():
    script = (f"T=$(curl -s -H Metadata:true '{IMDS}?api-version=2018-02-01&resource=https://vault.azure.net')\n"
              "T=$(cat cached-token)\n")
    token = [f for f in _facts(script) if f["kind"] == "token_request"][0]
    assert token["result_var"] is None


@pytest.mark.parametrize("header, var", [
    ("Authorization: Bearer $TOKEN", "TOKEN"),
    ("Authorization: Bearer ${TOKEN}", "TOKEN"),
    ("Authorization: bearer $t", "t"),
    ("Authorization: Bearer $(cat token)", None),
    ("Authorization: $AUTH", None),
    ("Authorization: Bearer $A$B", None),
])
def test_auth_var(header, var):
    call = [f for f in _facts(f'curl -H "{header}" https://management.azure.com/subscriptions?api-version=1')
            if f["kind"] == "rest_call"][0]
    assert call["auth_var"] == var


def test_a_local_token_server_on_another_port_is_not_the_vm_extension():
    assert not [f for f in _facts("curl 'http://localhost:8080/oauth2/token?client_id=x'") if f["kind"] == "token_request"]
    configured = _facts("curl -H Metadata:true 'http://localhost:50400/oauth2/token?resource=https://vault.azure.net'")
    assert [f["endpoint"] for f in configured if f["kind"] == "token_request"] == ["vm_extension"]


def test_a_placeholder_cut_by_a_redirection_leaves_the_query_unknown():
    call = [f for f in _facts('curl https://management.azure.com/subscriptions/<SUBSCRIPTION ID>/x?api-version=1 -H "A: b"')
            if f["kind"] == "rest_call"][0]
    assert call["query_complete"] is False and call["headers_known"] is True  # the -H words are still there


@pytest.mark.parametrize("script", [
    "curl -s 'https://management.azure.com/subscriptions?api-version=1' -H\n'Authorization: Bearer x'\n",
    "curl -s 'https://management.azure.com/subscriptions?api-version=1' -\nH 'Authorization: Bearer x'\n",
    "curl -s 'https://management.azure.com/subscriptions?api-version=1'\n-H 'Authorization: Bearer x'\n",
    "curl -s 'https://management.azure.com/subscriptions?api-version=1' -X\nPOST\n",
])
def test_a_command_cut_by_a_line_break_has_unknown_headers_and_method(script):
    call = [f for f in _facts(script) if f["kind"] == "rest_call"][0]
    assert call["headers_known"] is False
    assert call["method_value"] is None


def test_options_swallowed_by_a_stray_quote_make_headers_unknown():
    script = "curl -X PUT 'https://management.azure.com/x?api-version=1' -d '{\"a\": 'b\" -H \"Authorization: Bearer t\"'\n"
    call = [f for f in _facts(script) if f["kind"] == "rest_call"][0]
    assert call["headers_known"] is False


def test_a_complete_command_keeps_its_headers_known():
    call = [f for f in _facts("curl -s -H 'Authorization: Bearer x' 'https://management.azure.com/subscriptions?api-version=1'\n")
            if f["kind"] == "rest_call"][0]
    assert call["headers_known"] is True and call["method_value"] == "GET"


# Traps from the seed notes: none of these may be reported by a token, audience or REST rule.
TRAPS = [
    ("header-later.sh", f"curl -H 'metadata: true' '{IMDS}?api-version=2018-02-01&resource=https://vault.azure.net'"),
    ("config.sh", f"curl -K imds.cfg '{IMDS}?api-version=2018-02-01&resource=https://vault.azure.net'"),
    ("header-file.sh", f"curl -H @imds-headers '{IMDS}?api-version=2018-02-01&resource=https://vault.azure.net'"),
    ("query-var.sh", f'curl -H Metadata:true "{IMDS}?$QUERY"'),
    ("resource-var.sh", f'curl -H Metadata:true "{IMDS}?api-version=2018-02-01&resource=$RESOURCE"'),
    ("version-var.sh", f'curl -H Metadata:true "{IMDS}?api-version=$V&resource=https://vault.azure.net"'),
    ("newer.sh", f"curl -H Metadata:true '{IMDS}?api-version=2021-02-01&resource=https://vault.azure.net'"),
    ("instance.sh", "curl -H Metadata:true 'http://169.254.169.254/metadata/instance?api-version=2017-08-01'"),
    ("aws.sh", "curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/"),
    ("cloudshell.sh", "# Azure Cloud Shell\ncurl -s http://localhost:50342/oauth2/token --data 'resource=https://management.azure.com/' -H Metadata:true"),
    ("arc.sh", "curl -s -H Metadata:true 'http://localhost:40342/metadata/identity/oauth2/token?api-version=2020-06-01&resource=https://management.azure.com/'"),
    ("splat.ps1", "$t = Invoke-RestMethod @imdsRequest"),
    ("headers-var.ps1", f"$t = Invoke-RestMethod -Uri '{IMDS}?api-version=2018-02-01&resource=https://vault.azure.net' -Headers $h"),
    ("body-var.ps1", f"$t = Invoke-RestMethod -Uri '{IMDS}' -Body $query -Headers @{{Metadata='true'}}"),
    ("placeholder.sh", f"curl -H Metadata:true '{IMDS}?api-version=2018-02-01&resource=https://vault.azure.net&client_id=<CLIENT ID>'"),
    ("appsvc-unversioned.sh", 'curl -H "secret: $MSI_SECRET" "$MSI_ENDPOINT?resource=https://vault.azure.net&clientid=$ID"'),
    ("comment.sh", f"# curl '{IMDS}?resource=https://valut.azure.net'"),
    ("login.sh", "az login --identity --client-id \"$ID\"\naz login --service-principal -u \"$APP\" -p \"$SECRET\" --tenant t"),
]


@pytest.mark.parametrize("filename, code", TRAPS, ids=[t[0] for t in TRAPS])
def test_traps_are_silent(filename, code, toolbox, tmp_path):
    assert ids_and_snippets(findings_of(toolbox, code + "\n", filename, tmp_path)) == []


def test_powershell_true_fix_is_only_offered_where_quotes_are_safe(toolbox, tmp_path):
    ps = f"Invoke-RestMethod -Uri '{IMDS}?api-version=2018-02-01&resource=https://vault.azure.net' -Headers @{{ Metadata = $true }}\n"
    [found] = [f for f in findings_of(toolbox, ps, "t.ps1", tmp_path) if f.rule_id == "MI106"]
    assert found.fix and found.fix[0].text == "'true'"


def test_malformed_version_fix_joins_the_wrapped_line(toolbox, tmp_path):
    code = f"curl -H Metadata:true '{IMDS}?api-version=2018-02-\n  01&resource=https://vault.azure.net'\n"
    [found] = [f for f in findings_of(toolbox, code, "t.sh", tmp_path) if f.rule_id == "MI109"]
    assert found.fix[0].text == "2018-02-01"


def test_app_service_protocol_mismatch_names_the_other_header(toolbox, tmp_path):
    code = 'curl -H "secret: $S" "$IDENTITY_ENDPOINT?resource=https://vault.azure.net&api-version=2019-08-01"\n'
    [found] = [f for f in findings_of(toolbox, code, "t.sh", tmp_path) if f.rule_id == "MI117"]
    assert "X-IDENTITY-HEADER" in found.message and "`secret` belongs to the other protocol" in found.message


def test_the_fast_screens_answer_as_the_slow_tests_they_stand_in_front_of():
    """looks_like_powershell screens for words before its regex, is_broken splits instead of testing each
    character: on strings made of the patterns' own pieces (and the non-ASCII letters that case-insensitive
    regexes also match), both give what the plain test gives."""
    import itertools
    import random

    from milint.facts import scripts

    pieces = ["invoke-webrequest", "Invoke-RestMethod", "iwr ", "IRM\t", "$env:", "$ENV:X", "-headers  @{",
              "connect-azaccount", "Get-AzVM", "PowerShell.exe", "powerſhell", "ınvoke-", "pwsh", "x", " ", "-",
              "az", "@{", "\n", "curl", "invoke", "iw", "r", "\u2003", "<", ">"]
    rnd = random.Random(7)
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 5)))
        assert scripts.looks_like_powershell(text) == bool(scripts._POWERSHELL_MARKS.search(text)), text
    for chars in itertools.product(" a\t\n\u2003<>", repeat=4):
        text = "".join(chars)
        slow = text.count("<") != text.count(">") or any(c.isspace() for c in text.strip())
        assert is_broken(LStr(text)) == slow, repr(text)
