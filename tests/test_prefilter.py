"""The literal prefilter is derived from the active rules' triggers and never changes a result:
the fixtures and the seed give the same findings with the prefilter on and off."""
from pathlib import Path

import pytest

from milint.engine import FileChecker, Settings, run

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "000_68e52737ddb40452.txt"


def _keys(report):
    return sorted((f.path, f.rule_id, f.region.start_line, f.region.start_column, f.message) for f in report.findings)


def _both(toolbox, paths, root=ROOT, **settings):
    on = run(paths, Settings(load_entrypoints=False, root=str(root), **settings), toolbox)
    off = run(paths, Settings(load_entrypoints=False, root=str(root), prefilter=False, **settings), toolbox)
    return on, off


def test_fixtures_same_with_and_without_prefilter(toolbox):
    on, off = _both(toolbox, [str(ROOT / "fixtures")])
    assert _keys(on) == _keys(off) != []


def test_rule_examples_same_with_and_without_prefilter(toolbox, tmp_path):
    for rule in toolbox.rules:
        for i, example in enumerate(rule.examples):
            folder = tmp_path / f"{rule.id}-{i}"
            folder.mkdir()
            (folder / example.file).write_text(example.code, encoding="utf-8")
    on, off = _both(toolbox, [str(tmp_path)])
    assert _keys(on) == _keys(off)


def test_seed_same_with_and_without_prefilter(toolbox):
    if not SEED.exists():
        pytest.skip("the seed is not here: ../shared/seed/000_68e52737ddb40452.txt")
    # rooted at the seed's folder: ../shared may be a link, and milint refuses paths that leave the root
    on, off = _both(toolbox, [str(SEED)], root=SEED.parent, forced_kind="markdown")
    assert _keys(on) == _keys(off) != []


def test_triggers_come_from_the_active_rules(toolbox):
    all_rules = [r for r in toolbox.rules]
    one = [r for r in all_rules if r.id == "MI401"]
    checker = FileChecker(toolbox, one, Settings(load_entrypoints=False))
    assert checker.index.patterns == tuple(t.encode() for t in sorted(set(one[0].triggers_lower)))
    assert not checker.passes_prefilter(b"curl http://169.254.169.254/metadata/identity/oauth2/token")
    assert checker.passes_prefilter(b"az vm update --set identity.type=none")


def test_rules_with_options_keep_their_triggers_sound(toolbox, tmp_path):
    """A rule that an option switches on (MI210 with the clouds a repository targets) fires on far more
    files; its triggers must still cover all of them: fixtures, examples and seed, on and off."""
    options = {"MI210": {"clouds": ["AzureUSGovernment"]}}
    for rule in toolbox.rules:
        for i, example in enumerate(rule.examples):
            folder = tmp_path / f"{rule.id}-{i}"
            folder.mkdir()
            (folder / example.file).write_text(example.code, encoding="utf-8")
    paths = [str(ROOT / "fixtures"), str(tmp_path)]
    on, off = _both(toolbox, paths, rule_options=options)
    assert _keys(on) == _keys(off)
    assert len({f.path for f in on.findings if f.rule_id == "MI210"}) > 10  # it did fire widely
    if SEED.exists():
        on, off = _both(toolbox, [str(SEED)], root=SEED.parent, forced_kind="markdown", rule_options=options)
        assert _keys(on) == _keys(off)
        assert sum(f.rule_id == "MI210" for f in on.findings) > 10


@pytest.mark.parametrize("text, expected", [
    ("x = requests.get('http://169.254.169.254/metadata')", True),
    ("credential = managedidentitycredential()", True),
    ("nothing of the kind here: oauth, azure, identity", False),
    ("ünïcödé and a lone surrogate \udc80 before .azure", True),
    ("", False),
])
def test_literal_screen_finds_what_substring_tests_find(text, expected, monkeypatch):
    """The one-pass search (ahocorasick-rs) and the fallback of `in` tests agree."""
    import builtins

    from milint.facts.code_facts import _MARKERS
    from milint.prefilter import LiteralScreen

    assert LiteralScreen(_MARKERS).any_in(text) is expected
    real_import = builtins.__import__

    def no_automaton(name, *args, **kwargs):
        if name == "ahocorasick_rs":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_automaton)
    fallback = LiteralScreen(_MARKERS)
    assert fallback._automaton is None and fallback.any_in(text) is expected
