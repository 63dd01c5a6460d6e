"""The shell parser splits scripts into simple commands whose words map back to file offsets.

Span convention checked throughout: a word's span runs from its first to its last *value*
character, so quotes around a wholly quoted word are outside it, an escape maps onto its source
characters, an expansion onto all of its source, and an empty word is an empty span.
"""
import random

from milint.lstr import UNKNOWN, LStr
from milint.sources import shell
from milint.sources.shell import ShellCommand, parse_shell


def parse(script: str, offset: int = 0) -> list[ShellCommand]:
    return parse_shell(LStr.at(script, offset))


def words(cmd: ShellCommand) -> list[str]:
    return [str(w) for w in cmd.words]


def programs(cmds: list[ShellCommand]) -> list[str]:
    return [" ".join(words(c)) for c in cmds]


def source_of(script: str, value: LStr, start: int = 0, end=None, offset: int = 0) -> str:
    """The script text that characters [start, end) of `value` map to."""
    a, b = value.span(start, end)
    return script[a - offset:b - offset]


# --------------------------------------------------------------------------- words and quoting

def test_az_command_with_continuations_and_mixed_quotes():
    script = ("az vm create \\\n  --name 'my vm' \\\n"
              "  -g\"rg-$ENV\" --set tags.a=b\\ c ''\n")
    [cmd] = parse(script)
    assert words(cmd) == ["az", "vm", "create", "--name", "my vm", "-grg-" + UNKNOWN,
                          "--set", "tags.a=b c", ""]
    w = cmd.words
    assert source_of(script, w[2]) == "create"
    assert source_of(script, w[4]) == "my vm"  # inside the quotes
    assert source_of(script, w[5]) == '-g"rg-$ENV'  # up to the last value character
    assert source_of(script, w[5], 5, 6) == "$ENV"
    assert source_of(script, w[7], 8, 9) == "\\ "  # the escape maps onto both characters
    quote = script.index("''")
    assert w[8].span() == (quote + 1, quote + 1)  # empty word: between its quotes
    assert str(cmd.text) == script.rstrip("\n")
    assert cmd.text.span() == (0, len(script) - 1)
    assert cmd.assignments == [] and cmd.heredoc is None


def test_curl_with_metadata_header_and_single_quoted_url():
    url = ("http://169.254.169.254/metadata/identity/oauth2/token"
           "?api-version=2018-02-01&resource=https://management.azure.com/")
    script = f"curl -s -H \"Metadata: true\" '{url}'\n"
    [cmd] = parse(script)
    assert words(cmd) == ["curl", "-s", "-H", "Metadata: true", url]
    assert cmd.words[3].span() == (12, 26)
    assert source_of(script, cmd.words[4]) == url
    assert cmd.words[4].known and cmd.words[4].value == url


def test_adjacent_parts_join_into_one_word():
    script = "curl -H\"Metadata: true\" 'a'\"b\"c x'y'z\n"
    [cmd] = parse(script)
    assert words(cmd) == ["curl", "-HMetadata: true", "abc", "xyz"]
    assert source_of(script, cmd.words[1]) == '-H"Metadata: true'
    assert source_of(script, cmd.words[2]) == "a'\"b\"c"
    assert source_of(script, cmd.words[2], 1, 2) == "b"


def test_expansions_are_single_unknown_characters():
    script = 'curl "https://$HOST/x" ${BASE}/y "$(hostname -f):443" pre$1post $@ "${A:-"q"}"\n'
    cmds = parse(script)
    assert programs(cmds) == [
        "curl https://\ufffc/x \ufffc/y \ufffc:443 pre\ufffcpost \ufffc \ufffc", "hostname -f"]
    w = cmds[0].words
    assert w[1] == "https://" + UNKNOWN + "/x" and not w[1].known and w[1].value is None
    assert source_of(script, w[1], 8, 9) == "$HOST"
    assert source_of(script, w[1], 0, 8) == "https://"
    assert source_of(script, w[1], 9) == "/x"
    assert source_of(script, w[2], 0, 1) == "${BASE}"
    assert source_of(script, w[3], 0, 1) == "$(hostname -f)"
    assert source_of(script, w[4], 3, 4) == "$1"
    assert source_of(script, w[5]) == "$@"
    assert source_of(script, w[6]) == '${A:-"q"}'
    inner = cmds[1]
    assert source_of(script, inner.words[0]) == "hostname"
    assert source_of(script, inner.text) == "hostname -f"


def test_lone_dollar_and_tilde_stay_literal():
    [cmd] = parse('echo $ a$ "$" ~/x $"loc" "$\'x\'"\n')
    assert words(cmd) == ["echo", "$", "a$", "$", "~/x", "loc", "$'x'"]
    assert all(w.known for w in cmd.words)


def test_escapes_in_double_quotes_map_to_two_source_characters():
    script = r'echo "say \"hi\" \$HOME \\ \n \`" x\"y' + "\n"
    [cmd] = parse(script)
    assert words(cmd) == ["echo", 'say "hi" $HOME \\ \\n `', 'x"y']
    w = cmd.words[1]
    assert w[4] == '"' and source_of(script, w, 4, 5) == '\\"'
    assert source_of(script, w, 9, 10) == "\\$"
    assert source_of(script, w, 9, 14) == "\\$HOME"
    assert source_of(script, w, 15, 16) == "\\\\"
    assert source_of(script, w, 17, 19) == "\\n"  # not an escape inside "...": both literal
    assert source_of(script, cmd.words[2], 1, 2) == '\\"'


def test_ansi_c_quoting_decodes_escapes_as_atoms():
    script = "printf $'a\\tb\\x41\\u00e9\\'q\\z' x\n"
    [cmd] = parse(script)
    assert words(cmd) == ["printf", "a\tbA\u00e9'q\\z", "x"]
    w = cmd.words[1]
    assert source_of(script, w, 1, 2) == "\\t"
    assert source_of(script, w, 3, 4) == "\\x41"
    assert source_of(script, w, 4, 5) == "\\u00e9"
    assert source_of(script, w, 5, 6) == "\\'"
    assert source_of(script, w, 7, 9) == "\\z"  # unknown escapes stay as they are
    assert source_of(script, w) == "a\\tb\\x41\\u00e9\\'q\\z"


def test_line_continuation_inside_a_word_and_crlf():
    script = "az vm cre\\\nate \\\r\n  --name x\r\naz vm list\r\n"
    cmds = parse(script)
    assert programs(cmds) == ["az vm create --name x", "az vm list"]
    create = cmds[0].words[2]
    assert source_of(script, create) == "cre\\\nate"
    assert source_of(script, create, 3) == "ate"
    assert str(cmds[1].text) == "az vm list"
    assert all("\r" not in w for c in cmds for w in c.words)


def test_lone_backslash_and_lone_cr():
    assert words(parse("echo a\\")[0]) == ["echo", "a\\"]
    assert words(parse("echo a\rb")[0]) == ["echo", "a\rb"]


# --------------------------------------------------------------------------- nested commands

def test_commands_inside_substitutions_and_backticks_have_exact_spans():
    script = 'echo "id: $(az account show --query id -o tsv)" `az group list --query "[0].name"`\n'
    cmds = parse(script)
    assert programs(cmds) == [
        "echo id: \ufffc \ufffc",
        "az account show --query id -o tsv",
        "az group list --query [0].name",
    ]
    echo, show, group = cmds
    assert source_of(script, echo.words[1], 4, 5) == "$(az account show --query id -o tsv)"
    assert source_of(script, echo.words[2]) == '`az group list --query "[0].name"`'
    start = script.index("az account")
    assert show.text.span() == (start, start + len("az account show --query id -o tsv"))
    assert source_of(script, show.words[4]) == "id"
    assert source_of(script, group.words[4]) == "[0].name"
    assert source_of(script, group.text) == 'az group list --query "[0].name"'


def test_escaped_backticks_nest_and_keep_file_offsets():
    script = "x=`echo \\`az y\\` \\$HOME`\n"
    cmds = parse(script)
    assert programs(cmds) == ["", "echo \ufffc \ufffc", "az y"]
    assert cmds[0].assignments[0][0] == "x"
    assert source_of(script, cmds[0].assignments[0][1]) == script.strip()[2:]
    echo, azy = cmds[1], cmds[2]
    assert source_of(script, echo.words[1]) == "\\`az y\\`"
    assert source_of(script, echo.words[2]) == "\\$HOME"
    assert source_of(script, azy.words[1]) == "y"
    assert azy.words[0].span() == (10, 12)


def test_backticks_inside_double_quotes_unescape_quotes():
    script = 'echo "`az vm show --query \\"id\\"`"\n'
    cmds = parse(script)
    assert programs(cmds) == ["echo \ufffc", "az vm show --query id"]
    assert source_of(script, cmds[1].words[4]) == "id"


def test_response_assignment_from_curl():
    script = 'response=$(curl -s -H "Metadata: true" "$IMDS" -s)\necho "$response"\n'
    cmds = parse(script)
    assert len(cmds) == 3
    assign, curl, echo = cmds
    assert assign.words == []
    [(name, value)] = assign.assignments
    assert name == "response" and name.span() == (0, 8)
    assert value == UNKNOWN
    assert source_of(script, value) == '$(curl -s -H "Metadata: true" "$IMDS" -s)'
    assert words(curl) == ["curl", "-s", "-H", "Metadata: true", UNKNOWN, "-s"]
    assert str(curl.text) == 'curl -s -H "Metadata: true" "$IMDS" -s'
    assert curl.text.span() == (11, 49)
    assert words(echo) == ["echo", UNKNOWN]


def test_order_is_by_start_position():
    cmds = parse("echo $(az a $(az b)) $(az c) && az d\n")
    assert programs(cmds) == ["echo \ufffc \ufffc", "az a \ufffc", "az b", "az c", "az d"]


def test_process_substitution_and_braced_default():
    cmds = parse("diff <(az a) >(tee x) ${OUT:-$(az default)}\n")
    assert programs(cmds) == ["diff \ufffc \ufffc \ufffc", "az a", "tee x", "az default"]
    assert cmds[0].words[1].span() == (5, 12)


def test_arithmetic_is_unknown_and_not_commands():
    script = ("echo $((1 + (2*3))) $( (az sub) )\n(( i++ )) || az ok\n"
              "for ((i=0; i<3; i++)); do az n; done\n")
    cmds = parse(script)
    assert programs(cmds) == ["echo \ufffc \ufffc", "az sub", "az ok", "az n"]
    assert source_of(script, cmds[0].words[1]) == "$((1 + (2*3)))"


# --------------------------------------------------------------------------- structure

def test_if_then_elif_else_fi():
    cmds = parse("if curl -sf http://x; then az y; elif az z; then :; else echo no; fi\n")
    assert programs(cmds) == ["curl -sf http://x", "az y", "az z", ":", "echo no"]


def test_for_loop_header_is_not_a_command():
    script = ('for sub in $(az account list --query "[].id" -o tsv); do\n'
              '  az account set -s "$sub"\ndone\nfor x\ndo echo "$x"; done\n')
    cmds = parse(script)
    assert programs(cmds) == ["az account list --query [].id -o tsv",
                              "az account set -s \ufffc", "echo \ufffc"]


def test_while_loop_with_process_substitution_redirect():
    cmds = parse('while read -r vm; do echo "$vm"; done < <(az vm list -o tsv)\n')
    assert programs(cmds) == ["read -r vm", "echo \ufffc", "az vm list -o tsv"]


def test_case_patterns_are_not_commands():
    script = ('case "$1" in\n  start|up) az vm start -n x;;\n  (stop) az vm stop -n x ;;\n'
              '  *) echo usage ;&\n  other) az other\nesac\naz after\n')
    assert programs(parse(script)) == ["az vm start -n x", "az vm stop -n x", "echo usage",
                                       "az other", "az after"]


def test_case_inside_command_substitution():
    subst = "$(case $y in a) echo a;; b|c) az b;; esac)"
    cmds = parse(f"x={subst}; az z\n")
    assert programs(cmds) == ["", "echo a", "az b", "az z"]
    assert cmds[0].assignments[0][1].span() == (2, 2 + len(subst))


def test_pipelines_and_lists():
    cmds = parse("az a | jq .x && az b || az c; az d & az e |& tee f\n! az g\n")
    assert programs(cmds) == ["az a", "jq .x", "az b", "az c", "az d", "az e", "tee f", "az g"]


def test_groups_subshells_and_functions():
    script = ("{ az a; az b; }\n(az c; (az d))\nf() { az e; }\nfunction g() ( az f )\n"
              "function h {\n  az g\n}\ntime -p az h\n")
    assert programs(parse(script)) == ["az a", "az b", "az c", "az d", "az e", "az f", "az g",
                                       "az h"]


def test_reserved_words_only_at_command_position():
    cmds = parse('echo if then fi { } done\n"if" x\n')
    assert programs(cmds) == ["echo if then fi { } done", "if x"]


def test_double_bracket_tests_are_skipped():
    cmds = parse('[[ -n $x && ( $y == z ) && $a < $b ]] && az ok\n[[ $r =~ ^(a|b)$ ]] || az no\n')
    assert programs(cmds) == ["az ok", "az no"]


def test_comments_are_ignored():
    script = "#!/bin/bash\n# curl http://x\necho a#b '#q' \"#q\" # curl http://y\naz x;# az y\n"
    cmds = parse(script)
    assert programs(cmds) == ["echo a#b #q #q", "az x"]
    assert parse("# curl http://x") == []


def test_assignments():
    cmds = parse('FOO=bar BAZ="q x" az y FOO=not\nONLY=1\n"Q"=x cmd\nexport A=b\nN+=2 M[1]=z c\n')
    first, only, quoted, export, plus = cmds
    assert [(str(a), str(b)) for a, b in first.assignments] == [("FOO", "bar"), ("BAZ", "q x")]
    assert words(first) == ["az", "y", "FOO=not"]
    assert str(first.text) == 'FOO=bar BAZ="q x" az y FOO=not'
    assert only.words == [] and str(only.assignments[0][1]) == "1"
    assert str(only.text) == "ONLY=1"
    assert quoted.assignments == [] and words(quoted) == ["Q=x", "cmd"]
    assert export.assignments == [] and words(export) == ["export", "A=b"]
    assert [(str(a), str(b)) for a, b in plus.assignments] == [("N", "2"), ("M[1]", "z")]
    empty = parse("E= cmd\n")[0]
    assert str(empty.assignments[0][1]) == "" and empty.assignments[0][1].span() == (2, 2)


def test_array_assignment_keeps_text_and_parses_substitutions():
    script = 'args=(--name "$n" $(az q))\naz vm create "${args[@]}"\n'
    cmds = parse(script)
    assert programs(cmds) == ["", "az q", "az vm create \ufffc"]
    [(name, value)] = cmds[0].assignments
    assert name == "args" and value == '(--name "$n" $(az q))'
    assert source_of(script, value) == '(--name "$n" $(az q))'


def test_redirections_are_not_words():
    script = "az x >out 2>&1 <in 2>/dev/null &>log >|f >>a 3<&0 {fd}>x arg\n>pre az y\n"
    cmds = parse(script)
    assert programs(cmds) == ["az x arg", "az y"]
    assert str(cmds[0].text) == script.split("\n")[0]
    assert str(cmds[1].text) == ">pre az y"
    assert parse("> only-a-redirect\n") == []


def test_heredoc_body_is_not_parsed_and_is_kept():
    script = ("cat <<EOF > /tmp/x.sh\ncurl http://169.254.169.254/ -H Metadata:true\n"
              "$(az account show)\nEOF\naz login --identity\n")
    cmds = parse(script)
    assert programs(cmds) == ["cat", "az login --identity"]
    body = "curl http://169.254.169.254/ -H Metadata:true\n$(az account show)\n"
    assert cmds[0].heredoc == body
    assert source_of(script, cmds[0].heredoc) == body
    assert str(cmds[0].text) == "cat <<EOF > /tmp/x.sh"


def test_heredoc_variants_read_in_order():
    script = ("cat <<A | grep x; cat <<-'B' <<\"C\"\nbody a\nA\n\tbody b\n\tB\n"
              "body c $(no)\nC\r\naz after\n")
    cmds = parse(script)
    assert programs(cmds) == ["cat", "grep x", "cat", "az after"]
    assert cmds[0].heredoc == "body a\n"
    assert cmds[2].heredoc == "body c $(no)\n"  # the last one feeds stdin
    assert cmds[1].heredoc is None


def test_heredoc_inside_substitution_and_here_string():
    script = 'x=$(cat <<EOF\naz not-a-command\nEOF\n)\naz token <<< "$TOKEN"\n'
    cmds = parse(script)
    assert programs(cmds) == ["", "cat", "az token"]
    assert cmds[1].heredoc == "az not-a-command\n"
    assert cmds[2].heredoc == UNKNOWN and source_of(script, cmds[2].heredoc) == "$TOKEN"


def test_unterminated_constructs_do_not_raise():
    cmds = parse('echo "abc $(curl x')
    assert programs(cmds) == ["echo abc \ufffc", "curl x"]
    assert words(parse("az 'unterminated")[0]) == ["az", "unterminated"]
    assert parse("cat <<EOF\nno end")[0].heredoc == "no end"
    for junk in ["${", "$(", "`", "$'", '"', "'", "$((", "((", "[[", "case", "for", "f(", ")",
                 ";;", "|", "&&", "<", "<<", "<<<", "\\", "x=(", "function", "\x00\xff\ufffe"]:
        parse(junk)
        parse("az " + junk + " y\n az z")


# --------------------------------------------------------------------------- robustness

def _check_spans(cmds, lo: int, hi: int) -> None:
    def ok(value: LStr) -> None:
        a, b = value.span()
        assert lo <= a <= b <= hi
        for i in range(len(value)):
            a, b = value.span(i, i + 1)
            assert lo <= a <= b <= hi

    for cmd in cmds:
        ok(cmd.text)
        for w in cmd.words:
            ok(w)
        for name, value in cmd.assignments:
            ok(name)
            ok(value)
        if cmd.heredoc is not None:
            ok(cmd.heredoc)


def test_fuzz_random_input_never_raises_and_spans_stay_inside():
    rng = random.Random(20240611)
    alphabet = list("az -\"'`$(){}[];&|<>\\\n\r\t#=!~*?@^%x1EOF") + ["\x00", "\xff", "\u20ac"]
    tokens = ["$(", "${", "$((", "<<EOF\n", "EOF\n", "<<-", "<<<", "case ", " in ", "esac",
              ";;", "if ", "then ", "fi", "for ", "do ", "done", "[[ ", " ]]", "((", "))",
              "$'\\x4", "\\\n", "\\`", "f() ", "function ", "a=(", "curl ", "az "]
    for case in range(3000):
        size = rng.randint(0, 60)
        parts = [rng.choice(tokens) if rng.random() < 0.2 else rng.choice(alphabet)
                 for _ in range(size)]
        script = "".join(parts)
        offset = 0 if case % 2 else 17
        cmds = parse_shell(LStr.at(script, offset))
        _check_spans(cmds, offset, offset + len(script))


def test_deep_substitution_nesting_does_not_recurse():
    n = 10_000
    script = "echo $(" * n + "az x" + ")" * n
    cmds = parse(script)
    # levels beyond the nesting limit are read but not reported
    assert len(cmds) == shell._MAX_NESTING + 1
    assert all(words(c)[0] == "echo" for c in cmds)
    assert cmds[0].words[1].span() == (5, len(script))
    assert [c.text.span()[0] for c in cmds[:3]] == [0, 7, 14]
    for opener in ('"$(', "${", "(", "{ ", "$(case x in a) ", "`"):
        parse(opener * n)


def test_large_script_is_parsed():
    block = ("# create the VM\n"
             "az vm create --name \"vm-$i\" -g rg \\\n  --assign-identity '[system]' "
             "--query id -o tsv | tee -a log.txt\n"
             "token=$(curl -s -H 'Metadata: true' \"$IMDS\") && echo ok\n"
             "cat <<EOF\nnot $(a command)\nEOF\n")
    copies = 1_000_000 // len(block) + 1
    script = block * copies
    assert len(script) >= 1_000_000
    cmds = parse(script)
    assert len(cmds) == 6 * copies  # az, tee, token=, curl, echo, cat
    assert words(cmds[-1]) == ["cat"] and cmds[-1].heredoc == "not $(a command)\n"


# --------------------------------------------------------------------------- located sources

def test_source_at_an_offset_shifts_every_span():
    script = 'az login --identity -u "$ID"\ncurl "$(az x)"\n'
    base = parse(script)
    moved = parse(script, offset=1000)
    assert programs(base) == programs(moved)
    for a, b in zip(base, moved):
        assert b.text.span() == tuple(x + 1000 for x in a.text.span())
        for wa, wb in zip(a.words, b.words):
            assert wb.span() == tuple(x + 1000 for x in wa.span())


def test_source_that_is_a_sub_of_a_bigger_string():
    script = "az vm show -n 'x y' --query \"$Q\""
    whole = "PREFIX:" + script + ":SUFFIX"
    big = LStr.at(whole, 50)
    source = big.sub(7, 7 + len(script))
    [cmd] = parse_shell(source)
    assert words(cmd) == ["az", "vm", "show", "-n", "x y", "--query", UNKNOWN]
    assert cmd.words[4].span() == (50 + 7 + 15, 50 + 7 + 18)
    assert whole[cmd.words[6].span()[0] - 50:cmd.words[6].span()[1] - 50] == "$Q"
    assert cmd.text.span() == (57, 57 + len(script))


def test_source_with_decoded_escapes_maps_through_them():
    # the script came from a JSON string: "az a\\naz b" -- the newline is a 2-char escape
    file = LStr.at('az a\\naz "b"', 0)
    source = LStr.concat([file.sub(0, 4), LStr.atom("\n", 4, 6, parent=file), file.sub(6)])
    cmds = parse_shell(source)
    assert programs(cmds) == ["az a", "az b"]
    assert cmds[1].words[0].span() == (6, 8)
    assert cmds[1].words[1].span() == (10, 11)


def test_plain_str_source_is_accepted():
    [cmd] = parse_shell("az x")
    assert cmd.words[1].span() == (3, 4)
