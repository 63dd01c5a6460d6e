"""What a rule's YAML declares about its check must be true, because the engine relies on it:
`facts:` lists every fact kind the check reads (sources skip producing kinds no active rule wants),
and `triggers:` are what the prefilter searches for (see test_prefilter.py)."""
from collections import defaultdict
from pathlib import Path

from milint.checks import CheckContext
from milint.engine import Settings, run

ROOT = Path(__file__).resolve().parent.parent


def test_declared_facts_cover_what_each_check_reads(toolbox, tmp_path, monkeypatch):
    read: dict[str, set] = defaultdict(set)
    original = CheckContext.facts_of

    def recording(self, kind):
        read[self.rule.id].add(kind)
        return original(self, kind)

    monkeypatch.setattr(CheckContext, "facts_of", recording)
    for rule in toolbox.rules:
        for i, example in enumerate(rule.examples):
            folder = tmp_path / f"{rule.id}-{i}"
            folder.mkdir()
            (folder / example.file).write_text(example.code, encoding="utf-8")
    run([str(tmp_path), str(ROOT / "fixtures")], Settings(load_entrypoints=False, prefilter=False), toolbox)
    by_id = {r.id: r for r in toolbox.rules}
    undeclared = {rid: sorted(kinds - set(by_id[rid].facts)) for rid, kinds in read.items()
                  if kinds - set(by_id[rid].facts)}
    assert undeclared == {}, f"checks read fact kinds their YAML `facts:` does not list: {undeclared}"


def test_triggers_are_ascii_literals(toolbox):
    for rule in toolbox.rules:
        for trigger in rule.triggers:  # `az ` keeps its space on purpose: it is part of the literal
            assert trigger.isascii() and trigger.strip(), (rule.id, trigger)


def test_rule_cache_follows_edits_of_rule_files(tmp_path, monkeypatch):
    from milint.checks.plugin import builtin_rules_dir
    from milint.rulebook import load_rules

    monkeypatch.setenv("MILINT_CACHE_DIR", str(tmp_path / "cache"))
    source = next(builtin_rules_dir().glob("MI201-*.yaml"))
    rule_file = tmp_path / source.name
    rule_file.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    first = load_rules([rule_file])
    assert (tmp_path / "cache").is_dir() and load_rules([rule_file])[0].level == first[0].level == "error"
    rule_file.write_text(rule_file.read_text(encoding="utf-8").replace("level: error", "level: warning"),
                         encoding="utf-8")
    assert load_rules([rule_file])[0].level == "warning"
    assert load_rules([rule_file], cache=False)[0].level == "warning"


def test_rule_cache_forgets_rule_files_unread_for_a_month(tmp_path, monkeypatch):
    """Every run reads the whole rule cache at start-up: packs in folders no run reads any more (a
    test's temporary folder) must not make it grow for ever."""
    import json

    from milint.cachedir import KEEP_DAYS
    from milint.checks.plugin import builtin_rules_dir
    from milint.rulebook import _RuleCache, load_rules

    monkeypatch.setenv("MILINT_CACHE_DIR", str(tmp_path / "cache"))
    source = next(builtin_rules_dir().glob("MI201-*.yaml"))
    for name in ("old", "recent"):
        (tmp_path / name).mkdir()
        (tmp_path / name / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        load_rules([tmp_path / name])
    [cache] = (tmp_path / "cache").glob("rules-*.json")
    data = json.loads(cache.read_text())
    for key in data:
        if "/old/" in key.replace("\\", "/"):
            data[key]["day"] -= KEEP_DAYS + 1
        else:
            data[key]["day"] -= 3  # read three days ago: its use is recorded again today
    cache.write_text(json.dumps(data))
    load_rules([tmp_path / "recent"])
    kept = json.loads(cache.read_text())
    assert [k for k in kept if "/old/" in k.replace("\\", "/")] == []
    assert [v["day"] for k, v in kept.items() if "/recent/" in k.replace("\\", "/")] == [_RuleCache().today]
