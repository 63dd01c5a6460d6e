"""GitHub Actions workflow commands: annotations on the pull request's files."""
from __future__ import annotations

from .safe import printable

_LEVELS = {"error": "error", "warning": "warning", "note": "notice"}


def _data(text: str) -> str:
    # line breaks are the command's own escapes; other controls are shown, never sent raw
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(text)


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report, **_) -> str:
    lines = []
    for f in report.findings:
        if f.suppression is not None:
            continue
        r = f.region
        props = (f"file={_prop(f.path)},line={r.start_line},col={r.start_column},"
                 f"endLine={r.end_line},endColumn={r.end_column},title={_prop(f.rule_id + ' ' + f.rule_name)}")
        lines.append(f"::{_LEVELS[f.level]} {props}::{_data(f.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
