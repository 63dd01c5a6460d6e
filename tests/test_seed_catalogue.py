"""The issue's acceptance test: the seed read as Markdown (`milint check --as markdown seed/...txt`)
with every rule, measured against the fixture tables of the seed notes (tests/seed_fixtures.yaml).

* Every finding is pinned per rule in tests/seed_findings.yaml (line, column and the text it
  covers).  Each was reviewed against the seed; a finding on a correct sample is a false positive
  to fix, not to pin.  After a deliberate change, rewrite the snapshot with
  ``MILINT_UPDATE_FIXTURES=1 python -m pytest tests/test_seed_catalogue.py`` and review the diff.
* At least 90% of the in-scope positive fixtures are found, by the rule that implements them.
* No negative fixture line is reported (by the rules the fixture names; by default any rule).
"""
import os
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from milint.engine import Settings, run
from milint.facts.scripts import mentions_cloud_shell

HERE = Path(__file__).resolve().parent
SEED = HERE.parents[1] / "shared" / "seed" / "000_68e52737ddb40452.txt"
FIXTURES = HERE / "seed_fixtures.yaml"
SNAPSHOT = HERE / "seed_findings.yaml"
COVERAGE_GOAL = 0.90
OUT_KINDS = {"not-implemented", "extraction", "broken-sample", "not-code", "unknown", "data-flow"}


def expand(lines) -> set[int]:
    """Seed lines from a fixture's `lines`: numbers and "first-last" ranges."""
    out: set[int] = set()
    for item in lines:
        if isinstance(item, int):
            out.add(item)
            continue
        m = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", str(item))
        assert m, f"not a line or a range: {item!r}"
        first, last = int(m.group(1)), int(m.group(2))
        assert first <= last, f"reversed range: {item!r}"
        out.update(range(first, last + 1))
    return out


TABLE = yaml.safe_load(FIXTURES.read_text(encoding="utf-8"))
POSITIVES = TABLE["positives"]
NEGATIVES = TABLE["negatives"]
IN_SCOPE = [p for p in POSITIVES if p["in_scope"]]


def _label(entry: dict) -> str:
    return f"part-{entry['part']} L{','.join(str(x) for x in entry['lines'])} {entry['candidate']}"


@pytest.fixture(scope="module")
def seed_report(toolbox):
    if not SEED.is_file():
        pytest.skip(f"the seed is not at {SEED} (../shared is absent)")
    settings = Settings(load_entrypoints=False, forced_kind="markdown", root=str(SEED.parent))
    report = run([str(SEED)], settings, toolbox)
    assert not [n for n in report.notices if n.level == "error"], report.notices
    return report


@pytest.fixture(scope="module")
def by_rule(seed_report) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for f in seed_report.findings:
        found.setdefault(f.rule_id, set()).add(f.region.start_line)
    return found


def _snapshot(findings) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in sorted(findings, key=lambda f: (f.rule_id, f.region.start_line, f.region.start_column)):
        text = f.snippet.replace("\n", "\\n")
        text = text if len(text) <= 80 else text[:77] + "..."
        r = f.region
        out.setdefault(f.rule_id, []).append(f"{r.start_line}:{r.start_column}-{r.end_line}:{r.end_column} {text}")
    return out


# ---------------------------------------------------------------- the table itself
def test_the_fixture_table_is_well_formed(toolbox):
    rule_ids = {r.id for r in toolbox.rules}
    for entry in POSITIVES:
        where = _label(entry)
        assert entry["part"] in "ABCD" and entry["candidate"], where
        assert expand(entry["lines"]), where
        assert entry["rule"] is None or entry["rule"] in rule_ids, f"{where}: unknown rule {entry['rule']}"
        if entry["in_scope"] is True:
            assert entry["rule"], f"{where}: an in-scope positive names the rule that must find it"
            assert "out" not in entry and "reason" not in entry, where
        else:
            assert entry["in_scope"] is False, where
            assert entry.get("out") in OUT_KINDS, f"{where}: `out` must be one of {sorted(OUT_KINDS)}"
            assert len(entry.get("reason") or "") > 20, f"{where}: say why it is out of scope"
            if entry["out"] == "not-implemented":
                assert entry["rule"] is None, f"{where}: a candidate some rule implements is not `not-implemented`"
    for entry in NEGATIVES:
        assert expand(entry["lines"]) and entry["why"], entry
        for rule in list(entry.get("rules") or []) + list(entry.get("except") or {}):
            assert rule in rule_ids, f"negative L{entry['lines']}: unknown rule {rule}"


# ---------------------------------------------------------------- what the scan reports
def test_findings_match_the_reviewed_snapshot(seed_report):
    got = _snapshot(seed_report.findings)
    if os.environ.get("MILINT_UPDATE_FIXTURES"):
        SNAPSHOT.write_text(yaml.safe_dump(got, sort_keys=True, allow_unicode=True, width=200), encoding="utf-8")
    expected = yaml.safe_load(SNAPSHOT.read_text(encoding="utf-8"))
    assert got == expected


def _missed(by_rule: dict[str, set[int]]) -> list[dict]:
    return [p for p in IN_SCOPE if not expand(p["lines"]) & by_rule.get(p["rule"], set())]


def test_coverage_of_the_in_scope_positives(by_rule):
    missed = _missed(by_rule)
    found = len(IN_SCOPE) - len(missed)
    coverage = found / len(IN_SCOPE)
    listing = "\n".join(f"  missed: {_label(p)} (expected {p['rule']})" for p in missed)
    assert coverage >= COVERAGE_GOAL, f"{found}/{len(IN_SCOPE)} in-scope positives found ({coverage:.0%}):\n{listing}"


def test_no_negative_fixture_is_reported(seed_report):
    problems = []
    for entry in NEGATIVES:
        lines = expand(entry["lines"])
        watched = set(entry.get("rules") or [])
        allowed = set(entry.get("except") or {})
        for f in seed_report.findings:
            if f.region.start_line not in lines or f.rule_id in allowed:
                continue
            if not watched or f.rule_id in watched:
                problems.append(f"L{f.region.start_line} {f.rule_id} {f.snippet!r}: {entry['why']}")
    assert not problems, "negative fixtures reported:\n" + "\n".join(problems)


def test_every_exception_is_used(by_rule):
    """An `except` that no longer fires is stale: the negative must then hold for that rule too."""
    for entry in NEGATIVES:
        for rule in entry.get("except") or {}:
            assert expand(entry["lines"]) & by_rule.get(rule, set()), f"stale exception {rule} at {entry['lines']}"


def test_summary_of_misses_and_scope(by_rule, capsys):
    """Not a check but the report the issue asks for; run with -s to read it."""
    missed = _missed(by_rule)
    out_kinds = Counter(p["out"] for p in POSITIVES if not p["in_scope"])
    with capsys.disabled():
        print(f"\nseed catalogue: {len(IN_SCOPE) - len(missed)}/{len(IN_SCOPE)} in-scope positives found; "
              f"{sum(out_kinds.values())} out of scope: "
              + ", ".join(f"{k} {v}" for k, v in sorted(out_kinds.items())))
        for p in missed:
            print(f"  missed: {_label(p)} (expected {p['rule']})")
    assert sum(out_kinds.values()) + len(IN_SCOPE) == len(POSITIVES)


# ---------------------------------------------------------------- targeted checks
def test_cloud_shell_is_decided_per_section_not_per_file(by_rule):
    # the seed mentions Cloud Shell in many articles' boilerplate; were that decisive for the whole
    # file, the VM-extension samples of "How to stop using the VM extension" (L7986 ff.) would be
    # taken for Cloud Shell calls and silenced
    assert mentions_cloud_shell(SEED.read_text(encoding="utf-8"))
    assert by_rule["MI101"] == {7526, 8097}


def test_a_parameter_wrapped_onto_the_next_line_is_not_a_missing_header(by_rule):
    # L7777-L7778: `(Invoke-WebRequest -Uri '...'` and, on the next line, `-Method GET ... -Headers
    # @{Authorization=...}`; the command's headers are unknown, not absent
    assert 7777 not in by_rule.get("MI503", set())
