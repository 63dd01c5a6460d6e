"""Azure CLI commands (from bash, PowerShell or any script) as facts.

The CLI's argument parser takes every word after an option as that option's value until the next
option, which is also how ``--identities id1 id2`` and ``--set a=1 b=2`` work, so no per-command
table of arities is needed.
"""
from __future__ import annotations

import json
from typing import Optional

from ..lstr import LStr
from . import fact
from .cli_identity import cli_identity_facts
from .json_fragments import with_body_facts
from .requests import Context, HttpRequest, request_facts

# short options that mean the same on every command that has them
_GLOBAL_ALIASES = {"-n": "--name", "-g": "--resource-group", "-l": "--location", "-o": "--output",
                   "-h": "--help", "-s": "--subscription"}
_COMMAND_ALIASES = {
    "login": {"-u": "--username", "-p": "--password", "-t": "--tenant"},
    "rest": {"-m": "--method", "-u": "--uri", "--url": "--uri", "-b": "--body"},
}

SYSTEM_TOKEN = "[system]"  # how the CLI names the system-assigned identity in identity lists


def is_az(word: str) -> bool:
    name = str(word).replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name in ("az", "az.cmd", "az.exe")


def _is_option(word: LStr) -> bool:
    s = str(word)
    return len(s) >= 2 and s[0] == "-" and (s[1].isalpha() or (s[1] == "-" and len(s) > 2))


def parse_az(words: list[LStr]) -> dict:
    """The structure of an az command: subcommand words and options (canonical long names)."""
    i = 1
    groups = []
    while i < len(words) and not _is_option(words[i]):
        groups.append(words[i])
        i += 1
    command = " ".join(str(w).lower() for w in groups)
    aliases = dict(_GLOBAL_ALIASES)
    aliases.update(_COMMAND_ALIASES.get(command, {}))
    options: dict[str, list[LStr]] = {}
    option_names: dict[str, LStr] = {}
    while i < len(words):
        word = words[i]
        i += 1
        if not _is_option(word):
            continue  # a stray positional: the CLI would reject it; nothing to learn
        name = word
        values: list[LStr] = []
        eq = str(word).find("=")
        if eq > 0:
            name, values = word.sub(0, eq), [word.sub(eq + 1)]
        else:
            while i < len(words) and not _is_option(words[i]):
                values.append(words[i])
                i += 1
        key = aliases.get(str(name), str(name)).lower()
        options[key] = values
        option_names[key] = name
    sets: dict[str, LStr] = {}
    for assignment in options.get("--set", []):
        eq = str(assignment).find("=")
        if eq > 0:
            sets[str(assignment)[:eq].strip().lower()] = assignment.sub(eq + 1)
    return {"groups": groups, "command": command, "options": options,
            "option_names": option_names, "sets": sets}


def az_facts(words: list[LStr], at: object, ctx: Context, via: str) -> list[dict]:
    """All facts an az command implies; `via` names the script language it came from."""
    parsed = parse_az(words)
    command = parsed["command"]
    options = parsed["options"]
    facts = [fact("cli_command", at, program="az", command=command, words=words,
                  options=options, option_names=parsed["option_names"], sets=parsed["sets"],
                  via=via)]
    first = lambda name: (options.get(name) or [None])[0]  # noqa: E731

    if command in ("vm create", "vmss create") and "--assign-identity" in options:
        facts.append(_assignment(command.split()[0], options["--assign-identity"],
                                 parsed["option_names"]["--assign-identity"], at, via))
    elif command in ("vm identity assign", "vmss identity assign"):
        values = options.get("--identities", [])
        where = parsed["option_names"].get("--identities", at)
        facts.append(_assignment(command.split()[0], values, where, at, via))
    elif command == "identity create" and first("--name") is not None:
        facts.append(fact("identity_name", first("--name"), name=first("--name"), via=via,
                          resource_type="microsoft.managedidentity/userassignedidentities"))
    elif command in ("vm extension set", "vmss extension set", "vm extension delete",
                     "vmss extension delete"):
        ext_type = first("--name")
        machine = first("--vm-name") if command.startswith("vm ") else first("--vmss-name")
        facts.append(fact("vm_extension", ext_type if ext_type is not None else at,
                          publisher=first("--publisher"), type=ext_type, name=ext_type,
                          operation=command.split()[-1], target=command.split()[0], via=via,
                          machine=machine, group=first("--resource-group")))
    elif command == "login" and "--identity" in options:
        selector = None
        for name in ("--client-id", "--object-id", "--resource-id", "--username"):
            if name in options:
                selector = {"option": parsed["option_names"][name], "value": first(name)}
        facts.append(fact("identity_login", at, tool="az login", selector=selector, via=via))
    elif command == "rest" and first("--uri") is not None:
        facts.extend(with_body_facts(_az_rest(options, at, ctx)))
    elif command in ("vm run-command invoke", "vmss run-command invoke"):
        facts.extend(_run_command_scripts(options, ctx))
    facts.extend(cli_identity_facts(parsed, at, via))
    return facts


def _run_command_scripts(options: dict, ctx: Context) -> list[dict]:
    """`--scripts` run on the VM: each is a script of its own, in the language --command-id names."""
    from .scripts import script_facts

    command_id = (options.get("--command-id") or [None])[0]
    language = None
    if command_id is not None and command_id.known:
        language = "powershell" if "powershell" in command_id.lower() else "bash"
    facts: list[dict] = []
    for script in options.get("--scripts", []):
        facts.extend(script_facts(script, ctx, language))
    return facts


def _assignment(target: str, values: list[LStr], where: object, at: object, via: str) -> dict:
    system = not values or any(str(v).lower() == SYSTEM_TOKEN for v in values)
    users = [v for v in values if str(v).lower() != SYSTEM_TOKEN]
    # one unknown word ($IDS) may stand for a list; two or more words are at least two identities
    count: Optional[int] = None if len(users) == 1 and not users[0].known else len(users)
    return fact("identity_assignment", where, target=f"microsoft.compute/{_TARGETS[target]}",
                system=system, user_assigned=users, count=count, via=via, command_at=at)


_TARGETS = {"vm": "virtualmachines", "vmss": "virtualmachinescalesets"}


def _az_rest(options: dict, at: object, ctx: Context) -> list[dict]:
    uri = options["--uri"][0]
    headers: list[tuple[LStr, LStr]] = []
    known = True
    for item in options.get("--headers", []):
        s = str(item).strip()
        if s.startswith("{"):
            try:
                data = json.loads(s)
            except ValueError:
                known = False
                continue
            if isinstance(data, dict):
                for k, v in data.items():
                    headers.append((LStr.of(str(k)), LStr.of(str(v))))
            continue
        eq = s.find("=")
        if eq > 0:
            headers.append((item.sub(0, eq), item.sub(eq + 1)))
        else:
            known = False
    method = (options.get("--method") or [None])[0]
    body = (options.get("--body") or [None])[0]
    req = HttpRequest(tool="az rest", url=uri, at=uri, method=method, headers=headers,
                      headers_known=known, body=body, default_method="GET")
    return request_facts(req, ctx)
