"""Machine-readable JSON: every finding with its region, fix and fingerprint, plus notices."""
from __future__ import annotations

import json
from dataclasses import asdict


def finding_dict(f) -> dict:
    return {
        "rule": f.rule_id, "name": f.rule_name, "level": f.level, "message": f.message, "path": f.path,
        "region": f.region.as_dict(), "fingerprint": f.fingerprint,
        "fix": [{"region": r.region.as_dict(), "text": r.text} for r in f.fix],
        "related": [{"path": r.path, "region": r.region.as_dict(), "message": r.message} for r in f.related],
        "suppressed": asdict(f.suppression) if f.suppression else None,
    }


def render(report, **_) -> str:
    data = {
        "tool": "milint", "version": report.version,
        "findings": [finding_dict(f) for f in report.findings],
        "notices": [{"path": n.path, "level": n.level, "message": n.message} for n in report.notices],
        "summary": {"files": report.files_seen, "parsed": report.files_parsed, "cached": report.files_cached,
                    "findings": sum(1 for f in report.findings if f.suppression is None),
                    "suppressed": sum(1 for f in report.findings if f.suppression is not None)},
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
