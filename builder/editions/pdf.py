"""The PDF writer: the model through the shared templates, typeset by WeasyPrint.

All layout lives in styles/print.css and styles/trims/; this module only chooses the trim,
the crop marks and the PDF variant.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import lxml.html
import pydyf

from ..errors import BuildError
from ..source.glyphs import described, missing_glyphs
from ..source.model import Work
from .capabilities import Capabilities
from .kinds import Kind, RenderContext
from .long_pdf import Unsettled
from .pdf_fonts import fill_empty_mappings, strays, written_fonts
from .templates import render_page
from .trims import BLEED_MM, DEFAULT_TRIM, trims
from .weasyprint.boxes import descendants, footnote_area, page_box, text_bottom
from .weasyprint.pdfa_ua import OPTIONS as ARCHIVAL
from .weasyprint.pdfa_ua import finisher as archival_finisher
from .weasyprint.typeset import layout, write

if TYPE_CHECKING:  # WeasyPrint itself loads through .weasyprint, which spares it a library search
    from weasyprint import Document

KIND = Kind(
    name="pdf",
    suffix=".pdf",
    format="pdf",
    media_type="application/pdf",
    title="Typeset PDF, to read on a screen or print",
    check="builder.checks.validators:check_pdf",
    options=frozenset({"trim", "marks"}),
    capabilities=Capabilities(
        notes="foot", links="printed", reading_system=False, typeface="ours", rights_before_contents=True
    ),
)

RUNS_FROM_WORDS = 60_000  # a book this long is laid out in runs of parts, on every core (long_pdf.py)
RUNS = 4  # the runs of such a book: a number of the work's, never of the machine's, so its bytes are too


def make(context: RenderContext) -> bytes:
    """One file of this kind (the registry's writer: kinds.py)."""
    return write_pdf(context.work, context.variant.trim, context.variant.marks, jobs=context.jobs)


def write_pdf(
    work: Work, trim: str = DEFAULT_TRIM, marks: bool = False, runs: int | None = None, jobs: int | None = None
) -> bytes:
    """The print edition as PDF bytes. A long book of several parts is laid out in ``runs``
    runs of parts (by default RUNS), at once if ``jobs`` (by default the cores there are) is
    more than one; the bytes depend on neither the cores nor the jobs, only on the work."""
    if runs is None:
        runs = RUNS if work.words >= RUNS_FROM_WORDS else 1
    runs = min(runs, len(work.parts))
    if runs > 1:
        try:
            return _write_in_runs(work, trim, marks, runs, (jobs or len(os.sched_getaffinity(0))) > 1)
        except Unsettled:
            pass  # the contents page's numbers changed its length (never seen): one layout, as before
    return write_archival(lay_out_pdf(work, trim, marks), work, f"{trim} PDF", bleed=marks)


def _write_in_runs(work: Work, trim: str, marks: bool, runs: int, at_once: bool) -> bytes:
    from .long_pdf import Denser, write_in_runs

    what, options = f"{trim} PDF", archival_options(work)
    images = work.folder.as_uri() + "/"

    def render(dense: set[str]) -> str:
        return render_page(
            "pdf/book.html", work, KIND.capabilities, trim=trim, marks=marks, hrefs=None, dense=dense, images=images
        )

    html = render(set())
    try:
        return write_in_runs(
            work,
            what,
            options,
            lambda dense: render(dense) if dense else html,
            lambda document: notes_off_their_page(document) | notes_overrunning(document),
            lambda document: write_archival(document, work, what, bleed=marks),
            runs,
            at_once,
            beside=lambda text: _refuse_missing_glyphs(work, what, text),  # while the runs lay out
        )
    except Denser as still:
        raise _note_astray(work, what, still.labels) from None


def archival_options(work: Work) -> dict[str, Any]:
    """WeasyPrint's options for every PDF of a work, the book's and its cover's: PDF/A-2u and
    PDF/UA-1 at once (weasyprint/pdfa_ua.py), identified by the work's identifier."""
    return {**ARCHIVAL, "pdf_identifier": work.meta.identifier.encode()}


def write_archival(document: Document, work: Work, what: str, bleed: bool) -> bytes:
    """A laid-out document (the book, or its cover) as PDF/A-2u and PDF/UA-1 bytes, with a
    declared bleed if asked for; refused if any of it is set in a font not the book's (P004)."""
    fonts: set[str] = set()
    pdf = write(document, work, what, finisher=_finisher(work, bleed, fonts), **archival_options(work))
    if stray := strays(fonts):
        raise BuildError(
            work.folder, f"{what}: set partly in {', '.join(sorted(stray))}, not in the book's typefaces", code="P004"
        )
    return pdf


def lay_out_pdf(work: Work, trim: str = DEFAULT_TRIM, marks: bool = False) -> Document:
    """The print edition laid out in pages, every note starting on its call's page."""
    if trim not in trims():
        raise ValueError(f"unknown trim {trim!r}; styles/trims has {', '.join(trims())}")
    what, options = f"{trim} PDF", archival_options(work)
    images = work.folder.as_uri() + "/"  # the base of the work's own image files
    html = render_page(
        "pdf/book.html", work, KIND.capabilities, trim=trim, marks=marks, hrefs=None, dense=set(), images=images
    )
    _refuse_missing_glyphs(work, what, html)
    document = layout(html, work, what, **options)
    if astray := notes_off_their_page(document) | notes_overrunning(document):
        # A long note starts on its call's page and runs on at the foot of as many pages as
        # it needs (weasyprint/note_split.py), but it cannot start there if that page cannot
        # take two of its lines. Such notes are set denser (print.css, .footnote.dense), and
        # if one still does not start on its call's page, the build says so.
        html = render_page(
            "pdf/book.html", work, KIND.capabilities, trim=trim, marks=marks, hrefs=None, dense=astray, images=images
        )
        document = layout(html, work, what, **options)
        if still := notes_off_their_page(document) | notes_overrunning(document):
            raise _note_astray(work, what, still)
    return document


def _refuse_missing_glyphs(work: Work, what: str, html: str) -> None:
    """P003, a failure of the PDF alone: the build still makes the work's other editions
    (shelf/work.py's PRINT_ONLY), whose reading systems bring their own fonts."""
    if missing := missing_glyphs(lxml.html.fromstring(html).text_content()):
        raise BuildError(
            work.folder,
            f"{what}: the book's typefaces have no glyph for {described(missing)}; its other editions are made",
            hint="replace the characters, or add a typeface that has "
            "them to styles/typefaces.toml and styles/scripts.css",
            code="P003",
        )


def _note_astray(work: Work, what: str, labels: set[str]) -> BuildError:
    note = next(note for note in work.notes if note.label == sorted(labels)[0])
    part = next(part for part in work.parts if note.label in part.notes)
    return BuildError(
        part.path,
        f"{what}: note [^{note.label}] cannot start on the page of its call (no room there for two of its lines)",
        line=note.line,
        hint="shorten or split the note, or choose a larger trim",
        code="P005",
    )


def notes_off_their_page(document: Document) -> set[str]:
    """Labels of the notes not set on the page that calls them, read from the laid-out boxes:
    a footnote's call is an inline box in the text, the note a block box in the page's
    footnote area, both of the same element."""
    from weasyprint.formatting_structure.boxes import BlockBox

    call_page: dict[str, int] = {}
    note_page: dict[str, int] = {}

    for number, page in enumerate(document.pages):
        for box in descendants(page_box(page)):
            element = getattr(box, "element", None)
            if element is not None and "footnote" in (element.get("class") or "").split():
                (note_page if isinstance(box, BlockBox) else call_page).setdefault(element.get("data-label"), number)
    return {label for label, number in call_page.items() if note_page.get(label) != number}


def notes_overrunning(document: Document) -> set[str]:
    """Labels of the notes in a footnote area that rises above its page's text block or
    over the page's last line of text: notes that did not keep to their share of the page."""
    labels: set[str] = set()
    for page in document.pages:
        box = page_box(page)
        area = footnote_area(box)
        if area is None:
            continue
        if area.position_y < box.content_box_y() - 0.01 or text_bottom(box) > area.position_y + 0.01:
            labels |= {note.element.get("data-label") for note in area.children if note.element is not None}
    return labels


def _finisher(work: Work, bleed: bool, fonts: set[str]) -> Any:
    """`fonts` is filled in with the base font names written."""
    archival = archival_finisher(work.meta.identifier)

    def finish(document: Any, pdf: pydyf.PDF) -> None:
        archival(document, pdf)
        fill_empty_mappings(pdf)
        fonts.update(written_fonts(pdf))
        if bleed:
            declare_bleed(pdf)

    return finish


def declare_bleed(pdf: pydyf.PDF) -> None:
    """Set each page's BleedBox to the trim plus BLEED_MM (WeasyPrint sets it to at most
    10 pt inside its larger CSS bleed area, which print-marks.css widens for the marks)."""
    bleed = BLEED_MM * 72 / 25.4
    for page in pdf.objects:
        if isinstance(page, pydyf.Dictionary) and page.get("Type") == "/Page" and "TrimBox" in page:
            left, top, right, bottom = page["TrimBox"]
            page["BleedBox"] = pydyf.Array([left - bleed, top - bleed, right + bleed, bottom + bleed])
