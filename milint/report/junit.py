"""JUnit XML, which most CI systems show as test results: one test suite per file with findings, one
test case per finding (a failure, or skipped when suppressed), and internal errors as errors.  A run
without findings is one passing test case, so that the CI still shows that the check ran."""
from __future__ import annotations

import re
from collections import defaultdict

# characters XML 1.0 cannot carry at all (file content can reach messages)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render(report, **_) -> str:
    import xml.etree.ElementTree as ET

    by_path = defaultdict(list)
    for f in report.findings:
        by_path[f.path].append(f)
    errors = [n for n in report.notices if n.level == "error"]
    root = ET.Element("testsuites", name="milint")
    totals = {"tests": 0, "failures": 0, "skipped": 0, "errors": 0}
    for path in sorted(by_path):
        suite = ET.SubElement(root, "testsuite", name=_clean(path))
        counts = {"tests": 0, "failures": 0, "skipped": 0, "errors": 0}
        for f in by_path[path]:
            r = f.region
            case = ET.SubElement(suite, "testcase", classname=_clean(path),
                                 name=_clean(f"{f.rule_id} {f.rule_name} at {r.start_line}:{r.start_column}"),
                                 file=_clean(path), line=str(r.start_line))
            counts["tests"] += 1
            if f.suppression is not None:
                ET.SubElement(case, "skipped", message=_clean(f"suppressed ({f.suppression.kind}): "
                                                              f"{f.suppression.justification}".rstrip(": ")))
                counts["skipped"] += 1
                continue
            failure = ET.SubElement(case, "failure", type=f.level, message=_clean(f.message))
            failure.text = _clean(f"{path}:{r.start_line}:{r.start_column}: {f.rule_id} [{f.level}] {f.message}")
            counts["failures"] += 1
        _count(suite, counts, totals)
    if errors:
        suite = ET.SubElement(root, "testsuite", name="milint internal errors")
        for n in errors:
            case = ET.SubElement(suite, "testcase", classname="milint", name=_clean(n.path or "milint"))
            error = ET.SubElement(case, "error", message=_clean(n.message.split("\n", 1)[0]))
            error.text = _clean(n.message)
        _count(suite, {"tests": len(errors), "failures": 0, "skipped": 0, "errors": len(errors)}, totals)
    if not by_path and not errors:
        suite = ET.SubElement(root, "testsuite", name="milint")
        ET.SubElement(suite, "testcase", classname="milint", name=f"no problems in {report.files_seen} files")
        _count(suite, {"tests": 1, "failures": 0, "skipped": 0, "errors": 0}, totals)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _count(suite, counts: dict, totals: dict) -> None:
    for key, value in counts.items():
        suite.set(key, str(value))
        totals[key] += value
