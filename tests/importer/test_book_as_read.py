"""An imported book read as a reader reads it: generated books whose chapter pages repeat the
book's title, subtitle, author and navigation rows at their head, number their notes from 1
and break their sections with asterisks import as one heading per part, notes numbered per
part, no furniture and nothing for `folio lint` to find; a book of eight such parts, built
once for the module, lists eight parts on its contents page, and its EPUB and PDF show note
calls as numbers and each heading once."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from builder.checks.validators import pdf_text
from builder.importer import book
from builder.importer.assemble import import_work
from builder.importer.fetch import Fetcher
from builder.importer.report import ImportReport
from builder.source.lint import lint
from builder.source.loader import load_work
from tests.conftest import EDITION_EPOCH, run_cli

NS = {"x": "http://www.w3.org/1999/xhtml"}
TITLES = [
    "Marx's Life",
    "The Marxist Doctrine",
    "Philosophical Materialism",
    "Dialectics",
    "The Materialist Conception of History",
    "The Class Struggle",
    "Marx's Economic Doctrine",
    "Socialism",
    "Tactics of the Class Struggle",
    "Bibliography",
]
WORDS = ["labour", "value", "capital", "commodity", "wages", "class", "history", "society", "production", "exchange"]
words = st.lists(st.sampled_from(WORDS), min_size=4, max_size=20).map(" ".join)


def _chapter(
    number: int, title: str, book_title: str, subtitle: str, author: str, text: list[str], notes: int, style: dict
) -> str:
    nav = f'<p class="title"><a href="../index.htm">MIA</a> &gt; <a href="index.htm">{book_title}</a> &gt; {title}</p>'
    heads = [f"<h1>{book_title}</h1>", f"<h3>{subtitle}</h3>"]
    heads.insert(0 if style["author_first"] else 2, f"<h2>{author}</h2>")
    calls = "".join(f' word<sup><a name="c{k}" href="#n{k}">[{k}]</a></sup>' for k in range(1, notes + 1))
    body = f"<p>{text[0]}{calls}.</p>" + "".join(
        f"{'<p>* * *</p>' if style['breaks'] and i == 1 else ''}<p>{paragraph}.</p>"
        for i, paragraph in enumerate(text[1:], start=1)
    )
    notes_html = (
        (
            "<h4>Notes</h4>"
            + "".join(f'<p><a name="n{k}" href="#c{k}">[{k}]</a> Note {k} of {title}.</p>' for k in range(1, notes + 1))
        )
        if notes
        else ""
    )
    foot = (
        f'<p class="footer"><a href="ch{number - 1:02}.htm">Previous</a>'
        f' | <a href="index.htm">Contents</a> | <a href="ch{number + 1:02}.htm">Next</a></p>'
    )
    return (
        f"<html><head><title>{book_title}</title></head><body>\n{nav}\n"
        f"{''.join(heads)}\n<hr>\n<{style['tag']}>{title}</{style['tag']}>\n{body}\n"
        f"{notes_html}\n{nav if style['nav_below'] else ''}{foot}</body></html>"
    )


def _write_book(
    folder: Path,
    parts: list[tuple[str, list[str], int]],
    style: dict,
    book_title: str = "Karl Marx",
    subtitle: str = "A Brief Biographical Sketch With an Exposition of Marxism",
    author: str = "V. I. Lenin",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    links = "".join(f'<p><a href="ch{n:02}.htm">{title}</a></p>' for n, (title, _, _) in enumerate(parts, start=1))
    header = (
        '<p class="information"><span class="info">Written:</span> July–November 1914<br><span class="info">'
        "Source:</span> Lenin Collected Works, Progress Publishers, 1974, Moscow, Volume 21</p>"
    )
    (folder / "index.htm").write_text(
        f'<html><head><title>{book_title}</title></head><body><p class="title">MIA &gt; {book_title}</p>'
        f"<h2>{author}</h2><h1>{book_title}</h1><h3>{subtitle}</h3>{header}{links}</body></html>",
        encoding="utf-8",
    )
    for number, (title, text, notes) in enumerate(parts, start=1):
        (folder / f"ch{number:02}.htm").write_text(
            _chapter(number, title, book_title, subtitle, author, text, notes, style), encoding="utf-8"
        )
    return folder / "index.htm"


styles = st.fixed_dictionaries(
    {
        "author_first": st.booleans(),
        "breaks": st.booleans(),
        "nav_below": st.booleans(),
        "tag": st.sampled_from(["h3", "h4", "h2"]),
    }
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    count=st.integers(min_value=2, max_value=8),
    texts=st.lists(st.lists(words, min_size=1, max_size=3), min_size=8, max_size=8),
    notes=st.lists(st.integers(min_value=0, max_value=3), min_size=8, max_size=8),
    style=styles,
)
def test_a_book_repeating_its_title_at_each_chapter_head_imports_one_heading_per_part(
    tmp_path_factory: pytest.TempPathFactory, count: int, texts: list[list[str]], notes: list[int], style: dict
) -> None:
    tmp = tmp_path_factory.mktemp("book")
    parts = [(TITLES[n], texts[n], notes[n]) for n in range(count)]
    done = import_work([str(_write_book(tmp / "km", parts, style))], tmp / "source", None, False, Fetcher(delay=0))
    work = load_work(done.folder)
    assert work.meta.title == "Karl Marx" and done.folder.name == "lenin-1914-karl-marx"  # the header's year
    assert [part.title for part in work.parts] == [title for title, _, _ in parts]
    for part, (_, _, called) in zip(work.parts, parts, strict=True):
        shown = {section.title for section in part.sections}
        assert not shown & {
            "Karl Marx",
            "V. I. Lenin",
            "A Brief Biographical Sketch With an Exposition of Marxism",
            part.title,
        }
        assert [note.number for note in part.notes.values()] == [str(k) for k in range(1, called + 1)]
        assert ("\n***\n" in part.path.read_text(encoding="utf-8")) == (
            style["breaks"] and len(parts[work.parts.index(part)][1]) > 1
        )
    assert lint(done.folder) == []
    assert "a heading the book repeats at the head of its chapters: 'Karl Marx'" in (
        done.folder / "import-report.md"
    ).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def eight(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The Karl-Marx-like book of eight parts, imported and built (EPUB and PDF) once."""
    tmp = tmp_path_factory.mktemp("eight")
    parts = [
        (title, [f"{title} opens with {WORDS[n]}", f"and goes on with {WORDS[-n - 1]}"], 2)
        for n, title in enumerate(TITLES[:8])
    ]
    done = import_work(
        [str(_write_book(tmp / "km", parts, {"author_first": True, "breaks": True, "nav_below": True, "tag": "h3"}))],
        tmp / "source",
        "karl-marx",
        False,
        Fetcher(delay=0),
    )
    result = run_cli(
        "build",
        str(done.folder),
        "--format",
        "epub",
        "--format",
        "pdf",
        "--out",
        str(tmp / "dist"),
        env=os.environ | {"SOURCE_DATE_EPOCH": EDITION_EPOCH},
    )
    assert result.returncode == 0, result.stderr
    return tmp / "dist" / "karl-marx.epub", tmp / "dist" / "karl-marx.pdf"


def test_a_book_of_eight_parts_lists_eight_parts_in_its_contents(eight: tuple[Path, Path]) -> None:
    epub, pdf = eight
    with zipfile.ZipFile(epub) as archive:
        nav = etree.fromstring(archive.read("EPUB/nav.xhtml"))
    toc = nav.find(".//x:nav[@id='toc']/x:ol", NS)
    assert toc is not None
    listed = [" ".join("".join(li.find("x:a", NS).itertext()).split()) for li in toc.findall("x:li", NS)]
    assert listed == [*TITLES[:8], "Colophon", "Rights"]
    assert not toc.findall(".//x:li[@class='section']", NS)  # no part's title, or the book's, set again inside it
    contents = pdf_text(pdf).split("Contents", 1)[1].split("Colophon", 1)[0]
    assert (
        [title for title in TITLES[:8] if title in contents] == TITLES[:8]
        and "Karl Marx" not in contents
        and "Sketch" not in contents
    )


def test_note_calls_read_as_numbers_and_headings_once_in_both_editions(eight: tuple[Path, Path]) -> None:
    epub, pdf = eight
    with zipfile.ZipFile(epub) as archive:
        pages = {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if re.fullmatch(r"EPUB/part-\d+\.xhtml", name)
        }
    assert len(pages) == 8
    for page in pages.values():
        calls = ["".join(a.itertext()) for a in page.iterfind(".//x:a[@class='noteref']", NS)]
        backs = ["".join(a.itertext()) for a in page.iterfind(".//x:a[@class='note-number']", NS)]
        assert calls == backs == ["1", "2"]
        headings = [
            " ".join("".join(h.itertext()).split())
            for h in page.iter(f"{{{NS['x']}}}h1", f"{{{NS['x']}}}h2", f"{{{NS['x']}}}h3")
        ]
        assert len(headings) == 1 and headings[0] in TITLES
        assert page.find(".//x:hr", NS) is not None  # the asterisks, a section break
    text = pdf_text(pdf)
    assert not re.search(r"\d_\d", text)  # no label made unique across parts
    body = text.split("Colophon", 1)[1]  # past the contents page
    for title in TITLES[:8]:
        assert f"Note 1 of {title}" in body and f"Note 2 of {title}" in body
    assert "Karl Marx" not in body.split("Colophon")[0] or body.count("Karl Marx") <= 20  # running heads, not headings
    assert "A Brief Biographical Sketch" not in body.split("Colophon")[0]


def test_furniture_is_what_the_book_repeats_not_a_heading_every_chapter_has() -> None:
    """ "Section 1" at the head of every chapter of Capital is the text's; the contents page's
    subtitle at the head of every chapter is the page's."""
    heads = [("Chapter One", ["## Section 1", "Words."]), ("Chapter Two", ["## Section 1", "Words."])]
    assert (
        book.shape(heads, "Capital", "Karl Marx", ["Capital", "Volume One"], collection=False).repeated == frozenset()
    )
    heads = [
        ("Karl Marx", ["## A Sketch", "## Dialectics", "Words."]),
        ("Karl Marx", ["## A Sketch", "## Socialism", "Words."]),
    ]
    shape = book.shape(heads, "Karl Marx", "V. I. Lenin", ["Karl Marx", "A Sketch"], collection=False)
    assert shape.repeated == {"karl marx", "a sketch"}
    left: list[str] = []
    assert book.chapter_heading("Dialectics", "Karl Marx", heads[0][1], shape, book.listing(left, "ch01.md")) == (
        "Dialectics",
        ["Words."],
    )
    assert len(left) == 2


@pytest.mark.parametrize(
    ("label", "title", "same"),
    [
        ("II: Proletarians and Communists", "Chapter II. Proletarians and Communists", True),
        ("What are wages?", "What are Wages? How are they Determined?", True),
        (
            "The interests of capital and wage-labor are diametrically opposed",
            "The Interests of Capital and Wage-Labour are diametrically opposed",
            True,
        ),
        ("Engels to W Borgius 25 January", "Engels to Borgius", True),
        ("Preamble", "Manifesto of the Communist Party", False),
        ("Socialism", "Dialectics", False),
    ],
)
def test_a_chapter_s_title_and_the_contents_words_for_it_are_set_once(label: str, title: str, same: bool) -> None:
    assert book.same_title(label, title) is same


def test_headings_that_are_not_the_text_s_are_tidied() -> None:
    report = ImportReport()
    blocks = [
        "## MIA > Archive > Lenin",
        "## Contents",
        "## V. I. Lenin",
        "## London, August 5, 1890",
        "Words.",
        "## \\* \\* \\*",
        "More.",
        "\\* \\* \\*",
        "Last.",
        "## Translator's notes:",
    ]
    assert book.tidy(blocks, "V. I. Lenin", book.listing(report.left_out, "text.md"), report.mapped, "text.md") == [
        "{.dateline}\nLondon, August 5, 1890",
        "Words.",
        "***",
        "More.",
        "***",
        "Last.",
    ]
    assert len(report.left_out) == 4 and "Translator's notes:" in report.left_out[-1]
    assert book.unheaded(["### Part I", "## Section 1", "Words."], report.mapped, "ch01.md") == [
        "Part I",
        "## Section 1",
        "Words.",
    ]


# -- in print: a section break keeps with the text after it ------------------------------------


def _rules_at_the_foot(pdf: Path) -> list[int]:
    """The pages whose last thing above the folio is a rule (a section break): its text ends
    above the rule."""
    import pypdfium2
    import pypdfium2.raw as raw

    lone = []
    document = pypdfium2.PdfDocument(pdf)
    try:
        for number, page in enumerate(document, start=1):
            rules, text = [], []
            for obj in page.get_objects():
                left, bottom, right, top = obj.get_bounds()
                if obj.type == raw.FPDF_PAGEOBJ_PATH and top - bottom < 3 and right - left > 20:
                    rules.append(bottom)
                elif obj.type == raw.FPDF_PAGEOBJ_TEXT and bottom > 60:  # above the folio
                    text.append(bottom)
            if text and any(rule < min(text) for rule in rules):
                lone.append(number)
    finally:
        document.close()
    return lone


def test_a_section_break_never_stands_alone_at_a_page_s_foot(tmp_path: Path) -> None:
    """Twelve parts of generated paragraphs with a break after every fourth: without the print
    stylesheet's rule eight breaks fall at a page's foot; with it, none."""
    import random

    chance = random.Random(3)
    folder = tmp_path / "breaks"
    folder.mkdir()
    files = []
    for k in range(1, 13):
        blocks = [f"# Part {k}"]
        for i in range(8 + k):
            blocks.append(" ".join(chance.choice(WORDS) for _ in range(chance.randint(30, 80))).capitalize() + ".")
            if i % 4 == 3:
                blocks.append("***")
        blocks.append(" ".join(chance.choice(WORDS) for _ in range(chance.choice([8, 15, 30]))).capitalize() + ".")
        (folder / f"p{k}.md").write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
        files.append(f'"p{k}.md"')
    (folder / "work.toml").write_text(
        'title = "Breaks"\nauthor = "Ann Smith"\nauthor-sort = "Smith, Ann"\nlanguage = "en"\n'
        f'identifier = "urn:uuid:00000000-0000-4000-8000-000000000002"\nparts = [{", ".join(files)}]\n\n'
        '[archive]\nname = "Marxists Internet Archive"\n\n[rights]\nstatus = "public-domain"\n',
        encoding="utf-8",
    )
    result = run_cli(
        "build",
        str(folder),
        "--format",
        "pdf",
        "--out",
        str(tmp_path / "dist"),
        env=os.environ | {"SOURCE_DATE_EPOCH": EDITION_EPOCH},
    )
    assert result.returncode == 0, result.stderr
    assert _rules_at_the_foot(tmp_path / "dist" / "breaks.pdf") == []
