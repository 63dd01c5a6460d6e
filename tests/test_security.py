"""What milint promises a CI that runs it on strangers' pull requests (see SECURITY.md): no code
from the checked files or from configuration runs, nothing is fetched over the network, and SARIF
never names a path outside the checked root."""
from __future__ import annotations

import ast
import importlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

import milint
from milint.engine import Settings, Toolbox, run
from milint.report import sarif

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PACKAGE = Path(milint.__file__).resolve().parent
TOKEN = ("curl 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"
         "&resource=https://management.azure.com' -H Metadata:true\n")


def _calls(tree):
    """(node, owner, name) of every call: ("", "eval") for a builtin, ("yaml", "load") for a module
    function; methods of other objects (`self.jmespath.compile`) have the owner "*"."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                yield node, "", func.id
            elif isinstance(func, ast.Attribute):
                yield node, func.value.id if isinstance(func.value, ast.Name) else "*", func.attr


def _package_sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------ no code runs
def test_the_package_never_evaluates_runs_or_unpickles_anything():
    forbidden_calls = {("", "eval"), ("", "exec"), ("", "compile"), ("", "__import__"), ("os", "system"),
                       ("os", "popen"), ("pickle", "load"), ("pickle", "loads"), ("marshal", "loads"),
                       ("yaml", "unsafe_load"), ("yaml", "full_load"), ("yaml", "load_all")}
    forbidden_imports = {"subprocess", "pickle", "marshal", "shelve", "socket", "urllib.request",
                         "http.client", "ftplib", "smtplib", "ctypes"}
    problems = []
    for rel, tree in _package_sources():
        for node, owner, name in _calls(tree):
            if (owner, name) in forbidden_calls:
                problems.append(f"{rel}:{node.lineno}: {owner + '.' if owner else ''}{name}()")
            if owner == "yaml" and name == "load":  # only with a safe loader
                loader = next((k.value for k in node.keywords if k.arg == "Loader"), None)
                written = ast.unparse(loader) if loader is not None else ""
                if isinstance(loader, ast.Name):  # `loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)`
                    written += " ".join(ast.unparse(a.value) for a in ast.walk(tree) if isinstance(a, ast.Assign)
                                        and any(isinstance(t, ast.Name) and t.id == loader.id for t in a.targets))
                if "Safe" not in written or "Unsafe" in written or "Full" in written:
                    problems.append(f"{rel}:{node.lineno}: yaml.load with {written or 'the default loader'}")
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            problems += [f"{rel}:{node.lineno}: imports {n}" for n in names if n in forbidden_imports]
    assert problems == []


def test_modules_imported_while_checking_come_from_milint_tables_not_from_files(tmp_path, toolbox, monkeypatch):
    # file contents name modules and kinds everywhere; none of it may reach an import
    (tmp_path / "doc.md").write_text("```subprocess\nimport os\n```\n```os.system\nrm -rf /\n```\n"
                                     "```python\n__import__('os').system('x')\n```\n" + TOKEN)
    (tmp_path / "x.sh").write_text("#!/usr/bin/env subprocess\n" + TOKEN)
    (tmp_path / "t.json").write_text('{"$schema": "deploymentTemplate", "kind": "os", "x": "oauth2/token"}')
    imported = []
    real = importlib.import_module

    def recording(name, package=None):
        imported.append(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", recording)
    run([str(tmp_path), str(FIXTURES)], Settings(load_entrypoints=False, root=str(ROOT)), toolbox)
    # a name is imported only when milint's own source spells it (a table of kinds or lexers)
    spelled = {node.value for _, tree in _package_sources() for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert imported and [n for n in imported if not n.startswith("milint.") and n not in spelled] == []


@pytest.mark.parametrize("module", ["token", "tokenize", "inspect", "dataclasses", "argparse", "json"])
def test_python_m_milint_does_not_import_modules_from_the_checked_folder(tmp_path, module):
    """`python -m` puts the current folder on sys.path first: a repository's `token.py` would be
    imported in place of the standard library's, and run."""
    marker = tmp_path / "pwned"
    (tmp_path / f"{module}.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    out = subprocess.run([sys.executable, "-m", "milint", "check", "."], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert not marker.exists(), out.stderr[-500:]
    assert out.returncode == 0, out.stderr[-500:]


def test_rule_folders_from_configuration_hold_data_not_code(tmp_path):
    marker = tmp_path / "ran"
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "evil.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    (folder / "MI990-probe.yaml").write_text(
        "id: MI990\nname: probe\nlevel: note\nsummary: s\nmessage: m\ndocs: {what: w, why: y}\n"
        "triggers: [x]\nreferences: [r]\ncheck: python\n"
        "examples: [{file: a.sh, verdict: bad, code: x, at: x}, {file: b.sh, verdict: good, code: y}]\n")
    with pytest.raises(ValueError):  # a rule from a config folder cannot bind to Python code
        Toolbox(Settings(load_entrypoints=False, extra_rule_paths=[str(folder)]))
    assert not marker.exists()


@pytest.mark.parametrize("where", ["__import__('os').system('touch {marker}')", "eval(@)", "exec(`\"x\"`)",
                                   "os.system('touch {marker}')"])
def test_declarative_checks_are_jmespath_only(where, tmp_path):
    from milint.checks import CheckContext
    from milint.checks.declarative import DeclarativeCheck, DeclarativeError
    from milint.lstr import LStr

    marker = tmp_path / "ran"
    try:
        check = DeclarativeCheck({"fact": "rest_call", "where": where.format(marker=marker)})
    except DeclarativeError:
        return  # refused when loading: fine
    fact = {"kind": "rest_call", "at": LStr.at("x", 0), "url": LStr.at("x", 0)}
    assert list(check(CheckContext(None, [fact], None))) == [] and not marker.exists()


def test_a_python_tag_in_a_configuration_file_does_not_run(tmp_path):
    from milint.config import ConfigError, load_config

    marker = tmp_path / "ran"
    config = tmp_path / ".milint.yaml"
    config.write_text(f"select: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(ConfigError):
        load_config(config)
    assert not marker.exists()


# ------------------------------------------------------------------------------------ no network
def test_checking_never_opens_a_network_connection(toolbox, monkeypatch, tmp_path):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("milint must not use the network")

    for name in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    (tmp_path / "urls.sh").write_text(TOKEN + "curl https://schema.management.azure.com/schemas/x.json\n")
    (tmp_path / "remote-schema.json").write_text(
        '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'
        ' "resources": [{"type": "Microsoft.Resources/deployments", "properties": {"templateLink":'
        ' {"uri": "https://example.com/oauth2/token/template.json"}}}]}')
    report = run([str(FIXTURES), str(tmp_path)], Settings(load_entrypoints=False, root=str(ROOT)), toolbox)
    text = sarif.render(report)
    assert attempts == [] and report.findings and json.loads(text)["runs"][0]["results"]


# ------------------------------------------------------------------------------------ SARIF paths
def _locations(log: dict):
    run_ = log["runs"][0]
    for result in run_["results"]:
        for loc in result["locations"] + result.get("relatedLocations", []):
            yield loc["physicalLocation"]["artifactLocation"]
        for fix in result.get("fixes", []):
            for change in fix["artifactChanges"]:
                yield change["artifactLocation"]
    for invocation in run_.get("invocations", []):
        for note in invocation.get("toolExecutionNotifications", []):
            for loc in note.get("locations", []):
                yield loc["physicalLocation"]["artifactLocation"]


def _assert_inside(log: dict, root: Path) -> list[str]:
    paths = []
    for location in _locations(log):
        uri = location["uri"]
        assert location.get("uriBaseId") == "%SRCROOT%", location
        path = unquote(uri)
        assert not path.startswith("/") and ":" not in uri.split("/")[0], uri
        assert ".." not in path.split("/"), uri
        normalized = Path(os.path.normpath(root / path))  # as a reader of the log resolves it
        assert normalized == root or root in normalized.parents, uri
        paths.append(path)
    return paths


def test_sarif_paths_never_leave_the_checked_root(tmp_path, toolbox, monkeypatch):
    root, outside = tmp_path / "repo", tmp_path / "outside"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.sh").write_text(TOKEN)
    for name in ("a.sh", "sub/b.sh", "..dots.sh", "per%cent #hash ?q.sh", "sp ace\nline.sh", "ünï😀.sh"):
        (root / name).write_text(TOKEN)
    os.symlink(outside / "secret.sh", root / "sub" / "link-out.sh")
    os.symlink(outside, root / "dir-out")
    os.symlink(root / "a.sh", root / "sub" / "link-in.sh")
    monkeypatch.chdir(root / "sub")
    arguments = ["..", "../a.sh", "../sub/../a.sh", "./../sub/b.sh", "link-out.sh", "../dir-out/secret.sh",
                 "../dir-out", str(root / "sub" / ".." / "a.sh")]
    report = run(arguments, Settings(load_entrypoints=False, root=str(root)), toolbox)
    log = json.loads(sarif.render(report))
    paths = _assert_inside(log, root.resolve())
    assert "a.sh" in paths and "sub/b.sh" in paths and "sp ace\nline.sh" in paths
    assert not any("secret" in p for p in paths if not p.startswith(("sub/link-out", "dir-out")))
    assert all(f.path != "dir-out/secret.sh" or f.rule_id is None for f in report.findings)
    assert {f.path for f in report.findings}.isdisjoint({"sub/link-out.sh", "dir-out/secret.sh"})


def test_a_path_named_outside_the_root_is_never_made_relative_with_dots(tmp_path, toolbox, monkeypatch):
    root, outside = tmp_path / "repo", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "x.sh").write_text(TOKEN)
    monkeypatch.chdir(root)
    report = run(["../outside/x.sh", "../missing.sh"], Settings(load_entrypoints=False, root=str(root)), toolbox)
    log = json.loads(sarif.render(report))
    for location in _locations(log):
        if location.get("uriBaseId") == "%SRCROOT%":
            assert ".." not in unquote(location["uri"]).split("/"), location
        else:  # the user named a file outside the root: an absolute URI, never a relative escape
            assert location["uri"].startswith("file:///"), location


# ------------------------------------------------------------------------------------ output
def test_file_contents_cannot_inject_lines_or_terminal_controls_into_text_output(tmp_path, toolbox):
    from milint.report import text as text_report

    (tmp_path / "b.sh").write_text("az vm update -n x -g y --set 'identity.type=None\x1b]0;title\x07\n"
                                   "forged.sh:1:1: MI999 [error] forged'\n")
    report = run([str(tmp_path)], Settings(load_entrypoints=False, root=str(tmp_path)), toolbox)
    assert report.findings, "the probe needs a finding whose message quotes the file"
    out = text_report.render(report)
    assert "\x1b" not in out and "\x07" not in out
    assert not any(line.startswith("forged.sh") for line in out.splitlines())


def test_undecodable_file_names_do_not_break_any_report(tmp_path, toolbox):
    name = os.fsdecode(b"bad\xffname.sh")  # git allows any bytes in a name
    (tmp_path / name).write_text(TOKEN)
    report = run([str(tmp_path)], Settings(load_entrypoints=False, root=str(tmp_path)), toolbox)
    assert [f.path for f in report.findings] == ["bad\\xffname.sh"]
    for render in toolbox.reporters.values():
        render(report).encode("utf-8")  # no lone surrogate reaches the output
