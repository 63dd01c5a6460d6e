"""Facts added for the seed's samples (tests/test_seed_catalogue.py): a PowerShell command whose
parameters were wrapped onto the next line has unknown parameters, and a scale set's
`extensionProfile` shown on its own yields its VM extensions."""
import pytest

from milint.facts.json_fragments import fragment_facts
from milint.facts.powershell_facts import powershell_facts
from milint.facts.requests import Context
from milint.lstr import LStr
from milint.sources.jsonc import JsonDocument

ARM_GET = "Invoke-WebRequest -Uri 'https://management.azure.com/subscriptions/s/resourceGroups/g?api-version=2016-09-01'"


def _calls(script: str) -> list[dict]:
    return [f for f in powershell_facts(LStr.at(script, 0), Context()) if f["kind"] == "rest_call"]


@pytest.mark.parametrize("script", [
    ARM_GET + "\n-Method GET -Headers @{Authorization = \"Bearer $t\"}",
    "$r = (" + ARM_GET + "\n    -Headers @{Authorization = \"Bearer $t\"}).content",
    ARM_GET + "   # the headers follow\r\n-Headers $h",
])
def test_a_parameter_on_the_next_line_makes_the_headers_unknown(script):
    (call,) = _calls(script)
    assert call["headers_known"] is False and call["query_complete"] is False


@pytest.mark.parametrize("script", [
    ARM_GET + "\n$next = 1",
    ARM_GET + "\n-not $done",  # a statement that starts with a unary operator
    ARM_GET + " `\n  -Headers @{Authorization = \"Bearer $t\"}",  # a real continuation is read
])
def test_other_next_lines_leave_the_command_as_parsed(script):
    (call,) = _calls(script)
    assert call["headers_known"] is True


def test_the_same_command_twice_is_judged_each_time():
    (first, second) = _calls(ARM_GET + "\n" + ARM_GET + "\n-Headers $h")
    assert (first["headers_known"], second["headers_known"]) == (True, False)


def _extensions(text: str) -> list[dict]:
    doc = JsonDocument(LStr.at(text, 0))
    return [f for f in fragment_facts(doc, Context()) if f["kind"] == "vm_extension"]


def test_an_extension_profile_on_its_own_yields_its_extensions():
    text = ('{"extensionProfile": {"extensions": [{"name": "msi", "properties": '
            '{"Publisher": "Microsoft.ManagedIdentity", "type": "ManagedIdentityExtensionForLinux"}},'
            '{"name": "other", "properties": {"type": "CustomScript"}}, {"name": "no-properties"}]}}')
    first, second = _extensions(text)
    assert str(first["type"]) == "ManagedIdentityExtensionForLinux" and str(first["publisher"]) == "Microsoft.ManagedIdentity"
    start, end = first["type"].span()
    assert text[start:end] == "ManagedIdentityExtensionForLinux"
    assert first["operation"] == "set" and first["machine"] is None and first["via"] == "json"
    assert str(second["type"]) == "CustomScript" and second["publisher"] is None


@pytest.mark.parametrize("text", [
    '{"extensionProfile": {"extensions": {"msi": {}}}}',
    '{"extensionProfile": "ManagedIdentityExtensionForLinux"}',
    '{"extensions": [{"properties": {"type": "ManagedIdentityExtensionForLinux"}}]}',
    '[{"extensionProfile": null}]',
])
def test_other_shapes_yield_no_extension(text):
    assert _extensions(text) == []
