"""Shared fixtures: one toolbox (plugins + rules) for the whole session, without entry points; and
every SARIF log any test renders in-process is validated against the official schema."""
import json

import pytest

from milint.engine import Settings, Toolbox


@pytest.fixture(scope="session", autouse=True)
def _private_rule_cache(tmp_path_factory):
    """Tests (and the milint processes they start) keep their rule cache out of the user's home."""
    import os

    os.environ["MILINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("milint-cache"))


@pytest.fixture(autouse=True)
def _no_default_result_cache(monkeypatch):
    """In this process tests replace parts of milint (a check, a parser) that a result cache, keyed on
    the files of milint's code, cannot see; so in-process runs keep results only where a test names
    a cache folder.  `milint` subprocesses use the private folder above."""
    from milint import cachedir

    monkeypatch.setattr(cachedir, "results_folder", lambda: None)


@pytest.fixture(scope="session")
def toolbox():
    return Toolbox(Settings(load_entrypoints=False))


@pytest.fixture(autouse=True)
def _validate_every_sarif(monkeypatch):
    from milint.report import sarif

    original = sarif.render

    def checked(report, **options):
        text = original(report, **options)
        from sarif_schema import validation_errors

        errors = validation_errors(json.loads(text))
        assert not errors, "invalid SARIF:\n" + "\n".join(errors[:20])
        return text

    monkeypatch.setattr(sarif, "render", checked)
