"""A long book laid out in runs of parts, each in a process of its own, with folios that
continue from run to run.

A run's folios depend on the pages before it, which are known only once the earlier runs are
laid out; but WeasyPrint makes a page's margin boxes (heads and folios) only after the whole
document's content is paginated (weasyprint/layout/__init__.py, ``layout_document``), and a
part always opens on a recto (print.css: ``break-before: right``), so a run's pagination does
not depend on where it starts. ``deferred_folios`` therefore pauses a run's layout between
the two: it hands over the run's page count and the pages of the anchors the contents page
asks for, waits for the run's first folio, and sets every page's ``page`` counter from it
before WeasyPrint draws the margin boxes. One layout per run, with WeasyPrint drawing every
folio and head.

Guarded like the other changes (docs/architecture.md): it relies on how ``layout_document``
calls the two functions it wraps, and refuses, with ``RuntimeError``, any other WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import weasyprint
import weasyprint.layout

from .boxes import descendants
from .upstream_source import refuse_other_weasyprint

_EXPECTED_VERSIONS = frozenset({"70.0"})
_EXPECTED_SOURCE_SHA256 = {  # the function whose order of work this relies on, and the two it wraps
    "weasyprint.layout.layout_document": "a5cbf437e99caf7293e7ed2289278048bca734f7ead2e947b4e24e4a3a536dbc",
    "weasyprint.layout.page.make_all_pages": "b5e4034894841caa9581fa5d33338c71a7d8948be65618d358ab4b946f367edb",
    "weasyprint.layout.page.make_margin_boxes": "4a2d2e301eb3bc47c2812d1502d4d6ce3b65922a76e69fb45c11a5ae353198a7",
}

Ask = Callable[[list[Any]], int]  # the run's page boxes, laid out → the number of the page before its first


@contextmanager
def deferred_folios(ask: Ask) -> Iterator[None]:
    """While active, a layout stops once its pages are made and before their margin boxes,
    calls ``ask`` with the page boxes, and numbers its pages from the offset ``ask`` returns."""
    refuse_other_weasyprint(
        "builder/editions/weasyprint/parts.py",
        _EXPECTED_VERSIONS,
        _EXPECTED_SOURCE_SHA256,
        "Check that layout_document still makes every page before any margin box, and that a page's"
        " counters are still page_maker[n][3][1]; run tests/editions/test_parallel_pdf.py, then update"
        " the fingerprints.",
    )
    original_pages, original_margins = weasyprint.layout.make_all_pages, weasyprint.layout.make_margin_boxes
    laid: list[Any] = []
    offset: list[int] = []

    def make_all_pages(*args: Any, **kwargs: Any) -> Iterator[Any]:
        laid.clear()  # WeasyPrint repaginates when page-based counters ask it to: keep the last
        for page in original_pages(*args, **kwargs):
            laid.append(page)
            yield page

    def make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
        if not offset:
            offset.append(ask(laid))
            shifted: set[int] = set()
            for entry in context.page_maker:
                values = entry[3][1]
                if id(values) not in shifted and "page" in values:
                    shifted.add(id(values))
                    values["page"] = [values["page"][0] + offset[0]]
        return original_margins(context, page, state)

    weasyprint.layout.make_all_pages, weasyprint.layout.make_margin_boxes = make_all_pages, make_margin_boxes
    try:
        yield
    finally:
        weasyprint.layout.make_all_pages, weasyprint.layout.make_margin_boxes = original_pages, original_margins


def as_document(pages: list[Any]) -> Any:
    """Laid-out page boxes in the shape of a Document's pages, for the checks that read them."""
    return SimpleNamespace(pages=[SimpleNamespace(_page_box=page) for page in pages])


def stand_in_anchors(document: Any, elsewhere: set[str]) -> tuple[set[str], set[str]]:
    """The ids this part of the book holds, and those its links point to that another part
    holds (``elsewhere``: every id of the book), each given a stand-in anchor on the first
    page so that WeasyPrint writes the link (``Page.anchors`` and ``Page.links`` are its public
    attributes): the join drops the stand-ins and keeps the real anchors, so that the link, a
    named destination, leads where one layout's does. A link to an id the book does not have
    is left to WeasyPrint, which refuses it as in one layout."""
    held = {name for page in document.pages for name in page.anchors}
    targets = {target for page in document.pages for kind, target, *_ in page.links if kind == "internal"}
    stand_ins = (targets - held) & elsewhere
    if document.pages:
        for name in sorted(stand_ins):
            document.pages[0].anchors[name] = (0, 0, 0, 0)
    return held, stand_ins


def anchor_pages(pages: list[Any], wanted: set[str]) -> dict[str, int]:
    """The 1-based page of the run on which each wanted id first appears."""
    found: dict[str, int] = {}
    for number, page in enumerate(pages, start=1):
        for box in descendants(page):
            element = getattr(box, "element", None)
            if element is not None and (name := element.get("id")) in wanted and name not in found:
                found[name] = number
    return found
