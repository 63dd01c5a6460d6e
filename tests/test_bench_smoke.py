"""A small, untimed run of the benchmark, so the benchmark itself keeps working."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_smoke(tmp_path):
    corpus = tmp_path / "corpus"
    made = subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), "--out", str(corpus),
                           "--scale", "0.01"], capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    assert (corpus / "arm").is_dir() and (corpus / "filler").is_dir() and (corpus / "identity").is_dir()
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--corpus", str(corpus), "--quick",
                          "--write", str(tmp_path / "results.md")], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    table = (tmp_path / "results.md").read_text()
    for row in ("(a) milint --version", "(d) whole corpus, 1 process", "(e) read floor", "Peak memory"):
        assert row in table


def test_results_go_between_the_markers_and_the_prose_stays(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from run import BEGIN, END, write_results
    finally:
        sys.path.remove(str(ROOT / "bench"))
    page = tmp_path / "BENCHMARKS.md"
    page.write_text(f"# Intro\n{BEGIN}\nold table\n{END}\n## Analysis\n")
    write_results(page, "new table")
    assert page.read_text() == f"# Intro\n{BEGIN}\nnew table\n{END}\n## Analysis\n"
    plain = tmp_path / "plain.md"
    write_results(plain, "only the table")
    assert plain.read_text() == "only the table"
