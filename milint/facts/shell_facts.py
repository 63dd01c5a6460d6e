"""Facts from bash / sh / .azcli scripts."""
from __future__ import annotations

from bisect import bisect_left
from typing import Optional

from ..lstr import LStr, UNKNOWN
from ..sources.shell import ShellCommand, parse_shell
from .az_cli import az_facts, is_az
from .http_tools import curl_requests, wget_requests
from .json_fragments import with_body_facts
from .requests import Context, request_facts

# words that run the command after them (sudo az ..., time curl ...)
_PREFIX_COMMANDS = {"sudo", "time", "command", "exec", "env", "nohup", "builtin", "eval"}
# builtins whose NAME=value arguments are assignments (export TOKEN=$(...))
_DECLARING = {"export", "local", "declare", "readonly", "typeset"}
# facts whose command may feed a variable that later commands use (a token, a response)
_RESULT_KINDS = {"rest_call", "token_request", "cli_command"}


def program_name(word: str) -> str:
    return str(word).replace("\\", "/").rsplit("/", 1)[-1].lower()


def command_words_facts(words: list[LStr], at: object, ctx: Context, via: str) -> list[dict]:
    """Facts of one command given as argument words (shared with native commands in PowerShell)."""
    while words and program_name(words[0]) in _PREFIX_COMMANDS:
        words = words[1:]
        while words and (str(words[0]).startswith("-") or "=" in str(words[0])):
            words = words[1:]  # sudo -u x, env A=b
    if not words:
        return []
    name = program_name(words[0])
    command = at if isinstance(at, LStr) else None
    if is_az(words[0]):
        return az_facts(words, at, ctx, via)
    if name in ("curl", "curl.exe"):
        requests = _uncut(curl_requests(words, command, via), command)
    elif name in ("wget", "wget.exe"):
        requests = _uncut(wget_requests(words, command, via), command)
    else:
        return []
    # a JSON body (an identity PATCH, a resource PUT) yields facts of its own
    return with_body_facts([f for req in requests for f in request_facts(req, ctx)])


def _uncut(requests: list, command: Optional[LStr]) -> list:
    """`curl https://.../subscriptions/<SUBSCRIPTION ID>/...`: unquoted, the doc placeholder's `<` is
    a redirection that cuts the URL short; what the URL really holds is unknown."""
    written = str(command) if command is not None else ""
    for req in requests:
        if "<" in written and str(req.url) + "<" in written:
            req.query_known = False
    return requests


def _continued(facts: list[dict]) -> None:
    """The command went on past a line break that has no backslash (`curl URL` then `-H ...` on the
    next line, as wrapped samples do): its headers, method and body may be in the lost part."""
    for item in facts:
        if item["kind"] in ("rest_call", "token_request"):
            item["headers_known"] = False
            if item["method"] is None:
                item["method_value"] = None


def shell_facts(source: LStr, ctx: Context, via: str = "bash") -> list[dict]:
    facts: list[dict] = []
    commands = parse_shell(source)
    per_command: list[tuple[ShellCommand, list[dict]]] = []
    previous: list[dict] = []
    for command in commands:
        if command.words:
            if str(command.words[0]).startswith("-") and len(command.words[0]) > 1:
                _continued(previous)  # `-H ...` is no program: the line before it was cut
            found = command_words_facts(command.words, command.text, ctx, via)
            facts.extend(found)
            previous = found
            if found:
                per_command.append((command, found))
    if any(f["kind"] in _RESULT_KINDS for _, found in per_command for f in found):
        _link_results(commands, per_command)
    return facts


def _link_results(commands: list[ShellCommand], per_command: list[tuple[ShellCommand, list[dict]]]) -> None:
    """`TOKEN=$(curl ... | jq -r .access_token)`: mark the facts of the commands inside `$( )` with
    the variable they fill (`result_var`), when that variable is assigned only once in the script."""
    targets: dict[str, list[tuple[int, int]]] = {}
    for command in commands:
        for name, value in _assignments(command):
            targets.setdefault(name, []).append(_substitution_span(value))
    spans = [(s, e, name) for name, found in targets.items() if len(found) == 1 and found[0] is not None
             for s, e in found]
    if not spans:
        return
    placed = sorted(((command.text.span(), found) for command, found in per_command), key=lambda p: p[0])
    starts = [span[0] for span, _ in placed]
    names: dict[int, list[str]] = {}
    for s, e, name in spans:  # the commands that start inside a substitution and end in it too
        i = bisect_left(starts, s)
        while i < len(placed) and starts[i] < e:
            if placed[i][0][1] <= e:
                names.setdefault(i, []).append(name)
            i += 1
    for i, found_names in names.items():
        if len(found_names) == 1:
            for item in placed[i][1]:
                if item["kind"] in _RESULT_KINDS:
                    item["result_var"] = found_names[0]


def _assignments(command: ShellCommand) -> list[tuple[str, LStr]]:
    out = [(str(name), value) for name, value in command.assignments]
    if command.words and str(command.words[0]) in _DECLARING:
        for word in command.words[1:]:
            eq = str(word).find("=")
            if eq > 0 and not str(word).startswith("-"):
                out.append((str(word)[:eq], word.sub(eq + 1)))
    return out


def _substitution_span(value: LStr) -> Optional[tuple[int, int]]:
    """The file span of a value that is one command substitution (`$( )` or backticks), else None."""
    if str(value) != UNKNOWN:
        return None
    raw = value.unknown_source(0) or ""
    if not (raw.startswith("$(") or raw.startswith("`")):
        return None
    return value.span()
