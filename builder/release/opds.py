"""The release folder's catalogue for readers: an OPDS 1.2 acquisition feed (Atom), `catalog.xml`.

KOReader, Thorium, calibre-web and other OPDS clients open it to browse a release: one entry
per work, with its authors, language, summary and rights, its cover, and a link to download
each of its editions, typed by the registry's media types (editions/kinds.py). Links are
relative to the catalogue, so the folder can be served from anywhere (or opened from disk).

The catalogue is a function of the manifest alone: it is written with the manifest and the
sums in every commit (and in a merge of shards), and `verify` rebuilds it to compare.
"""

from __future__ import annotations

import uuid
from typing import Any

from lxml import etree

from .. import NAME
from ..editions.kinds import KINDS, Kind

CATALOGUE = "catalog.xml"
MEDIA_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
ATOM = "http://www.w3.org/2005/Atom"
DCTERMS = "http://purl.org/dc/terms/"
ACQUISITION = "http://opds-spec.org/acquisition/open-access"  # free to download, no login, no price
IMAGE, THUMBNAIL = "http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail"
# No clock reaches the catalogue: with no work, it is as old as the epoch.
EPOCH = "1970-01-01T00:00:00Z"
FEED_ID = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{NAME.lower()}:catalogue')}"


def _element(parent: Any, tag: str, text: str | None = None, namespace: str = ATOM, **attributes: str) -> Any:
    element = etree.SubElement(
        parent, f"{{{namespace}}}{tag}", {key.rstrip("_"): value for key, value in attributes.items()}
    )
    element.text = text
    return element


def catalogue(manifest: dict[str, Any]) -> bytes:
    """The OPDS catalogue of a manifest's works, the same bytes for the same manifest."""
    works: dict[str, dict[str, Any]] = manifest.get("works", {})
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "dcterms": DCTERMS})
    _element(feed, "id", FEED_ID)
    _element(feed, "title", f"{NAME} editions")
    _element(feed, "updated", max((work["edition_date"] for work in works.values()), default=EPOCH))
    author = _element(feed, "author")
    _element(author, "name", NAME)
    for rel in ("self", "start"):
        _element(feed, "link", rel=rel, href=CATALOGUE, type=MEDIA_TYPE)
    for slug, work in sorted(works.items()):
        _entry(feed, slug, work)
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _entry(feed: Any, slug: str, work: dict[str, Any]) -> None:
    entry = _element(feed, "entry")
    _element(entry, "title", work["title"])
    _element(entry, "id", work["identifier"])
    _element(entry, "updated", work["edition_date"])
    author = _element(entry, "author")
    _element(author, "name", work["author"])
    _element(entry, "identifier", work["identifier"], DCTERMS)
    if work.get("language"):
        _element(entry, "language", work["language"], DCTERMS)
    _element(entry, "issued", work["edition_date"][:10], DCTERMS)
    if work.get("rights"):
        _element(entry, "rights", work["rights"], type="text")
    if work.get("summary"):
        _element(entry, "summary", work["summary"], type="text")
    for file in work["files"]:
        kind = KINDS.get(file.get("kind", ""))
        if kind is None:
            continue
        if kind.catalogue == "cover":
            for rel in (IMAGE, THUMBNAIL):
                _element(entry, "link", rel=rel, href=file["name"], type=kind.media_type)
    for file in work["files"]:
        kind = KINDS.get(file.get("kind", ""))
        if kind is not None and kind.catalogue == "acquisition":
            _element(
                entry,
                "link",
                rel=ACQUISITION,
                href=file["name"],
                type=kind.media_type,
                title=_title(kind, slug, file["name"]),
                length=str(file["size"]),
            )


def _title(kind: Kind, slug: str, name: str) -> str:
    """The kind's title, and the variant its file name says ("a4", "a4-print")."""
    variant = name[len(slug) : len(name) - len(kind.suffix)].strip("-")
    return f"{kind.title} ({variant})" if variant else kind.title


def opds_links(data: bytes) -> list[tuple[str, str]]:
    """(href, type) of every link of a catalogue's entries, once its Atom and OPDS essentials
    are checked: a feed with an id, a title and an updated date, and entries that each have
    them, an author, and at least one acquisition link. ValueError says what is wrong."""
    try:
        feed = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise ValueError(f"not XML: {error}") from None
    atom = {"a": ATOM}
    if feed.tag != f"{{{ATOM}}}feed":
        raise ValueError(f"its root is {feed.tag}, not an Atom feed")
    for element, what in [
        (feed, "the feed"),
        *((entry, f"entry {n}") for n, entry in enumerate(feed.findall("a:entry", atom), 1)),
    ]:
        for tag in ("id", "title", "updated"):
            if not (element.findtext(f"a:{tag}", namespaces=atom) or "").strip():
                raise ValueError(f"{what} has no {tag}")
    links = []
    for number, entry in enumerate(feed.findall("a:entry", atom), 1):
        if entry.find("a:author/a:name", atom) is None:
            raise ValueError(f"entry {number} has no author")
        rels = [link.get("rel") for link in entry.findall("a:link", atom)]
        if ACQUISITION not in rels:
            raise ValueError(f"entry {number} has no acquisition link")
        links += [(link.get("href") or "", link.get("type") or "") for link in entry.findall("a:link", atom)]
    return links
