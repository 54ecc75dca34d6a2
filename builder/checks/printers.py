"""A printer's files read back as the printer's own preflight reads them: PDF/X identified,
its output intent, every page's TrimBox and BleedBox, no RGB where grey or CMYK is asked,
every font embedded, the page count and size the service takes, and what the service asks
beyond PDF/X (no bookmarks, links or annotations for KDP; a blank last page for IngramSpark).
A cover is checked against its interior: its size is the service's spine formula's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..editions.pdf_fonts import pdf_dictionary, unembedded_fonts
from ..editions.printers import PRINTERS, Printer
from ..paths import shown_path
from .validators import Finding

_RGB_OPERATORS = {b"rg", b"RG"}
_PAINTING = {b"Tj", b"TJ", b"'", b'"', b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*", b"Do", b"sh"}
MM = 72 / 25.4


def check_printer_interior(path: Path, expect_title: str | None = None) -> list[Finding]:
    """A printer's interior as built, its printer named in its file name (before the suffix)."""
    from ..editions.kinds import kind_of_file

    kind = kind_of_file(path.name)
    printer = path.name.removesuffix(kind.suffix if kind else ".pdf").rsplit("-", 1)[-1]
    if printer not in PRINTERS:
        return [Finding(shown_path(path), "P062", f"the file name names no printer ({', '.join(PRINTERS)})")]
    return check_printer_pdf(path, printer)


def check_printer_cover(path: Path, expect_title: str | None = None) -> list[Finding]:
    """A printer's cover as built, beside the interior it is made from (the same stem: the
    slug, the trim and the printer)."""
    from ..editions.kinds import KINDS, kind_of_file

    kind = kind_of_file(path.name)
    if kind is None or kind.needs is None:
        return [Finding(shown_path(path), "P068", "not named as a printer's cover")]
    stem = path.name.removesuffix(kind.suffix)
    printer = stem.rsplit("-", 1)[-1]
    interior = path.with_name(stem + KINDS[kind.needs].suffix)
    if printer not in PRINTERS:
        return [Finding(shown_path(path), "P062", f"the file name names no printer ({', '.join(PRINTERS)})")]
    if not interior.is_file():
        return [Finding(shown_path(path), "P068", f"no interior beside the cover to measure it by ({interior.name})")]
    return check_printer_pdf(path, printer, interior)


def check_printer_pdf(path: Path, printer: str, interior: Path | None = None) -> list[Finding]:
    """Check a printer's interior (`interior` None) or cover (beside its `interior`)."""
    from pypdf import PdfReader

    shown = shown_path(path)
    chosen = PRINTERS[printer]
    try:
        reader = PdfReader(path, strict=True)
        found = (
            _pdfx(reader, chosen, cover=interior is not None)
            + _boxes(reader)
            + _colours(reader, "cmyk" if interior is not None else "grey")
        )
        found += [f"font not embedded: {name}" for name in sorted(unembedded_fonts(reader))]
        found += _cover(reader, chosen, PdfReader(interior)) if interior is not None else _interior(reader, chosen)
    except Exception as error:  # a damaged file raises many kinds of error, wherever it is read
        return [Finding(shown, "P100", f"cannot be read as a PDF: {error}")]
    return [Finding(shown, code, message) for code, message in (_code(item) for item in found)]


def _code(item: str) -> tuple[str, str]:
    for prefix, code in (
        ("font", "P065"),
        ("PDF/X", "P062"),
        ("output intent", "P062"),
        ("page ", "P063"),
        ("RGB", "P064"),
        ("the book", "P066"),
        ("KDP", "P067"),
        ("the cover", "P068"),
    ):
        if item.startswith(prefix):
            return code, item
    return "P062", item


def _pdfx(reader: Any, printer: Printer, cover: bool) -> list[str]:
    variant = printer.cover if cover else printer.interior
    wanted = {"pdf/x-4": "PDF/X-4", "pdf/x-1a": "PDF/X-1a:2003"}[variant]
    metadata = reader.root_object.get("/Metadata")
    xmp = metadata.get_object().get_data().decode("utf-8", "replace") if metadata is not None else ""
    found = [] if wanted in xmp else [f"PDF/X: the metadata does not say {wanted}"]
    if variant == "pdf/x-1a" and str((reader.metadata or {}).get("/GTS_PDFXVersion")) != wanted:
        found.append(f"PDF/X: the document information does not say {wanted} (GTS_PDFXVersion)")
    intents = reader.root_object.get("/OutputIntents") or []
    pdfx = [intent.get_object() for intent in intents if intent.get_object().get("/S") == "/GTS_PDFX"]
    if len(pdfx) != 1:
        return [*found, "output intent: no PDF/X output intent (GTS_PDFX)"]
    profile = pdfx[0].get("/DestOutputProfile")
    if profile is not None:
        components = int(profile.get_object().get("/N", 0))
        if components != (4 if cover else 1) and not (components == 4 and variant == "pdf/x-1a"):
            found.append(f"output intent: its profile has {components} components, not {'CMYK' if cover else 'grey'}")
    elif variant == "pdf/x-4" or str(pdfx[0].get("/RegistryName", "")) != "http://www.color.org":
        found.append("output intent: no profile embedded, and no registered condition named")
    if variant == "pdf/x-1a" and any("/Group" in page or _has_transparency(page) for page in reader.pages):
        found.append("PDF/X: transparency, which PDF/X-1a does not allow")
    return found


def _has_transparency(page: Any) -> bool:
    xobjects = pdf_dictionary(pdf_dictionary(page.get("/Resources")).get("/XObject"))
    return any("/Group" in xobject.get_object() or "/SMask" in xobject.get_object() for xobject in xobjects.values())


def _boxes(reader: Any) -> list[str]:
    found = []
    sizes = set()
    for number, page in enumerate(reader.pages, start=1):
        if "/TrimBox" not in page or "/BleedBox" not in page:
            found.append(f"page {number} has no {'TrimBox' if '/TrimBox' not in page else 'BleedBox'}")
            continue
        trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
        if not (
            media.left <= bleed.left <= trim.left
            and trim.right <= bleed.right <= media.right
            and media.bottom <= bleed.bottom <= trim.bottom
            and trim.top <= bleed.top <= media.top
        ):
            found.append(f"page {number}: the TrimBox is not inside the BleedBox, or the BleedBox not inside the page")
        sizes.add((round(float(trim.width) / MM, 1), round(float(trim.height) / MM, 1)))
    if len(sizes) > 1:
        found.append(f"page sizes differ: {', '.join(f'{w:g} × {h:g} mm' for w, h in sorted(sizes))}")
    return found


def _colours(reader: Any, asked: str) -> list[str]:
    """RGB in a file where grey (an interior) or CMYK (a cover) is asked: colour operators,
    colour spaces and images."""
    from pypdf.generic import ContentStream

    allowed = {"/DeviceGray"} if asked == "grey" else {"/DeviceGray", "/DeviceCMYK"}
    found: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        streams = [page]
        xobjects = pdf_dictionary(pdf_dictionary(page.get("/Resources")).get("/XObject"))
        for xobject in xobjects.values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Image":
                space = xobject.get("/ColorSpace")
                if str(space) not in allowed:
                    found.append(f"RGB or other colour in an image on page {number} ({space}), where {asked} is asked")
            elif xobject.get("/Subtype") == "/Form":
                streams.append(xobject)
        for stream in streams:
            contents = stream.get_contents() if stream is page else stream
            if contents is None:
                continue
            for _, operator in ContentStream(contents, reader).operations:
                if operator in _RGB_OPERATORS:
                    found.append(f"RGB colour drawn on page {number}, where {asked} is asked")
                    break
        spaces = pdf_dictionary(pdf_dictionary(page.get("/Resources")).get("/ColorSpace"))
        for name, space in spaces.items():
            space = space.get_object()
            if (
                isinstance(space, list)
                and space
                and space[0] == "/ICCBased"
                and int(space[1].get_object().get("/N", 0)) == 3
            ):
                continue  # declared, but drawn with only if an operator above uses it
            if str(space) == "/DeviceRGB":
                found.append(f"RGB colour space {name} on page {number}, where {asked} is asked")
    return list(dict.fromkeys(found))


def _interior(reader: Any, printer: Printer) -> list[str]:
    pages = len(reader.pages)
    found = []
    if pages < printer.min_pages:
        found.append(f"the book has {pages} pages; {printer.service} prints {printer.min_pages} or more")
    if any("/Annots" in page for page in reader.pages):
        found.append(
            "KDP: the interior has links or annotations" if printer.bare else "PDF/X: links or annotations on the pages"
        )
    if printer.bare and "/Outlines" in reader.root_object:
        found.append("KDP: the interior has bookmarks")
    if printer.last_page_blank:
        if pages % 2:
            found.append(f"the book has an odd number of pages ({pages}); {printer.service} asks for an even one")
        if _draws(reader, reader.pages[-1]):
            found.append(f"the book's last page is not blank, as {printer.service} asks")
    return found


def _draws(reader: Any, page: Any) -> bool:
    from pypdf.generic import ContentStream

    contents = page.get_contents()
    return contents is not None and any(
        operator in _PAINTING for _, operator in ContentStream(contents, reader).operations
    )


def _cover(reader: Any, printer: Printer, interior: Any) -> list[str]:
    from ..editions.cover_sheet import Sheet
    from ..editions.printers import IN_MM

    pages = len(interior.pages)
    box = interior.pages[0].trimbox
    found = []
    page = reader.pages[0]
    width, height = float(page.trimbox.width) / MM, float(page.trimbox.height) / MM
    fits = []
    for paper in printer.spine_per_page_in or {"white": 0, "cream": 0}:
        sheet = Sheet(
            round(float(box.width) / MM, 2),
            round(float(box.height) / MM, 2),
            pages + pages % 2,
            printer.paper(paper),
            extra=round(printer.spine_extra_in * IN_MM, 3),
        )
        fits.append(abs(sheet.width - width) < 0.1 and abs(sheet.height - height) < 0.1)
    if not any(fits):
        found.append(
            f"the cover is {width:.1f} × {height:.1f} mm, not "
            f"{printer.service}'s size for the {pages}-page interior beside it"
        )
    return found
