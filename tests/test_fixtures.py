"""The shipped fixtures: every file's findings match the expectations recorded beside it
(`<file>.expected`, one `line:col-line:col RULE text` per finding), and clean files stay silent.

Set MILINT_UPDATE_FIXTURES=1 to rewrite the .expected files after a deliberate change; review the diff.
"""
import os
from pathlib import Path

import pytest

from milint.engine import Settings, run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FILES = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix not in (".expected", ".md")
               or (p.is_file() and p.suffix == ".md" and p.name != "README.md"))


def _lines(findings) -> list[str]:
    out = []
    for f in findings:
        r = f.region
        text = f.snippet.replace("\n", "\\n")
        out.append(f"{r.start_line}:{r.start_column}-{r.end_line}:{r.end_column} {f.rule_id} {text}")
    return out


@pytest.fixture(scope="module")
def report(toolbox):
    return run([str(FIXTURES)], Settings(load_entrypoints=False, root=str(FIXTURES)), toolbox)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(FIXTURES)) for p in FILES])
def test_fixture_findings(path, report):
    rel = path.relative_to(FIXTURES).as_posix()
    got = _lines([f for f in report.findings if f.path == rel])
    expected_file = path.with_name(path.name + ".expected")
    if os.environ.get("MILINT_UPDATE_FIXTURES"):
        expected_file.write_text("".join(line + "\n" for line in got), encoding="utf-8")
    assert expected_file.exists(), f"record the expected findings of {rel} in {expected_file.name}"
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert got == expected
    if "-clean" in path.name:
        assert got == [], f"{rel} is a clean counterpart and must stay silent"


def test_every_fixture_was_checked(report):
    assert not [n for n in report.notices if n.level == "error"]
    assert report.files_seen >= len(FILES)
