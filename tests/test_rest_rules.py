"""REST hygiene (MI5xx): what the tools do on their own, what stays unknown, and bad input."""
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from rule_snippets import findings_of, ids_and_snippets

ARM = "https://management.azure.com/subscriptions/$SUB/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"
PATCH_BODY = "'{\"identity\":{\"type\":\"SystemAssigned\"}}'"


def test_tools_that_sign_and_type_the_request_are_not_reported(toolbox, tmp_path):
    code = (f'az rest --method patch --uri "{ARM}?api-version=2022-03-01" --body {PATCH_BODY}\n'
            f'curl -X PATCH "{ARM}?api-version=2022-03-01" --oauth2-bearer "$T" --json {PATCH_BODY}\n')
    assert findings_of(toolbox, code, "t.sh", tmp_path) == []


def test_az_rest_url_parameters_carry_the_api_version(toolbox, tmp_path):
    code = f'az rest --uri "{ARM}" --url-parameters api-version=2022-03-01\naz rest --uri "{ARM}"\n'
    assert [f.rule_id for f in findings_of(toolbox, code, "t.sh", tmp_path)] == ["MI505"]


@pytest.mark.parametrize("extra", ["-Authentication Bearer -Token $secure", "-Credential $cred", "-WebSession $s"])
def test_powershell_auth_parameters_count_as_a_header(extra, toolbox, tmp_path):
    code = f'Invoke-RestMethod -Uri "{ARM}?api-version=2022-03-01" {extra}\n'.replace("$SUB", "$sub")
    assert findings_of(toolbox, code, "t.ps1", tmp_path) == []


def test_powershell_default_parameter_values_make_headers_unknown(toolbox, tmp_path):
    code = ("$PSDefaultParameterValues['Invoke-RestMethod:Headers'] = @{ Authorization = \"Bearer $t\" }\n"
            f'Invoke-RestMethod -Uri "{ARM}?api-version=2022-03-01"\n')
    assert findings_of(toolbox, code, "t.ps1", tmp_path) == []


def test_an_empty_or_unknown_post_body_needs_no_content_type(toolbox, tmp_path):
    keys = ARM.replace("Microsoft.Compute/virtualMachines/vm1", "Microsoft.Storage/storageAccounts/sa/listKeys")
    code = (f'curl -X POST "{keys}?api-version=2022-09-01" -d "" -H "Authorization: Bearer $T"\n'
            f'curl -X POST "{keys}?api-version=2022-09-01" -d "$BODY" -H "Authorization: Bearer $T"\n')
    assert findings_of(toolbox, code, "t.sh", tmp_path) == []


def test_a_put_body_from_a_variable_still_needs_a_content_type(toolbox, tmp_path):
    code = f'curl -X PUT "{ARM}?api-version=2022-03-01" -d "$BODY" -H "Authorization: Bearer $T"\n'
    assert [f.rule_id for f in findings_of(toolbox, code, "t.sh", tmp_path)] == ["MI502"]


def test_a_wrong_content_type_is_replaced(toolbox, tmp_path):
    code = (f'curl -X PATCH "{ARM}?api-version=2022-03-01" -H "Content-Type: text/plain" '
            f'-H "Authorization: Bearer $T" -d {PATCH_BODY}\n')
    [found] = findings_of(toolbox, code, "t.sh", tmp_path)
    assert found.rule_id == "MI502" and found.snippet == "text/plain" and found.fix[0].text == "application/json"


def test_invalid_json_points_at_the_character(toolbox, tmp_path):
    code = f"curl -X PATCH \"{ARM}?api-version=2022-03-01\" -H 'Content-Type: application/json' -H \"Authorization: Bearer $T\" -d '{{\"identity\": {{\"type\": \"None\"}}'\n"
    [found] = findings_of(toolbox, code, "t.sh", tmp_path)
    assert found.rule_id == "MI509" and found.snippet == "}" and "line 1" in found.message


def test_a_body_with_variables_is_not_parsed(toolbox, tmp_path):
    code = (f"curl -X PATCH \"{ARM}?api-version=2022-03-01\" -H 'Content-Type: application/json' "
            f"-H \"Authorization: Bearer $T\" -d '{{\"identity\": {{\"type\": \"'$TYPE'\"}}'\n")
    assert findings_of(toolbox, code, "t.sh", tmp_path) == []


def test_list_actions_only_under_providers(toolbox, tmp_path):
    code = ('curl -H "Authorization: Bearer $T" "https://management.azure.com/subscriptions/$SUB/resourceGroups/listkeys'
            '?api-version=2021-04-01"\n')
    assert findings_of(toolbox, code, "t.sh", tmp_path) == []


def test_non_azure_hosts_are_left_alone(toolbox, tmp_path):
    code = ('curl -X PUT https://api.example.com/items/1 -d \'{"a": 1,}\'\n'
            'curl https://api.example.com/items -H "Authorization: bearer $T"\n')
    assert findings_of(toolbox, code, "t.sh", tmp_path) == []


def test_short_jwt_like_text_is_not_a_token(toolbox, tmp_path):
    code = 'curl -H "Authorization: Bearer eyJ0eXAiOiJKV1Qi.eyJhdWQiOi.c2ln" "https://management.azure.com/subscriptions?api-version=2022-12-01"\n'
    assert findings_of(toolbox, code, "t.sh", tmp_path) == []


_PIECES = ["curl ", "-X ", "PUT ", "POST ", "-d ", "'{\"a\":1}' ", "'{' ", "\"$B\" ", "-H ", "'Authorization: bearer x' ",
           "'Metadata: True' ", "https://management.azure.com/subscriptions/s/providers/Microsoft.Storage/x/y/listKeys",
           "http://169.254.169.254/metadata/identity/oauth2/token", "?api-version=2017-", "&resource=", "https%253A",
           "valut.azure.net", "/.default", "&client_id=", "&clientid=", "$IDENTITY_ENDPOINT", "<SUB", "ID>", "\\\n",
           "'", "\"", "$(", ")", "`", "\n", "=", "&", "?", "%", "${T}", "24filter", "$filter", "az login --identity -u ",
           "az account get-access-token --resource ", "T=$(", "Bearer $T "]
_PS_PIECES = ["Invoke-RestMethod ", "-Uri ", "-Method ", "Post ", "-Headers ", "@{ Metadata = $true } ", "@{'Metadata':'true'} ",
              "-Body ", "'{\"identity\":{}}' ", "$body ", "\"$env:IDENTITY_ENDPOINT?api-version=2019-08-01&clientid=x\" ",
              "'http://169.254.169.254/metadata/identity/oauth2/token?resource=https://keyvault.azure.net' ", "`\n", "\n",
              "-ContentType ", "Get-AzAccessToken -ResourceUrl ", "'https://vault.azure.com/.default' ", "@(", ")", "'", "\""]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PIECES), max_size=25))
def test_bash_fragments_never_crash(toolbox, tmp_path, pieces):
    findings_of(toolbox, "".join(pieces), "fuzz.sh", tmp_path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PS_PIECES), max_size=25))
def test_powershell_fragments_never_crash(toolbox, tmp_path, pieces):
    findings_of(toolbox, "".join(pieces), "fuzz.ps1", tmp_path)


def test_every_finding_of_a_fuzzed_line_has_a_region_inside_the_file(toolbox, tmp_path):
    code = ("curl -X PUT \"https://management.azure.com/subscriptions/s/resourceGroups/r/providers/"
            "Microsoft.Compute/virtualMachines/v?api-version=2018-06-01\" -d '{\"identity\":{}}' "
            "-H 'Authorization: bearer x' 'http://169.254.169.254/metadata/oauth2/token?api-version=2017-01-01"
            "&resource=https%253A%252F%252Fvalut.azure.net&clientid=a&client_id=b'\n")
    found = findings_of(toolbox, code, "many.sh", tmp_path)
    assert len({f.rule_id for f in found}) >= 6
    for f in found:
        assert 0 <= f.start <= f.end <= len(code) and f.snippet == code[f.start:f.end]
    assert ids_and_snippets(found)
