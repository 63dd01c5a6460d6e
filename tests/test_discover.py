"""Finding files: .gitignore honoured, vendored folders skipped, symlinks never followed out of the
tree, binary files reported rather than read."""
import os
import subprocess
from pathlib import Path

import pytest

from milint.discover import discover
from milint.engine import Settings, run
from milint.gitignore import IgnoreFile, is_ignored

TOKEN = "curl 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com' -H Metadata:true\n"


def _classify(name):
    from milint.classify import kind_from_name
    return kind_from_name(name)


def _found(root: Path, paths=None) -> list[str]:
    notices = []
    return sorted(c.relpath for c in discover([str(p) for p in (paths or [root])], root, _classify, notices))


@pytest.mark.parametrize("pattern, path, is_dir, ignored", [
    ("*.json", "a/b/c.json", False, True),
    ("/top.json", "top.json", False, True),
    ("/top.json", "sub/top.json", False, False),
    ("build/", "x/build", True, True),
    ("build/", "x/build", False, False),
    ("docs/**/*.sh", "docs/a/b/x.sh", False, True),
    ("**/gen", "a/b/gen", True, True),
    ("a/**", "a/x/y.sh", False, True),
    ("file[0-9].sh", "file7.sh", False, True),
    ("\\#hash.sh", "#hash.sh", False, True),
])
def test_gitignore_patterns(pattern, path, is_dir, ignored):
    assert is_ignored([IgnoreFile("", [pattern])], path, is_dir) is ignored


def test_negation_and_last_match_wins():
    rules = [IgnoreFile("", ["*.sh", "!keep.sh"])]
    assert is_ignored(rules, "drop.sh", False) and not is_ignored(rules, "keep.sh", False)


def test_walk_honours_nested_gitignore_and_skips_vendored(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("generated/\n*.tmp.sh\n")
    for rel in ["a.sh", "x.tmp.sh", "generated/b.sh", "node_modules/c.sh", "sub/d.ps1", "sub/e.sh",
                "sub/.gitignore", "vendor/f.json", "notes.txt"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("e.sh\n" if rel.endswith(".gitignore") else "echo\n")
    assert _found(tmp_path) == ["a.sh", "sub/d.ps1"]


def test_gitignore_of_the_repository_applies_below_it(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("sub/skip.sh\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "skip.sh").write_text("x")
    (tmp_path / "sub" / "keep.sh").write_text("x")
    assert _found(tmp_path, [tmp_path / "sub"]) == ["sub/keep.sh"]


def test_symlinks_out_of_the_tree_and_loops_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    tree = tmp_path / "tree"
    outside.mkdir()
    tree.mkdir()
    (outside / "secret.sh").write_text(TOKEN)
    (tree / "real.sh").write_text("echo hi\n")
    os.symlink(outside / "secret.sh", tree / "link.sh")
    os.symlink(outside, tree / "linkdir")
    os.symlink(tree / "loop", tree / "loop")
    os.symlink(tree / "real.sh", tree / "inside.sh")  # inside the tree: the same file, read once
    notices = []
    found = [c.relpath for c in discover([str(tree)], tree, _classify, notices)]
    assert found == ["inside.sh"] or found == ["real.sh"] or sorted(found) == ["inside.sh"]
    assert {n.path for n in notices} >= {"link.sh", "linkdir", "loop"}


def test_binary_file_with_a_known_extension_is_reported_not_read(tmp_path, toolbox):
    (tmp_path / "blob.json").write_bytes(b"\x00\x01\x02" * 1000 + b"oauth2")
    (tmp_path / "ok.sh").write_text(TOKEN)
    report = run([str(tmp_path)], Settings(load_entrypoints=False, root=str(tmp_path)), toolbox)
    assert sorted((f.path, f.rule_id) for f in report.findings) == [("blob.json", "MI901"), ("ok.sh", "MI201")]


def test_unreadable_file_is_a_notice_not_a_crash(tmp_path, toolbox):
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    p = tmp_path / "locked.sh"
    p.write_text(TOKEN)
    p.chmod(0)
    report = run([str(tmp_path)], Settings(load_entrypoints=False, root=str(tmp_path)), toolbox)
    assert report.findings == [] and any("cannot read" in n.message for n in report.notices)


def test_large_files_are_skipped_with_a_note(tmp_path, toolbox):
    (tmp_path / "big.sh").write_text(TOKEN * 100)
    report = run([str(tmp_path)], Settings(load_entrypoints=False, root=str(tmp_path), max_file_size=1000), toolbox)
    assert [(f.rule_id, f.level) for f in report.findings] == [("MI901", "note")]


def test_extensionless_scripts_are_recognised_by_their_shebang(tmp_path, toolbox):
    (tmp_path / "get-token").write_text("#!/usr/bin/env bash\n" + TOKEN)
    (tmp_path / "LICENSE").write_text(TOKEN)
    (tmp_path / "setup").write_text("#!/usr/bin/env pwsh\nInvoke-RestMethod -Uri 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com' -Headers @{Metadata='true'}\n")
    report = run([str(tmp_path)], Settings(load_entrypoints=False, root=str(tmp_path)), toolbox)
    assert sorted((f.path, f.rule_id) for f in report.findings) == [("get-token", "MI201"), ("setup", "MI201")]
