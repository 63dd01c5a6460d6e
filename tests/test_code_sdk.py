"""The SDK rules' tables and their edge cases (the YAML examples cover the main cases)."""
import pytest

from milint.engine import example_findings
from milint.facts import sdk_tables as T


@pytest.mark.parametrize("name, selector", [
    ("client_config", True), ("clientId", True), ("managed_identity_client_id", True), ("object_id", True),
    ("msi_res_id", True), ("retry_total", False), ("connection_timeout", False), ("authority", False),
])
def test_identity_like_option_names(name, selector):
    assert T.looks_like_selector(name) is selector


@pytest.mark.parametrize("sdk, credential, name, mapping, expected", [
    ("python", "ManagedIdentityCredential", "client_config", True, "identity_config"),
    ("python", "ManagedIdentityCredential", "clientid", False, "client_id"),
    ("python", "ManagedIdentityCredential", "object_id", False, 'identity_config with the key "object_id"'),
    ("python", "DefaultAzureCredential", "client_id", False, "managed_identity_client_id"),
    ("javascript", "ManagedIdentityCredential", "managedIdentityClientId", False, "clientId"),
    ("javascript", "DefaultAzureCredential", "resourceId", False, "managedIdentityResourceId"),
])
def test_suggestions(sdk, credential, name, mapping, expected):
    assert T.suggestion(sdk, credential, name, mapping) == expected


def _findings(code, filename, toolbox):
    return [(f.rule_id, f.snippet) for f in example_findings(code, filename, toolbox)]


def test_python_object_id_keyword_is_reported_without_a_fix(toolbox):
    code = 'from azure.identity import ManagedIdentityCredential\ncred = ManagedIdentityCredential(object_id="abc")\n'
    found = example_findings(code, "c.py", toolbox)
    assert [(f.rule_id, f.snippet) for f in found] == [("MI702", "object_id")]
    assert not found[0].fix  # the value must move into identity_config: not a rename


def test_options_object_in_a_variable(toolbox):
    code = ('const { ManagedIdentityCredential } = require("@azure/identity");\n'
            'const options = { objectID: "abc" };\nconst cred = new ManagedIdentityCredential(options);\n')
    assert _findings(code, "c.js", toolbox) == [("MI702", "objectID")]


def test_compiled_languages_are_not_judged(toolbox):
    code = 'var c = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions { ClientIdentifier = "x" });'
    assert _findings(code, "C.cs", toolbox) == []


def test_a_credential_named_in_a_comment_or_string_is_not_a_use(toolbox):
    code = '# AzureServiceTokenProvider\nx = "MSIAuthentication(resource=...)"\n'
    assert _findings(code, "notes.py", toolbox) == []
