"""Configuration: where it is found, every key, how it combines with the command line (which wins),
rule folders and options, and clear errors (exit 2 naming the file and the key); end to end through
the command line on temporary repositories."""
import json
import subprocess
import sys
import textwrap

import pytest
from cli_runner import milint

from milint.config import ConfigError, PathMatcher, find_config_file, load_config

TOKEN_URL = "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"
BAD_CURL = f"curl -s -H Metadata:true '{TOKEN_URL}&resource=https://management.azure.com'\n"
BAD_RG = ('curl -H "Authorization: Bearer $T" '
          '"https://management.azure.com/subscriptions/$S/resourcegroups/x?api-version=2016-09-01"\n')


def rules_found(cwd, *args):
    out = milint("check", "--format", "json", *args, cwd=cwd)
    assert out.returncode in (0, 1), out.stderr
    return sorted((f["rule"], f["path"], f["level"]) for f in json.loads(out.stdout)["findings"]
                  if f["suppressed"] is None)


@pytest.fixture
def repo(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "token.sh").write_text(BAD_CURL)
    (tmp_path / "scripts" / "rg.sh").write_text(BAD_RG)
    return tmp_path


def write(path, text):
    path.write_text(textwrap.dedent(text))


# ------------------------------------------------------------------ finding the file
def test_yaml_config_is_found_upward_from_the_checked_paths(repo):
    write(repo / ".milint.yaml", "ignore: [MI201]\n")
    assert rules_found(repo / "scripts", ".") == [("MI501", "rg.sh", "warning")]
    assert rules_found(repo, "scripts/token.sh", "scripts/rg.sh") == [("MI501", "scripts/rg.sh", "warning")]


def test_pyproject_without_a_milint_table_is_passed_over(repo):
    write(repo / "pyproject.toml", '[tool.milint]\nignore = ["MI501"]\n')
    write(repo / "scripts" / "pyproject.toml", '[project]\nname = "scripts"\n')
    assert rules_found(repo / "scripts", ".") == [("MI201", "token.sh", "error")]
    assert find_config_file(["."], str(repo / "scripts")) == repo / "pyproject.toml"


def test_yaml_wins_over_pyproject_in_the_same_folder(repo):
    write(repo / "pyproject.toml", '[tool.milint]\nignore = ["MI501"]\n')
    write(repo / ".milint.yaml", "ignore: [MI201]\n")
    assert find_config_file([str(repo)]) == repo / ".milint.yaml"


def test_config_flag_overrides_and_isolated_ignores(repo):
    write(repo / ".milint.yaml", "ignore: [MI201]\n")
    write(repo / "ci.yaml", "ignore: [MI501]\n")
    assert rules_found(repo, "--config", "ci.yaml", ".") == [("MI201", "scripts/token.sh", "error")]
    assert len(rules_found(repo, "--isolated", ".")) == 2
    out = milint("check", "--config", "missing.yaml", ".", cwd=repo)
    assert out.returncode == 2 and "missing.yaml: no such configuration file" in out.stderr


def test_no_toml_or_yaml_parser_is_imported_without_a_config(repo):
    write(repo / "pyproject.toml", '[project]\nname = "no-config-here"\n')
    code = ("import sys; from milint.config import discover_config; "
            "assert discover_config(['.']) is None; print(sorted({'tomllib', 'tomli', 'yaml'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------ errors name the file and the key
@pytest.mark.parametrize("body, key, words", [
    ("selct: [MI201]\n", "selct", "unknown key"),
    ("select: [MI299]\n", "select", "'MI299' matches no rule"),
    ("ignore: [no-such-rule]\n", "ignore", "'no-such-rule' matches no rule"),
    ("per-file-ignores:\n  'legacy/**': [MI888]\n", "per-file-ignores.legacy/**", "'MI888' matches no rule"),
    ("levels:\n  MI201: fatal\n", "levels.MI201", "'fatal' is not a level"),
    ("levels:\n  MI2O1: note\n", "levels.MI2O1", "matches no rule"),
    ("options:\n  MI201:\n    clouds: [public]\n", "options.MI201.clouds", "rule MI201 has no option 'clouds'"),
    ("fail-on: sometimes\n", "fail-on", "'sometimes' is not one of"),
    ("max-file-size: -3\n", "max-file-size", "must be a positive whole number"),
    ("require-reason: yes please\n", "require-reason", "must be true or false"),
    ("rule-paths: [org-rules]\n", "rule-paths", "'org-rules' does not exist"),
    ("exclude: 3\n", "exclude", "must be a list of glob patterns"),
])
def test_mistakes_exit_2_naming_file_and_key(repo, body, key, words):
    write(repo / ".milint.yaml", body)
    out = milint("check", ".", cwd=repo)
    assert out.returncode == 2, out.stdout + out.stderr
    assert f"milint: error: .milint.yaml {key}: " in out.stderr and words in out.stderr


def test_pyproject_errors_name_the_table(repo):
    write(repo / "pyproject.toml", '[tool.milint]\nfail_on = "error"\n')
    out = milint("check", ".", cwd=repo, process=True)
    assert out.returncode == 2
    assert "milint: error: pyproject.toml: [tool.milint] fail_on: unknown key; milint reads" in out.stderr
    write(repo / "pyproject.toml", '[tool.milint\nselect = "x"\n')
    out = milint("check", ".", cwd=repo)
    assert out.returncode == 2 and "pyproject.toml: not valid TOML" in out.stderr


def test_broken_yaml_is_an_error(repo):
    write(repo / ".milint.yaml", "select: [MI201\n")
    out = milint("check", ".", cwd=repo)
    assert out.returncode == 2 and ".milint.yaml: not valid YAML" in out.stderr
    write(repo / ".milint.yaml", "- select\n")
    out = milint("check", ".", cwd=repo)
    assert out.returncode == 2 and "milint: error: .milint.yaml: the configuration must be a mapping" in out.stderr


# ------------------------------------------------------------------ selection and levels, like ruff
def test_select_ignore_and_extend_select_combine_with_the_command_line(repo):
    write(repo / ".milint.yaml", "select: [MI5]\n")
    assert rules_found(repo, ".") == [("MI501", "scripts/rg.sh", "warning")]
    assert rules_found(repo, ".", "--select", "MI2") == [("MI201", "scripts/token.sh", "error")]  # CLI select wins
    assert len(rules_found(repo, ".", "--extend-select", "MI201")) == 2
    write(repo / ".milint.yaml", "ignore: [MI201]\n")
    assert len(rules_found(repo, ".", "--extend-select", "token-resource-trailing-slash")) == 2
    assert rules_found(repo, ".", "--ignore", "MI501") == []


def test_levels_and_fail_on(repo):
    write(repo / ".milint.yaml", "levels:\n  resource-groups-casing: error\n  MI2: note\nfail-on: error\n")
    assert rules_found(repo, ".") == [("MI201", "scripts/token.sh", "note"), ("MI501", "scripts/rg.sh", "error")]
    assert milint("check", ".", cwd=repo).returncode == 1
    (repo / "scripts" / "rg.sh").unlink()
    assert milint("check", ".", cwd=repo).returncode == 0  # a note does not fail at fail-on: error
    assert milint("check", ".", "--fail-on", "note", cwd=repo).returncode == 1  # the command line wins


# ------------------------------------------------------------------ paths
def test_include_and_exclude_are_relative_to_the_config_folder(repo):
    (repo / "infra" / "legacy").mkdir(parents=True)
    (repo / "infra" / "legacy" / "old.sh").write_text(BAD_CURL)
    (repo / "infra" / "new.sh").write_text(BAD_CURL)
    write(repo / "infra" / ".milint.yaml", "exclude: [legacy/]\n")
    assert rules_found(repo / "infra", ".") == [("MI201", "new.sh", "error")]
    assert rules_found(repo / "infra" / "legacy", ".") == []  # still the infra config: its globs
    assert rules_found(repo / "infra", "legacy/old.sh") == []  # named files are excluded too (pre-commit)
    assert rules_found(repo / "infra", ".", "--exclude", "nothing") == [("MI201", "legacy/old.sh", "error"),
                                                                        ("MI201", "new.sh", "error")]
    write(repo / ".milint.yaml", "include: ['scripts/*.sh']\n")
    assert rules_found(repo, ".") == [("MI201", "scripts/token.sh", "error"), ("MI501", "scripts/rg.sh", "warning")]
    assert rules_found(repo, ".", "--extend-exclude", "rg.sh") == [("MI201", "scripts/token.sh", "error")]


def test_path_matcher_follows_gitignore_globs(tmp_path):
    m = PathMatcher(str(tmp_path), ["legacy/", "*.azcli", "docs/**/samples", "!keep.azcli"])
    assert m.matches(str(tmp_path / "legacy" / "a.sh"))
    assert m.matches(str(tmp_path / "x" / "run.azcli"))
    assert m.matches(str(tmp_path / "docs" / "a" / "b" / "samples" / "c.sh"))
    assert not m.matches(str(tmp_path / "keep.azcli"))
    assert not m.matches(str(tmp_path / "legacyfile.sh"))
    assert not m.matches(str(tmp_path.parent / "legacy" / "a.sh"))  # outside the config folder


def test_max_file_size_from_config(repo):
    write(repo / ".milint.yaml", "max-file-size: 20\n")
    assert sorted({r for r, _, _ in rules_found(repo, ".")}) == ["MI901"]
    assert sorted({r for r, _, _ in rules_found(repo, ".", "--max-file-size", "100000")}) == ["MI201", "MI501"]


def test_limits_for_the_sources_are_read(tmp_path):
    write(tmp_path / ".milint.yaml", "max-depth: 200\ntimeout-per-file: 2.5\nrequire-reason: true\n")
    config = load_config(tmp_path / ".milint.yaml")
    assert (config.max_depth, config.timeout_per_file, config.require_reason) == (200, 2.5, True)
    write(tmp_path / ".milint.yaml", "timeout-per-file: true\n")
    with pytest.raises(ConfigError, match="timeout-per-file: must be a positive number"):
        load_config(tmp_path / ".milint.yaml")


# ------------------------------------------------------------------ an organisation's own rules
ORG_RULE = """\
id: ORG001
name: no-vault-token-in-scripts
level: warning
summary: Scripts should not fetch Key Vault tokens themselves.
message: "Use the platform's secret injection instead of a Key Vault token for `{resource}`."
references: ["Contoso platform guide"]
triggers: ["vault.azure.net"]
options: {allowed-vaults: []}
check:
  fact: token_request
  where: "resource != null && contains(resource, 'vault.azure.net')"
  at: resource
  args: {resource: resource}
docs: {what: Token requests for Key Vault., why: Secrets come from the platform.}
examples:
  - file: a.sh
    verdict: bad
    code: >-
      curl -H Metadata:true
      'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net'
    at: https://vault.azure.net
  - file: b.sh
    verdict: good
    code: "echo hi"
"""


def test_rule_paths_add_declarative_rules(repo):
    (repo / "policy").mkdir()
    (repo / "policy" / "ORG001.yaml").write_text(ORG_RULE)
    (repo / "scripts" / "vault.sh").write_text(BAD_CURL.replace("management.azure.com", "vault.azure.net"))
    write(repo / ".milint.yaml", "rule-paths: [policy]\nselect: [ORG]\n"
                                 "options:\n  ORG001:\n    allowed-vaults: [kv1]\n")
    assert rules_found(repo, ".") == [("ORG001", "scripts/vault.sh", "warning")]
    listing = milint("rules", cwd=repo).stdout
    assert "ORG001  no-vault-token-in-scripts" in listing


def test_rule_paths_may_not_bind_code_and_options_are_checked(repo):
    (repo / "policy").mkdir()
    (repo / "policy" / "ORG001.yaml").write_text(ORG_RULE.replace("check:\n  fact:", "check: python\nx:\n  fact:"))
    write(repo / ".milint.yaml", "rule-paths: [policy]\n")
    out = milint("check", ".", cwd=repo)
    assert out.returncode == 2  # not valid YAML for a rule: unknown key x
    (repo / "policy" / "ORG001.yaml").write_text(ORG_RULE.replace(
        "check:\n  fact: token_request\n  where: \"resource != null && contains(resource, 'vault.azure.net')\"\n"
        "  at: resource\n  args: {resource: resource}\n", "check: python\n"))
    out = milint("check", ".", cwd=repo)
    assert out.returncode == 2 and "comes from rule-paths, so its check must be declarative" in out.stderr
    (repo / "policy" / "ORG001.yaml").write_text(ORG_RULE)
    write(repo / ".milint.yaml", "rule-paths: [policy]\noptions:\n  ORG001:\n    allowed-vaults: kv1\n")
    out = milint("check", ".", cwd=repo)
    assert out.returncode == 2 and "options.ORG001.allowed-vaults: must be a list" in out.stderr


def test_options_reach_the_check(tmp_path):
    from milint.engine import Settings, Toolbox, run

    (tmp_path / "ORG001.yaml").write_text(ORG_RULE)
    (tmp_path / "vault.sh").write_text(BAD_CURL.replace("https://management.azure.com", "https://vault.azure.net"))
    seen = []

    def check(ctx):
        seen.append(dict(ctx.options))
        return []

    for overrides in ({}, {"ORG001": {"allowed-vaults": ["kv1"]}}):
        settings = Settings(load_entrypoints=False, extra_rule_paths=[str(tmp_path / "ORG001.yaml")],
                            select=["ORG001"], rule_options=overrides, root=str(tmp_path))
        toolbox = Toolbox(settings)
        toolbox.checks["ORG001"] = check
        run([str(tmp_path / "vault.sh")], settings, toolbox)
    assert seen == [{"allowed-vaults": []}, {"allowed-vaults": ["kv1"]}]


def test_the_readme_configuration_example_is_valid(tmp_path):
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(\[tool\.milint\].*?)```", readme, re.DOTALL).group(1)
    (tmp_path / "pyproject.toml").write_text(example)
    (tmp_path / "policy" / "milint-rules").mkdir(parents=True)
    (tmp_path / "policy" / "milint-rules" / "ORG001.yaml").write_text(ORG_RULE)
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "token.sh").write_text(BAD_CURL)
    (tmp_path / "milint-baseline.json").write_text('{"milint-baseline": 1, "findings": []}')
    out = milint("check", ".", cwd=tmp_path)
    assert out.returncode == 1, out.stderr  # MI201 is an error; fail-on = "error"
    assert "infra/token.sh:1:" in out.stdout


def test_command_line_pins_the_limits_a_configuration_raises(repo):
    """The configuration comes with the pull request; the CI job's command line wins over it."""
    write(repo / ".milint.yaml", "max-depth: 100000\ntimeout-per-file: 100000\n")
    nested = '{"identity": {"type": "SystemAssigned"}, "a": ' + "[" * 40 + "]" * 40 + "}"
    (repo / "nested.json").write_text(nested)
    (repo / "slow.sh").write_text(BAD_CURL + "echo $(a) 'b' \"$c\"\n" * 5_000)
    assert ("MI900", "nested.json") not in {(r, p) for r, p, _ in rules_found(repo, ".")}
    pinned = rules_found(repo, ".", "--max-depth", "16", "--timeout-per-file", "0.001")
    assert ("MI900", "nested.json", "error") in pinned
    assert [r for r, p, _ in pinned if p == "slow.sh"] == ["MI901"]


@pytest.mark.parametrize("option", ["--max-depth", "--timeout-per-file", "--max-file-size"])
def test_limits_on_the_command_line_must_be_positive(repo, option):
    out = milint("check", option, "0", ".", cwd=repo)
    assert out.returncode == 2 and f"{option} must be more than 0" in out.stderr


def test_builtin_rule_option_names_the_clouds_a_repository_targets(repo, toolbox):
    from milint import knowledge as K
    choices = toolbox.by_id["MI210"].option_choices["clouds"]
    assert {c.lower() for c in choices} == set(K.CLOUD_NAMES)  # the YAML lists the clouds milint knows
    write(repo / ".milint.yaml", "options:\n  MI210: {clouds: [AzureUSGovernment]}\n")
    assert ("MI210", "scripts/token.sh", "error") in rules_found(repo, ".")
    write(repo / ".milint.yaml", "options:\n  MI210: {clouds: [azurecloud]}\n")  # any letter case
    assert "MI210" not in {r for r, _, _ in rules_found(repo, ".")}
    write(repo / ".milint.yaml", "options:\n  MI210: {clouds: [AzureMars]}\n")
    out = milint("check", ".", cwd=repo)
    assert out.returncode == 2 and "options.MI210.clouds" in out.stderr and "AzureUSGovernment" in out.stderr
