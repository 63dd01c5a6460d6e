"""curl and wget command lines as HTTP requests."""
from __future__ import annotations

import re
from typing import Optional

from ..lstr import LStr
from .requests import HttpRequest
from .urls import QueryParam, parse_query, percent_decode

# curl options that take a value (short and long); every other option is a flag
_CURL_VALUE_SHORT = set("HXdFouAebcKmwxTErCDYyzQtP")
_CURL_VALUE_LONG = {
    "--header", "--request", "--data", "--data-raw", "--data-binary", "--data-urlencode",
    "--data-ascii", "--json", "--form", "--form-string", "--output", "--user", "--user-agent",
    "--referer", "--cookie", "--cookie-jar", "--config", "--url", "--max-time", "--connect-timeout",
    "--retry", "--retry-delay", "--retry-max-time", "--write-out", "--proxy", "--upload-file",
    "--cert", "--cacert", "--key", "--range", "--continue-at", "--resolve", "--noproxy",
    "--oauth2-bearer", "--interface", "--max-redirs", "--limit-rate", "--dump-header", "--stderr",
    "--trace", "--trace-ascii", "--variable", "--connect-to", "--capath", "--ciphers", "--proto",
    "--proto-redir", "--quote", "--unix-socket", "--aws-sigv4", "--url-query", "--output-dir",
    "--retry-all-errors-max", "--expect100-timeout", "--happy-eyeballs-timeout-ms",
}
_CURL_SHORT_LONG = {"H": "--header", "X": "--request", "d": "--data", "o": "--output", "u": "--user",
                    "G": "--get", "I": "--head", "F": "--form", "K": "--config"}
_SWALLOWED_OPTION = re.compile(r"(?:^|\s)(?:-H|--header)\s+[\"']?[A-Za-z0-9-]+:")
_CURL_CUT_SHORT = {"-" + letter for letter in _CURL_VALUE_SHORT}  # short names as _curl_options keeps them
_DATA_OPTIONS = {"--data", "--data-raw", "--data-binary", "--data-ascii", "--data-urlencode", "--json"}


def _curl_options(words: list[LStr]) -> tuple[list[tuple[str, Optional[LStr]]], list[LStr]]:
    """(option, value) pairs with canonical long names, and positional words (URLs)."""
    opts: list[tuple[str, Optional[LStr]]] = []
    positional: list[LStr] = []
    i = 1
    while i < len(words):
        word = words[i]
        s = str(word)
        i += 1
        if s == "--":
            positional.extend(words[i:])
            break
        if s.startswith("--") and len(s) > 2:
            name = s
            if "=" in s and s.split("=", 1)[0] in _CURL_VALUE_LONG:  # curl itself has no --a=b form,
                name = s.split("=", 1)[0]  # but tolerate it
                opts.append((name, word.sub(len(name) + 1)))
            elif name in _CURL_VALUE_LONG:
                opts.append((name, words[i] if i < len(words) else None))
                i += 1
            else:
                opts.append((name, None))
            continue
        if s.startswith("-") and len(s) > 1:
            j = 1
            while j < len(s):
                letter = s[j]
                name = _CURL_SHORT_LONG.get(letter, "-" + letter)
                if letter in _CURL_VALUE_SHORT:
                    if j + 1 < len(s):
                        opts.append((name, word.sub(j + 1)))
                    else:
                        opts.append((name, words[i] if i < len(words) else None))
                        i += 1
                    break
                opts.append((name, None))
                j += 1
            continue
        positional.append(word)
    return opts, positional


def curl_requests(words: list[LStr], command: Optional[LStr] = None,
                  shell: Optional[str] = None) -> list[HttpRequest]:
    opts, positional = _curl_options(words)
    # an option left without its value, or a lone `-`, ends a command that a line break cut short
    # (`-H` then the header on the next line): what followed is not part of this request
    cut = "-" in positional or any(v is None and (name in _CURL_VALUE_LONG or name in _CURL_CUT_SHORT)
                                   for name, v in opts)
    positional = [p for p in positional if str(p) != "-"]
    urls = [v for name, v in opts if name == "--url" and v is not None] + positional
    if not urls:
        return []
    headers = []
    method: Optional[LStr] = None
    data: list[tuple[str, LStr]] = []
    get = head = False
    headers_known = not _has_config(opts)
    implicit: list[str] = []
    extra: list[QueryParam] = []
    for name, value in opts:
        if name == "--header" and value is not None:
            if str(value).startswith("@"):  # -H @file: headers read from a file
                headers_known = False
                continue
            header = _split_header(value)
            if header:
                headers.append(header)
        elif name == "--request" and value is not None:
            method = value
        elif name in _DATA_OPTIONS and value is not None:
            data.append((name, value))
            if name == "--json":  # curl sends the JSON content type and accept headers itself
                implicit.extend(("content-type", "accept"))
        elif name == "--url-query" and value is not None:
            extra.extend(_data_params("--data-urlencode", value.sub(1) if str(value).startswith("+") else value))
        elif name == "--get":
            get = True
        elif name == "--head":
            head = True
        elif name == "--oauth2-bearer" and value is not None:
            headers.append((LStr.of("Authorization"), LStr.concat([LStr.of("Bearer "), value])))
    body = None
    default = "HEAD" if head else ("POST" if data and not get else "GET")
    if data and get:
        for name, value in data:
            extra.extend(_data_params(name, value))
    elif data:
        body = data[0][1] if len(data) == 1 else LStr.concat(
            [p for k, (_, v) in enumerate(data) for p in ((LStr.of("&"), v) if k else (v,))])
    if any(_SWALLOWED_OPTION.search(str(word)) for word in words[1:]):
        cut = True  # a stray quote closed a shell string early: later options ended up inside a word
    if cut:
        headers_known = False
        method = method if method is not None else LStr.unknown(0, len(words[-1]), parent=words[-1])
    return [HttpRequest(tool="curl", url=u, method=method, default_method=default, headers=headers,
                        body=body, extra_query=extra, headers_known=headers_known, command_text=command,
                        shell=shell, implicit_headers=tuple(implicit))
            for u in urls]


def _has_config(opts) -> bool:
    return any(name == "--config" for name, _ in opts)


def _data_params(option: str, value: LStr) -> list[QueryParam]:
    """-G turns data into query parameters; --data-urlencode values are written unencoded."""
    if option != "--data-urlencode":
        return parse_query(value)
    s = str(value)
    eq = s.find("=")
    if eq <= 0:
        return []
    name, raw = value.sub(0, eq), value.sub(eq + 1)
    return [QueryParam(percent_decode(name), raw, raw, value)]


def _split_header(value: LStr) -> Optional[tuple[LStr, LStr]]:
    s = str(value)
    colon = s.find(":")
    if colon <= 0:
        return None
    return value.sub(0, colon).strip_located(), value.sub(colon + 1).strip_located()


def wget_requests(words: list[LStr], command: Optional[LStr] = None,
                  shell: Optional[str] = None) -> list[HttpRequest]:
    headers = []
    method: Optional[LStr] = None
    body: Optional[LStr] = None
    urls: list[LStr] = []
    i = 1
    takes_value = {"--header", "--method", "--post-data", "--body-data", "-O", "--output-document",
                   "-o", "--output-file", "-t", "--tries", "-T", "--timeout", "-U", "--user-agent",
                   "--user", "--password", "-e", "--execute"}
    while i < len(words):
        word = words[i]
        s = str(word)
        i += 1
        if s.startswith("-") and len(s) > 1:
            if "=" in s and s.startswith("--"):
                name = s.split("=", 1)[0]
                value: Optional[LStr] = word.sub(len(name) + 1)
            elif s in takes_value:
                name, value = s, (words[i] if i < len(words) else None)
                i += 1
            else:
                continue
            if value is None:
                continue
            if name == "--header":
                header = _split_header(value)
                if header:
                    headers.append(header)
            elif name == "--method":
                method = value
            elif name in ("--post-data", "--body-data"):
                body = value
            continue
        urls.append(word)
    default = "POST" if body is not None else "GET"
    return [HttpRequest(tool="wget", url=u, method=method, default_method=default, headers=headers,
                        body=body, command_text=command, shell=shell) for u in urls]
