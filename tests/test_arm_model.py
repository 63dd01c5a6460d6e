"""The ARM model: expression evaluation keeps positions, unknowns stay unknown, nested templates
see the right scope."""
import json

from milint.lstr import LStr
from milint.sources.arm import ArmTemplate
from milint.sources.arm_expressions import Unknown
from milint.sources.jsonc import JsonDocument


def _template(data) -> tuple[ArmTemplate, str]:
    text = json.dumps(data, indent=2)
    return ArmTemplate(JsonDocument(LStr.at(text, 0))), text


def _text_at(text, value: LStr) -> str:
    s, e = value.span()
    return text[s:e]


def test_parameter_default_and_variable_resolve_with_positions():
    t, text = _template({
        "parameters": {"name": {"type": "string", "defaultValue": "id-app"}},
        "variables": {"full": "[concat(parameters('NAME'), '-prod')]"},
        "resources": [{"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "name": "[variables('full')]"}],
    })
    (resource,) = t.resources()
    name = resource.name()
    assert name == "id-app-prod"
    assert _text_at(text, name.sub(0, 6)) == "id-app"
    assert _text_at(text, name.sub(6)) == "-prod"


def test_parameter_without_default_is_unknown():
    t, _ = _template({"parameters": {"name": {"type": "string"}},
                      "resources": [{"type": "x/y", "name": "[parameters('name')]"}]})
    assert isinstance(t.resources()[0].name(), Unknown)


def test_unsupported_functions_are_unknown_but_concat_keeps_known_parts():
    t, _ = _template({"resources": [{"type": "x/y", "name": "[concat('vm-', uniqueString(resourceGroup().id))]"}]})
    name = t.resources()[0].name()
    assert isinstance(name, LStr) and not name.known and name.startswith("vm-")


def test_escaped_bracket_is_a_literal():
    t, _ = _template({"resources": [{"type": "x/y", "name": "[[not an expression]"}]})
    assert t.resources()[0].name() == "[not an expression]"


def test_format_if_and_resource_id():
    t, _ = _template({
        "parameters": {"env": {"type": "string", "defaultValue": "prod"}},
        "resources": [
            {"type": "x/y", "name": "[format('{0}-{1}', 'app', parameters('env'))]"},
            {"type": "x/y", "name": "[if(equals(parameters('env'), 'prod'), 'big', 'small')]"},
            {"type": "x/y", "name": "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id1')]"},
        ]})
    a, b, c = (r.name() for r in t.resources())
    assert a == "app-prod" and b == "big"
    assert c.endswith("/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1") and not c.known


def test_child_resources_get_full_types_and_nested_templates_outer_scope():
    t, _ = _template({
        "parameters": {"n": {"type": "string", "defaultValue": "outer"}},
        "resources": [
            {"type": "Microsoft.Compute/virtualMachines", "name": "vm",
             "resources": [{"type": "extensions", "name": "ext"}]},
            {"type": "Microsoft.Resources/deployments", "name": "nested", "properties": {
                "template": {"parameters": {"n": {"type": "string", "defaultValue": "inner"}},
                             "resources": [{"type": "x/y", "name": "[parameters('n')]"}]}}},
            {"type": "Microsoft.Resources/deployments", "name": "nested2", "properties": {
                "expressionEvaluationOptions": {"scope": "inner"},
                "parameters": {"n": {"value": "[concat(parameters('n'), '-given')]"}},
                "template": {"parameters": {"n": {"type": "string", "defaultValue": "inner"}},
                             "resources": [{"type": "x/y", "name": "[parameters('n')]"}]}}},
        ]})
    resources = list(t.all_resources())
    assert resources[1].type == "Microsoft.Compute/virtualMachines/extensions"
    names = [r.name() for r in resources if r.type == "x/y"]
    assert names == ["outer", "outer-given"]


def test_self_referencing_variables_do_not_loop():
    t, _ = _template({"variables": {"a": "[variables('b')]", "b": "[variables('a')]"},
                      "resources": [{"type": "x/y", "name": "[variables('a')]"}]})
    assert isinstance(t.resources()[0].name(), Unknown)


def test_malformed_expression_is_unknown():
    t, _ = _template({"resources": [{"type": "x/y", "name": "[concat('a', ]"}]})
    assert isinstance(t.resources()[0].name(), Unknown)
