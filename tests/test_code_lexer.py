"""The code lexer: string literals decoded with exact positions, comments and non-string literals
kept out, and no exception on any input."""
import random

import pytest

from milint.lstr import LStr, UNKNOWN
from milint.sources.code import LANGUAGES, NAME, OPAQUE, STR, lex
from milint.sources.code.lexer import _Tokenizer
from milint.sources.code.structure import brackets, join_literals


def strings(language, text):
    return [t for t in lex(language, LStr.at(text, 0)) if t.kind == STR]


def values(language, text):
    return [str(t.value) for t in strings(language, text)]


@pytest.mark.parametrize("language, text, expected", [
    ("python", r'a = r"\d" + b"x" + "\x41\u00e9\N{EN DASH}\n"', ["\\d", "x", "Aé–\n"]),
    ("python", 'x = """one\n"two"\n"""', ['one\n"two"\n']),
    ("python", "f'{{a}}{b!r:>3}c'", ["{a}" + UNKNOWN + "c"]),
    ("csharp", r'var s = @"C:\path ""q""" + "tab\t\u0041" + $"{x}y{{";', ['C:\\path "q"', "tab\tA", UNKNOWN + "y{"]),
    ("csharp", 'var r = $$"""\n    {{x}} {raw}\n    """;', [UNKNOWN + " {raw}"]),
    ("java", r'String s = "a\"b\u0041" + """' + '\n      text\n        more\n      """;', ['a"bA', "text\n  more\n"]),
    ("javascript", r"const a = 'it\'s' + `t${x + '}'}e` + '\x41\u{1F600}';", ["it's", "t" + UNKNOWN + "e", "A\U0001F600"]),
    ("typescript", "const u: string = `a${b}` as string;", ["a" + UNKNOWN]),
    ("go", 'u := `raw\\n"x"` + "tab\\t\\x41"', ['raw\\n"x"', "tab\tA"]),
    ("ruby", "s = %q(a (nested) 'q') + 'it\\'s' + \"x#{y}z\" + %Q[plain]", ["a (nested) 'q'", "it's", "x" + UNKNOWN + "z", "plain"]),
])
def test_literal_values(language, text, expected):
    assert values(language, text) == expected


@pytest.mark.parametrize("language, text", [
    ("python", '# requests.get("http://169.254.169.254")\nx = 1'),
    ("csharp", '/* "not a string" */ // "nor this"\nint x = 1;'),
    ("java", '/** "doc" */ int x = 1; // "c"'),
    ("javascript", 'const r = /"not a string"/g; // "c"'),
    ("go", "// \"c\"\nr := 'x'"),
    ("ruby", '# "c"\n=begin\n"block"\n=end\nx = `ls "dir"`'),
])
def test_comments_regexes_and_chars_are_not_strings(language, text):
    assert strings(language, text) == []


def test_positions_point_into_the_literal():
    text = 'x = "a\\tb" + "https://management.azure.com"'
    first, second = strings("python", text)
    assert first.value.span(2, 3) == (text.index("b"), text.index("b") + 1)
    assert first.value.span(1, 2) == (text.index("\\t"), text.index("\\t") + 2)  # the escape as a whole
    s, e = second.value.span()
    assert text[s:e] == "https://management.azure.com"


@pytest.mark.parametrize("language", ["python", "javascript", "go", "csharp"])
def test_unterminated_literal_has_no_known_value(language):
    for tok in strings(language, 'a = "no end\nb = "ok"'):
        assert "no end" not in str(tok.value) or not tok.value.known


def test_hole_expression_and_its_tokens():
    (tok,) = strings("javascript", "const u = `${process.env.IDENTITY_ENDPOINT}?resource=x`;")
    (hole,) = tok.holes
    assert hole.expression == "process.env.IDENTITY_ENDPOINT"
    assert [t.text for t in hole.tokens() if t.kind == NAME] == ["process", "env", "IDENTITY_ENDPOINT"]


def test_line_breaks_are_recorded():
    tokens = lex("go", LStr.at("a := 1\nb := 2", 0))
    assert [t.nl for t in tokens] == [False, False, False, True, False, False]


def test_join_adjacent_and_plus():
    text = 'u = ("http://a" "/b") + x + "?c"'
    tokens = lex("python", LStr.at(text, 0))
    partner, _ = brackets(tokens)
    value = join_literals(tokens, partner, 2, len(tokens), "python")
    assert str(value) == "http://a/b" + UNKNOWN + "?c"
    assert text[slice(*value.span(8, 10))] == "/b"


def test_opaque_tokens_for_ruby_heredoc_and_regex():
    kinds = {t.kind for t in lex("ruby", LStr.at("s = <<~EOS\n  body\nEOS\nr = /x/", 0))}
    assert OPAQUE in kinds and STR not in kinds


_ALPHABET = "\"'`\\${}()[]#%@/*\n\r\t abcxyz01:=+.,;?<>!qQrfbu~|&-"


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_random_input_never_raises_and_spans_stay_inside(language):
    rng = random.Random(20261126)
    for _ in range(300):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 120)))
        source = LStr.at(text, 0)
        tokens = _Tokenizer(language, source, text).run()  # the raw tokenizer: nothing swallowed
        last = 0
        for tok in tokens:
            assert 0 <= tok.start < tok.end <= len(text)
            assert tok.start >= last
            last = tok.end
            if tok.kind == STR:
                s, e = tok.value.span()
                assert tok.start <= s <= e <= tok.end


# ---------------------------------------------------------------- milint's own mark finders
def _tokens_both_ways(language, text, monkeypatch):
    """Tokens with milint's own search for comments and literals, and with Pygments' lexer for the
    same language."""
    from milint.sources.code import lexer

    src = LStr.at(text, 0)
    fast = [(t.kind, t.start, t.end, t.nl) for t in _Tokenizer(language, src, text).run()]
    with monkeypatch.context() as m:
        m.delitem(lexer._OWN_MARKS, language)
        general = [(t.kind, t.start, t.end, t.nl) for t in _Tokenizer(language, src, text).run()]
    return fast, general


@pytest.mark.parametrize("text", [
    'a = rb"x" + Rb\'y\' + f"{b!r}" + br"""z\n"""  # comment "q"\nc = u"v"',
    "name'x'",  # a quote right after a name: no prefix taken from the name
    'x = "a" "b"#c\r\ny = \'\'\'\n# not a comment\n\'\'\'',
    's = "unterminated\nt = 1',
    "x = 1 \\\n  + 2  # cont",
    "#",
    "'",
    'f"{x:{w}}" + f\'{"nested"}\'',
])
def test_python_scanner_matches_pygments(text, monkeypatch):
    fast, general = _tokens_both_ways("python", text, monkeypatch)
    assert fast == general


@pytest.mark.parametrize("language, text", [
    ("csharp", 'var s = @"a""b" + $"{x}" + $@"{y}\\" + @$"z" + $$"""\n {{q}}\n """; // "c"\nint k = 1;'),
    ("csharp", "char a = 'x', b = '\\'', c = '\"'; string d = \"it's\";"),
    ("csharp", '#region "not a string"\n#nullable enable\nvar @class = 1; /* "c" */ var t = "u";'),
    ("csharp", '/* unterminated "comment\nvar x = "y";'),
    ("java", 'String s = "a\\"b"; char c = \'\\u0041\'; /** "doc" */ String t = """\n  block "q"\n  """;'),
    ("java", 'read(json, Token.class, "http://x"); int d = a / b; // "c"'),
    ("go", 'r := \'\\n\' + \'x\'; s := `raw "q"\nline` + "s"; /* "c" */ t := a / b // "d"'),
    ("javascript", 'const r = /"re"[/]/gi.test(s), d = a / b / c; // "c"\nx = `t${y + "}"}`'),
    ("javascript", 'if (x) return /a"b/.exec(s);\nfoo()\n/line start"/.test(z); z = "q"'),
    ("javascript", 'a = b\n  / c / "d"; e = (1) / 2; f = [1] / 3; g = -x / 4 // "c"'),
    ("javascript", 'x = a /* c */ /* d */ / 2; s = "q"; t = ( /* c */ /re"/)'),
    ("javascript", '#!/usr/bin/env node\nvar s = \'it\\\'s\'; t = /* c */ /re"/; u = y /* c */ / 2'),
    ("javascript", 'x = /bad\ny = "after"'),
    ("typescript", 'const u: string = `a${b}/` as string; private readonly r = /x"/; let n = m / 2;'),
])
def test_own_marks_match_pygments(language, text, monkeypatch):
    fast, general = _tokens_both_ways(language, text, monkeypatch)
    assert fast == general


@pytest.mark.parametrize("language", ["csharp", "java", "go", "javascript", "typescript"])
def test_own_marks_match_pygments_on_the_fixtures(language, monkeypatch):
    """Every code fixture of the language lexes the same both ways."""
    from pathlib import Path

    ext = {"csharp": "cs", "java": "java", "go": "go", "javascript": "js", "typescript": "ts"}[language]
    files = sorted(Path(__file__).parent.parent.joinpath("fixtures").rglob(f"*.{ext}"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        fast, general = _tokens_both_ways(language, text, monkeypatch)
        assert fast == general, path


@pytest.mark.parametrize("language, text, literal", [
    # Pygments reads a line that opens with `[` as a C# attribute up to the first `]`, strings and all
    ("csharp", '    [InlineData("http://a/[b]")]\n    void F() {}', '"http://a/[b]"'),
    # an arrow function's body may be a regular expression; Pygments reads the slash as a division
    ("javascript", "f = x => /a*'/.test(x); s = 'q'", "'q'"),
    # after a value a slash divides: `i++`, a member named like a keyword, TypeScript's `total!`
    ("javascript", 'g = i++ / 2; s = "str"; // "c"', '"str"'),
    ("javascript", 'x = options.default / 2; s = "str"', '"str"'),
    ("typescript", 'let r = total! / count; s = "str"', '"str"'),
    # `<!--` opens a line comment in a browser's JavaScript, not just four characters of one
    ("javascript", "<!-- don't\nx = \"str\"", '"str"'),
    # character literals with octal and Unicode escapes
    ("java", "char[] c = {'\\101', '\"'}; String s = \"str\";", '"str"'),
    ("csharp", "var c = '\\u0041'; var d = '\"'; var s = \"str\";", '"str"'),
])
def test_own_marks_read_what_pygments_misreads(language, text, literal, monkeypatch):
    fast, general = _tokens_both_ways(language, text, monkeypatch)
    assert fast != general
    assert [text[t.start:t.end] for t in lex(language, LStr.at(text, 0)) if t.kind == STR] == [literal]


@pytest.mark.parametrize("language, text, literals", [
    # a quote of another kind inside an interpolation hole opens no string there
    ("csharp", 'var s = $"{string.Join(\',\', xs)}";\nvar t = "y";', ['$"{string.Join(\',\', xs)}"', '"y"']),
    ("csharp", 'var s = $@"{a /* don\'t */}"; var t = "y";', ['$@"{a /* don\'t */}"', '"y"']),
    ("javascript", 'a = `${s.replace(/\'/g, "")}`;\nc = "y";', ['`${s.replace(/\'/g, "")}`', '"y"']),
    # a hole that cannot be read ends a one-line literal with its line, not with the file
    ("csharp", 'var s = $"{x";\nvar t = "y";', ['$"{x";', '"y"']),
])
def test_interpolation_holes_end_where_their_code_ends(language, text, literals):
    assert [t.text for t in lex(language, LStr.at(text, 0)) if t.kind == STR] == literals


@pytest.mark.parametrize("language, text", [
    ("javascript", "x = 1; // c\n" * 100_000),  # a search per kind of line break scanned to the end
    ("python", "x = 1  # c\n" * 100_000),
    ("javascript", "/* " * 100_000),  # unterminated comments: each searched the rest of the text
    ("csharp", "@" * 100_000 + '"'),  # a run of prefixes: each searched the run again
])
def test_pathological_code_is_read_in_one_pass(language, text):
    """Inputs that once made the finders quadratic (minutes for these) are read in well under the
    time limit; a guard against a hang, not a speed target."""
    import time

    start = time.perf_counter()
    lex(language, LStr.at(text, 0))
    assert time.perf_counter() - start < 5


def test_a_long_line_of_script_is_read_without_a_regex_backtracking():
    """A regular expression literal is found by a loop, not a backtracking pattern (that would need
    memory per character): a megabyte-long line that opens like one is read in one pass."""
    text = "x = /" + "a" * 1_000_000 + "/g; y = 'q'"
    assert [t.kind for t in lex("javascript", LStr.at(text, 0))][-4:] == ["op", "name", "op", "str"]


def test_only_ruby_imports_pygments():
    """The languages milint reads itself do not pay Pygments' import and set-up."""
    import subprocess
    import sys

    code = ("import sys\nfrom milint.lstr import LStr\nfrom milint.sources.code import lex\n"
            "for lang in ('python', 'csharp', 'java', 'go', 'javascript', 'typescript'):\n"
            "    lex(lang, LStr.at('x = \"a\" // b', 0))\n"
            "print(any(m.startswith('pygments') for m in sys.modules))\n"
            "lex('ruby', LStr.at('x = \"a\"', 0))\n"
            "print(any(m.startswith('pygments') for m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


def test_python_scanner_matches_pygments_on_the_standard_library(monkeypatch):
    """Every 40th module of the standard library (real code of every style) lexes the same both ways;
    the one file where they differ is a Pygments mistake (it lexes the string "{0[0:foo}" as code)."""
    import sysconfig
    from pathlib import Path

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(stdlib.rglob("*.py"))[::40]
    assert len(files) > 50
    differ = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        fast, general = _tokens_both_ways("python", text, monkeypatch)
        if fast != general and path.name != "test_unicode.py":
            differ.append(str(path))
    assert differ == []
