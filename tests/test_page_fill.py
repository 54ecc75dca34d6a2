"""Capital's chapter 1 in every trim: long notes run on to the next page instead of pushing
their call's line (and the rest of the page) on, so no page of running text stops short.

Each trim is laid out once, as the PDF writer lays it out (builder.editions.pdf.lay_out_pdf),
measured from the boxes (builder.editions.page_fill), then written and read back: every note
opens on its call's page, none is set twice, none is lost, and every note's words come back
in order."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import Document

from builder.editions.pdf import lay_out_pdf, notes_off_their_page, notes_overrunning, trims
from builder.editions.weasyprint.page_fill import MINIMUM_FILL, running_text_fills
from builder.source.loader import load_work

from .conftest import ROOT
from .test_corpus_fidelity import PAGES, cut, exact_words
from .test_fidelity import is_subsequence
from .test_pdf import sized_pieces

CAPITAL = ROOT / "source" / "marx-1867-capital-v1-ch01-commodities"


@dataclass(frozen=True)
class Laid:
    trim: str
    document: Document
    pdf: Path


@pytest.fixture(scope="module", params=trims())
def laid(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Laid:
    document = lay_out_pdf(load_work(CAPITAL), request.param)
    path = tmp_path_factory.mktemp("fill") / f"capital-{request.param}.pdf"
    path.write_bytes(document.write_pdf())
    return Laid(request.param, document, path)


@pytest.mark.slow
def test_no_page_of_running_text_stops_short(laid: Laid) -> None:
    fills = running_text_fills(laid.document)
    assert len(fills) > 30, "the measurement must see the chapter's pages"
    short = [f"page {fill.number}: {fill.fill:.0%}" for fill in fills if fill.fill < MINIMUM_FILL]
    assert not short, f"{laid.trim}: pages of running text filled less than {MINIMUM_FILL:.0%}: {', '.join(short)}"


@pytest.mark.slow
def test_every_note_opens_on_its_calls_page_and_runs_on_in_order(laid: Laid) -> None:
    assert notes_off_their_page(laid.document) == set()
    assert notes_overrunning(laid.document) == set()
    reader = PdfReader(laid.pdf)
    calls: dict[str, list[int]] = {}
    opens: dict[str, int] = {}  # the page of a note's first line: its label, a full stop, a space
    pages = [sized_pieces(page) for page in reader.pages]
    body_size = Counter(round(size, 1) for pieces in pages for size, _ in pieces).most_common(1)[0][0]
    for number, pieces in enumerate(pages):
        for size, text in pieces:
            if size < 0.72 * body_size and " " not in text:
                calls.setdefault(text, []).append(number)
            elif size < 0.9 * body_size and (match := re.match(r"(\w+)\.(\s|$)", text)) and match.group(1) in calls:
                opens.setdefault(match.group(1), number)
    assert len(calls) == 40 and all(len(pages) == 1 for pages in calls.values()), calls
    astray = {label: (pages[0] + 1, opens[label] + 1 if label in opens else None) for label, pages in calls.items() if opens.get(label) != pages[0]}
    assert astray == {}, f"{laid.trim}: notes not opening on their call's page (call page, note page): {astray}"

    # The notes, read back at their own size (0.82 of the text's: running heads are 0.85),
    # joined across lines so that a hyphenated word is whole again.
    text = "\n".join(text.strip() for pieces in pages for size, text in pieces if 0.81 * body_size <= size <= 0.83 * body_size)
    text = re.sub(r"[-\u2010]\n", "", text).replace("\u2010", "-")
    notes = [word.replace("-", "") for word in text.split() if word.strip("-")]
    sections = cut(next(page for page in PAGES if page.slug == CAPITAL.name))
    expected_notes = [word.replace("-", "").replace("\u2010", "") for label, text in sections.notes.items() for word in exact_words(f"{label}. {text}")]
    found, where = is_subsequence([word for word in expected_notes if word], notes)
    assert found, f"{laid.trim}: the notes, read back in order: {where}"
