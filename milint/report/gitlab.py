"""GitLab code quality (a subset of the Code Climate issue format), for `artifacts:reports:codequality`.

Suppressed findings are left out: GitLab has no notion of them, and they must not fail a review."""
from __future__ import annotations

import json

# GitLab's severities: info, minor, major, critical, blocker (blocker is kept for broken builds)
SEVERITY = {"error": "major", "warning": "minor", "note": "info"}


def issue(f) -> dict:
    return {
        "description": f"{f.rule_id} {f.rule_name}: {f.message}",
        "check_name": f.rule_id,
        "fingerprint": f.fingerprint,
        "severity": SEVERITY[f.level],
        "location": {"path": f.path, "lines": {"begin": f.region.start_line}},
    }


def render(report, **_) -> str:
    issues = [issue(f) for f in report.findings if f.suppression is None]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
