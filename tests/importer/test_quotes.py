"""builder/importer/quotes.py: the marks a language sets round a quotation, the outer ones and,
one quotation deeper, the inner, as a browser sets them round a <q>."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.importer.quotes import quote_marks


@pytest.mark.parametrize(
    ("language", "outer", "inner"),
    [
        ("en", ("“", "”"), ("‘", "’")),
        ("de-AT", ("„", "“"), ("‚", "‘")),
        ("fr", ("«\u00a0", "\u00a0»"), ("“", "”")),
        ("ru", ("«", "»"), ("„", "“")),
        ("ja", ("「", "」"), ("『", "』")),
    ],
)
def test_a_languages_outer_and_inner_marks(language: str, outer: tuple[str, str], inner: tuple[str, str]) -> None:
    assert quote_marks(language, 0) == outer
    assert quote_marks(language, 1) == inner
    assert quote_marks(language, 2) == outer  # a third level takes the outer ones again


@given(st.one_of(st.none(), st.text(max_size=12)), st.integers(min_value=0, max_value=6))
def test_any_language_tag_gets_a_pair_english_if_unknown(language: str | None, depth: int) -> None:
    opening, closing = quote_marks(language, depth)
    assert opening.strip() and closing.strip()
    if language is None or language.split("-")[0].lower() in ("", "xx", "qaa"):
        assert (opening, closing) == quote_marks("en", depth)
