"""The pre-commit hooks, run for real with `pre-commit try-repo` against a throw-away repository:
the hook fails on a bad file and passes once it is fixed."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BAD = "curl 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com' -H Metadata:true\n"


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    """A committed snapshot of this project (try-repo reads a git repository)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit is not installed: install the test extra")
    snapshot = tmp_path_factory.mktemp("milint-repo")
    for item in ("milint", "rules", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        src = ROOT / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, snapshot / item)
    _git(snapshot, "init", "-q")
    _git(snapshot, "add", ".")
    _git(snapshot, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-q", "-m", "snapshot")
    return snapshot


def _try_repo(repo, work, hook, *files):
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(repo), hook, "--files", *files],
                          cwd=work, capture_output=True, text=True, timeout=900)


def test_hook_fails_then_passes(hook_repo, tmp_path):
    work = tmp_path / "project"
    work.mkdir()
    _git(work, "init", "-q")
    (work / "get-token.sh").write_text(BAD)
    (work / "deploy.azcli").write_text(BAD)
    (work / "readme.txt").write_text(BAD)
    _git(work, "add", ".")
    first = _try_repo(hook_repo, work, "milint", "get-token.sh", "readme.txt")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "get-token.sh:1:93: MI201" in first.stdout and "readme.txt" not in first.stdout.split("MI201")[0]
    untagged = _try_repo(hook_repo, work, "milint-untagged", "deploy.azcli")
    assert untagged.returncode == 1 and "deploy.azcli:1:93: MI201" in untagged.stdout
    (work / "get-token.sh").write_text(BAD.replace(".com'", ".com/'"))
    second = _try_repo(hook_repo, work, "milint", "get-token.sh")
    assert second.returncode == 0, second.stdout + second.stderr


def test_hook_reads_code_and_docs(hook_repo, tmp_path):
    """Application code and Markdown are tagged kinds too; .http files need the untagged hook."""
    work = tmp_path / "project"
    work.mkdir()
    _git(work, "init", "-q")
    url = "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com"
    (work / "get_token.py").write_text(f"import requests\nrequests.get('{url}', headers={{'Metadata': 'true'}})\n")
    (work / "howto.md").write_text("# Get a token\n\n```bash\n" + BAD + "```\n")
    (work / "tokens.http").write_text(f"GET {url}\nMetadata: true\n")
    _git(work, "add", ".")
    tagged = _try_repo(hook_repo, work, "milint", "get_token.py", "howto.md")
    assert tagged.returncode == 1, tagged.stdout + tagged.stderr
    assert "get_token.py:2:" in tagged.stdout and "howto.md:4:" in tagged.stdout
    untagged = _try_repo(hook_repo, work, "milint-untagged", "tokens.http")
    assert untagged.returncode == 1 and "tokens.http:1:" in untagged.stdout, untagged.stdout + untagged.stderr
