"""The catalogue's cover (`<slug>-cover.png`): the EPUB's own cover image, made small.

An OPDS catalogue links each work's cover by address, and reading apps fetch it for every
entry they list, so it stands beside the editions as a file of its own. It is taken from the
EPUB made in the same build (the image its package marks `cover-image`), so that the
catalogue shows exactly the cover the book carries, at a width shelves show it.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree
from PIL import Image

from .kinds import Kind, RenderContext

KIND = Kind(
    name="catalogue-cover",
    suffix="-cover.png",
    format="png",
    media_type="image/png",
    title="Cover",
    check="builder.checks.images:check_png",
    needs="epub",
    selectable=False,
    default=False,
    with_needed=True,
    catalogue="cover",
)

WIDTH = 400  # px; the EPUB's is 1600 × 2560
_NS = {"opf": "http://www.idpf.org/2007/opf", "c": "urn:oasis:names:tc:opendocument:xmlns:container"}


def make(context: RenderContext) -> bytes:
    """One file of this kind (the registry's writer: kinds.py)."""
    return catalogue_cover(context.made_from)


def epub_cover(epub: bytes) -> bytes:
    """The image an EPUB's package document marks as its cover."""
    with zipfile.ZipFile(io.BytesIO(epub)) as archive:
        opf_name = etree.fromstring(archive.read("META-INF/container.xml")).xpath(
            "//c:rootfile/@full-path", namespaces=_NS
        )[0]
        opf = etree.fromstring(archive.read(opf_name))
        href = opf.xpath(
            "//opf:manifest/opf:item[contains(concat(' ', @properties, ' '), ' cover-image ')]/@href", namespaces=_NS
        )[0]
        return archive.read(posixpath.join(posixpath.dirname(opf_name), href))


def catalogue_cover(epub: bytes) -> bytes:
    """The EPUB's cover, scaled to WIDTH, as a PNG with no metadata (the same bytes every build)."""
    with Image.open(io.BytesIO(epub_cover(epub))) as image:
        small = image.convert("RGB").resize(
            (WIDTH, round(image.height * WIDTH / image.width)), Image.Resampling.LANCZOS
        )
    out = io.BytesIO()
    small.save(out, "PNG", optimize=True)
    return out.getvalue()
