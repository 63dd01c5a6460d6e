"""The logic behind the MI3xx/MI4xx/MI6xx rules: identifier checks, role-name matching, request
bodies, template expressions, and the cases the YAML examples cannot show (a rule silent where a
deprecated construct would make any good example noisy)."""
import json

import pytest
from hypothesis import given, settings, strategies as st

from milint.checks.ids_rbac import role_name_issue
from milint.engine import example_findings
from milint.facts.arm_calls import calls, last_member
from milint.facts.http_tools import curl_requests
from milint.facts.json_fragments import fragment_facts, rest_body_facts, with_body_facts
from milint.facts.requests import Context, request_facts
from milint.facts.resource_ids import (guid_problem, misspelled_type, provider_path,
                                       user_assigned_id_problem)
from milint.lstr import LStr
from milint.sources.jsonc import JsonDocument
from milint.sources.shell import parse_shell

UA = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/" \
     "Microsoft.ManagedIdentity/userAssignedIdentities/id-app"


def _l(text: str) -> LStr:
    return LStr.at(text, 0)


def _partly_unknown(before: str, after: str) -> LStr:
    """`before` + an unknown value + `after`, as a shell variable in the middle would give."""
    text = LStr.at(before + "$X" + after, 0)
    return LStr.concat([text.sub(0, len(before)), LStr.unknown(len(before), len(before) + 2, parent=text),
                        text.sub(len(before) + 2)])


# ---------------------------------------------------------------- GUIDs
@pytest.mark.parametrize("value, strict, bad", [
    ("73444643-8088-4d70-9532-c3a0fdc190fz", False, True),  # the seed's own client ID (L3719)
    ("73444643-8088-4d70-9532-c3a0fdc190f2", True, False),
    ("73444643-8088-4d70-9532-C3A0FDC190F2", True, False),  # upper-case hex is fine
    ("e591178e-b785-43c8-95d2-1397559b2fb", True, True),  # one digit short
    ("id-app", True, True),  # a name in a GUID-only slot
    ("id-app", False, False),  # ... but fine where names are accepted
    ("contoso.onmicrosoft.com", False, False),
    ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", True, False),  # a placeholder in GUID shape
    ("<CLIENT ID>", True, False),
    ("{clientId}", True, False),
    ("", True, False),
    ("9012", False, False),  # the seed's principalId sample is not written like a GUID
])
def test_guid_problem(value, strict, bad):
    assert bool(guid_problem(_l(value), strict)) is bad


def test_guid_problem_ignores_unknown_values():
    assert guid_problem(_partly_unknown("", "-8088-4d70-9532-c3a0fdc190fz"), True) is None


# ---------------------------------------------------------------- user-assigned identity IDs
@pytest.mark.parametrize("value, problem", [
    (UA, None),
    (UA.replace("resourceGroups", "resourcegroups"), None),  # how Azure prints IDs
    (UA[1:], "it does not start with '/'"),
    (UA + "/", "it ends with '/'"),
    ("id-app", "it is a bare name"),
    (UA.replace("userAssignedIdentities", "identities"), "it names a Microsoft.ManagedIdentity/identities resource"),
    ("/su\nbscriptions/x/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/a",
     "it contains whitespace"),
    ("/subscriptions/<SUBSCRIPTION ID>/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/a", None),
    ("<USER ASSIGNED IDENTITY ID>", None),
])
def test_user_assigned_id_problem(value, problem):
    assert user_assigned_id_problem(_l(value)) == problem


def test_user_assigned_id_problem_only_judges_what_unknown_parts_cannot_change():
    assert user_assigned_id_problem(_partly_unknown("/subscriptions/", UA[52:])) is None
    assert user_assigned_id_problem(_partly_unknown("subscriptions/", UA[52:])) == "it does not start with '/'"
    whole = LStr.unknown(0, 2, parent=LStr.at("$X", 0))
    assert user_assigned_id_problem(whole) is None


def test_provider_path():
    segments = [_l(s) for s in "subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm".split("/")]
    rtype, names = provider_path(segments)
    assert rtype == "microsoft.compute/virtualmachines" and [str(n) for n in names] == ["vm"]
    assert provider_path(segments[:4]) is None


# ---------------------------------------------------------------- resource types
@pytest.mark.parametrize("namespace, rtype, expected", [
    ("Microsoft.ManagedIdentity", "userAssignedIdentity", "Microsoft.ManagedIdentity/userAssignedIdentities"),
    ("Microsoft.ManagedIdentities", "userAssignedIdentities", "Microsoft.ManagedIdentity/userAssignedIdentities"),
    ("Microsoft.ManagedServiceIdentity", "userAssignedIdentities", "Microsoft.ManagedIdentity/userAssignedIdentities"),
    ("Microsoft.Compute", "virtualMachinesScaleSets", "Microsoft.Compute/virtualMachineScaleSets"),
    ("microsoft.compute", "VIRTUALMACHINES", None),  # case is not a misspelling
    ("Microsoft.ManagedIdentity", "identities", None),  # a real type
    ("Microsoft.Compute", "disks", None),
    ("Microsoft.Authorization", "policyAssignments", None),
    ("Microsoft.Storage", "storageAccounts", None),
])
def test_misspelled_type(namespace, rtype, expected):
    assert misspelled_type(namespace, rtype) == expected


# ---------------------------------------------------------------- role names
@pytest.mark.parametrize("name, issue", [
    ("Reader", None),
    ("reader", ("case", "Reader")),
    ("Storage Blob Data Reader (Preview)", ("near", "Storage Blob Data Reader")),
    ("StorageBlobDataReader", ("near", "Storage Blob Data Reader")),
    ("Cosmos DB Account Reader", ("near", "Cosmos DB Account Reader Role")),
    ("Storage Account Key Operator", None),  # two words missing: could be a custom role
    ("Managed Identities Operator", ("near", "Managed Identity Operator")),
    ("Read", ("near", "Reader")),
    ("Storage Table Data Reader", None),  # a real built-in role, not in the table
    ("Key Vault Secrets User", None),
    ("Reader and Data Access", None),
    ("Virtual Machine Administrator Login", None),
])
def test_role_name_issue(name, issue):
    assert role_name_issue(name) == issue


# ---------------------------------------------------------------- template expressions
def test_calls_locate_members_read_from_reference():
    text = "[reference(resourceId('Microsoft.Compute/virtualMachines', 'vm'), '2018-06-01').identity.principalId]"
    src = _l(text)
    (call,) = calls(src, "reference")
    assert call.chain == ["identity", "principalid"]
    assert [text[slice(*at.span())] for at in call.chain_at] == ["identity", "principalId"]
    assert text[slice(*last_member(src).span())] == "principalId"


def test_calls_find_nested_references_and_index_reads():
    src = _l("[concat(reference(variables('a'))['clientId'], reference('b').identity.tenantId)]")
    found = {str(c.text): c.chain for c in calls(src, "reference")}
    assert found == {"reference(variables('a'))": ["clientid"], "reference('b')": ["identity", "tenantid"]}
    assert calls(_l("[reference('b'"), "reference") == []  # malformed: nothing, no exception


# ---------------------------------------------------------------- request bodies
def _curl(command: str) -> list[dict]:
    (parsed,) = parse_shell(LStr.at(command, 0))
    return [f for req in curl_requests(parsed.words) for f in request_facts(req, Context())]


def test_curl_body_yields_identity_block_through_the_helper():
    """How the lead wires JSON bodies of curl into facts: `with_body_facts` over a command's facts."""
    facts = with_body_facts(_curl(
        "curl -X PATCH 'https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/"
        "Microsoft.Compute/virtualMachines/vm?api-version=2017-12-01' -H 'Content-Type: application/json' "
        "-d '{\"identity\":{\"type\":\"userAssigned\",\"identityIds\":[\"" + UA + "\"]}}'"))
    (block,) = [f for f in facts if f["kind"] == "identity_block"]
    assert block["resource_type"] == "microsoft.compute/virtualmachines"
    assert block["api_version"] == "2017-12-01" and block["operation"] == "patch"
    assert str(block["type"]) == "userAssigned" and block["form"] == "array" and block["count"] == 1
    assert with_body_facts(facts) == facts  # a call already read is not read twice


def test_bodies_of_other_methods_and_non_json_are_not_read():
    assert [f for f in with_body_facts(_curl("curl -d 'a=b' https://management.azure.com/x"))
            if f["kind"] == "identity_block"] == []
    get = _curl("curl 'https://management.azure.com/x?api-version=1' -X GET -d '{\"identity\":{\"type\":\"MSI\"}}'")
    assert rest_body_facts(get[0]) == []


def test_fragment_identity_of_something_else_is_not_an_identity_block():
    doc = JsonDocument(_l(json.dumps({"identity": {"type": "service-account"}})))
    assert [f for f in fragment_facts(doc, Context()) if f["kind"] == "identity_block"] == []
    doc = JsonDocument(_l(json.dumps({"type": "Microsoft.Web/sites", "identity": {"type": "MSI"}})))
    (block,) = [f for f in fragment_facts(doc, Context()) if f["kind"] == "identity_block"]
    assert block["resource_type"] == "microsoft.web/sites"


# ---------------------------------------------------------------- rules where no good example fits
def _found(toolbox, code: str, name: str, rule: str) -> list[str]:
    return [f.snippet for f in example_findings(code, name, toolbox) if f.rule_id == rule]


def test_extension_left_needs_the_same_machine(toolbox):
    script = ("az vm extension set -g rg --vm-name app-vm --publisher Microsoft.ManagedIdentity "
              "--name ManagedIdentityExtensionForLinux --version 1.0\n")
    assert _found(toolbox, script + "az vm update -g rg -n staging-vm --set identity.type=none\n",
                  "a.sh", "MI410") == []
    assert _found(toolbox, script + "az vm update -g rg -n app-vm --set identity.type=none\n",
                  "a.sh", "MI410") == ["none"]
    assert _found(toolbox, script + 'az vm update -g rg -n "$VM" --set identity.type=none\n',
                  "a.sh", "MI410") == []


def test_clear_user_assigned_forgets_a_machine_after_identity_remove(toolbox):
    script = ("az vm identity assign -g rg -n vm --identities id-a\n"
              "az vm identity remove -g rg -n vm --identities id-a\n"
              "az vm update -g rg -n vm --set identity.type=none\n")
    assert _found(toolbox, script, "a.sh", "MI402") == []


def test_template_identity_dependency_through_unknown_depends_on_is_silent(toolbox):
    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "parameters": {"dep": {"type": "string"}},
        "resources": [
            {"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "apiVersion": "2018-11-30", "name": "id-a"},
            {"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2018-06-01", "name": "vm",
             "dependsOn": ["[parameters('dep')]"],
             "identity": {"type": "UserAssigned", "userAssignedIdentities": {
                 "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-a')]": {}}}},
        ]}
    assert _found(toolbox, json.dumps(template), "t.json", "MI312") == []
    del template["resources"][1]["dependsOn"]
    assert len(_found(toolbox, json.dumps(template), "t.json", "MI312")) == 1


# ---------------------------------------------------------------- bad input never crashes
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12) |
    st.sampled_from(["SystemAssigned", "UserAssigned", "None", UA, "[reference('x').identity]", "[variables('v')]"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["identity", "type", "userAssignedIdentities", "identityIds", "properties", "name",
                         "apiVersion", "clientId", "dependsOn", UA, "x"]), inner, max_size=5),
    max_leaves=25)


@settings(max_examples=150, deadline=None)
@given(_json)
def test_identity_facts_never_crash(value):
    from milint.facts.arm_facts import arm_template_facts

    text = json.dumps(value)
    doc = JsonDocument(_l(text))
    fragment_facts(doc, Context())
    if isinstance(value, dict):
        template = dict(value, **{"$schema": "deploymentTemplate.json", "resources": [value]})
        arm_template_facts(JsonDocument(_l(json.dumps(template))), Context())
    call = {"kind": "rest_call", "body": _l(text), "method_value": "PUT", "segments": [], "query": []}
    rest_body_facts(call)


def _notices(toolbox, code: str, filename: str) -> list:
    """Internal errors the whole pipeline reports for one snippet (a check that raised)."""
    import tempfile
    from pathlib import Path

    from milint.discover import Candidate
    from milint.engine import FileChecker, Settings

    checker = FileChecker(toolbox, toolbox.rules, Settings())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / filename
        path.write_text(code, encoding="utf-8")
        notices = checker.check(Candidate(path, filename, toolbox.classify(filename)))[1]
    return [n for n in notices if n.level == "error"]


@settings(max_examples=60, deadline=None)
@given(_json)
def test_checks_never_crash_on_templates_and_bodies(toolbox, value):
    template = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "resources": [value, {"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2018-06-01",
                                      "name": "vm", "identity": value}]}
    assert _notices(toolbox, json.dumps(template), "t.json") == []
    body = json.dumps({"identity": value}).replace("'", "")
    script = (f"az rest --method put --uri 'https://management.azure.com/subscriptions/s/resourceGroups/g/providers/"
              f"Microsoft.Compute/virtualMachines/vm?api-version=2017-12-01' --body '{body}'\n")
    assert _notices(toolbox, script, "s.sh") == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    "az vm identity assign -g rg -n vm --identities", "az vm update -g rg -n vm --set identity.type=",
    "az role assignment create --role", "--assignee-object-id", "--scope", "-vmss-name", "$(az identity show --query clientId)",
    "Update-AzVM -VM $vm -IdentityType", "-IdentityId", "SystemAssigned,", "UserAssigned", "New-AzRoleAssignment -ObjectId",
    "(Get-AzUserAssignedIdentity).ClientId", "-RoleDefinitionName", "'Reader '", "\"", "'", "\n", "`", "@(", ")", "-AssignIdentity:",
]), max_size=14))
def test_checks_never_crash_on_scripts(toolbox, words):
    text = " ".join(words)
    assert _notices(toolbox, text, "s.sh") == []
    assert _notices(toolbox, text, "s.ps1") == []


def test_markdown_blocks_are_separate_scripts(toolbox):
    """Two code blocks of one article are two samples (often alternatives), never one sequence."""
    pytest.importorskip("milint.sources.markdown")
    assign = "az vm identity assign -g rg -n vm --identities id-a\n"
    update = "az vm update -g rg -n vm --set identity.type=none\n"
    apart = f"# Identities\n\n```azurecli\n{assign}```\n\nThen:\n\n```azurecli\n{update}```\n"
    assert _found(toolbox, apart, "doc.md", "MI402") == []
    assert _found(toolbox, assign + update, "s.sh", "MI402") == ["none"]
    template = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "resources": [{"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "apiVersion": "2018-11-30",
                               "name": "id-a"}]}
    vm = {"$schema": template["$schema"], "resources": [
        {"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2018-06-01", "name": "vm",
         "identity": {"type": "UserAssigned", "userAssignedIdentities": {
             "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-a')]": {}}}}]}
    two = f"```json\n{json.dumps(template)}\n```\n\n```json\n{json.dumps(vm)}\n```\n"
    assert _found(toolbox, two, "doc.md", "MI312") == []  # the identity is another block's resource
