"""The built-in output formats as a plugin."""
from __future__ import annotations

from ..plugin import hookimpl


def _text(report, **options):
    from .text import render
    return render(report, **options)


def _json(report, **options):
    from .json_format import render
    return render(report, **options)


def _sarif(report, **options):
    from .sarif import render
    return render(report, **options)


def _github(report, **options):
    from .github import render
    return render(report, **options)


def _junit(report, **options):
    from .junit import render
    return render(report, **options)


def _gitlab(report, **options):
    from .gitlab import render
    return render(report, **options)


@hookimpl
def milint_reporters():
    return {"text": _text, "json": _json, "sarif": _sarif, "github": _github, "junit": _junit, "gitlab": _gitlab}
