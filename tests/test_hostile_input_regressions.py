"""One test for each crash, hang or escape that hostile input found in the low-level modules
(issue 7); each failed before its fix."""
from __future__ import annotations

import json
import os
import time

import pytest

from milint.lstr import LStr


# ------------------------------------------------------------------------------------ .gitignore
def test_an_invalid_bracket_in_gitignore_is_left_out_not_a_crash():
    from milint.gitignore import IgnoreFile, is_ignored

    ignore = IgnoreFile("", ["[z-a]", "[]", "keep[", "*.tmp"])
    assert is_ignored([ignore], "x.tmp", False) and not is_ignored([ignore], "z", False)
    assert is_ignored([ignore], "keep[", False)  # an unclosed '[' is a literal, as in git


@pytest.mark.parametrize("line, path", [
    ("*a" * 12 + "b", "a" * 250),  # was exponential: about 250**11 steps
    ("**/a/" * 20 + "b", "a/" * 1000 + "c"),  # one backtracking loop per `**/`
    ("a" + " " * 100_000 + "b", "x"),  # trailing-space stripping was quadratic
])
def test_hostile_gitignore_lines_are_matched_quickly(line, path):
    from milint.gitignore import IgnoreFile

    start = time.perf_counter()
    ignore = IgnoreFile("", [line])
    ignore.verdict(path, False)
    assert time.perf_counter() - start < 1.0


def test_gitignore_globs_keep_their_meaning():
    from milint.gitignore import IgnoreFile

    def ignored(pattern, path, is_dir=False):
        return bool(IgnoreFile("", [pattern]).verdict(path, is_dir))

    assert ignored("*a*b", "xaxxb") and not ignored("*a*b", "xaxxbx")
    assert ignored("**/a/**/b", "a/b") and ignored("**/a/**/b", "x/a/y/z/b") and not ignored("**/a/**/b", "a/x")
    assert ignored("a/**", "a/x/y") and not ignored("a/**", "a")
    assert not ignored("a[!x]b", "a/b")  # a bracket never matches the folder separator
    assert ignored("trail\\ ", "trail ") and ignored("trail  ", "trail")


def test_a_gitignore_that_is_a_link_or_a_fifo_is_not_read(tmp_path):
    from milint.gitignore import IgnoreFile

    (tmp_path / "patterns").write_text("*.sh\n")
    os.symlink(tmp_path / "patterns", tmp_path / ".gitignore")
    assert IgnoreFile.read(tmp_path / ".gitignore", "") is None
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo")
        assert IgnoreFile.read(tmp_path / "fifo", "") is None  # opening it would block


# ------------------------------------------------------------------------------------ discover
def _discover(paths, root):
    from milint.classify import kind_from_name
    from milint.discover import discover

    notices = []
    found = [c.relpath for c in discover([str(p) for p in paths], root, kind_from_name, notices)]
    return found, notices


def test_a_link_named_on_the_command_line_is_not_followed_out_of_the_root(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.sh").write_text("echo\n")
    os.symlink(outside / "secret.sh", root / "link.sh")
    os.symlink(outside, root / "dir")
    found, notices = _discover([root / "link.sh", root / "dir" / "secret.sh", root / "dir"], root)
    assert found == [] and [n.path for n in notices] == ["link.sh", "dir/secret.sh", "dir"]


def test_notices_name_paths_relative_to_the_root_never_with_dots(tmp_path, monkeypatch):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    monkeypatch.chdir(root / "sub")
    _, notices = _discover(["../missing.sh", "../sub/../gone.sh"], root)
    assert [n.path for n in notices] == ["missing.sh", "gone.sh"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_link_to_a_fifo_inside_the_tree_is_not_a_candidate(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    os.symlink(tmp_path / "pipe", tmp_path / "script.sh")
    assert _discover([tmp_path], tmp_path)[0] == []


# ------------------------------------------------------------------------------------ JSON
def test_a_number_with_too_many_digits_is_a_json_error_not_a_value_error():
    from milint.sources.jsonc import JsonDocument, JsonError

    text = '{"a": ' + "1" * 5000 + "}"
    with pytest.raises(JsonError, match="too many digits"):
        JsonDocument(LStr.at(text, 0))


def test_a_high_surrogate_before_another_escape_decodes_like_json_loads():
    from milint.sources.jsonc import JsonDocument

    text = '{"a": "x\\ud800\\u0041y"}'
    doc = JsonDocument(LStr.at(text, 0))
    value = doc.string(("a",), doc.value["a"])
    assert doc.value["a"] == json.loads(text)["a"] == "x\ud800Ay"
    assert value.span(2, 3) == (text.index("\\u0041"), text.index("\\u0041") + 6)


def test_only_ascii_digits_make_json_numbers():
    from milint.sources.jsonc import JsonError, parse_located

    with pytest.raises(JsonError):
        parse_located("[1\u0661]")  # int() would read ARABIC-INDIC DIGIT ONE


def test_strict_json_deeper_than_the_limit_is_refused_up_front():
    from milint.sources.jsonc import JsonDocument, JsonError

    text = "[" * 600 + "]" * 600  # json.loads reads it; positions must not fail later
    with pytest.raises(JsonError, match="nesting deeper than 512"):
        JsonDocument(LStr.at(text, 0))


# ------------------------------------------------------------------------------------ ARM expressions
def _template(variables, expression):
    from milint.sources.arm import ArmTemplate
    from milint.sources.jsonc import JsonDocument

    text = json.dumps({"variables": variables, "outputs": {"o": {"value": expression}}})
    return ArmTemplate(JsonDocument(LStr.at(text, 0)))


def test_an_expression_billion_laughs_ends_quickly_as_unknown():
    from milint.sources.arm_expressions import Unknown

    variables = {"v0": "ab", **{f"v{i}": f"[concat(variables('v{i - 1}'), variables('v{i - 1}'))]"
                                for i in range(1, 64)}}
    start = time.perf_counter()
    template = _template(variables, "[variables('v63')]")
    assert isinstance(template.eval_at(("outputs", "o", "value")), Unknown)
    assert template.over_budget and time.perf_counter() - start < 2


def test_shared_arrays_do_not_multiply_work():
    from milint.sources.arm_expressions import Unknown

    variables = {"v0": "[createArray(1, 2)]", **{f"v{i}": f"[createArray(variables('v{i - 1}'), variables('v{i - 1}'))]"
                                                 for i in range(1, 64)}}
    start = time.perf_counter()
    for expression in ("[string(variables('v63'))]", "[equals(variables('v63'), variables('v62'))]",
                       "[union(variables('v63'), variables('v62'))]"):
        assert isinstance(_template(variables, expression).eval_at(("outputs", "o", "value")), Unknown)
    assert time.perf_counter() - start < 2


def test_union_of_long_arrays_is_linear():
    items = ", ".join(str(i) for i in range(20_000))
    start = time.perf_counter()
    value = _template({}, f"[union(createArray({items}), createArray({items}))]").eval_at(("outputs", "o", "value"))
    assert value == list(range(20_000)) and time.perf_counter() - start < 2


def test_split_with_an_empty_delimiter_is_unknown_not_an_endless_loop():
    from milint.sources.arm_expressions import Unknown

    assert isinstance(_template({}, "[split('abc', '')]").eval_at(("outputs", "o", "value")), Unknown)
    with pytest.raises(ValueError):
        LStr.at("abc", 0).split_located("")


def test_an_undeclared_parameter_is_placed_where_it_is_used():
    text_value = "[concat('a', parameters('missing'))]"
    template = _template({}, text_value)
    value = template.eval_at(("outputs", "o", "value"))
    full = json.dumps({"variables": {}, "outputs": {"o": {"value": text_value}}})
    start, end = value.span(1, 2)
    assert full[start:end] == "parameters('missing')"


# ------------------------------------------------------------------------------------ text and spans
def test_a_span_is_never_reversed():
    first, second = LStr.at("late", 10), LStr.at("early", 0)
    joined = LStr.concat([first, second])  # built from places in the wrong order
    start, end = joined.span()
    assert start <= end


def test_utf16_text_that_starts_with_nul_is_not_mistaken_for_utf32():
    from milint.text import decode

    data = "\x00curl x\n".encode("utf-16")  # FF FE 00 00 ... is also a UTF-32 LE BOM
    assert decode(data).text == "\x00curl x\n"


def test_columns_on_a_long_line_are_utf16_and_cheap():
    from milint.text import LineIndex

    text = "😀a" * 1_000_000 + "\nx"
    index = LineIndex(text)
    start = time.perf_counter()
    for offset in range(0, 2_000_000, 200):
        index.position(offset)
    assert time.perf_counter() - start < 2
    assert index.position(4) == (1, 7) and index.position(len(text) - 1) == (2, 1)


def test_positions_follow_long_chains_of_located_strings():
    value = LStr.at("a" * 10_000, 0)
    for _ in range(5_000):  # each step wraps the last one: no recursion limit may be hit
        value = value.sub(1)
    assert value.span() == (5_000, 10_000) and value.span(0, 1) == (5_000, 5_001)
    empty = value.sub(3, 3)
    assert empty.span() == (5_003, 5_003)
