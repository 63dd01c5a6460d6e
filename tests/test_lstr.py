"""Located strings map every character of a decoded value back to its place in the file."""
from milint.lstr import LStr, UNKNOWN


def test_contiguous_substring_keeps_file_offsets():
    text = "xx hello world"
    s = LStr.at(text[3:], 3)
    assert s.span() == (3, 14)
    assert s.sub(6).span() == (9, 14)
    assert s.sub(6) == "world"


def test_atom_maps_decoded_text_to_its_escape():
    # source: a\u0041b  ->  aAb ; the A comes from 6 source characters
    src = LStr.at('a\\u0041b', 10)
    decoded = LStr.concat([src.sub(0, 1), LStr.atom("A", 1, 7, parent=src), src.sub(7, 8)])
    assert decoded == "aAb"
    assert decoded.span(1, 2) == (11, 17)
    assert decoded.span(0, 3) == (10, 18)
    assert decoded.span(2, 3) == (17, 18)


def test_unknown_parts_are_marked_and_positioned():
    src = LStr.at("http://$HOST/x", 0)
    value = LStr.concat([src.sub(0, 7), LStr.unknown(7, 12, parent=src), src.sub(12)])
    assert not value.known and value.value is None
    assert value.index(UNKNOWN) == 7
    assert value.span(7, 8) == (7, 12)
    assert value.span(8) == (12, 14)


def test_empty_string_has_a_position():
    src = LStr.at('""', 5)
    empty = src.sub(1, 1)
    assert empty == "" and empty.span() == (6, 6)
    assert LStr.concat([empty]).span() == (6, 6)


def test_lazy_positions_resolve_on_first_use():
    calls = []

    def resolve():
        calls.append(1)
        return LStr.at("abc", 40)

    s = LStr.lazy("abc", resolve)
    part = s.sub(1, 2)
    assert calls == []
    assert part.span() == (41, 42)
    assert calls == [1]


def test_split_and_strip_keep_positions():
    s = LStr.at("  a=1&b=2 ", 100)
    stripped = s.strip_located()
    assert stripped == "a=1&b=2" and stripped.span() == (102, 109)
    parts = stripped.split_located("&")
    assert parts == ["a=1", "b=2"] and parts[1].span() == (106, 109)


def test_unknown_remembers_the_expression_it_stands_for():
    src = LStr.at("$IDENTITY_ENDPOINT?resource=x", 0)
    value = LStr.concat([LStr.unknown(0, 18, parent=src), src.sub(18)])
    assert value.unknown_source(0) == "$IDENTITY_ENDPOINT"
    assert value.sub(0, 5).unknown_source(0) == "$IDENTITY_ENDPOINT"
    assert value.unknown_source(3) is None
