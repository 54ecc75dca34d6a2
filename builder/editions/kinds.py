"""The registry of edition kinds: every kind of file a build makes, in one table.

The build (shelf/work.py), the scheduler, `folio build --format`, `folio check`, `folio
verify`, the manifest and the release workflow read this table and nothing else to learn
what a kind is called, what its file is named, how it is written and checked, which options
it takes and which kind it is made from. The templates never see a kind's name: they read
its `Capabilities` (notes that pop up or sit at the foot, links live or printed …).

A new kind is a writer module, its templates and CSS, one `Kind` below and its tests.
Writers are imported only when a file of their kind is made or checked, so that importing
this module (the command line's --help, the manifest) stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .papers import DEFAULT_PAPER
from .trims import DEFAULT_TRIM

if TYPE_CHECKING:
    from ..checks.validators import Finding
    from ..source.model import Work

Option = Literal["trim", "marks", "paper"]


@dataclass(frozen=True)
class Capabilities:
    """What a kind's pages can do, which is all the templates may ask of it."""

    notes: Literal["pop-up", "foot"]  # a call links to a note a reading system pops up, or the note floats to the page's foot
    links: Literal["live", "printed"]  # a link is followed, or its address is printed to be typed in
    reading_system: bool  # epub:type semantics (pop-ups, landmarks) for an EPUB reading system
    typeface: Literal["reader's", "ours"]  # the text is set in the reader's own typeface, or in ours
    rights_before_contents: bool  # the rights stand on the title's verso (paper), not after the text


@dataclass(frozen=True)
class Variant:
    """The options one file of a kind is made with (those its kind does not take are left at
    their defaults, so that equal files are equal variants)."""

    trim: str = DEFAULT_TRIM
    marks: bool = False
    paper: str = DEFAULT_PAPER


# A writer makes one file of its kind from the work, its variant, and the file of the kind
# it needs made first (None for a kind that needs none). Each imports its module when called.
Writer = Callable[["Work", Variant, "bytes | None"], bytes]
# A check reads a built file back; `title` is the manifest's, when there is one.
Check = Callable[[Path, "str | None"], "list[Finding]"]


@dataclass(frozen=True)
class Kind:
    name: str  # as `--format` and the manifest's "kind" name it
    suffix: str  # how its file names end, after the slug and the options
    format: str  # the file format, as the manifest's "format" records it
    media_type: str  # for the catalogue's acquisition links
    title: str  # what it is, for a reader choosing a file in the catalogue
    writer: Writer
    check: Check
    modules: tuple[str, ...]  # what the writer imports: loaded once per worker process
    options: frozenset[Option] = frozenset()
    needs: str | None = None  # the kind whose file (of the same trim) is made first and handed to the writer
    selectable: bool = True  # chosen with --format (a print cover comes with --cover instead)
    default: bool = True  # made by `folio build` with no --format
    with_needed: bool = False  # made whenever the kind it needs is (the catalogue's cover with the EPUB)
    catalogue: Literal["acquisition", "cover"] = "acquisition"  # in the release's catalogue (release/opds.py): a download, or the entry's cover
    capabilities: Capabilities | None = None  # what its templates may ask; None: not rendered from them
    zipped: bool = False  # a zip (EPUB container): `verify` checks its entry names as an unzipper meets them

    def file_name(self, slug: str, variant: Variant = Variant()) -> str:
        trim = f"-{variant.trim}" if "trim" in self.options and variant.trim != DEFAULT_TRIM else ""
        marks = "-print" if "marks" in self.options and variant.marks else ""
        return f"{slug}{trim}{marks}{self.suffix}"

    def variant(self, trim: str = DEFAULT_TRIM, marks: bool = False, paper: str = DEFAULT_PAPER) -> Variant:
        """The variant of this kind for the options given, keeping only those it takes."""
        return Variant(
            trim if "trim" in self.options else DEFAULT_TRIM,
            marks if "marks" in self.options else False,
            paper if "paper" in self.options else DEFAULT_PAPER,
        )


def _write_epub(work: Work, variant: Variant, needed: bytes | None) -> bytes:
    from .epub import write_epub

    return write_epub(work)


def _write_kepub(work: Work, variant: Variant, needed: bytes | None) -> bytes:
    from .kobo import kepub

    assert needed is not None
    return kepub(needed, work.edition_date)


def _write_catalogue_cover(work: Work, variant: Variant, needed: bytes | None) -> bytes:
    from .catalogue_cover import catalogue_cover

    assert needed is not None
    return catalogue_cover(needed)


def _write_pdf(work: Work, variant: Variant, needed: bytes | None) -> bytes:
    from .pdf import write_pdf

    return write_pdf(work, variant.trim, variant.marks)


def _write_print_cover(work: Work, variant: Variant, needed: bytes | None) -> bytes:
    from .print_cover import write_print_cover

    assert needed is not None
    return write_print_cover(work, needed, variant.paper)


def _check_epub(path: Path, title: str | None = None) -> list[Finding]:
    from ..checks.validators import epubcheck

    return epubcheck(path)


def _check_png(path: Path, title: str | None = None) -> list[Finding]:
    from ..checks.images import check_png

    return check_png(path)


def _check_pdf(path: Path, title: str | None = None) -> list[Finding]:
    from ..checks.validators import check_pdf

    return check_pdf(path, expect_title=title)


EPUB = Capabilities(notes="pop-up", links="live", reading_system=True, typeface="reader's", rights_before_contents=False)
PRINT = Capabilities(notes="foot", links="printed", reading_system=False, typeface="ours", rights_before_contents=True)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "epub", ".epub", "epub", "application/epub+zip", "EPUB 3, for most e-readers and reading apps",
            _write_epub, _check_epub, ("builder.editions.epub",), capabilities=EPUB, zipped=True,
        ),
        Kind(
            "kepub", ".kepub.epub", "kepub", "application/kepub+zip", "Kobo EPUB, for Kobo e-readers",
            _write_kepub, _check_epub, ("builder.editions.kobo",), needs="epub", zipped=True,
        ),
        Kind(
            "catalogue-cover", "-cover.png", "png", "image/png", "Cover",
            _write_catalogue_cover, _check_png, ("builder.editions.catalogue_cover",), needs="epub",
            selectable=False, default=False, with_needed=True, catalogue="cover",
        ),
        Kind(
            "pdf", ".pdf", "pdf", "application/pdf", "Typeset PDF, to read on a screen or print",
            _write_pdf, _check_pdf, ("builder.editions.pdf",), options=frozenset({"trim", "marks"}), capabilities=PRINT,
        ),
        Kind(
            "cover", "-cover.pdf", "pdf", "application/pdf", "Print cover: back, spine and front on one sheet",
            _write_print_cover, _check_pdf, ("builder.editions.print_cover",), options=frozenset({"trim", "paper"}), needs="pdf",
            selectable=False, default=False,
        ),
    )
}

FORMATS: tuple[str, ...] = tuple(name for name, kind in KINDS.items() if kind.selectable)  # what --format chooses
DEFAULT_FORMATS: tuple[str, ...] = tuple(name for name in FORMATS if KINDS[name].default)


def root(kind: Kind) -> Kind:
    """The kind a chain of "needs" starts from: the Kobo edition's is the EPUB."""
    return root(KINDS[kind.needs]) if kind.needs else kind


def kind_of_file(name: str) -> Kind | None:
    """The kind a file name says, by its longest matching suffix ("x.kepub.epub" is a Kobo
    edition, not an EPUB); None for a file of no kind. A built file's kind is recorded in the
    manifest: this is for files met without one (`folio check FILE`)."""
    matches = [kind for kind in KINDS.values() if name.endswith(kind.suffix) and len(name) > len(kind.suffix)]
    return max(matches, key=lambda kind: len(kind.suffix), default=None)
