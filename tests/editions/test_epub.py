"""The EPUB edition, read back from the zip: package, notes, navigation, cover, metadata and
accessibility, as reading systems and checkers see them."""

from __future__ import annotations

import io
import itertools
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from builder.checks.validators import ace_available
from tests.conftest import ROOT

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def opf(epub_files: dict[str, bytes]) -> etree._Element:
    container = etree.fromstring(epub_files["META-INF/container.xml"])
    path = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
    assert path == "EPUB/content.opf"
    return etree.fromstring(epub_files[path])


def doc(epub_files: dict[str, bytes], name: str) -> etree._Element:
    return etree.fromstring(epub_files[f"EPUB/{name}"])


def meta(opf: etree._Element, prop: str) -> list[str]:
    return opf.xpath(f"//opf:meta[@property='{prop}']/text()", namespaces=NS)


def test_zip_layout(epub_path: Path) -> None:
    with zipfile.ZipFile(epub_path) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"
        assert len({info.date_time for info in archive.infolist()}) == 1


def test_spine_order_and_manifest(opf: etree._Element) -> None:
    manifest = {item.get("id"): item for item in opf.xpath("//opf:manifest/opf:item", namespaces=NS)}
    spine = [manifest[ref].get("href") for ref in opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=NS)]
    assert spine == ["cover.xhtml", "titlepage.xhtml", "text.xhtml", "colophon.xhtml", "rights.xhtml"]
    assert [i.get("href") for i in manifest.values() if i.get("properties") == "nav"] == ["nav.xhtml"]
    assert [i.get("href") for i in manifest.values() if i.get("properties") == "cover-image"] == ["images/cover.png"]
    assert opf.xpath("//opf:spine/@toc", namespaces=NS) == ["ncx"]
    assert opf.get(XML_LANG) == "en"


def test_package_metadata(opf: etree._Element) -> None:
    def dc(name: str) -> list[str]:
        return opf.xpath(f"//dc:{name}/text()", namespaces=NS)

    # The package identifier, and the same again in the form calibre lists (test_calibre.py)
    assert dc("identifier") == [
        "urn:uuid:55252c19-f823-5435-9283-456f0242fa04",
        "folio:55252c19-f823-5435-9283-456f0242fa04",
    ]
    assert opf.xpath("//dc:identifier[@id=/opf:package/@unique-identifier]/text()", namespaces=NS) == [
        "urn:uuid:55252c19-f823-5435-9283-456f0242fa04"
    ]
    assert dc("title") == ["A Letter to Huysmans, Secretary of the International Socialist Bureau"]
    assert dc("language") == ["en"]
    assert dc("creator") == ["V. I.\u00a0Lenin"]
    assert "Lenin Collected Works" in dc("source")[0] and "volume 17" in dc("source")[0]
    assert dc("publisher") == ["Lenin Internet Archive"]
    assert dc("rights")[0].startswith("Public domain.")
    assert dc("description") and "Prague Conference (1912)" in dc("subject")
    assert len(meta(opf, "dcterms:modified")) == 1 and meta(opf, "dcterms:modified")[0].endswith("Z")
    roles = {}
    for element in opf.xpath("//dc:creator | //dc:contributor", namespaces=NS):
        refined = opf.xpath(f"//opf:meta[@refines='#{element.get('id')}'][@property='role']", namespaces=NS)
        assert refined and refined[0].get("scheme") == "marc:relators"
        roles.setdefault(refined[0].text, []).append(element.text)
    assert roles["aut"] == ["V. I.\u00a0Lenin"] and roles["trl"] == ["Dora Cox"] and roles["trc"] == ["R. Cymbala"]
    assert opf.xpath("//opf:meta[@refines='#author'][@property='file-as']/text()", namespaces=NS) == ["Lenin, V. I."]


def test_accessibility_metadata(opf: etree._Element) -> None:
    assert meta(opf, "schema:accessMode") == ["textual"]
    assert meta(opf, "schema:accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder", "alternativeText"} <= set(
        meta(opf, "schema:accessibilityFeature")
    )
    assert meta(opf, "schema:accessibilityHazard") == ["none"]
    assert meta(opf, "schema:accessibilitySummary")
    assert meta(opf, "dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]


def test_every_document_has_language_title_and_ordered_headings(epub_files: dict[str, bytes]) -> None:
    documents = [name for name in epub_files if name.endswith(".xhtml")]
    assert len(documents) == 6
    for name in documents:
        tree = etree.fromstring(epub_files[name])
        assert tree.get("lang") == "en" and tree.get(XML_LANG) == "en", name
        assert (tree.findtext(".//x:head/x:title", namespaces=NS) or "").strip(), name
        levels = [
            int(h.tag[-1])
            for h in tree.iter()
            if isinstance(h.tag, str) and h.tag[-2:-1] == "h" and h.tag[-1].isdigit()
        ]
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{name}: heading h{after} after h{before}"


def test_note_called_from_the_title_pops_up_and_returns(epub_files: dict[str, bytes]) -> None:
    text = doc(epub_files, "text.xhtml")
    calls = text.xpath("//x:a[@epub:type='noteref']", namespaces=NS)
    assert len(calls) == 1
    call = calls[0]
    assert call.get("role") == "doc-noteref" and call.text == "1"
    assert call.getparent().tag == f"{{{NS['x']}}}h1"  # called from the title
    target = call.get("href").removeprefix("#")
    aside = text.xpath(f"//*[@id='{target}']")[0]
    assert aside.tag == f"{{{NS['x']}}}aside"
    assert aside.get(f"{{{NS['epub']}}}type") == "footnote" and aside.get("role") == "doc-footnote"
    back = aside.xpath(".//x:a[@role='doc-backlink']", namespaces=NS)[0]
    assert back.get("href") == f"#{call.get('id')}" and back.text == "1"
    assert "Lenin’s letter was sent to all socialist parties" in "".join(aside.itertext())


def test_nav_has_toc_and_landmarks(epub_files: dict[str, bytes]) -> None:
    nav = doc(epub_files, "nav.xhtml")
    toc = nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)
    assert [a.get("href") for a in toc] == ["text.xhtml#text", "colophon.xhtml#colophon", "rights.xhtml#rights"]
    landmarks = {
        a.get(f"{{{NS['epub']}}}type"): a.get("href")
        for a in nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)
    }
    assert landmarks == {
        "cover": "cover.xhtml",
        "titlepage": "titlepage.xhtml",
        "bodymatter": "text.xhtml",
        "colophon": "colophon.xhtml",
        "copyright-page": "rights.xhtml",
    }
    for href in [a.get("href").split("#")[0] for a in toc] + list(landmarks.values()):
        assert f"EPUB/{href}" in epub_files
    ncx = etree.fromstring(epub_files["EPUB/toc.ncx"])
    assert ncx.xpath("//ncx:navPoint/ncx:content/@src", namespaces=NS) == [
        "text.xhtml",
        "colophon.xhtml",
        "rights.xhtml",
    ]


def test_cover_is_a_generated_raster_image(epub_files: dict[str, bytes]) -> None:
    image = Image.open(io.BytesIO(epub_files["EPUB/images/cover.png"]))
    assert image.format == "PNG" and image.size == (1600, 2560)
    assert len(image.getcolors(1 << 20) or []) > 50  # typeset text, not a flat colour
    cover = doc(epub_files, "cover.xhtml")
    img = cover.xpath("//x:img", namespaces=NS)[0]
    assert img.get("src") == "images/cover.png" and "Letter to Huysmans" in img.get("alt")


def test_stylesheets_leave_font_and_colours_to_the_reader(epub_files: dict[str, bytes]) -> None:
    css = b"".join(data for name, data in epub_files.items() if name.endswith(".css")).decode()
    for forbidden in ["font-family", "color:", "background", "pt;", "px;", "@font-face"]:
        assert forbidden not in css.replace("currentColor", ""), forbidden


@pytest.mark.skipif(not ace_available(), reason="DAISY Ace needs Node.js and npm")
def test_daisy_ace_reports_no_violations(ace_on_shelf: dict[str, list[str]], epub_path: Path) -> None:
    """Every work's EPUB, the letter's among them, checked by Ace in one run."""
    assert epub_path.name in ace_on_shelf and len(ace_on_shelf) == len(list((ROOT / "source").glob("*/work.toml")))
    assert ace_on_shelf == {name: [] for name in ace_on_shelf}


def test_links_between_parts_point_at_the_right_file(work_copy: Path, tmp_path: Path) -> None:
    from builder.checks.validators import epubcheck
    from tests.conftest import SLUG, run_cli

    (work_copy / "second.md").write_text(
        "# A second part\n\nSee [the resolution](#resolution) and [note 1](#note-1).\n", encoding="utf-8"
    )
    text = work_copy / "text.md"
    text.write_text(
        text.read_text(encoding="utf-8").replace("{.resolution}", "{#resolution .resolution}"), encoding="utf-8"
    )
    toml = work_copy / "work.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('parts = ["text.md"]', 'parts = ["text.md", "second.md"]'),
        encoding="utf-8",
    )
    result = run_cli("build", str(work_copy), "--format", "epub", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    epub = tmp_path / f"{SLUG}.epub"
    with zipfile.ZipFile(epub) as archive:
        second = etree.fromstring(archive.read("EPUB/part-2.xhtml"))
    hrefs = [a.get("href") for a in second.xpath("//x:a", namespaces=NS)]
    assert hrefs == ["part-1.xhtml#resolution", "part-1.xhtml#note-1"]
    assert epubcheck(epub) == []
