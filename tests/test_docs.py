"""docs/rules.md is generated from the rule YAML and kept current: regenerate it with
`milint rules --markdown > docs/rules.md`."""
from pathlib import Path

from milint.ruledoc import rules_reference

ROOT = Path(__file__).resolve().parent.parent


def test_rules_reference_is_current(toolbox):
    generated = rules_reference(toolbox.rules)
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == generated, "docs/rules.md is stale: run `milint rules --markdown > docs/rules.md`"


def test_reference_lists_every_rule_with_its_citation(toolbox):
    text = rules_reference(toolbox.rules)
    for rule in toolbox.rules:
        assert f"## {rule.id} {rule.name}" in text
        assert f"](#{rule.id.lower()}-{rule.name})" in text
    assert "seed L402" in text
