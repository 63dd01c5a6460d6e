"""Every rule's YAML examples run through the real pipeline: a bad example yields exactly that rule
at the marked places (and its `fixed:` text after applying the fixes), a good one yields nothing."""
from pathlib import Path

import pytest

from milint.checks.plugin import builtin_rules_dir
from milint.engine import Settings, Toolbox, example_findings
from milint.fixes import apply_fixes
from milint.rulebook import load_rules

RULES = load_rules([builtin_rules_dir()])
CASES = [(rule, i, ex) for rule in RULES for i, ex in enumerate(rule.examples)]


def _id(case):
    rule, i, ex = case
    return f"{rule.id}-{ex.verdict}-{i}-{ex.file}"


@pytest.fixture(scope="module")
def box():
    return Toolbox(Settings(load_entrypoints=False))


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_example(case, box):
    rule, _, example = case
    options = {rule.id: example.options} if example.options else None
    findings = example_findings(example.code, example.file, box, kind=example.kind, options=options)
    mine = [f for f in findings if f.rule_id == rule.id]
    if example.verdict == "good":
        assert findings == [], f"good example of {rule.id} is reported: {[(f.rule_id, f.message) for f in findings]}"
        return
    assert sorted(f.snippet for f in mine) == sorted(example.at), \
        f"{rule.id} expected at {example.at}, got {[(f.snippet, f.region) for f in mine]}"
    for f in mine:
        assert f.level == rule.level and f.rule_name == rule.name
        assert "{" not in f.message, f"unfilled message argument: {f.message}"
    if example.fixed is not None:
        fixed, applied = apply_fixes(example.code, mine)
        assert applied, f"{rule.id} example has `fixed:` but no fix was produced"
        assert fixed == example.fixed
        again = [f for f in example_findings(fixed, example.file, box, kind=example.kind, options=options)
                 if f.rule_id == rule.id]
        assert again == [], "the fixed code is still reported"


def test_every_rule_file_is_named_after_its_rule():
    for rule in RULES:
        assert Path(rule.source).name == f"{rule.id}-{rule.name}.yaml"


def test_examples_exist_for_every_checked_rule():
    for rule in RULES:
        if not rule.is_tool_rule:
            verdicts = {e.verdict for e in rule.examples}
            assert verdicts == {"bad", "good"}, rule.id
