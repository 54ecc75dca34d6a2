"""The importer's parts on small made-up pages: the header's variants, notes, the cache."""

from __future__ import annotations

import http.server
import threading
from functools import partial
from pathlib import Path

from PIL import Image

from builder.editions.html import render
from builder.importer.assemble import import_work
from builder.importer.fetch import Fetcher
from builder.importer.header import Field, map_header, names
from builder.importer.html_page import parse
from builder.importer.plaintext import parse_text
from builder.importer.report import ImportReport
from builder.source.loader import load_work


def test_header_variants_map_to_credits_and_keep_what_fits_no_key() -> None:
    report = ImportReport()
    fields = [
        Field("Written", "late in March 1912;"),
        Field("Translated/Edited", ""),
        Field("Original Transcription", "Bert Schultz (1993)"),
        Field("Re-Marked up by", "Einde O’Callaghan"),
        Field("HTML Markup", "Brian Baggins & Andy Blunden"),
        Field("Proofread", "by Andy Blunden February 2005."),
        Field("Dedication", "To the workers"),
        Field(
            "Copyleft",
            "Marx/Engels Internet Archive (marxists.org) 1999. Permission "
            "is granted to copy under the Creative Commons license",
            [("Creative Commons license", "https://www.marxists.org/admin/legal/cc/by-sa.htm")],
        ),
    ]
    mapped = map_header(fields, report)
    assert (
        mapped.meta["written"] == "late in March 1912;"
    )  # as the page has it; the ";" of the line is dropped by the reader
    assert mapped.meta["credits"] == {
        "transcribers": ["Bert Schultz"],
        "markup": ["Einde O’Callaghan", "Brian Baggins", "Andy Blunden"],
        "proofreaders": ["Andy Blunden"],
    }
    assert mapped.meta["rights"]["status"] == "licensed" and mapped.meta["archive"] == {
        "name": "Marx/Engels Internet Archive",
        "year": 1999,
    }
    assert mapped.free == ["Dedication: To the workers"]
    assert "the Translated/Edited field is empty" in report.check


def test_no_licence_line_claims_nothing() -> None:
    report = ImportReport()
    assert map_header([Field("Written", "1847")], report).meta["rights"] == {"status": "unstated"}
    assert any("no licence line" in line for line in report.check)


def test_names_drop_what_is_not_a_name() -> None:
    assert names("W. Lough from the German") == ["W. Lough"]
    assert names("The Late George Hanna") == ["George Hanna"]
    assert names("D. Walters and R. Cymbala") == ["D. Walters", "R. Cymbala"]


def test_notes_before_the_body_calls_without_sup_and_varying_markup() -> None:
    page = (
        "<html><body><h1>T</h1><p class='information'><span class='info'>Written:</span> 1917</p>"
        "<p><a name='n2' href='#c2'>2.</a> Second note, placed first.</p>"
        "<p>One<a href='#n1' name='c1'>[1]</a> two <sup><b><a href='#n2' name='c2'>(2)</a></b></sup> three.</p>"
        "<p><span class='info'><a name='n1' href='#c1'>1.</a></span> First note —Ed.</p></body></html>"
    )
    text = parse(page, "t.html", ImportReport())
    assert text.blocks == ["One\x00[^1] two \x00[^2] three."]  # the space before a call goes when the part is written
    assert text.notes == {"1": "First note —Ed.", "2": "Second note, placed first."}
    assert [(f.label, f.value) for f in text.fields] == [("Written", "1917")]


def test_a_plain_text_copy_keeps_bracketed_years_and_finds_its_notes() -> None:
    copy = (
        "V. I. Lenin\n\nA Letter[1]\n\nWritten: 1912\n\nDear Comrade,\n\nIn [1933] and [197[4]] nothing.[2]\n\n"
        "With greetings\n\nNotes\n\n[1] One.\n\n[2] Two.\n\nWorks Index | Collected Works\n"
    )
    report = ImportReport()
    text = parse_text(copy, report, "letter.txt")
    assert text.title == "A Letter\x00[^1]" and text.author == "V. I. Lenin"
    assert text.blocks == [
        "{.salutation}\nDear Comrade,",
        "In \\[1933\\] and \\[197\\[4\\]\\] nothing.\x00[^2]",
        "{.closing}\nWith greetings",
    ]
    assert text.notes == {"1": "One.", "2": "Two."}


def test_a_page_is_fetched_once_then_read_from_the_cache(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "page.htm").write_text(
        "<html lang='en'><body><h3 class='title'>A Page</h3><p>Words<a href='#n1' name='c1'>[1]</a>.</p>"
        "<p><a name='n1' href='#c1'>[1]</a> Note.</p><p><a name='n9'>[9]</a> Never called.</p></body></html>",
        encoding="utf-8",
    )
    handler = partial(_QuietHandler, directory=str(tmp_path / "site"))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        address = f"http://127.0.0.1:{httpd.server_address[1]}/page.htm"
        first = Fetcher(tmp_path / "cache", delay=0).get(address).data
        httpd.shutdown()
    assert Fetcher(tmp_path / "cache", delay=0).get(address).data == first  # the server is gone
    done = import_work([address], tmp_path / "out", None, False, Fetcher(tmp_path / "cache", delay=0))
    assert done.folder.name == "a-page"
    work = load_work(done.folder)
    assert list(work.parts[0].notes) == ["1"] and list(work.parts[0].editor_notes) == ["editor-9"]
    report = (done.folder / "import-report.md").read_text(encoding="utf-8")
    assert "note 9 is never called" in report and "no licence line" in report


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_contents_page_leaves_out_pages_not_served_or_no_longer_available(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.htm").write_text(
        "<html><body><h1>A Book</h1><p class='information'><span class='info'>Written:</span> 1900;<br>"
        "<span class='info'>Public Domain:</span> Marxists Internet Archive (2001).</p>"
        "<p><a href='ch1.htm'>One</a><br><a href='ch2.htm'>Two</a><br><a href='gone.htm'>Three</a><br>"
        "<a href='book.pdf'>PDF</a></p></body></html>",
        encoding="utf-8",
    )
    (site / "ch1.htm").write_text(
        "<html><body><h3>One</h3><p>See <a href='gone.htm'>three</a>.<a href='ch2.htm#n1'>[1]</a></p></body></html>",
        encoding="utf-8",
    )
    (site / "gone.htm").write_text(
        "<html><body><p>This file is no longer available.</p></body></html>", encoding="utf-8"
    )
    handler = partial(_QuietHandler, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        done = import_work(
            [f"http://127.0.0.1:{httpd.server_address[1]}/index.htm"],
            tmp_path / "out",
            None,
            False,
            Fetcher(None, delay=0),
        )
        httpd.shutdown()
    work = load_work(done.folder)
    assert [part.title for part in work.parts] == ["One"] and work.meta.rights.status == "public-domain"
    report = (done.folder / "import-report.md").read_text(encoding="utf-8")
    assert (
        "ch2.htm: not served" in report
        and "gone.htm: the archive answers with a “no longer available” notice" in report
    )
    assert "PDF (book.pdf)" in report and "the call [1] has its note on ch2.htm, another page" in report


def test_an_image_alone_in_its_paragraph_is_a_figure_with_its_title_as_caption(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    Image.new("RGB", (1500, 900), "white").save(site / "plate.png")
    (site / "page.htm").write_text(
        "<html><body><h1>Plates</h1><p><img src='plate.png' alt='A factory'></p><p>Text.</p></body></html>",
        encoding="utf-8",
    )
    done = import_work([str(site / "page.htm")], tmp_path / "out", "plates", False, Fetcher(None, delay=0))
    text = (done.folder / "text.md").read_text(encoding="utf-8")
    assert "![A factory](plate.png)" in text and (done.folder / "plate.png").read_bytes().startswith(b"\x89PNG")
    (done.folder / "text.md").write_text(text.replace("(plate.png)", '(plate.png "Plate I")'), encoding="utf-8")
    html = str(render(load_work(done.folder).parts[0].tokens, images="images/"))
    assert '<figure><img src="images/plate.png" alt="A factory" /><figcaption>Plate I</figcaption></figure>' in html


def test_an_image_that_cannot_be_had_is_left_out_and_reported(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(16))
    (site / "page.htm").write_text(
        "<html><body><h1>Plates</h1><p>See <img src='broken.png' alt='a plate'>"
        " and <img src='missing.gif' alt='another'>.</p></body></html>",
        encoding="utf-8",
    )
    done = import_work([str(site / "page.htm")], tmp_path / "out", "plates", False, Fetcher(None, delay=0))
    # Set among the paragraph's words, each leaves its alternative text, which a browser shows in its place.
    assert (done.folder / "text.md").read_text(encoding="utf-8").split() == [
        "#",
        "Plates",
        "See",
        "a",
        "plate",
        "and",
        "another.",
    ]
    report = (done.folder / "import-report.md").read_text(encoding="utf-8")
    assert "image broken.png is not a readable JPEG, PNG, GIF or SVG; left out" in report
    assert "image missing.gif could not be fetched" in report


def test_notes_the_page_does_not_link_are_read_from_its_notes_section() -> None:
    page = (
        "<html><body><h1>T</h1><p>One [1] and [1933] and two<sup>[2]</sup> and a year [197[4]].</p>"
        "<h3>Footnotes</h3><p>1. The first —Ed.</p><p>It goes on.</p><p><b>"
        "2.</b> The second —Lenin</p><p>Note. On the whole.</p></body></html>"
    )
    report = ImportReport()
    text = parse(page, "t.html", report)
    assert text.blocks == ["One \x00[^1] and \\[1933\\] and two\x00[^2] and a year \\[197\\[4\\]\\]."]
    assert text.notes == {"1": "The first —Ed.\n\n    It goes on.", "2": "The second —Lenin", "note": "On the whole."}


def test_an_image_keeps_the_caption_the_page_gives_it(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    Image.new("RGB", (1500, 900), "white").save(site / "plate.png")
    Image.new("RGB", (300, 200), "white").save(site / "small.png")
    (site / "page.htm").write_text(
        "<html><body><h1>Plates</h1><p><img src='plate.png' alt='A factory'>"
        "</p><p class='caption'>Plate I: a \"model\" mill</p>"
        "<figure><img src='small.png' alt='A loom'><figcaption>"
        "Plate II</figcaption></figure><p>Text.</p></body></html>",
        encoding="utf-8",
    )
    done = import_work([str(site / "page.htm")], tmp_path / "out", "plates", False, Fetcher(None, delay=0))
    text = (done.folder / "text.md").read_text(encoding="utf-8")
    assert '![A factory](plate.png "Plate I: a \\"model\\" mill")' in text and '![A loom](small.png "Plate II")' in text
    html = str(render(load_work(done.folder).parts[0].tokens, images=""))
    assert (
        "<figcaption>Plate I: a &quot;model&quot; mill</figcaption>" in html
        and "<figcaption>Plate II</figcaption>" in html
    )
    assert "small.png: 300 px wide, too coarse" in (done.folder / "import-report.md").read_text(encoding="utf-8")
