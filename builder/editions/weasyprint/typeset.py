"""How every edition runs WeasyPrint: through the sandboxed fetcher, with its errors made
build failures rather than log lines, and with the footnote fix applied."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from weasyprint import HTML, Document
from weasyprint.urls import FatalURLFetchingError

from ...errors import BuildError
from ...paths import BUILTIN_STYLES
from ...source.model import Work
from .actual_text import apply as give_complex_scripts_their_text
from .footnotes import apply as keep_footnotes_on_their_page
from .note_split import apply as let_long_notes_run_on
from .sandbox import SandboxedFetcher


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint(work: Work, what: str) -> Iterator[None]:
    """WeasyPrint logs a stylesheet it cannot read or a font it cannot load, and goes on;
    a book set without its stylesheet is not a book, so any such error fails the build,
    as does a resource the sandboxed fetcher refuses."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield
    except FatalURLFetchingError as error:
        cause = error.__cause__ or error
        raise BuildError(
            work.folder,
            f"{what}: refused to read {cause}",
            hint="a build reads only styles/, the work's folder and the font package",
            code="P002",
        ) from None
    finally:
        logger.removeHandler(handler)
    if handler.messages:
        raise BuildError(
            work.folder,
            f"{what}: WeasyPrint: {handler.messages[0]}",
            hint="check styles/ and the text for the resource named",
            code="P001",
        )


def layout(html: str, work: Work, what: str, **options: Any) -> Document:
    """Lay out an HTML document of the template layer into pages."""
    keep_footnotes_on_their_page()
    let_long_notes_run_on()
    with _weasyprint(work, what):
        return HTML(
            string=html, base_url=BUILTIN_STYLES.as_uri() + "/", url_fetcher=SandboxedFetcher(work.folder)
        ).render(**options)


def write(document: Document, work: Work, what: str, **options: Any) -> bytes:
    give_complex_scripts_their_text()  # the text is drawn as the PDF is written
    with _weasyprint(work, what):
        return document.write_pdf(**options)


def typeset(html: str, work: Work, what: str, **options: Any) -> bytes:
    """Typeset an HTML document of the template layer into PDF bytes."""
    return write(layout(html, work, what, **options), work, what, **options)
