"""The Kobo edition (`<slug>.kepub.epub`): the EPUB, with the markup Kobo's own renderer reads.

Kobo e-readers open a plain EPUB in their older renderer; a "kepub" gets the newer one, with
highlights, reading statistics and pop-up notes. What makes an EPUB a kepub is markup in its
content documents, as kepubify documents it (and as Kobo's store books have it):

- every sentence fragment of the text is wrapped in `<span class="koboSpan" id="kobo.P.S">`
  (P counts the paragraphs: p, ol, ul, table, or an image; S the fragments within one), by
  which the reader keeps its place, highlights and counts what was read;
- each body's content is wrapped in `div#book-columns > div#book-inner`, which Kobo's
  pagination lays out;
- Kobo's style fixes (styles/kobo.css) stand in a `<style class="kobostylehacks">`.

Nothing else changes: the notes keep their epub:type noteref and footnote, so they still pop
up. The transform runs over the EPUB's spine with lxml and writes the zip as the EPUB's is
written, so a rebuild is byte-identical.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from datetime import datetime

from lxml import etree

from ..paths import style_file
from .kinds import Kind, RenderContext
from .zips import reproducible_zip

KIND = Kind(
    name="kepub",
    suffix=".kepub.epub",
    format="kepub",
    media_type="application/kepub+zip",
    title="Kobo EPUB, for Kobo e-readers",
    check="builder.checks.validators:epubcheck",
    needs="epub",
    zipped=True,
)

XHTML_NS = "http://www.w3.org/1999/xhtml"
_OPF_NS = {"opf": "http://www.idpf.org/2007/opf"}
_CONTAINER_NS = {"c": "urn:oasis:names:tc:opendocument:xmlns:container"}
STYLE_FILE = "kobo.css"  # under styles/

# A sentence fragment ends after . ! ? or :, a closing quote or ellipsis, and the spaces
# that follow; what is left after the last such end is a fragment too.
_SENTENCE = re.compile(r".*?[.!?:]['\"”’“…]?\s*", re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?\*/\s*", re.DOTALL)
_PARAGRAPHS = {"p", "ol", "ul", "table"}  # each starts a new P in the span ids
_VERBATIM = {"script", "style", "pre", "audio", "video", "svg", "math"}  # text kept as it is


def make(context: RenderContext) -> bytes:
    """One file of this kind (the registry's writer: kinds.py)."""
    return kepub(context.made_from, context.work.edition_date)


def kepub(epub: bytes, when: datetime) -> bytes:
    """The Kobo edition of an EPUB made by epub.py."""
    source = zipfile.ZipFile(io.BytesIO(epub))
    spine = set(spine_documents(source))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, transform_document(data) if name in spine else data)
    return reproducible_zip(out.getvalue(), when)


def spine_documents(archive: zipfile.ZipFile) -> list[str]:
    """The zip names of the content documents in the spine, in reading order (the nav, which
    no reader pages through, is left as it is)."""
    container = etree.fromstring(archive.read("META-INF/container.xml"))
    opf_name = container.xpath("//c:rootfile/@full-path", namespaces=_CONTAINER_NS)[0]
    opf = etree.fromstring(archive.read(opf_name))
    folder = posixpath.dirname(opf_name)
    hrefs = {item.get("id"): item.get("href") for item in opf.xpath("//opf:manifest/opf:item", namespaces=_OPF_NS)}
    return [
        posixpath.join(folder, hrefs[ref]) for ref in opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=_OPF_NS)
    ]


def transform_document(data: bytes) -> bytes:
    """One XHTML content document, with Kobo's style, wrappers and spans."""
    tree = etree.ElementTree(etree.fromstring(data))
    root = tree.getroot()
    head, body = root.find(f"{{{XHTML_NS}}}head"), root.find(f"{{{XHTML_NS}}}body")
    assert head is not None and body is not None, "epub.py writes every document with a head and a body"
    style = etree.SubElement(head, f"{{{XHTML_NS}}}style", {"type": "text/css", "class": "kobostylehacks"})
    style.text = _CSS_COMMENT.sub(
        "", style_file(STYLE_FILE).read_text(encoding="utf-8")
    ).strip()  # the rules, not our notes on them
    style.tail = "\n"
    _wrap_body(body)
    _Spans().element(body)
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8") + b"\n"


def _wrap_body(body: etree._Element) -> None:
    columns = etree.Element(f"{{{XHTML_NS}}}div", {"id": "book-columns"})
    inner = etree.SubElement(columns, f"{{{XHTML_NS}}}div", {"id": "book-inner"})
    inner.text, body.text = body.text, None
    for child in list(body):
        inner.append(child)  # moves it, with its tail
    body.append(columns)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


class _Spans:
    """Wraps the text of one document in numbered spans, in document order."""

    def __init__(self) -> None:
        self.paragraph = 0
        self.fragment = 0
        self.new_paragraph = False

    def span(self, text: str | None = None) -> etree._Element:
        if self.new_paragraph:
            self.paragraph, self.fragment, self.new_paragraph = self.paragraph + 1, 0, False
        self.fragment += 1
        span = etree.Element(
            f"{{{XHTML_NS}}}span", {"class": "koboSpan", "id": f"kobo.{self.paragraph}.{self.fragment}"}
        )
        span.text = text
        return span

    def element(self, element: etree._Element) -> None:
        name = _local(element)
        if name in _VERBATIM or not isinstance(element.tag, str):
            return  # a comment or processing instruction, or text to keep as it is
        if name in _PARAGRAPHS:
            self.new_paragraph = True
        children = list(element)  # before the text's spans join them
        text, element.text = element.text, None
        self.text(element, text, before=None, in_paragraph=name == "p")
        for child in children:
            tail, child.tail = child.tail, None
            if _local(child) == "img":
                child = self.image(child)
            else:
                self.element(child)
            self.text(element, tail, before=child, in_paragraph=name == "p")

    def image(self, image: etree._Element) -> etree._Element:
        """An image is a paragraph of its own, its one fragment a span around it."""
        self.new_paragraph = True
        span = self.span()
        image.addprevious(span)
        span.append(image)
        return span

    def text(self, parent: etree._Element, text: str | None, before: etree._Element | None, in_paragraph: bool) -> None:
        """Put `text`, split in fragments, into `parent` after the child `before` (or at its
        start): a fragment in a span, except bare spaces outside a p, kept as they are."""
        if not text:
            return
        index = 0 if before is None else parent.index(before) + 1
        last = before
        for fragment in fragments(text):
            if fragment.isspace() and not in_paragraph:
                if last is None:
                    parent.text = (parent.text or "") + fragment
                else:
                    last.tail = (last.tail or "") + fragment
                continue
            span = self.span(fragment)
            parent.insert(index, span)
            index += 1
            last = span


def fragments(text: str) -> list[str]:
    """`text` cut after each sentence's end; the pieces join up to `text` again."""
    pieces = [match.group() for match in _SENTENCE.finditer(text)]
    rest = text[sum(map(len, pieces)) :]
    return [*pieces, rest] if rest else pieces
