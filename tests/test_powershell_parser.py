"""PowerShell parsing: command invocations, their parameters and values, mapped back to the file."""
import json
import random

import pytest

from milint.lstr import UNKNOWN, LStr
from milint.sources.powershell import (PsArray, PsCommand, PsHashtable, PsParam, PsUnknown,
                                       parse_powershell)


def parse(script: str, offset: int = 0) -> list[PsCommand]:
    return parse_powershell(LStr.at(script, offset))


def names(script: str) -> list[str]:
    return [str(command.name) for command in parse(script)]


def at(script: str, value) -> str:
    """The file text a value maps onto."""
    text = value if isinstance(value, LStr) else value.text
    start, end = text.span()
    return script[start:end]


def only(script: str, name: str) -> PsCommand:
    found = [c for c in parse(script) if str(c.name).lower() == name.lower()]
    assert len(found) == 1, [str(c.name) for c in parse(script)]
    return found[0]


# --------------------------------------------------------------------------- commands and binding
IMDS = "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"


def test_named_parameters_bind_to_their_values_with_exact_spans():
    script = f"Invoke-WebRequest -Uri '{IMDS}' -Method GET -Headers @{{Metadata=\"true\"}}"
    [command] = parse(script)
    assert command.name == "Invoke-WebRequest" and command.name.span() == (0, 17)
    assert command.text.span() == (0, len(script)) and not command.splatted
    named, positional = command.bind()
    assert set(named) == {"uri", "method", "headers"} and positional == []
    param, uri = named["uri"]
    assert isinstance(param, PsParam) and param.name == "Uri" and at(script, param) == "-Uri"
    assert uri == IMDS and at(script, uri) == IMDS  # quotes are not part of the value
    assert named["method"][1] == "GET"
    headers = named["headers"][1]
    assert isinstance(headers, PsHashtable) and at(script, headers) == '@{Metadata="true"}'
    value = headers.get("metadata")
    assert value == "true" and headers.get("METADATA") == "true"
    start = script.index('"true"') + 1
    assert value.span() == (start, start + 4)
    assert headers.get("missing") is None


def test_positional_uri():
    script = "Invoke-RestMethod 'http://x/y'  # fetch"
    named, positional = only(script, "Invoke-RestMethod").bind()
    assert named == {} and positional == ["http://x/y"]
    assert at(script, positional[0]) == "http://x/y"


def test_commands_in_assignments_and_parenthesized_member_access():
    script = (
        f"$response = Invoke-WebRequest -Uri {IMDS} -UseBasicParsing\n"
        "$token = (Invoke-WebRequest -Uri 'http://b' -Headers $h).content\n"
        "$x.Method()\n"
        "[Convert]::ToBase64String($bytes)\n"
        "$a = 1\n"
        "\"text\"\n"
    )
    commands = parse(script)
    assert [str(c.name) for c in commands] == ["Invoke-WebRequest", "Invoke-WebRequest"]
    assert commands[0].bind()[0]["uri"][1] == IMDS
    assert at(script, commands[1]) == "Invoke-WebRequest -Uri 'http://b' -Headers $h"
    assert commands[0].bind()[0]["usebasicparsing"][1] is True
    assert commands[1].bind()[0]["uri"][1] == "http://b"


def test_later_occurrence_of_a_parameter_wins():
    named, _ = only("Get-Thing -Name a -name b", "Get-Thing").bind()
    assert named["name"][1] == "b"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_backtick_continues_the_command_on_the_next_line(newline):
    script = newline.join([
        "Invoke-RestMethod -Uri $uri `",
        "    -Method Post `",
        "    -Headers @{ Metadata = 'true' }",
        "Get-Next",
    ])
    commands = parse(script)
    assert [str(c.name) for c in commands] == ["Invoke-RestMethod", "Get-Next"]
    named, _ = commands[0].bind()
    assert named["method"][1] == "Post"
    assert named["headers"][1].get("Metadata") == "true"
    assert at(script, commands[0]).endswith("@{ Metadata = 'true' }")


def test_backtick_followed_by_a_space_does_not_continue():
    # a classic mistake: the backtick escapes the space, and the newline ends the command
    script = "Invoke-RestMethod -Uri x ` \n  -Headers @{Metadata='true'}"
    named, positional = only(script, "Invoke-RestMethod").bind()
    assert "headers" not in named and positional == [" "]


def test_value_on_the_next_line_without_backtick_is_not_an_argument():
    script = 'Invoke-WebRequest -Uri $u -Headers\n@{Metadata="true"}\n'
    [command] = parse(script)
    named, positional = command.bind()
    assert named["headers"][1] is True and positional == []
    assert all(not isinstance(e, PsHashtable) for e in command.elements)
    assert at(script, command) == "Invoke-WebRequest -Uri $u -Headers"


def test_statements_end_at_semicolons_pipes_and_chains():
    script = "Get-A -x 1; Get-B | Get-C -y 2 && Get-D || Get-E & Get-F"
    assert names(script) == ["Get-A", "Get-B", "Get-C", "Get-D", "Get-E", "Get-F"]
    assert only(script, "Get-C").bind()[0]["y"][1] == "2"


# --------------------------------------------------------------------------- strings
def test_expandable_strings_mark_expansions_unknown():
    script = ('Invoke-RestMethod -Headers @{Authorization = "Bearer $ArmToken"}'
              ' -Uri "$base/x?r=$($cfg.Resource)&v=1"')
    named, _ = only(script, "Invoke-RestMethod").bind()
    auth = named["headers"][1].get("authorization")
    assert auth == "Bearer " + UNKNOWN and not auth.known and auth.value is None
    assert auth.startswith("Bearer ")
    assert at(script, auth.sub(7, 8)) == "$ArmToken"
    assert at(script, auth.sub(0, 7)) == "Bearer "
    uri = named["uri"][1]
    assert uri == UNKNOWN + "/x?r=" + UNKNOWN + "&v=1"
    assert at(script, uri.sub(0, 1)) == "$base"
    assert at(script, uri.sub(6, 7)) == "$($cfg.Resource)"


def test_string_expansion_rules():
    script = 'Write-Output "$x.Prop ${my var} $env:TOKEN $script:y $ $5 cost"'
    [value] = only(script, "Write-Output").bind()[1]
    assert value == f"{UNKNOWN}.Prop {UNKNOWN} {UNKNOWN} {UNKNOWN} $ {UNKNOWN} cost"
    pieces = [at(script, value.sub(i, i + 1)) for i, ch in enumerate(value) if ch == UNKNOWN]
    assert pieces == ["$x", "${my var}", "$env:TOKEN", "$script:y", "$5"]


def test_token_variable_in_string_is_unknown():
    script = 'curl.exe -H "Authorization: Bearer $token" https://management.azure.com/'
    named, positional = only(script, "curl.exe").bind()
    value = named["h"][1]
    assert value == "Authorization: Bearer " + UNKNOWN and at(script, value.sub(22)) == "$token"
    assert positional == ["https://management.azure.com/"]


def test_quote_escapes_decode_as_atoms():
    script = "Write-Output 'it''s' \"say \"\"hi\"\"\" \"a`tb`n`$c`\"`0``\" \"`u{263A}\""
    _, values = only(script, "Write-Output").bind()
    single, double, backticks, unicode = values
    assert single == "it's"
    assert single.span(2, 3) == (script.index("''"), script.index("''") + 2)
    assert double == 'say "hi"'
    quote = script.index('""')
    assert double.span(4, 5) == (quote, quote + 2)
    assert backticks == 'a\tb\n$c"\0`'
    tab = script.index("`t")
    assert backticks.span(1, 2) == (tab, tab + 2)
    assert at(script, backticks.sub(4, 5)) == "`$"
    assert at(script, backticks.sub(8, 9)) == "``"
    assert unicode == "\u263a" and at(script, unicode) == "`u{263A}"


def test_backtick_escapes_in_bare_words():
    script = "Get-Thing a`,b c` d"
    _, values = only(script, "Get-Thing").bind()
    assert values == ["a,b", "c d"]
    assert at(script, values[1].sub(1, 2)) == "` "


def test_here_strings():
    script = (
        'Invoke-RestMethod -Body @"\n'
        '{"resource": "$resource", "x": "`$y"}\n'
        '"@ -Method Post\n'
        "Set-Content -Value @'\n"
        "raw $text 'and' \"quotes\"\n"
        "'@\n"
        '$empty = @"\n"@\n'
    )
    named, _ = only(script, "Invoke-RestMethod").bind()
    body = named["body"][1]
    assert body == '{"resource": "' + UNKNOWN + '", "x": "$y"}'
    assert at(script, body.sub(14, 15)) == "$resource"
    assert named["method"][1] == "Post"
    value = only(script, "Set-Content").bind()[0]["value"][1]
    assert value == "raw $text 'and' \"quotes\"" and at(script, value) == value


def test_typographic_quotes_and_dashes():
    script = "Invoke-WebRequest \u2013Uri \u201chttp://x\u201d \u2014Method \u2018Get\u2019"
    named, _ = only(script, "Invoke-WebRequest").bind()
    assert named["uri"][1] == "http://x" and named["method"][1] == "Get"


def test_non_ascii_text():
    script = "Write-Host 'Grüße 😀' -ForegroundColor Grün; Get-Ünïcode -Näme wert"
    named, positional = only(script, "Write-Host").bind()
    assert positional == ["Grüße 😀"] and at(script, positional[0]) == "Grüße 😀"
    assert named["foregroundcolor"][1] == "Grün"
    assert only(script, "Get-Ünïcode").bind()[0]["näme"][1] == "wert"


# --------------------------------------------------------------------------- hashtables and arrays
def test_hashtable_with_variable_value_is_unknown():
    script = "Invoke-WebRequest -Uri x -Headers @{Metadata=$true}"
    named, _ = only(script, "Invoke-WebRequest").bind()
    value = named["headers"][1].get("Metadata")
    assert isinstance(value, PsUnknown) and str(value.text) == "$true"


def test_hashtable_separators_quoted_keys_and_nesting():
    script = (
        "Set-AzVMExtension -Settings @{ 'Metadata' = 'true'; X = 1\n"
        '    "Content-Type" = "application/json"\n'
        "    Nested = @{ a = @('p', 'q'); b = 'r', 's' }\n"
        "    Cmd = (Get-Date)  # a comment\n"
        "    $key = 'dynamic'\n"
        "}"
    )
    table = only(script, "Set-AzVMExtension").bind()[0]["settings"][1]
    assert isinstance(table, PsHashtable)
    assert [str(k) for k, _ in table.entries][:4] == ["Metadata", "X", "Content-Type", "Nested"]
    assert table.get("metadata") == "true" and table.get("x") == "1"
    assert table.get("content-type") == "application/json"
    nested = table.get("nested")
    assert isinstance(nested.get("a"), PsArray) and nested.get("a").items == ["p", "q"]
    assert isinstance(nested.get("b"), PsArray) and nested.get("b").items == ["r", "s"]
    assert isinstance(table.get("cmd"), PsUnknown) and str(table.get("cmd").text) == "(Get-Date)"
    key, value = table.entries[-1]
    assert key == UNKNOWN and at(script, key) == "$key" and value == "dynamic"
    assert "Get-Date" in names(script)


def test_hashtable_with_colon_syntax_is_unknown():
    script = "Invoke-WebRequest -Headers @{'Metadata':'true'} -Uri http://x"
    named, _ = only(script, "Invoke-WebRequest").bind()
    headers = named["headers"][1]
    assert isinstance(headers, PsUnknown) and at(script, headers) == "@{'Metadata':'true'}"
    assert named["uri"][1] == "http://x"  # parsing goes on after the bad hashtable
    assert parse("@{'Metadata':'true'}") == []


def test_command_in_hashtable_value_is_reported():
    script = "$p = @{ Token = Get-AzAccessToken -ResourceUrl https://vault.azure.net; Other = 1 }"
    command = only(script, "Get-AzAccessToken")
    assert command.bind()[0]["resourceurl"][1] == "https://vault.azure.net"


def test_comma_lists_make_arrays():
    script = ("Update-AzVM -ResourceGroupName rg -VM $vm -IdentityType UserAssigned"
              " -IdentityId $a,$b")
    named, _ = only(script, "Update-AzVM").bind()
    ids = named["identityid"][1]
    assert isinstance(ids, PsArray) and len(ids.items) == 2
    assert all(isinstance(item, PsUnknown) for item in ids.items)
    assert at(script, ids) == "$a,$b" and [at(script, i) for i in ids.items] == ["$a", "$b"]
    assert named["identitytype"][1] == "UserAssigned"
    named, _ = only("Get-X -Names a, b,\n  c -Other @('d', $e)", "Get-X").bind()
    assert named["names"][1].items == ["a", "b", "c"]
    other = named["other"][1]
    assert isinstance(other, PsArray) and other.items[0] == "d"
    assert isinstance(other.items[1], PsUnknown)


# --------------------------------------------------------------------------- parameters
def test_switch_parameters():
    script = "Connect-AzAccount -Identity -AccountId $id"
    command = only(script, "Connect-AzAccount")
    named, _ = command.bind(switches=frozenset({"identity"}))
    assert named["identity"][1] is True and isinstance(named["accountid"][1], PsUnknown)
    # a switch never takes the next value; an unknown parameter does
    command = only("Connect-AzAccount -Identity $id", "Connect-AzAccount")
    named, positional = command.bind(frozenset({"identity"}))
    assert named["identity"][1] is True and len(positional) == 1
    named, positional = command.bind()
    assert isinstance(named["identity"][1], PsUnknown) and positional == []


def test_colon_form_and_values_that_look_like_parameters():
    script = "Get-X -Uri:'http://a' -Force:$false -Count -1 -Sep - -Path:C:\\tmp -Name: spaced"
    command = only(script, "Get-X")
    named, positional = command.bind()
    assert named["uri"][1] == "http://a" and at(script, named["uri"][0]) == "-Uri:'http://a'"
    assert isinstance(named["force"][1], PsUnknown)
    assert named["count"][1] == "-1" and named["sep"][1] == "-"
    assert named["path"][1] == "C:\\tmp" and named["name"][1] == "spaced"


def test_az_cli_in_a_ps1_script():
    script = ("az vm identity assign -g rg -n vm --identities id1 id2"
              " --set identity.type=none --query=[0].id")
    command = only(script, "az")
    params = [e for e in command.elements if isinstance(e, PsParam)]
    assert [str(p.name) for p in params] == ["g", "n", "-identities", "-set", "-query"]
    assert at(script, params[2].name) == "-identities" and at(script, params[2]) == "--identities"
    named, positional = command.bind()
    assert positional == ["vm", "identity", "assign", "id2"]
    assert named["g"][1] == "rg" and named["n"][1] == "vm"
    assert named["-identities"][1] == "id1"
    assert named["-set"][1] == "identity.type=none"
    assert named["-query"][1] == "[0].id" and at(script, named["-query"][1]) == "[0].id"


def test_stop_parsing_passes_the_rest_of_the_line_verbatim():
    script = 'icacls.exe C:\\x --% /grant "Users:(F)" | not-a-pipe\nGet-Next'
    command = only(script, "icacls.exe")
    assert command.elements == ["C:\\x", "/grant", '"Users:(F)"', "|", "not-a-pipe"]
    assert names(script) == ["icacls.exe", "Get-Next"]


def test_splatting():
    script = "$params = @{ Uri = 'x' }\nInvoke-RestMethod @params -Verbose"
    command = only(script, "Invoke-RestMethod")
    assert command.splatted and command.bind()[0]["verbose"][1] is True
    assert not only("Get-X a@b.c", "Get-X").splatted  # an e-mail address is not a splat


def test_call_and_dot_source_operators():
    script = "& 'C:\\x\\az.cmd' login --identity\n& $exe arg\n. .\\helpers.ps1\n& { Get-Inner }"
    commands = parse(script)
    assert [str(c.name) for c in commands[:3]] == ["C:\\x\\az.cmd", UNKNOWN, ".\\helpers.ps1"]
    assert at(script, commands[0].name) == "C:\\x\\az.cmd"
    assert at(script, commands[1].name) == "$exe" and commands[1].elements == ["arg"]
    assert commands[3].name == UNKNOWN and str(commands[4].name) == "Get-Inner"


def test_variables_members_and_static_calls_are_unknown_values():
    script = ("Set-X -A $cfg.Uri -B $list[0] -C [Convert]::ToBase64String($b) -D $env:X"
              " -E $dir\\file.txt -F {Get-Y}")
    named, _ = only(script, "Set-X").bind()
    for key, text in [("a", "$cfg.Uri"), ("b", "$list[0]"), ("c", "[Convert]::ToBase64String($b)"),
                      ("d", "$env:X"), ("f", "{Get-Y}")]:
        assert isinstance(named[key][1], PsUnknown) and at(script, named[key][1]) == text
    partial = named["e"][1]
    assert partial == UNKNOWN + "\\file.txt" and at(script, partial) == "$dir\\file.txt"
    assert "Get-Y" in names(script)


def test_redirections_are_not_arguments():
    named, positional = only("Get-X a 2>&1 > out.txt -b c 2> $null", "Get-X").bind()
    assert positional == ["a"] and named["b"][1] == "c"


# --------------------------------------------------------------------------- where commands hide
def test_commands_inside_blocks_and_subexpressions_in_source_order():
    script = """
if ($x -eq (Get-A)) { Get-B } elseif ($y) { Get-C } else { Get-D }
foreach ($item in (Get-E)) { Get-F -Item $item }
while ($true) { Get-G; break }
do { Get-H } until ($done)
switch -Regex ($name) { 'a.*' { Get-I } default { Get-J } }
try { Get-K } catch [System.Net.WebException], [System.IO.IOException] { Get-L } finally { Get-M }
function Get-Token([string]$r) {
    param([Parameter(Mandatory)][string]$x = (Get-N))
    begin { Get-O } process { Get-P } }
Write-Host "value: $(Get-Q | Get-R)" -Object @{ k = $(Get-S) }
$list | ForEach-Object { Get-T $_ } | Where-Object { $_.x }
$x = if ($a) { Get-U } else { Get-V }
return Get-W
"""
    found = names(script)
    assert found == [
        "Get-A", "Get-B", "Get-C", "Get-D", "Get-E", "Get-F", "Get-G", "Get-H", "Get-I", "Get-J",
        "Get-K", "Get-L", "Get-M", "Get-N", "Get-O", "Get-P", "Write-Host", "Get-Q", "Get-R",
        "Get-S", "ForEach-Object", "Get-T", "Where-Object", "Get-U", "Get-V", "Get-W"]


def test_keywords_labels_and_class_bodies_are_not_commands():
    script = """
:outer foreach ($i in $list) { continue outer }
using namespace System.Net
class Client : Base { [string]$Uri = 'x'; [void] Send() { Invoke-RestMethod -Uri $this.Uri } }
enum Color { Red; Green = 2 }
switch ($x) { default { } Other { } }
[CmdletBinding()]
param([string]$a)
exit 1
"""
    assert names(script) == ["Invoke-RestMethod"]


# --------------------------------------------------------------------------- comments
def test_comments_are_ignored():
    script = """#requires -Modules Az.Accounts
# Invoke-WebRequest -Uri http://169.254.169.254/metadata/identity
<# Invoke-RestMethod http://169.254.169.254/
   Connect-AzAccount -Identity #>
Get-Real -Uri http://x/#fragment <# inline #> -Name a#b # trailing Invoke-WebRequest
"""
    [command] = parse(script)
    named, _ = command.bind()
    assert command.name == "Get-Real" and named["uri"][1] == "http://x/#fragment"
    assert named["name"][1] == "a#b"


# --------------------------------------------------------------------------- robustness
@pytest.mark.parametrize("script", [
    "Invoke-WebRequest -Uri 'http://x",
    'Invoke-WebRequest -Uri "http://x $(Get-A',
    "Invoke-WebRequest -Headers @{Metadata='true'",
    "Invoke-WebRequest -Body @\"\nno end",
    "Get-A <# never closed",
    "Get-A { Get-B (",
    ")))}}}]]] Get-A",
    "`",
    "$",
    "@",
    "-",
    "\x00\x01\xff\ufffe\ud800 Get-A \x1b[0m",
])
def test_unterminated_and_junk_input_does_not_raise(script):
    for command in parse(script):
        check_spans(command, 0, len(script))


def test_unterminated_string_runs_to_the_end():
    named, _ = only("Invoke-WebRequest -Uri 'http://x", "Invoke-WebRequest").bind()
    assert named["uri"][1] == "http://x"


FRAGMENTS = [
    "Invoke-WebRequest", "az", " -Uri", " --name", " -Name:", " 'http://x'", ' "a $b $(c) `n"',
    " @{", "}", " @(", ")", "(", "$(", "{", "[int]", "[", "]", "::", "`", "`\n", "\n", "\r\n", ";",
    "|", "&", "&&",
    "#", "<#", "#>", '@"\n', '\n"@', "@'\n", "\n'@", "'", '"', "''", '""', "$env:X", "${a}", ",",
    "=", "-", "--", "--%", "if", "else", "foreach", "switch", "function", "param", "return", " in ",
    "class", ".", "..", "1", "-1", "0x1F", "a", " ", "\t", "\u2018", "\u201c", "\u2013", "\x00",
    UNKNOWN, "é", "😀", ">", "2>&1", "@splat", ":", "`u{41}", "`u{", "$", "%", "?", "!", "-not",
    "+=", "[Parameter(Mandatory=$true)]", "catch", "try", "do", "while", "using", "break",
]


def check_spans(value, low: int, high: int) -> None:
    """Every located string in `value` maps inside [low, high], start <= end."""
    if isinstance(value, PsCommand):
        parts = [value.name, value.text, *value.elements]
    elif isinstance(value, PsParam):
        parts = [value.name, value.text] + ([value.value] if value.value is not None else [])
    elif isinstance(value, PsHashtable):
        parts = [value.text] + [part for entry in value.entries for part in entry]
    elif isinstance(value, PsArray):
        parts = [value.text, *value.items]
    elif isinstance(value, PsUnknown):
        parts = [value.text]
    else:
        assert isinstance(value, LStr)
        start, end = value.span()
        assert low <= start <= end <= high
        for i in range(len(value)):
            start, end = value.span(i, i + 1)
            assert low <= start <= end <= high
        return
    for part in parts:
        check_spans(part, low, high)


def test_fuzz_never_raises_and_spans_stay_in_the_source():
    rnd = random.Random(20240611)
    for _ in range(3000):
        pieces = []
        for _ in range(rnd.randint(0, 40)):
            if rnd.random() < 0.85:
                pieces.append(rnd.choice(FRAGMENTS))
            else:
                pieces.append(chr(rnd.randint(0, 0x2FFF)))
        script = "".join(pieces)
        offset = rnd.choice([0, 5])
        for command in parse(script, offset):
            check_spans(command, offset, offset + len(script))
            command.bind()
            command.bind(frozenset({"name", "uri"}))


@pytest.mark.parametrize("opener, closer", [
    ("(", ")"), ("@{a=", "}"), ("{", "}"), ("$(", ")"), ("@(", ")"), ('"$(', ')"'),
    ("Get-X (", ")"), ("if ($x) {", "}"),
])
def test_deep_nesting_is_bounded(opener, closer):
    script = "Get-First\n" + opener * 10_000 + "Get-Deep" + closer * 10_000 + "\nGet-Last"
    found = names(script)
    assert found[0] == "Get-First" and found[-1] == "Get-Last"
    assert "Get-Deep" not in found  # too deep to parse: treated as unknown
    assert names("Get-First\n" + opener * 20 + "Get-Deep" + closer * 20)[-1] == "Get-Deep"


def test_deep_nesting_without_closers():
    for opener in ("(", "@{", "{", "$(", "[", '"$('):
        assert names("Get-A; " + opener * 10_000) == ["Get-A"]


def test_a_megabyte_script():
    block = (
        "# token request\n"
        f"$r = Invoke-WebRequest -Uri '{IMDS}' -Headers @{{Metadata=\"true\"}}\n"
        "if ($r.StatusCode -eq 200) {\n"
        "    $t = ($r.Content | ConvertFrom-Json).access_token\n"
        '    Write-Host "got $($t.Substring(0, 4))"\n'
        "}\n"
        "az vm identity assign -g rg -n vm --identities $id\n"
    )
    copies = 1_000_000 // len(block) + 1
    commands = parse(block * copies)
    assert len(commands) == 4 * copies
    assert commands[-1].name == "az" and commands[-4].name == "Invoke-WebRequest"


# --------------------------------------------------------------------------- source mappings
def test_source_at_a_nonzero_offset():
    script = "Invoke-RestMethod -Uri 'http://x' -Headers @{Metadata='true'}"
    [command] = parse(script, 1000)
    named, _ = command.bind()
    assert named["uri"][1].span() == (1000 + script.index("http"), 1000 + script.index("' -H"))
    assert command.text.span() == (1000, 1000 + len(script))
    start = script.index("true")
    assert named["headers"][1].get("metadata").span() == (1000 + start, 1000 + start + 4)


def test_source_that_is_part_of_a_bigger_text():
    document = "# Title\n\n```powershell\nConnect-AzAccount -Identity -AccountId 'abc'\n```\n"
    start = document.index("Connect")
    end = document.index("```", start)
    code = LStr.at(document, 0).sub(start, end)
    [command] = parse_powershell(code)
    named, _ = command.bind(frozenset({"identity"}))
    account = named["accountid"][1]
    assert account == "abc" and document[slice(*account.span())] == "abc"
    assert document[slice(*command.name.span())] == "Connect-AzAccount"


def test_source_decoded_from_a_json_string():
    # the script is a JSON string value: \" in the file is " in the script
    script = 'Invoke-WebRequest -Uri \\"http://x\\" -Headers @{Metadata=\\"true\\"}'
    document = json.dumps({"commandToExecute": "X"}).replace("X", script)
    end = len(document) - 2  # before the closing "}
    file_text = LStr.at(document, 0)
    parts, i = [], document.index("Invoke")
    while True:  # decode the JSON escapes by hand: each \" becomes an atom over two characters
        j = document.find('\\"', i, end)
        if j < 0:
            parts.append(file_text.sub(i, end))
            break
        parts += [file_text.sub(i, j), LStr.atom('"', j, j + 2, parent=file_text)]
        i = j + 2
    source = LStr.concat(parts)
    assert str(source) == 'Invoke-WebRequest -Uri "http://x" -Headers @{Metadata="true"}'
    named, _ = parse_powershell(source)[0].bind()
    value = named["headers"][1].get("Metadata")
    start = document.index("true")
    assert value == "true" and value.span() == (start, start + 4)
    assert document[slice(*named["uri"][1].span())] == "http://x"
    assert document[slice(*named["headers"][1].text.span())] == '@{Metadata=\\"true\\"}'
