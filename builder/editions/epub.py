"""The EPUB 3 writer: the model through the shared templates, packaged with ebooklib.

Content documents and the nav are our own templates, added as plain items so ebooklib
writes them byte for byte; ebooklib writes the package document, the NCX and the zip.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ebooklib import epub
from lxml import etree

from .. import NAME
from ..errors import BuildError
from ..paths import style_file
from ..source.images import media_type
from ..source.metadata import PrintedSource
from ..source.model import Part, Work
from ..source.text import part_page_breaks
from .capabilities import Capabilities
from .cover import cover_png
from .epub_fonts import CSS_FILE, embedded_faces
from .kinds import Kind, RenderContext
from .languages import Words, direction
from .rights import rights_statement
from .templates import render_page
from .zips import reproducible_zip

KIND = Kind(
    name="epub",
    suffix=".epub",
    format="epub",
    media_type="application/epub+zip",
    title="EPUB 3, for most e-readers and reading apps",
    check="builder.checks.validators:epubcheck",
    zipped=True,
    capabilities=Capabilities(
        notes="pop-up", links="live", reading_system=True, typeface="reader's", rights_before_contents=False
    ),
)

XHTML = "application/xhtml+xml"
IMAGES = "images/work"  # the work's own images; the cover is images/cover.png
ACCESSIBILITY_SUMMARY = (
    "This publication conforms to WCAG 2.2 Level AA. Its text is structured with headings "
    "in order and semantic markup, has a table of contents and landmarks, and follows the "
    "reading order of the source. Notes are linked both ways between call and note. The "
    "cover image and every image of the text have a text alternative."
)


@dataclass(frozen=True)
class Page:
    """One content document of the spine."""

    key: str  # the id the templates link to
    file_name: str
    title: str
    section: str  # template under styles/templates/sections
    body_type: str | None = None


def pages(work: Work) -> list[Page]:
    """The spine, in reading order: title page, text, colophon, rights page (after the cover)."""
    words = Words(work.meta.language)
    return [
        Page("title-page", "titlepage.xhtml", words("title_page"), "sections/titlepage.html", "frontmatter"),
        *(Page(part.id, f"{part.id}.xhtml", part.title, "sections/part.html", "bodymatter") for part in work.parts),
        Page("colophon", "colophon.xhtml", words("colophon"), "sections/colophon.html", "backmatter"),
        Page("rights", "rights.xhtml", words("rights"), "sections/rights.html", "backmatter"),
    ]


def make(context: RenderContext) -> bytes:
    """One file of this kind (the registry's writer: kinds.py)."""
    return write_epub(context.work)


def write_epub(work: Work) -> bytes:
    meta = work.meta
    book = epub.EpubBook()
    book.FOLDER_NAME = "EPUB"
    book.set_identifier(meta.identifier)
    book.title = meta.title  # the NCX's title; dc:title is written with its file-as below
    book.set_language(meta.language)
    if direction(meta.language) == "rtl":  # dir on <package>, page-progression-direction on the spine
        book.set_direction("rtl")
    _package_metadata(book, work, paginated=any(part_page_breaks(part) for part in work.parts))

    faces, font_css = embedded_faces(work)
    spine = pages(work)
    hrefs = {page.key: page.file_name for page in spine} | {"cover": "cover.xhtml"}
    parts = {part.id: part for part in work.parts}
    # Which file holds each id a link may point at: the source's own ids, and the notes'.
    files = {value: hrefs[part.id] for part in work.parts for value, _ in part.ids}

    book.set_cover("images/cover.png", cover_png(work), create_page=False)
    cover = _document(
        work, "cover", "cover.xhtml", render_page("epub/cover.xhtml", work, KIND.capabilities, image="images/cover.png")
    )
    book.add_item(cover)
    documents = [cover]
    page_list: list[tuple[str, str]] = []  # (href, label) of each page of the printed source, in reading order
    for page in spine:
        html = render_page(
            "epub/document.xhtml",
            work,
            KIND.capabilities,
            title=page.title,
            section=page.section,
            body_type=page.body_type,
            part=parts.get(page.key),
            hrefs=hrefs,
            files=files,
            images=f"{IMAGES}/",
            fonts_css=bool(font_css),
        )
        documents.append(_document(work, page.key, page.file_name, html))
        book.add_item(documents[-1])
        page_list += [
            (f"{page.file_name}#{element.get('id')}", element.get("aria-label") or "")
            for element in _page_breaks(documents[-1])
        ]
    nav = _document(
        work,
        "nav",
        "nav.xhtml",
        render_page("epub/nav.xhtml", work, KIND.capabilities, hrefs=hrefs, page_list=page_list),
        properties=["nav"],
    )
    book.add_item(nav)
    for name in ("common.css", "epub.css"):
        book.add_item(
            epub.EpubItem(
                uid=name.replace(".", "-"),
                file_name=f"css/{name}",
                media_type="text/css",
                content=style_file(name).read_bytes(),
            )
        )
    for number, face in enumerate(faces, start=1):  # only a face reading systems lack (epub_fonts.py)
        book.add_item(
            epub.EpubItem(uid=f"font-{number}", file_name=face.file_name, media_type="font/woff2", content=face.data)
        )
    if font_css:
        book.add_item(
            epub.EpubItem(uid="fonts-css", file_name=CSS_FILE, media_type="text/css", content=font_css.encode())
        )
    for number, name in enumerate(work.images, start=1):
        data = (work.folder / name).read_bytes()
        book.add_item(
            epub.EpubItem(
                uid=f"image-{number}", file_name=f"{IMAGES}/{name}", media_type=media_type(data) or "", content=data
            )
        )
    book.add_item(epub.EpubNcx())

    book.spine = documents
    words = Words(meta.language)
    book.toc = [_toc_entry(part, hrefs[part.id]) for part in work.parts] + [
        epub.Link("colophon.xhtml", str(words("colophon")), "colophon"),
        epub.Link("rights.xhtml", str(words("rights")), "rights"),
    ]
    book.guide = [
        {"type": "cover", "href": "cover.xhtml", "title": str(words("cover"))},
        {"type": "title-page", "href": "titlepage.xhtml", "title": str(words("title_page"))},
        {"type": "text", "href": hrefs[work.parts[0].id], "title": work.parts[0].title},
    ]
    out = io.BytesIO()
    options = {
        "mtime": work.edition_date,  # written as dcterms:modified; the edition's date, in UTC
        "epub3_pages": False,  # else every element with an id and epub:type becomes a bogus page
        "epub3_landmark": False,  # our nav template writes the landmarks
        "raise_exceptions": True,
        "package_direction": True,  # `dir` on <package> as on the spine, for a right-to-left book only
    }
    writer = _Writer(out, book, options)
    writer.process()
    writer.write()
    return reproducible_zip(out.getvalue(), work.edition_date)


def _toc_entry(part: Part, file_name: str) -> epub.Link | tuple[epub.Section, list[Any]]:
    """A part for the NCX: its sections (h2) nested under it and their divisions (h3) under
    them, as the nav has them."""
    if not part.sections:
        return epub.Link(file_name, part.title, part.id)
    sections: list[Any] = []
    for section, divisions in part.contents:
        href = f"{file_name}#{section.id}"
        links = [epub.Link(f"{file_name}#{d.id}", d.title, d.id) for d in divisions]
        sections.append(
            (epub.Section(section.title, href), links) if links else epub.Link(href, section.title, section.id)
        )
    return (epub.Section(part.title, file_name), sections)


class _Writer(epub.EpubWriter):
    """ebooklib's writer, giving the package document the publication's language
    (`xml:lang` on <package>, which DAISY Ace asks for)."""

    def _write_opf_file(self, root: Any) -> None:
        root.set("{http://www.w3.org/XML/1998/namespace}lang", self.book.language)
        super()._write_opf_file(root)


def _document(work: Work, uid: str, file_name: str, html: str, properties: list[str] | None = None) -> epub.EpubItem:
    """A content document, checked before it is packed: well-formed XML, each id once."""
    try:
        tree = etree.fromstring(html.encode("utf-8"))
    except etree.XMLSyntaxError as error:
        raise BuildError(
            work.folder,
            f"EPUB {file_name} is not well-formed XHTML: {error}",
            hint="report this with the source that caused it",
            code="P010",
        ) from None
    ids = Counter(element.get("id") for element in tree.iter() if element.get("id"))
    if duplicates := sorted(value for value, count in ids.items() if count > 1):
        raise BuildError(
            work.folder,
            f"EPUB {file_name} has the id {duplicates[0]!r} twice",
            hint="rename the id in the text",
            code="P011",
        )
    item = epub.EpubItem(uid=uid, file_name=file_name, media_type=XHTML, content=html.encode("utf-8"))
    item.properties = properties or []
    return item


def _page_breaks(document: epub.EpubItem) -> list[Any]:
    """The page breaks of a content document, in its order: what the page list leads to."""
    tree = etree.fromstring(document.content)
    return list(tree.iterfind(".//{*}span[@role='doc-pagebreak']"))


def source_line(source: PrintedSource) -> str:
    """The printed source in one line: its title, publisher, place, year, volume and pages."""
    details = [
        source.title,
        source.publisher,
        source.place,
        source.year,
        source.volume and f"volume {source.volume}",
        source.pages and f"pages {source.pages}",
    ]
    return ", ".join(str(d) for d in details if d)


def page_break_sources(work: Work) -> list[str]:
    """The printed sources whose pages the text marks: the work's, or (in a volume of
    separate works that names none) each marked part's own."""
    if work.meta.source:
        return [source_line(work.meta.source)]
    return list(
        dict.fromkeys(
            source_line(part.provenance.source)
            for part in work.parts
            if part.provenance and part.provenance.source and part_page_breaks(part)
        )
    )


def _package_metadata(book: epub.EpubBook, work: Work, paginated: bool = False) -> None:
    meta = work.meta

    def refine(target: str, prop: str, value: str, scheme: str | None = None) -> None:
        attributes = {"refines": f"#{target}", "property": prop} | ({"scheme": scheme} if scheme else {})
        book.add_metadata(None, "meta", value, attributes)

    # ebooklib's own "generator" line names the library, not the edition's maker (the
    # contributor with role bkp below).
    book.metadata.get(epub.NAMESPACES["OPF"], {}).pop("generator", None)
    if listed := calibre_identifier(meta.identifier):
        book.add_metadata("DC", "identifier", listed, {"id": "calibre-id"})
    book.add_metadata("DC", "title", meta.title, {"id": "title"})
    refine("title", "file-as", _title_file_as(meta.title))
    book.add_metadata("DC", "creator", meta.author, {"id": "author"})
    refine("author", "file-as", meta.author_sort)
    refine("author", "role", "aut", "marc:relators")
    contributors = [
        ("trl", meta.credits.translators),
        ("trc", meta.credits.transcribers),
        ("mrk", meta.credits.markup),
        ("pfr", meta.credits.proofreaders),
    ]
    for role, people in contributors:
        for number, person in enumerate(people, start=1):
            uid = f"{role}-{number}"
            book.add_metadata("DC", "contributor", person, {"id": uid})
            refine(uid, "file-as", _name_file_as(person))
            refine(uid, "role", role, "marc:relators")
    book.add_metadata("DC", "contributor", NAME, {"id": "builder"})
    refine("builder", "role", "bkp", "marc:relators")

    book.add_metadata("DC", "date", work.edition_date.strftime("%Y-%m-%dT%H:%M:%SZ"))
    book.add_metadata("DC", "publisher", meta.archive.name)
    if meta.description:
        book.add_metadata("DC", "description", meta.description)
    for subject in meta.subjects:
        book.add_metadata("DC", "subject", subject)
    if meta.source:
        book.add_metadata("DC", "source", source_line(meta.source))
    if meta.archive.page:  # the transcription the text was taken from
        book.add_metadata("DC", "source", meta.archive.page)
    book.add_metadata("DC", "rights", rights_statement(meta))

    for prop, values in {
        "schema:accessMode": ["textual", "visual"] if work.images else ["textual"],
        "schema:accessModeSufficient": ["textual"],
        "schema:accessibilityFeature": [
            "structuralNavigation",
            "tableOfContents",
            "readingOrder",
            "alternativeText",
            "displayTransformability",
            *(["pageBreakMarkers", "pageNavigation"] if paginated else []),
        ],
        "schema:accessibilityHazard": ["none"],
        "schema:accessibilitySummary": [ACCESSIBILITY_SUMMARY],
        "dcterms:conformsTo": ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"],
        # Which printed edition the page breaks and the page list follow (EPUB Accessibility 1.1).
        "pageBreakSource": page_break_sources(work) if paginated else [],
    }.items():
        for value in values:
            book.add_metadata(None, "meta", value, {"property": prop})


def calibre_identifier(identifier: str) -> str | None:
    """The package identifier again, in a form calibre lists, where it lists it in no form:
    calibre reads `urn:TYPE:VALUE` as TYPE:VALUE, but takes a uuid for its own library id and
    lists none, and reads no URL (docs/editions.md, "calibre"). None where calibre lists it as it is."""
    if identifier.startswith("urn:uuid:"):
        return f"{NAME.lower()}:{identifier.removeprefix('urn:uuid:')}"
    if identifier.startswith(("http://", "https://")):
        return f"uri:{identifier}"
    return None


def _title_file_as(title: str) -> str:
    """A title as libraries sort it: "A Letter to Huysmans" → "Letter to Huysmans, A"."""
    first, _, rest = title.partition(" ")
    return f"{rest}, {first}" if first in ("A", "An", "The") and rest else title


def _name_file_as(name: str) -> str:
    """A contributor's name as libraries sort it: "Samuel Moore" → "Moore, Samuel". (The
    author's comes from work.toml's author-sort; credits give names only.)"""
    given, _, family = name.rpartition(" ")
    return f"{family}, {given}" if given else name
