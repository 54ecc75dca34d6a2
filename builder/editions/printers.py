"""Printers' profiles: the interior and the cover each print-on-demand service asks for.

The archival PDF (PDF/UA-1 and PDF/A-2u) is for readers and archives; a printer wants PDF/X,
whose colour rules the archival file's sRGB output intent and tags do not meet, so a
printer's files are files of their own, laid out exactly as the archival PDF (the same
pages, the same folios) and written as:

- the **interior**: PDF/X-4 with a grey output intent (Folio's own monochrome printer
  profile, below), or PDF/X-1a:2003 where the service asks for it (IngramSpark), with the
  registered CMYK press condition CGATS TR 001 (SWOP) as its intent; every colour drawn in
  DeviceGray, which both accept;
- the **cover**: PDF/X-1a:2003 in DeviceCMYK for every service (the PDF/X each of them takes
  for covers, and the one that needs no embedded CMYK profile), sized by the service's own
  spine formula, with spine text only from the page count it allows, and a clear white area
  for the barcode on the back (styles/print-cover.css).

WeasyPrint 70 writes PDF/X's XMP with a random DocumentID (`xmp.did:` and `uuid4()`, in
`weasyprint.pdf.metadata.DocumentMetadata.generate_rdf_metadata`; upstream Kozea/WeasyPrint
#640, PDF/X compliance, open): the finisher here replaces it by one derived from the work's
identifier and the pages' content, guarded like the changes in weasyprint/ (it refuses any
other WeasyPrint, or a changed source of the functions it relies on). The dates are the
edition's (the templates' dcterms lines), which WeasyPrint's PDF/X writer then takes instead
of the local time.
"""

from __future__ import annotations

import hashlib
import re
import struct
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pydyf

from ..errors import BuildError
from .papers import DEFAULT_PAPER, Paper, papers

if TYPE_CHECKING:  # the command line reads PRINTERS for its help: nothing heavier than pydyf
    from ..source.model import Work

IN_MM = 25.4
Variant = Literal["pdf/x-4", "pdf/x-1a"]


@dataclass(frozen=True)
class Printer:
    """What one service asks of a book's files."""

    name: str  # as --printer names it
    service: str  # for the docs and the messages
    interior: Variant
    # The spine: inches a page on each paper (None: the paper table's), and inches added
    # for the cover's board or glue.
    spine_per_page_in: dict[str, float] | None = None
    spine_extra_in: float = 0.0
    min_pages: int = 0  # fewer pages and the service refuses the book
    spine_text_from_pages: int = 0  # fewer pages and the spine carries no text
    bare: bool = False  # no bookmarks in the interior (nor links or annotations, which no printer's interior has)
    last_page_blank: bool = False  # the interior ends on a blank page, and has an even count

    @property
    def cover(self) -> Variant:
        return "pdf/x-1a"

    def paper(self, key: str = DEFAULT_PAPER) -> Paper:
        """The paper `key` as this service measures its thickness."""
        table = papers()
        if key not in table:
            raise ValueError(f"unknown paper {key!r}; styles/papers.toml has {', '.join(table)}")
        if self.spine_per_page_in is None:
            return table[key]
        if key not in self.spine_per_page_in:
            raise ValueError(f"{self.service} prints on {', '.join(self.spine_per_page_in)} paper, not {key}")
        return Paper(table[key].name, self.spine_per_page_in[key] * IN_MM)


PRINTERS: dict[str, Printer] = {
    printer.name: printer
    for printer in (
        # Amazon KDP's paperback cover calculator: 0.002252 in a page on white paper, 0.0025 in
        # on cream; at least 24 pages; spine text from 80 pages; interiors without bookmarks,
        # links or annotations.
        Printer("kdp", "Amazon KDP", "pdf/x-4", {"white": 0.002252, "cream": 0.0025}, 0.0, 24, 80, bare=True),
        # IngramSpark asks for PDF/X-1a, an even page count and a blank last page; its spine
        # calculator is not published as a formula, so the paper table's thickness is used.
        Printer("ingram", "IngramSpark", "pdf/x-1a", None, 0.0, 18, 0, last_page_blank=True),
        # Lulu's spine: pages / 444 + 0.06 in, on either paper; at least 32 pages.
        Printer("lulu", "Lulu", "pdf/x-4", {"white": 1 / 444, "cream": 1 / 444}, 0.06, 32, 0),
        # Any other printer taking PDF/X-4: the paper table, no minimum.
        Printer("generic", "a printer taking PDF/X-4", "pdf/x-4"),
    )
}


def printer(name: str) -> Printer:
    if name not in PRINTERS:
        raise ValueError(f"unknown printer {name!r}; known: {', '.join(PRINTERS)}")
    return PRINTERS[name]


# -- writing ----------------------------------------------------------------------------------

# The last interior laid out, kept for the next printer's file of the same work and trim: a
# build for several printers lays the book out once (writing a PDF leaves the pages as they were).
_LAID_OUT: list[tuple[Work, str, Any]] = []


def write_interior(work: Work, trim: str, name: str) -> bytes:
    """The interior for printer `name`: the print edition's pages, as PDF/X."""
    from .pdf import lay_out_pdf
    from .weasyprint.typeset import write

    chosen = printer(name)
    if not (_LAID_OUT and _LAID_OUT[0][0] is work and _LAID_OUT[0][1] == trim):
        _LAID_OUT[:] = [(work, trim, lay_out_pdf(work, trim))]
    document = _LAID_OUT[0][2]
    pages = len(document.pages)
    if pages < chosen.min_pages:
        raise BuildError(
            work.folder,
            f"the {trim} interior has {pages} pages; {chosen.service} prints books of {chosen.min_pages} pages or more",
            hint="choose a smaller trim, another printer (--printer "
            "generic), or print the work in a volume with others",
            code="P061",
        )
    what = f"{trim} interior for {chosen.service}"
    return write(
        document,
        work,
        what,
        finisher=finisher(work, chosen.interior, "grey", chosen),
        **pdfx_options(work, chosen.interior),
    )


def write_cover(work: Work, interior: bytes, paper: str, name: str) -> bytes:
    """The cover for printer `name`, sized from its interior `interior` by its spine formula."""
    from .cover_sheet import Sheet, interior_measures
    from .print_cover import typeset_cover
    from .weasyprint.typeset import write

    chosen = printer(name)
    pages, (width, height) = interior_measures(interior)
    sheet = Sheet(
        width,
        height,
        pages + pages % 2,
        chosen.paper(paper),
        extra=round(chosen.spine_extra_in * IN_MM, 3),
        spine_text_from=chosen.spine_text_from_pages,
    )
    what = f"cover for {chosen.service}"
    return typeset_cover(
        work,
        sheet,
        lambda document: write(
            document,
            work,
            what,
            finisher=finisher(work, chosen.cover, "cmyk", bleed=True),
            **pdfx_options(work, chosen.cover),
        ),
    )


# The registered press condition a PDF/X-1a file's output intent names (no profile embedded).
SWOP = {
    "OutputConditionIdentifier": "CGATS TR 001",
    "RegistryName": "http://www.color.org",
    "Info": "U.S. Web Coated (SWOP) v2",
}
GREY_CONDITION = "Folio grey, black ink on uncoated paper"

_EXPECTED_VERSIONS = {"weasyprint": "70.0", "pydyf": "0.13.0"}
_EXPECTED_SOURCE_SHA256 = {  # what the finisher relies on: the XMP's DocumentID, the dates' source
    "weasyprint.pdf.metadata.DocumentMetadata.generate_rdf_metadata": (
        "bc3e78ab24f1a809438159395786cc8b734c87c90f629d2d784742f0136807c5"
    ),
    "weasyprint.pdf.pdfx.pdfx": "e6a9255e6c8cb3223e77d9a67adc36df409d4d6694bc183f6c7d0e7f1a7b9c17",
}
_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")
_RGB = re.compile(rb"^(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (rg|RG)$")


def check_upstream() -> None:
    """Refuse a WeasyPrint or pydyf other than the one the finisher was written for."""
    from .weasyprint.upstream_source import refuse_other_upstream

    refuse_other_upstream(
        "builder/editions/printers.py",
        _EXPECTED_VERSIONS,
        _EXPECTED_SOURCE_SHA256,
        "See whether WeasyPrint now writes a PDF/X DocumentID that is not random (Kozea/WeasyPrint #640);"
        " re-check the finisher against the new sources, run tests/editions/test_printers.py, and update"
        " _EXPECTED_VERSIONS and _EXPECTED_SOURCE_SHA256.",
    )


def pdfx_options(work: Work, variant: Variant) -> dict[str, Any]:
    """WeasyPrint's options for a printer's file: the PDF/X variant, no sRGB intent (the
    finisher writes the printer's), identified by the work's identifier."""
    return {"pdf_variant": variant, "pdf_identifier": work.meta.identifier.encode(), "output_intent": "device-cmyk"}


def finisher(
    work: Work, variant: Variant, colour: Literal["grey", "cmyk"], printer: Printer | None = None, bleed: bool = False
) -> Callable[[Any, pydyf.PDF], None]:
    """The finisher of a printer's file: its colours drawn in DeviceGray or DeviceCMYK, its
    output intent, its DocumentID made from its content, and for the interior what the
    printer asks beyond PDF/X (no bookmarks or links; a blank last page)."""
    check_upstream()

    def finish(document: Any, pdf: pydyf.PDF) -> None:
        images = []
        for thing in pdf.objects:
            if isinstance(thing, pydyf.Stream):
                if thing.extra.get("Subtype") == "/Image":
                    images.append(thing)
                    continue
                thing.stream = [_device_colour(item, colour) for item in thing.stream]
                group = thing.extra.get("Group")
                if isinstance(group, pydyf.Dictionary):
                    if variant == "pdf/x-1a":  # PDF/X-1a has no transparency; the groups WeasyPrint draws in are opaque
                        del thing.extra["Group"]
                    else:
                        group["CS"] = "/DeviceGray" if colour == "grey" else "/DeviceCMYK"
        if any(
            str(image.extra.get("ColorSpace"))
            not in ("/DeviceGray", "/DeviceCMYK" if colour == "cmyk" else "/DeviceGray")
            for image in images
        ):
            raise BuildError(
                work.folder,
                f"{work.slug}: an image of the text is in colour, and a printer's {colour} file cannot carry it",
                hint="convert the work's images to greyscale for print",
                code="P060",
            )
        pdf.catalog["OutputIntents"] = pydyf.Array([_output_intent(pdf, variant, colour)])
        if printer is not None:
            _strip_annotations(pdf, outline=printer.bare)
        if printer is not None and printer.last_page_blank:
            _end_on_blank_pages(pdf)
        if bleed:
            from .pdf import declare_bleed

            declare_bleed(pdf)
        _identify(pdf, work.meta.identifier)

    return finish


def _device_colour(item: Any, colour: str) -> Any:
    """An RGB colour operator of a content stream, as grey or CMYK (other items unchanged)."""
    data = item if isinstance(item, bytes) else str(item).encode() if isinstance(item, str) else None
    if data is None or not (found := _RGB.match(data.strip())):
        return item
    r, g, b = (float(value) for value in found.groups()[:3])
    stroke = found.group(4) == b"RG"
    if colour == "grey":
        level = r if r == g == b else round(0.299 * r + 0.587 * g + 0.114 * b, 4)
        return f"{_number(level)} {'G' if stroke else 'g'}".encode()
    black = 1 - max(r, g, b)
    c, m, y = ((1 - value - black) / (1 - black) if black < 1 else 0 for value in (r, g, b))
    return f"{' '.join(_number(v) for v in (c, m, y, black))} {'K' if stroke else 'k'}".encode()


def _number(value: float) -> str:
    return f"{round(value, 4):g}"


def _output_intent(pdf: pydyf.PDF, variant: Variant, colour: str) -> pydyf.Dictionary:
    intent = pydyf.Dictionary({"Type": "/OutputIntent", "S": "/GTS_PDFX"})
    if variant == "pdf/x-1a" or colour == "cmyk":
        for key, value in SWOP.items():
            intent[key] = pydyf.String(value)
        return intent
    profile = pydyf.Stream([grey_profile()], pydyf.Dictionary({"N": 1}))
    pdf.add_object(profile)
    intent["OutputConditionIdentifier"] = pydyf.String(GREY_CONDITION)
    intent["Info"] = pydyf.String(GREY_CONDITION)
    intent["DestOutputProfile"] = profile.reference
    return intent


def _strip_annotations(pdf: pydyf.PDF, outline: bool) -> None:
    """No links or annotations (PDF/X allows none on the page), and with `outline` no
    bookmarks either (KDP asks for none in an interior)."""
    for key in ("Outlines", "PageMode") if outline else ():
        pdf.catalog.pop(key, None)
    for thing in pdf.objects:
        if isinstance(thing, pydyf.Dictionary) and thing.get("Type") == "/Page":
            thing.pop("Annots", None)


def _end_on_blank_pages(pdf: pydyf.PDF) -> None:
    """Blank pages after the last, so that the book ends on a blank page and has an even count."""
    last = pdf.objects[pdf.pages["Kids"][-3]]  # pydyf keeps the kids as number, 0, "R"
    blanks = 1 + (pdf.pages["Count"] + 1) % 2  # one if that makes the count even, else two
    for _ in range(blanks):
        contents = pydyf.Stream([])
        pdf.add_object(contents)
        page = pydyf.Dictionary(
            {key: value for key, value in last.items() if key not in ("Contents", "Annots", "StructParents")}
        )
        page["Contents"] = contents.reference
        pdf.add_page(page)


def _identify(pdf: pydyf.PDF, identifier: str) -> None:
    """The XMP's DocumentID from the work's identifier and the pages' content, not chance."""
    digest = hashlib.sha256(identifier.encode())
    for thing in pdf.objects:
        if isinstance(thing, pydyf.Dictionary) and thing.get("Type") == "/Page":
            for item in _deref(pdf, thing["Contents"]).stream:
                digest.update(item if isinstance(item, bytes) else str(item).encode())
    document_id = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, f'{identifier}#{digest.hexdigest()}')}".encode()
    metadata = _deref(pdf, pdf.catalog["Metadata"])
    metadata.stream = [
        _DOCUMENT_ID.sub(document_id, item) if isinstance(item, bytes) else item for item in metadata.stream
    ]


def _deref(pdf: pydyf.PDF, reference: Any) -> Any:
    """The object a reference (b"12 0 R", as pydyf writes it) points at."""
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    return pdf.objects[int(text.split()[0])]


def grey_profile() -> bytes:
    """Folio's monochrome output profile (ICC v2, class prtr, Gray → XYZ): black ink on white
    paper, a gamma of 1.8 for the dot gain of uncoated stock. Written here, byte for byte the
    same on every build, so that no third party's profile is embedded in the books."""

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def text(value: str) -> bytes:
        return b"text\0\0\0\0" + value.encode("ascii") + b"\0"

    def description(value: str) -> bytes:
        ascii_ = value.encode("ascii") + b"\0"
        return (
            b"desc\0\0\0\0"
            + struct.pack(">I", len(ascii_))
            + ascii_
            + b"\0" * 4
            + b"\0" * 4
            + b"\0" * 2
            + b"\0"
            + b"\0" * 67
        )

    tags = [
        (b"desc", description(GREY_CONDITION)),
        (b"cprt", text("No copyright: CC0 1.0, made by Folio")),
        (b"wtpt", b"XYZ \0\0\0\0" + s15(0.9642) + s15(1.0) + s15(0.8249)),
        (b"kTRC", b"curv\0\0\0\0" + struct.pack(">IH", 1, round(1.8 * 256))),
    ]
    table = struct.pack(">I", len(tags))
    body = b""
    offset = 128 + 4 + 12 * len(tags)
    for signature, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = 128 + len(table) + len(body)
    header = (
        struct.pack(">I", size)
        + b"\0\0\0\0"
        + bytes((2, 0x10, 0, 0))
        + b"prtr"
        + b"GRAY"
        + b"XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 4
        + b"\0" * 4
        + b"\0" * 4
        + b"\0" * 4
        + b"\0" * 8
        + b"\0" * 4
        + s15(0.9642)
        + s15(1.0)
        + s15(0.8249)
        + b"\0" * 4
        + b"\0" * 16
        + b"\0" * 28
    )
    assert len(header) == 128, len(header)
    return header + table + body
