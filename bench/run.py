"""Time milint against the read floor and a peer, on the corpus from make_corpus.py.

    python bench/run.py [--corpus bench/corpus] [--runs 5] [--write BENCHMARKS.md] [--quick]

Each measurement is a fresh process, run several times; the table gives medians and ratios.
  (a) milint --version                    (b) one small template
  (c) a pre-commit batch of 10 files      (d) the whole corpus, single process and with -j
  (e) the read floor: reading the same files in Python, and `cat`; for ARM, reading + json.loads
  (f) checkov on the ARM part of the corpus, when it is installed (pip install '.[bench]')
Peak memory (max RSS) of (d) is measured on the whole corpus and on a third of it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def milint_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("milint")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "milint"]


# measure milint as installed: with byte-code caches (some environments switch them off)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], runs: int, cwd: Path | None = None) -> list[float]:
    """Wall times of `runs` runs, after one untimed warm-up run (byte-code and rule caches)."""
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV)
        times.append(time.perf_counter() - start)
    return times


def peak_rss_mb(cmd: list[str]) -> float:
    """Max RSS of the command and its children, in a fresh wrapper process."""
    probe = ("import resource, subprocess, sys, json; "
             "subprocess.run(json.loads(sys.argv[1]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, json.dumps(cmd)], capture_output=True, text=True, check=True,
                         env=ENV)
    return int(out.stdout.strip()) / 1024


def files_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


READ_FLOOR = """
import sys, json
total = 0
parse = sys.argv[1] == "json"
for line in open(sys.argv[2], encoding="utf-8"):
    with open(line.rstrip("\\n"), "rb") as fh:
        data = fh.read()
    total += len(data)
    if parse:
        try:
            json.loads(data)
        except ValueError:
            pass
"""


def read_floor(files: list[Path], runs: int, parse: bool, tmp: Path) -> list[float]:
    listing = tmp / f"files-{len(files)}.txt"
    listing.write_text("".join(f"{p}\n" for p in files), encoding="utf-8")
    return timed([sys.executable, "-c", READ_FLOOR, "json" if parse else "read", str(listing)], runs)


def cat_floor(folder: Path, runs: int) -> list[float]:
    return timed(["bash", "-c", f"find '{folder}' -type f -print0 | xargs -0 cat > /dev/null"], runs)


BEGIN, END = "<!-- results: written by bench/run.py -->", "<!-- end of results -->"


def write_results(path: Path, text: str) -> None:
    """Write the results; into a page that has the markers, only between them (the prose stays)."""
    page = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in page and END in page:
        head, rest = page.split(BEGIN, 1)
        text = f"{head}{BEGIN}\n{text}\n{END}{rest.split(END, 1)[1]}"
    path.write_text(text, encoding="utf-8")


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.system()} {platform.release()}, {cpu or 'unknown CPU'}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(ROOT / "bench" / "corpus"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--write", metavar="FILE", help="write the results table (Markdown) to FILE")
    parser.add_argument("--quick", action="store_true", help="one run each, no peer (the CI smoke run)")
    parser.add_argument("--checkov", metavar="PATH", help="the checkov executable (default: the one on PATH)")
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}: run bench/make_corpus.py first", file=sys.stderr)
        return 2
    runs = 1 if args.quick else args.runs
    big_runs = 1 if args.quick else max(1, runs // 2 + 1)
    tmp = corpus.parent / ".bench-tmp"
    tmp.mkdir(exist_ok=True)
    # a cache folder of its own, as on a machine that only ever ran milint: a test suite's rule
    # files would otherwise sit in the rule cache that every run reads at start-up
    shutil.rmtree(tmp / "cache-home", ignore_errors=True)
    ENV["MILINT_CACHE_DIR"] = str(tmp / "cache-home")
    milint = milint_cmd()
    # every file checked afresh; the rows marked (g) use a result cache that the warm-up run fills
    common = milint + ["check", "--fail-on", "never", "--quiet", "--no-cache"]
    check = common + ["-j", "1"]  # one process: milint's default (auto) would go parallel on big trees
    shutil.rmtree(tmp / "cache", ignore_errors=True)
    cached = milint + ["check", "--fail-on", "never", "--quiet", "--cache-dir", str(tmp / "cache")]
    all_files = files_of(corpus)
    arm_files = files_of(corpus / "arm")
    filler_files = files_of(corpus / "filler")
    small = min((p for p in files_of(corpus / "identity") if p.suffix == ".json"), key=lambda p: p.stat().st_size)
    batch = [p for p in files_of(corpus / "identity")][:10]

    rows: list[tuple[str, list[float]]] = []
    rows.append(("(a) milint --version", timed(milint + ["--version"], runs * 2)))
    rows.append(("(b) one small template", timed(common + [str(small)], runs * 2)))
    rows.append(("(c) pre-commit batch of 10 files", timed(common + [str(p) for p in batch], runs * 2)))
    rows.append(("(d) whole corpus, 1 process", timed(check + [str(corpus)], big_runs)))
    rows.append((f"(d) whole corpus, -j {args.jobs}", timed(common + ["-j", str(args.jobs), str(corpus)], big_runs)))
    rows.append(("(e) read floor: read every file (Python)", read_floor(all_files, big_runs, False, tmp)))
    rows.append(("(e) read floor: cat every file", cat_floor(corpus, big_runs)))
    rows.append(("(d) filler part (no identities), 1 process", timed(check + [str(corpus / "filler")], big_runs)))
    rows.append(("(e) filler floor: read every file (Python)", read_floor(filler_files, big_runs, False, tmp)))
    rows.append(("(d) ARM part, 1 process", timed(check + [str(corpus / "arm")], big_runs)))
    rows.append((f"(d) ARM part, -j {args.jobs}", timed(common + ["-j", str(args.jobs), str(corpus / "arm")], big_runs)))
    rows.append(("(e) ARM floor: read + json.loads", read_floor(arm_files, big_runs, True, tmp)))
    rows.append(("(g) whole corpus, unchanged since the last run", timed(cached + [str(corpus)], big_runs)))
    rows.append(("(g) ARM part, unchanged since the last run", timed(cached + [str(corpus / "arm")], big_runs)))
    rows.append(("(g) pre-commit batch of 10 files, unchanged", timed(cached + [str(p) for p in batch], runs * 2)))
    checkov = args.checkov or shutil.which("checkov")
    if checkov and not args.quick:
        rows.append(("(f) checkov --version (start-up)", timed([checkov, "--version"], 1)))
        rows.append(("(f) checkov on the ARM part", timed([checkov, "-d", str(corpus / "arm"), "--framework", "arm",
                                                          "--quiet", "--compact", "-o", "json"], 1)))

    med = {name: statistics.median(times) for name, times in rows}
    mem_full = peak_rss_mb(check + [str(corpus)])
    mem_third = peak_rss_mb(check + [str(corpus / "identity")])
    # memory must not grow with the number of files: one sixth of the ARM part against all of it
    arm_dirs = sorted(p for p in (corpus / "arm").iterdir() if p.is_dir())
    mem_arm_sixth = peak_rss_mb(check + [str(arm_dirs[0])]) if arm_dirs else 0.0
    mem_arm = peak_rss_mb(check + [str(corpus / "arm")])
    ratios = {
        "whole corpus / Python read floor": med["(d) whole corpus, 1 process"] / med["(e) read floor: read every file (Python)"],
        "ARM part / read + json.loads floor": med["(d) ARM part, 1 process"] / med["(e) ARM floor: read + json.loads"],
        f"-j {args.jobs} speed-up": med["(d) whole corpus, 1 process"] / med[f"(d) whole corpus, -j {args.jobs}"],
    }
    ratios["whole corpus unchanged / Python read floor"] = (med["(g) whole corpus, unchanged since the last run"]
                                                            / med["(e) read floor: read every file (Python)"])
    ratios["ARM part unchanged / read + json.loads floor"] = (med["(g) ARM part, unchanged since the last run"]
                                                              / med["(e) ARM floor: read + json.loads"])
    ratios["filler part / its read floor"] = (med["(d) filler part (no identities), 1 process"]
                                              / med["(e) filler floor: read every file (Python)"])
    if "(f) checkov on the ARM part" in med:
        ratios["checkov / milint on the ARM part"] = med["(f) checkov on the ARM part"] / med["(d) ARM part, 1 process"]
        # as each tool runs by default here: checkov has one process, milint one per core (--jobs auto)
        ratios[f"checkov / milint -j {args.jobs} on the ARM part"] = (med["(f) checkov on the ARM part"]
                                                                   / med[f"(d) ARM part, -j {args.jobs}"])
        # per file: each tool's start-up taken out
        milint_per_file = med["(d) ARM part, 1 process"] - med["(a) milint --version"]
        checkov_per_file = med["(f) checkov on the ARM part"] - med["(f) checkov --version (start-up)"]
        ratios["checkov / milint per ARM file, start-up excluded"] = checkov_per_file / milint_per_file

    lines = [f"Machine: {machine()}", f"Corpus: {len(all_files)} files ({len(arm_files)} ARM templates), "
             f"{sum(p.stat().st_size for p in all_files) / 1e6:.1f} MB; median of {runs} runs "
             f"({big_runs} for whole-tree runs)", "",
             "| measurement | median s | min s | per file ms |", "|---|---:|---:|---:|"]
    for name, times in rows:
        n = (len(arm_files) if "ARM" in name or "checkov on" in name else
             len(filler_files) if "filler" in name else
             len(all_files) if "corpus" in name or "floor" in name else 0)
        per = f"{statistics.median(times) / n * 1000:.3f}" if n else ""
        lines.append(f"| {name} | {statistics.median(times):.3f} | {min(times):.3f} | {per} |")
    lines += ["", "| ratio | value |", "|---|---:|"]
    lines += [f"| {k} | {v:.2f}× |" for k, v in ratios.items()]
    lines += ["", f"Peak memory (max RSS) of (d): whole corpus {mem_full:.0f} MB (its largest file sets it); "
              f"identity part {mem_third:.0f} MB; ARM part {mem_arm:.0f} MB for {len(arm_files)} templates, "
              f"{mem_arm_sixth:.0f} MB for the {len(files_of(arm_dirs[0])) if arm_dirs else 0} of its first folder", ""]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_results(Path(args.write), text)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
