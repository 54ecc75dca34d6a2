"""Books as `folio import` makes them, laid out in runs (editions/long_pdf.py): parts named after
their archive pages, links from one part into another (`[…](#part-7)`, in the text and in notes,
to a part and to an id set in it), notes numbered per chapter, figures; from 3 to 30 parts, and
the corpus's *Capital* imported whole. Each PDF in runs has the same text on every page, and
links to the same pages, as one layout of the book."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from PIL import Image

from builder.checks.validators import conformance
from builder.editions.pdf import write_pdf
from builder.source.loader import load_work
from tests.support.pdf_navigation import links as _links
from tests.support.pdf_navigation import outline as _outline

WORDS = [
    "the",
    "of",
    "labour",
    "value",
    "commodity",
    "money",
    "production",
    "workers",
    "wage",
    "price",
    "market",
    "society",
    "history",
    "class",
    "struggle",
    "means",
    "form",
    "exchange",
    "use",
]


def _pages(data: bytes) -> list[str]:
    """Each page's text (folios and running heads are text), read by PDFium: hundreds of pages."""
    document = pypdfium2.PdfDocument(data)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))).capitalize() + "."


def _chapter(rng: random.Random, number: int, parts: int) -> str:
    """A chapter as the import writes one: its title, a section or two, paragraphs with notes
    numbered ``[^<chapter>_<n>]``, links to other chapters (the import's ``#part-N``) and to an
    id set in another chapter, a link in a note, and now and then a figure."""
    others = [n for n in range(1, parts + 1) if n != number]
    lines = [f"# Chapter {number}", ""]
    notes: list[str] = []
    for paragraph in range(rng.randint(3, 7)):
        if paragraph % 3 == 0:
            lines += [f"## Section {paragraph // 3 + 1} of chapter {number}", ""]
        text = " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))
        if paragraph == 1:
            text = "{#" + f"point-{number}" + "}\n" + text  # an id another chapter links to
        target = number % parts + 1 if paragraph == 0 else rng.choice(others)  # the next, or the first from the last
        text += f" See [chapter {target}](#part-{target}), and [its point](#point-{target})."
        if rng.random() < 0.6:
            label = f"{number}_{len(notes) + 1}"
            text += f"[^{label}]"
            notes.append(
                f"[^{label}]: {_sentence(rng)} Compare [chapter {(target := rng.choice(others))}](#part-{target})."
            )
        lines += [text, ""]
        if rng.random() < 0.15:
            lines += [f"![A figure of chapter {number}](figure.png)", ""]
    return "\n".join(lines + notes) + "\n"


def imported_book(folder: Path, parts: int, seed: int) -> Path:
    """A source folder of ``parts`` chapters as an import of an archive book makes it."""
    rng = random.Random(seed)
    target = folder / f"imported-{parts}-parts"
    target.mkdir()
    Image.new("RGB", (600, 300), (90, 90, 90)).save(target / "figure.png")
    names = [f"ch{number:02}.md" for number in range(1, parts + 1)]
    for number, name in enumerate(names, start=1):
        (target / name).write_text(_chapter(rng, number, parts), encoding="utf-8")
    (target / "work.toml").write_text(
        f'title = "A Book of {parts} Chapters"\nauthor = "Karl Marx"\nauthor-sort = "Marx, Karl"\nlanguage = "en"\n'
        f'identifier = "urn:uuid:00000000-0000-4000-8000-{parts:012}"\n'
        f"parts = [{', '.join(repr(name) for name in names)}]\n\n"
        '[archive]\nname = "Marx/Engels Internet Archive"\nyear = 1999\n\n[rights]\nstatus = "public-domain"\n',
        encoding="utf-8",
    )
    return target


@pytest.mark.parametrize(("parts", "seed"), [(3, 1), (11, 2), (30, 3)])
def test_an_imported_book_in_runs_has_one_layouts_pages_and_links(tmp_path: Path, parts: int, seed: int) -> None:
    work = load_work(imported_book(tmp_path, parts, seed))
    single, runs = (
        write_pdf(work, "a5", runs=1),
        write_pdf(work, "a5", runs=4, jobs=2),
    )  # the runs in processes of their own
    assert _pages(runs) == _pages(single)
    links = _links(runs)
    assert links == _links(single)
    assert _outline(runs) == _outline(single)
    # Links from one run into the others, both ways, to a chapter and to an id set in it.
    across = [
        (page, name, target)
        for page, name, target in links
        if name.startswith(("part-", "point-")) and abs(target - page) > 2
    ]
    assert any(target < page for page, _, target in across) and any(target > page for page, _, target in across)
    path = tmp_path / "book.pdf"
    path.write_bytes(runs)
    assert conformance(path) == []
    if parts == 30:  # each run has font subsets of its own; all else within a fifth of one layout
        assert len(runs) - _font_bytes(runs) <= 1.2 * (len(single) - _font_bytes(single))


def _font_bytes(data: bytes) -> int:
    pdf = pikepdf.open(io.BytesIO(data))
    return sum(
        len(thing.read_raw_bytes())
        for thing in pdf.objects
        if isinstance(thing, pikepdf.Stream) and ("/Length1" in thing or thing.get("/Subtype") == pikepdf.Name.OpenType)
    )


@pytest.mark.slow(90)  # a whole book laid out twice: first, so that it never runs alone at the end
def test_capital_imported_whole_in_runs_has_one_layouts_pages(
    capital_imported: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """The corpus's *Capital*, imported from its contents page (its five chapters that are
    served, some 105,000 words and 400 A5 pages, with their notes): the run's one import of it."""
    work = load_work(capital_imported[0])
    assert len(work.parts) == 6
    single, runs = write_pdf(work, "a5", runs=1), write_pdf(work, "a5", jobs=2)  # a long book: in runs by itself
    assert len(_pages(single)) > 300
    # Letter case aside: WeasyPrint maps a glyph to the first character it set it for, and the
    # small capitals of a heading (h5) share glyphs with capitals, so that one layout reads
    # "partiCular" where a run, its glyphs first met in other words, reads "particular".
    assert [page.casefold() for page in _pages(runs)] == [page.casefold() for page in _pages(single)]
    assert _links(runs) == _links(single)
    assert len(runs) <= 1.2 * len(single)  # the runs' objects in object streams, as one layout's
    path = tmp_path / "capital.pdf"
    path.write_bytes(runs)
    assert conformance(path) == []
