"""Three more archive pages made into sources: every word of each work's body and of its notes
reaches both editions, in order and with its own characters; none of the web page's debris does
(navigation rows in either order, link labels, an empty "Notes" heading, an anchor's run of
spaces). Each work is built once per module, by the real command line, and read back."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from builder.checks import validators as checks
from tests.support.words import dehyphenated_words, is_subsequence, words

from .conftest import CORPUS, SEED

pytestmark = pytest.mark.slow  # whole books and every validator: scheduled first

NS = {"x": "http://www.w3.org/1999/xhtml"}
NOTE = re.compile(r"^\[(\d+)\] (.*)$")  # a note as the copied page prints it: "[1] The notes on…"
# A note in a page's "Footnotes" list, numbered or lettered: "1. Karl Marx…", "26a. In…", "A. The…", "Note. This…"
LISTED_NOTE = re.compile(r"^(\d+[a-z]?|[A-Z]|Note)\. (.*)$")
LIST_ITEM = re.compile(r"^(\d+)\. ")  # an item of a numbered list, its number drawn by the list

# What belongs to the web pages, not to the works: navigation rows, link labels, the separator
# before "README". Each string is checked to occur in the raw page, so that the test proves a cut.
LENIN_DEBRIS = ("Works Index", "L.I.A. Index", "Collected Works   |", "backward", "forward", "README", "•")
THESES_DEBRIS = (
    "Download PDF",
    "Deutsch |",
    "1938 translation",
    "2002 translation",
    "MECW translation",
    "Marx/Engels Works Archive",
    "Study Guide",
    "Engels on Feuerbach",
    "Image of Thesis 11",
    "| Works Index",
)
# Capital: the page's contents list (links to its own anchors), the "Footnotes" heading, the
# credits' wording ("Html Markup" becomes the colophon's "Markup by") and the navigation row.
CAPITAL_DEBRIS = (
    "Karl Marx. Capital Volume One",
    "Section 1 - The Two Factors of a Commodity",
    "Footnotes",
    "Html Markup by",
    "Ch. 1 as per First German Edition",
    "Next: Chapter Two: Exchange",
    "Capital Volume One Index",
)


# Capital's editor's note writes "Marx's" once where the page otherwise sets ’.
TYPOGRAPHIC = {
    "marx-1867-capital-v1-ch01-commodities": lambda raw: raw.replace(
        "with Marx's explanation", "with Marx’s explanation"
    )
}


@dataclass(frozen=True)
class Page:
    slug: str
    first: str  # the start of the body's first line, after the header block
    last: str  # the start of the body's last line; notes, "Notes" and navigation follow
    debris: tuple[str, ...]
    header: tuple[str, ...]  # header fields' text the colophon must carry as the page writes it
    # For a page with no header block, whose credits follow its notes (Capital): the work's title
    # line and the start of the credits. The body then starts at `first`; the notes are the
    # "Footnotes" list between `last` and the credits.
    title: str | None = None
    credits: str | None = None

    @property
    def raw(self) -> str:
        page = CORPUS / f"{self.slug}.txt"
        text = (page if page.exists() else SEED.parent / f"{self.slug}.txt").read_text(encoding="utf-8")
        # The one typographic change an edition makes to the page's characters: a straight
        # apostrophe where the text otherwise sets ’ is set as ’ (`folio lint` L006, and the
        # import's quotes set as the text sets them). Every other character is compared as written.
        return TYPOGRAPHIC.get(self.slug, lambda raw: raw)(text)


PAGES = [
    Page(
        "lenin-1913-big-achievement-of-the-chinese-republic",
        "We know that",
        "The collapse of the robber consortium",
        (*LENIN_DEBRIS, "Volume 19  |"),
        ("Signed: W..",),
    ),
    Page(
        "lenin-1914-letter-to-vorwaerts-and-wiener-arbeiter-zeitung",
        "Dear Comrades:",
        "With Social-Democratic greetings",
        (*LENIN_DEBRIS, "Volume 21  |"),
        ("[197[4]]",),
    ),
    Page(
        "marx-1845-theses-on-feuerbach",
        "I",
        "The philosophers have only interpreted the world",
        THESES_DEBRIS,
        ("13 – 15", "Zodiac", "Andy Blunden"),
    ),
    Page(
        "marx-1867-capital-v1-ch01-commodities",
        "SECTION 1",
        "So far no chemist has ever discovered",
        CAPITAL_DEBRIS,
        ("Bert Schultz", "Brian Baggins", "Andy Blunden"),
        title="Chapter One: Commodities",
        credits="Transcribed by Bert Schultz",
    ),
]


@dataclass(frozen=True)
class Sections:
    title: str
    body: list[str]  # the body's lines, as on the page
    notes: dict[str, str]  # label → text


def cut(page: Page) -> Sections:
    """The work's title, body and notes, cut from the raw page as an editor would: the body
    runs from the first line after the header block (the lines up to the first blank line
    after "Source:") to its known last line; the notes are the "[n] " lines after it.
    A page with no header block (`page.title` set) has its title line, then a contents list
    of links, then the body from its known first line; its notes are listed after the body
    under "Footnotes", up to the credits (see `listed_notes`)."""
    lines = page.raw.split("\n")
    end = next(i for i, line in enumerate(lines) if line.startswith(page.last))
    if page.title is None:
        source_at = next(i for i, line in enumerate(lines) if line.startswith("Source:"))
        start = lines.index("", source_at) + 1
        title = lines[2]
    else:
        title = page.title
        assert title in lines[: lines.index(page.first)], title
        start = lines.index(page.first)
    assert lines[start].startswith(page.first), lines[start]
    body = [line for line in lines[start : end + 1] if line]
    if page.credits is None:
        notes = dict(match.groups() for line in lines[end + 1 :] if (match := NOTE.match(line)))
    else:
        credits_at = next(i for i, line in enumerate(lines) if line.startswith(page.credits))
        notes = listed_notes(lines[end + 1 : credits_at], "\n".join(body))
    return Sections(title=title, body=body, notes=notes)


def listed_notes(lines: list[str], body: str) -> dict[str, str]:
    """Notes listed under a "Footnotes" heading, one "label. text" paragraph each (a note's
    further paragraphs follow it unlabelled), keyed by the label the body calls them by
    ("Note." is called "[note]"), in the order the body calls them."""
    assert next(line for line in lines if line) == "Footnotes", lines[:3]
    notes: dict[str, str] = {}
    label = None
    for line in lines:
        if not line or line == "Footnotes":
            continue
        if match := LISTED_NOTE.match(line):
            label, text = match.groups()
            label = label if f"[{label}]" in body else label.lower()
            notes[label] = text
        else:
            assert label is not None, line
            notes[label] += "\n" + line
    return dict(sorted(notes.items(), key=lambda item: body.index(f"[{item[0]}]")))


def exact_words(text: str) -> list[str]:
    """Words split on ASCII white space only: a non-breaking space stays inside its word, so
    comparing these checks the characters between words too (a run of spaces is one)."""
    return re.split(r"[ \t\r\n]+", text.strip())


def called(line: str, notes: dict[str, str]) -> str:
    """A line as the EPUB reads: a note call "[1]" (or "[26a]", "[A]", "[note]") becomes the
    call's bare label, closed up to the word before it ("it. [A]" reads "it.A"); other
    brackets ("[197[4]]", "[Paris is certainly worth a mass]") stay."""
    return re.sub(r" ?\[([0-9A-Za-z]+)\]", lambda m: m.group(1) if m.group(1) in notes else m.group(0), line)


@dataclass(frozen=True)
class Edition:
    page: Page
    sections: Sections
    epub_files: dict[str, bytes]
    pdf_text: str
    problems: list[str]  # what EPUBCheck and the PDF read-back report


@pytest.fixture(scope="module", params=PAGES, ids=[page.slug for page in PAGES])
def edition(request: pytest.FixtureRequest, built_shelf: Path, ace_on_shelf: dict[str, list[str]]) -> Edition:
    """The work's EPUB and A5 PDF, from the session's shelf (built by `python -m builder build`)."""
    page: Page = request.param
    dist = built_shelf
    with zipfile.ZipFile(dist / f"{page.slug}.epub") as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    pdf_text = checks.pdf_text(dist / f"{page.slug}.pdf")
    epub = dist / f"{page.slug}.epub"
    found = checks.epubcheck(epub) + checks.check_pdf(dist / f"{page.slug}.pdf")
    problems = [str(f) for f in found] + ace_on_shelf[epub.name]
    return Edition(page, cut(page), files, pdf_text, problems)


def epub_part(edition: Edition) -> tuple[str, list[str]]:
    """The text of the work's part, with each numbered list's numbers written in (the reading
    system draws them; the copied page has them as text), and the texts of its notes' asides."""
    tree = etree.fromstring(edition.epub_files["EPUB/text.xhtml"])
    section = tree.xpath("//x:section[@class='part']", namespaces=NS)[0]
    for ol in section.xpath(".//x:ol", namespaces=NS):
        for number, li in enumerate(ol.xpath("x:li", namespaces=NS), start=int(ol.get("start", "1"))):
            li.text = f"{number}. {li.text or ''}"
    asides = section.xpath(".//x:aside", namespaces=NS)
    notes = ["".join(aside.itertext()) for aside in asides]
    for aside in asides:
        aside.getparent().remove(aside)
    return "".join(section.itertext()), notes


def test_the_cut_is_what_we_think() -> None:
    chinese, letter, theses, capital = (cut(page) for page in PAGES)
    assert chinese.title == "Big Achievement of the Chinese Republic" and chinese.notes == {} and len(chinese.body) == 5
    assert letter.title == "Letter to Vorwärts and Wiener Arbeiter-Zeitung" and list(letter.notes) == ["1"]
    assert (
        letter.notes["1"].startswith("The notes on Lenin’s report")
        and letter.body[-1] == "With Social-Democratic greetings"
    )
    assert theses.title == "Theses On Feuerbach" and theses.notes == {} and theses.body[0] == "I"
    assert [line for line in theses.body if re.fullmatch(r"[IVX]+", line)] == [
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "VII",
        "VIII",
        "IX",
        "X",
        "XI",
    ]
    for page in PAGES:
        sections = cut(page)
        kept = "\n".join([sections.title, *sections.body, *sections.notes.values()])
        for debris in page.debris:
            assert debris in page.raw, debris  # the debris is really on the page …
            assert debris not in kept, debris  # … and the cut leaves it out
        assert "Notes" not in sections.body and "[197[4]]" not in kept  # "[197[4]]" is the header's, not a note
    assert "welcome an   alliance" in chinese.body[3]  # a page anchor's run of spaces, which must become one
    assert capital.title == "Chapter One: Commodities" and capital.body[0] == "SECTION 1"
    assert list(capital.notes) == [
        *map(str, range(1, 12)),
        "A",
        *map(str, range(12, 27)),
        "26a",
        *map(str, range(27, 32)),
        "note",
        *map(str, range(32, 38)),
    ]
    assert (
        capital.notes["A"].split("\n")[1].startswith("Now we know the substance of value")
    )  # a note of three paragraphs
    assert capital.notes["note"].endswith("[MIA]") and "Transcribed by" not in capital.notes["note"]
    assert "[Paris is certainly worth a mass]" in called("\n".join(capital.body), capital.notes)  # brackets, not a note
    assert [line for line in capital.body if line.startswith("SECTION")] == [
        "SECTION 1",
        "SECTION 2",
        "SECTION 3",
        "SECTION 4",
    ]


def test_epub_has_every_word_in_order(edition: Edition) -> None:
    text, _ = epub_part(edition)
    sections = edition.sections
    expected = [sections.title, *(called(line, sections.notes) for line in sections.body)]
    assert exact_words(text) == exact_words("\n".join(expected))


def test_epub_notes_have_every_word(edition: Edition) -> None:
    _, notes = epub_part(edition)
    expected = [f"{label} {text}" for label, text in edition.sections.notes.items()]
    assert [exact_words(note) for note in notes] == [exact_words(note) for note in expected]


def test_epub_marks_the_structure(edition: Edition) -> None:
    tree = etree.fromstring(edition.epub_files["EPUB/text.xhtml"])
    section = tree.xpath("//x:section[@class='part']", namespaces=NS)[0]
    headings = [
        " ".join(h.itertext()).strip()
        for h in section.xpath(".//x:h1 | .//x:h2 | .//x:h3 | .//x:h4 | .//x:h5 | .//x:h6", namespaces=NS)
    ]
    assert "Notes" not in headings  # the page's empty "Notes" heading is gone
    if edition.page.slug.startswith("marx-1845"):
        assert section.xpath("x:h2/text()", namespaces=NS) == [
            "I",
            "II",
            "III",
            "IV",
            "V",
            "VI",
            "VII",
            "VIII",
            "IX",
            "X",
            "XI",
        ]
        items = section.xpath(".//x:ol/x:li", namespaces=NS)
        assert [li.text.split()[:2] for li in items] == [["To", "abstract"], ["Essence,", "therefore,"]]
    if edition.page.slug.startswith("lenin-1914"):
        assert section.xpath("x:p[1]/@class", namespaces=NS) == ["salutation"]


def test_no_web_page_debris_in_either_edition(edition: Edition) -> None:
    xhtml = [data.decode("utf-8") for name, data in edition.epub_files.items() if name.endswith(".xhtml")]
    for text in [edition.pdf_text, *xhtml]:
        flat = re.sub(r"\s+", " ", text)
        for debris in edition.page.debris:
            assert debris not in text and re.sub(r"\s+", " ", debris) not in flat, debris
    assert not re.search(r"^\s*Notes\s*$", edition.pdf_text, re.MULTILINE)
    part, notes = epub_part(edition)
    for text in [part, *notes]:
        assert not re.search(r"[ \u00a0]{2,}", text), "a run of spaces left by a page anchor"


def pdf_words(text: str) -> list[str]:
    """Words as the PDF reads back: hyphens dropped (see dehyphenated_words), and split after an
    em dash, where the typesetter may break a line ("democracy—" / "only")."""
    return dehyphenated_words(text.replace("—", "— "))


def test_pdf_has_every_word_in_order(edition: Edition) -> None:
    found = pdf_words(edition.pdf_text)
    sections = edition.sections
    # A list's numbers are drawn apart from their items (pypdf reads them out at the page's end).
    body = [LIST_ITEM.sub("", called(line, sections.notes)) for line in [sections.title, *sections.body]]
    for text in ["\n".join(body), *sections.notes.values()]:
        ok, why = is_subsequence([w.replace("-", "") for w in words(text.replace("—", "— ")) if w.strip("-")], found)
        assert ok, why
    for line in sections.body:
        if match := LIST_ITEM.match(line):
            assert f"{match.group(1)}." in found


def test_header_fields_keep_their_characters(edition: Edition) -> None:
    """The page's header reaches the colophon as written: "[197[4]]" is a year, not a note."""
    colophon = edition.epub_files["EPUB/colophon.xhtml"].decode("utf-8")
    flat_pdf = re.sub(r"\s+", " ", edition.pdf_text)
    for original in edition.page.header:
        assert original in edition.page.raw, original
        assert original in colophon and original in flat_pdf, original


def test_licensed_work_does_not_claim_public_domain(edition: Edition) -> None:
    rights = edition.epub_files["EPUB/rights.xhtml"].decode("utf-8") + edition.epub_files["EPUB/colophon.xhtml"].decode(
        "utf-8"
    )
    flat_pdf = re.sub(r"\s+", " ", edition.pdf_text)
    if edition.page.slug.startswith("marx-1845"):
        assert (
            "Creative Commons ShareAlike License" in rights
            and "https://www.marxists.org/admin/legal/cc/by-sa.htm" in rights
        )
        assert "not</strong> in the public domain" in rights and "The text is in the public domain" not in rights
        assert "Creative Commons ShareAlike License" in flat_pdf and "The text is in the public domain" not in flat_pdf
    else:
        assert "The text is in the public domain" in rights


def test_both_editions_pass_their_checks(edition: Edition) -> None:
    assert edition.problems == []
