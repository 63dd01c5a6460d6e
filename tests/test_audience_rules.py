"""Audiences (MI2xx): near misses, forms, services, clouds and the token-to-host data flow."""
import pytest

from milint import knowledge as K
from milint.checks.audiences import _distance, audience_service, near_audience, split_audience
from milint.lstr import LStr
from rule_snippets import findings_of, ids_and_snippets

IMDS = "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource="


@pytest.mark.parametrize("a, b, d", [
    ("vault", "vault", 0), ("valut", "vault", 1), ("vaul", "vault", 1), ("managment", "management", 1),
    ("keyvault", "vault", 3), ("storgae", "storage", 1), ("abc", "", 3),
])
def test_distance_counts_a_swap_as_one_edit(a, b, d):
    assert _distance(a, b) == d


@pytest.mark.parametrize("host, meant", [
    ("valut.azure.net", "vault.azure.net"),
    ("managment.azure.com", "management.azure.com"),
    ("keyvault.azure.net", "vault.azure.net"),
    ("vault.azure.com", "vault.azure.net"),
    ("storage.azure.net", "storage.azure.com"),
    ("vault.usgovcloudapi.com", None),  # not an Azure zone: no guess
    ("contoso.azure.net", None),
    ("api.contoso.com", None),
    ("westus.asazure.windows.net", None),  # region hosts of Analysis Services are not typos of the `*` form
    ("ml.azure.org", None),
])
def test_near_audience(host, meant):
    assert near_audience(host) == meant


def test_no_known_audience_is_a_near_miss_of_another():
    for host in K.AUDIENCES:
        if not host.startswith("*"):
            # the check skips known hosts; the table itself must not hold two hosts one typo apart
            first, _, rest = host.partition(".")
            twins = [h for h in K.AUDIENCES if h != host and h.partition(".")[2] == rest
                     and len(first) >= 4 and _distance(first, h.partition(".")[0]) <= 1]
            assert twins == [], (host, twins)


def test_split_audience_forms():
    bare = split_audience(LStr.of("management.azure.com/"))
    assert bare.bare_host == "management.azure.com" and bare.host is None
    full = split_audience(LStr.of("https://management.azure.com/subscriptions/x"))
    assert str(full.host) == "management.azure.com" and full.path == "/subscriptions/x" and not full.extra
    assert split_audience(LStr.of("https://vault.azure.net:443")).extra


@pytest.mark.parametrize("value, service", [
    ("https://management.azure.com/", "Azure Resource Manager"),
    ("https://management.core.windows.net/", "Azure Resource Manager"),
    ("https://vault.usgovcloudapi.net", "Azure Key Vault"),
    ("https://orders.blob.core.windows.net", "Azure Storage"),
    ("https://storage.azure.com/", "Azure Storage"),
    ("00000002-0000-0000-c000-000000000000", "Azure AD Graph"),
    ("api://orders", None),
])
def test_audience_service(value, service):
    assert audience_service(value) == service


def test_cloud_from_hosts_when_the_file_selects_none(toolbox, tmp_path):
    code = (f"curl -H Metadata:true '{IMDS}https://vault.azure.net'\n"
            'curl -H "Authorization: Bearer $T" "https://kv1.vault.usgovcloudapi.net/secrets/a?api-version=7.4"\n')
    found = findings_of(toolbox, code, "gov.sh", tmp_path)
    assert [f.rule_id for f in found] == ["MI208"]
    assert found[0].related and "AzureUSGovernment" in found[0].related[0].message


def test_no_cloud_judgement_for_files_in_several_clouds(toolbox, tmp_path):
    code = ("az cloud set --name AzureUSGovernment\n"
            f"curl -H Metadata:true '{IMDS}https://vault.azure.net'\n"
            "az cloud set --name AzureCloud\n")
    assert findings_of(toolbox, code, "multi.sh", tmp_path) == []
    code = 'az cloud set --name "$CLOUD"\n' + f"curl -H Metadata:true '{IMDS}https://vault.azure.net'\n"
    assert findings_of(toolbox, code, "var.sh", tmp_path) == []


def test_cli_default_token_is_for_resource_manager(toolbox, tmp_path):
    code = ('T=$(az account get-access-token --query accessToken -o tsv)\n'
            'curl -H "Authorization: Bearer $T" "https://kv1.vault.azure.net/secrets/a?api-version=7.4"\n')
    found = findings_of(toolbox, code, "t.sh", tmp_path)
    assert ids_and_snippets(found) == [("MI209", "kv1.vault.azure.net")]
    assert "https://vault.azure.net" in found[0].message


def test_storage_account_audiences_match_storage_hosts(toolbox, tmp_path):
    code = (f"T=$(curl -s -H Metadata:true '{IMDS}https://orders.blob.core.windows.net' | jq -r .access_token)\n"
            'curl -H "Authorization: Bearer $T" -H "x-ms-version: 2021-08-06" "https://orders.blob.core.windows.net/c/b"\n')
    assert findings_of(toolbox, code, "t.sh", tmp_path) == []


def test_encoded_values_get_encoded_fixes(toolbox, tmp_path):
    code = f"curl -H Metadata:true '{IMDS}https%3A%2F%2Fkv1.vault.azure.net'\n"
    [found] = findings_of(toolbox, code, "t.sh", tmp_path)
    assert found.rule_id == "MI202" and found.fix[0].text == "https%3A%2F%2Fvault.azure.net"


AUDIENCE_TRAPS = [
    ("arm-slash.sh", f"curl -H Metadata:true '{IMDS}https://management.azure.com/'"),
    ("arm-mixed.sh", f"curl -H Metadata:true '{IMDS}https%3A%2F%2Fmanagement.azure.com/'"),
    ("kv-noslash.sh", f"curl -H Metadata:true '{IMDS}https%3A%2F%2Fvault.azure.net'"),
    ("kv-slash.sh", f"curl -H Metadata:true '{IMDS}https://vault.azure.net/'"),
    ("sql-noslash.sh", f"curl -H Metadata:true '{IMDS}https://database.windows.net'"),
    ("custom.sh", f"curl -H Metadata:true '{IMDS}api://3c1f1c64-2a5d-4e1b-9a51-0c1f5e0d2b77'"),
    ("app-id.sh", f"curl -H Metadata:true '{IMDS}00000003-0000-0000-c000-000000000000'"),
    ("as-wildcard.sh", f"curl -H Metadata:true '{IMDS}https://*.asazure.windows.net'"),
    ("servicebus-ns.sh", f"curl -H Metadata:true '{IMDS}https://orders.servicebus.windows.net'"),
    ("storage-everywhere.sh", "az cloud set --name AzureChinaCloud\n" + f"curl -H Metadata:true '{IMDS}https://storage.azure.com/'"),
    ("scope-cli.sh", "az account get-access-token --scope https://management.azure.com/.default"),
    ("token-from-env.sh", 'curl -H "Authorization: Bearer $KV_TOKEN" "https://kv1.vault.azure.net/secrets/a?api-version=7.4"'),
    ("response.sh", 'echo \'{"resource":"https://management.azure.com","token_type":"Bearer"}\''),
]


@pytest.mark.parametrize("filename, code", AUDIENCE_TRAPS, ids=[t[0] for t in AUDIENCE_TRAPS])
def test_audience_traps_are_silent(filename, code, toolbox, tmp_path):
    assert ids_and_snippets(findings_of(toolbox, code + "\n", filename, tmp_path)) == []
