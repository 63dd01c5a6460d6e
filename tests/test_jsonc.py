"""The ARM-flavoured JSON parser: values equal to json.loads, exact member positions, clear errors."""
import json

import pytest

from milint.lstr import LStr
from milint.sources.jsonc import JsonDocument, JsonError, parse_located, string_lstr


def test_values_match_the_standard_parser():
    text = '{"a": [1, 2.5, -3e2, true, false, null], "b": {"c": "d\\u00e9\\n"}, "a2": {}}'
    assert parse_located(text) == json.loads(text)


def test_member_spans_point_at_keys_and_values():
    text = '{\n  "identity": {"type": "UserAssigned"}\n}'
    value = parse_located(text)
    ks, ke, vs, ve = value["identity"].spans["type"]
    assert text[ks:ke] == '"type"' and text[vs:ve] == '"UserAssigned"'


def test_arm_extensions_comments_and_trailing_commas():
    text = '// header\n{ /* c */ "a": 1, // x\n "b": [1, 2,], }'
    assert parse_located(text) == {"a": 1, "b": [1, 2]}


def test_duplicate_keys_last_wins_like_json_loads():
    text = '{"a": 1, "a": 2}'
    assert parse_located(text) == json.loads(text) == {"a": 2}


@pytest.mark.parametrize("text, offset", [
    ('{"a": 1', 7), ('{"a" 1}', 5), ('[1, 2', 5), ('{"a": tru}', 6), ('', 0), ('{"a": 1} x', 9),
    ('{"a": "unterminated', 6),
])
def test_errors_carry_an_offset(text, offset):
    with pytest.raises(JsonError) as info:
        parse_located(text)
    assert info.value.offset == offset


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(JsonError, match="nesting"):
        parse_located("[" * 100_000 + "]" * 100_000)
    doc_text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(JsonError):
        JsonDocument(LStr.at(doc_text, 0))


def test_string_escapes_map_to_their_source_characters():
    text = '"a\\"b\\u00e9c"'
    src = LStr.at(text, 0)
    value = string_lstr(src, 0, len(text))
    assert value == 'a"béc'
    assert value.span(1, 2) == (2, 4)  # \" is two source characters
    assert value.span(3, 4) == (5, 11)  # \u00e9 is six
    assert value.span(4, 5) == (11, 12)


def test_lazy_positions_on_the_fast_path():
    text = '{"resources": [{"name": "id 1", "type": "x"}]}'
    doc = JsonDocument(LStr.at(text, 0))
    assert doc._located is None  # strict JSON: nothing located yet
    name = doc.string(("resources", 0, "name"), doc.value["resources"][0]["name"])
    assert name == "id 1" and doc._located is None
    s, e = name.span()
    assert text[s:e] == "id 1"
    where = doc.value_span(("resources", 0))
    s, e = where.span()
    assert text[s:e] == '{"name": "id 1", "type": "x"}'
    key = doc.key_text(("resources", 0, "type"))
    s, e = key.span()
    assert text[s:e] == "type"
