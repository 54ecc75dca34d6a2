"""A source line broken inside a sentence of Chinese or Japanese joins the next with no space;
anywhere else a line break is a space, as CommonMark has it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from builder.source.line_joins import join_wide_lines
from builder.source.text import MD

HAN = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=12)
KANA = st.text(st.characters(min_codepoint=0x3041, max_codepoint=0x3096), min_size=1, max_size=12)
LATIN = st.text(st.sampled_from("abcdefghij"), min_size=1, max_size=12)


def _inline(text: str) -> str:
    tokens = MD.parse(text)
    return "".join(
        child.content if child.type == "text" else " "
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
    )


@given(st.one_of(HAN, KANA), st.one_of(HAN, KANA, st.just("，"), st.just("。")))
def test_wide_lines_join_with_nothing(before: str, after: str) -> None:
    assert _inline(f"{before}\n{after}") == before + after


@given(st.one_of(HAN, LATIN), LATIN)
def test_a_break_beside_a_latin_letter_stays_a_space(before: str, after: str) -> None:
    assert _inline(f"{before}\n{after}") == f"{before} {after}"


def test_hangul_keeps_its_spaces() -> None:
    assert _inline("마르크스의\n학설") == "마르크스의 학설"


def test_the_rule_is_the_parsers() -> None:
    assert "join_wide_lines" in MD.core.ruler.get_active_rules() and join_wide_lines.__doc__
