"""Two constructs of the source format the import writes: a heading set on two lines (a
backslash at the heading line's end, as in a paragraph) and a run's direction (`{dir=rtl}`
beside its `{lang=…}`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.errors import SourceError
from builder.source.text import MD, parse_part

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
LINE = st.lists(WORD, min_size=1, max_size=4).map(" ".join)


def _part(tmp_path: Path, text: str):
    path = tmp_path / "text.md"
    path.write_text(text, encoding="utf-8")
    return parse_part(path, "text.md", "text")


@given(level=st.integers(2, 6), lines=st.lists(LINE, min_size=2, max_size=3), after=LINE)
def test_a_heading_line_ending_in_a_backslash_goes_on_to_the_next(level: int, lines: list[str], after: str) -> None:
    source = f"{'#' * level} " + "\\\n".join(lines) + f"\n{after}\n"
    html = MD.render(source)
    # Its lines, with a break between; the line after the last (no backslash) is a paragraph.
    assert html == f"<h{level}>" + "<br />\n".join(lines) + f"</h{level}>\n<p>{after}</p>\n"


def test_the_contents_read_a_two_line_heading_as_one_line(tmp_path: Path) -> None:
    part = _part(
        tmp_path,
        "# Title\n\n## Part I\\\nTHE COMMODITY\n\ntext\n\n## Chapter 1.\\\nThe Start\n\nmore\n\n"
        "## THE TWO-FOLD CHARACTER OF\\\nTHE LABOUR\n\nmore\n",
    )
    # A label above its title is joined by a colon; a line broken mid-phrase, by a space.
    assert [section.title for section in part.sections] == [
        "Part I: THE COMMODITY",
        "Chapter 1. The Start",
        "THE TWO-FOLD CHARACTER OF THE LABOUR",
    ]


def test_an_escaped_backslash_ends_a_heading(tmp_path: Path) -> None:
    html = MD.render("## a path C:\\\\\nnext\n")
    assert html.startswith("<h2>a path C:\\</h2>") and "<p>next</p>" in html


@given(direction=st.sampled_from(["rtl", "ltr", "auto"]), lang=st.sampled_from(["ar", "he", "fa", "en"]))
def test_a_run_or_block_keeps_its_direction(
    tmp_path_factory: pytest.TempPathFactory, direction: str, lang: str
) -> None:
    folder = tmp_path_factory.mktemp("dir")
    part = _part(
        folder, f"# Title\n\n{{lang={lang} dir={direction}}}\nwords\n\nand [words]{{lang={lang} dir={direction}}}\n"
    )
    assert part.title == "Title"
    html = MD.render(f"[words]{{lang={lang} dir={direction}}}")
    assert f'dir="{direction}"' in html


def test_a_direction_no_reader_knows_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as raised:
        _part(tmp_path, "# Title\n\n[words]{dir=sideways}\n")
    assert raised.value.code == "S023" and "dir=rtl" in str(raised.value.hint)


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (
            ["The Interests of Capital and Wage-Labour are diametrically opposed", "Effect of growth of Capital"],
            "The Interests of Capital and Wage-Labour are diametrically opposed: Effect of growth of Capital",
        ),
        (["Первая глава", "Товар"], "Первая глава: Товар"),  # two phrases in any script
        (
            ["THE FETISHISM OF COMMODITIES", "AND THE SECRET THEREOF"],
            "THE FETISHISM OF COMMODITIES AND THE SECRET THEREOF",
        ),
        (["Of the Division", "of Labour"], "Of the Division of Labour"),  # goes on in lower case
        (["The Working Day.", "Its Limits"], "The Working Day. Its Limits"),  # ends in its own stop
    ],
)
def test_two_titles_on_two_lines_read_as_two_phrases_one_broken_phrase_as_one(
    tmp_path: Path, lines: list[str], title: str
) -> None:
    part = _part(tmp_path, "# Title\n\n## " + "\\\n".join(lines) + "\n\ntext\n")
    assert [section.title for section in part.sections] == [title]
