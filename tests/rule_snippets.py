"""Run a snippet through the real pipeline and return its findings, failing on internal errors."""
from pathlib import Path

from milint.discover import Candidate
from milint.engine import FileChecker, Settings


def findings_of(toolbox, code: str, filename: str, tmp_path: Path, families=("MI1", "MI2", "MI5")):
    """Findings of the given rule families for `code` saved as `filename` (no internal error allowed)."""
    rules = [r for r in toolbox.rules if r.id.startswith(tuple(families))]
    checker = FileChecker(toolbox, rules, Settings(load_entrypoints=False))
    path = tmp_path / filename
    path.write_text(code, encoding="utf-8")
    result = checker.check(Candidate(path, filename, toolbox.classify(filename)))
    found, notices = result[0], result[1]
    errors = [n.message for n in notices if n.level == "error"]
    assert not errors, errors[0]
    return sorted(found, key=lambda f: f.sort_key)


def ids_and_snippets(found) -> list[tuple[str, str]]:
    return [(f.rule_id, f.snippet) for f in found]
