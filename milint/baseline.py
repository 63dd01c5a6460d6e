"""A baseline: today's findings, recorded by fingerprint, so that a repository can adopt milint and
gate only the findings that are new.

``milint baseline FILE [PATH ...]`` writes the file; ``milint check --baseline FILE`` marks every
finding recorded in it as suppressed (SARIF ``external``) and reports only the others.  A
fingerprint names the rule, the file and the offending text, not the line (`findings.fingerprints`),
so it survives edits above and below the finding and changes when the offending text changes.
Paths in the file are relative to the file's own folder, so the baseline matches whatever folder
milint is run from.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from .findings import Finding, Suppression, fingerprints

FORMAT_KEY = "milint-baseline"
FORMAT_VERSION = 1


class BaselineError(ValueError):
    """A baseline file that cannot be read."""


@dataclass
class Baseline:
    path: Path
    fingerprints: frozenset
    paths: dict  # fingerprint -> the file it was recorded in (relative to the baseline's folder), or None

    @property
    def folder(self) -> Path:
        return self.path.parent


def _keys(findings: list[Finding], folder: Path, root: Path) -> list[str]:
    return fingerprints(findings, lambda finding: _relative(finding.path, folder, root))


def write_baseline(path: str, findings: list[Finding], root: Path) -> int:
    """Record the unsuppressed findings; the number recorded."""
    target = Path(os.path.abspath(path))
    keys = _keys(findings, target.parent, root)
    entries = [{"fingerprint": key, "rule": f.rule_id, "path": _relative(f.path, target.parent, root),
                "line": f.region.start_line, "message": f.message}
               for f, key in zip(findings, keys) if f.suppression is None]
    entries.sort(key=lambda e: (e["path"], e["line"], e["rule"], e["fingerprint"]))
    data = {FORMAT_KEY: FORMAT_VERSION,
            "about": "Findings accepted when milint was adopted; `milint check --baseline` reports only others.",
            "findings": entries}
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(entries)


def load_baseline(path: str) -> Baseline:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"{path}: not a milint baseline (not JSON: {exc})") from None
    if not isinstance(data, dict) or data.get(FORMAT_KEY) != FORMAT_VERSION or not isinstance(
            data.get("findings"), list):
        raise BaselineError(f"{path}: not a milint baseline (write one with `milint baseline {path}`)")
    prints = [e.get("fingerprint") for e in data["findings"] if isinstance(e, dict)]
    if not all(isinstance(p, str) and p for p in prints) or len(prints) != len(data["findings"]):
        raise BaselineError(f"{path}: every baseline entry needs a fingerprint")
    paths = {e["fingerprint"]: e.get("path") if isinstance(e.get("path"), str) else None for e in data["findings"]}
    return Baseline(Path(os.path.abspath(path)), frozenset(prints), paths)


def apply_baseline(findings: list[Finding], baseline: Baseline, root: Path,
                   checked: Optional[Iterable[str]] = None) -> int:
    """Suppress the findings the baseline records; the number of recorded findings that are gone
    from the files that were checked (`checked`: their paths relative to `root`; None: all files).
    A run over a few files (pre-commit) says nothing about findings recorded in the others."""
    keys = _keys(findings, baseline.folder, root)
    label = f"recorded in the baseline {_display(baseline.path)}"
    for finding, key in zip(findings, keys):
        if finding.suppression is None and key in baseline.fingerprints:
            finding.suppression = Suppression("external", label, "baseline")
    gone = baseline.fingerprints - set(keys)
    if checked is not None:
        seen = {_relative(rel, baseline.folder, root) for rel in checked}
        gone = {key for key in gone if baseline.paths.get(key) is None or baseline.paths[key] in seen}
    return len(gone)


def _relative(rel: str, folder: Path, root: Path) -> str:
    return Path(os.path.relpath(root / rel, folder)).as_posix()


def _display(path: Path) -> str:
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else Path(rel).as_posix()
