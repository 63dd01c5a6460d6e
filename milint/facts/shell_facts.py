"""Facts from bash / sh / .azcli scripts."""
from __future__ import annotations

from ..lstr import LStr
from ..sources.shell import parse_shell
from .az_cli import az_facts, is_az
from .http_tools import curl_requests, wget_requests
from .requests import Context, request_facts

# words that run the command after them (sudo az ..., time curl ...)
_PREFIX_COMMANDS = {"sudo", "time", "command", "exec", "env", "nohup", "builtin", "eval"}


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
    if is_az(words[0]):
        return az_facts(words, at, ctx, via)
    if name in ("curl", "curl.exe"):
        return [f for req in curl_requests(words) for f in request_facts(req, ctx)]
    if name in ("wget", "wget.exe"):
        return [f for req in wget_requests(words) for f in request_facts(req, ctx)]
    return []


def shell_facts(source: LStr, ctx: Context, via: str = "bash") -> list[dict]:
    facts: list[dict] = []
    for command in parse_shell(source):
        if command.words:
            facts.extend(command_words_facts(command.words, command.text, ctx, via))
    return facts
