"""The import audit (builder/importer/audit.py): pages generated with every construct the importer
reads import with every word and note; a word or a note the mapping drops fails the import with a
coded error quoting it; characters no reader can see are repaired and listed; --strict fails on them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.importer import html_page
from builder.importer.assemble import import_work
from builder.importer.audit import audit, lost_words, readable_words, words_of
from builder.importer.fetch import Fetcher
from builder.importer.report import REPORT_FILE, ImportReport
from builder.importer.unseen import repair_unseen
from builder.source.loader import load_work
from tests.conftest import CAPITAL_CH15, CAPITAL_CONTENTS, CORPUS, run_cli

HEADER = """<p class="information"><span class="info">Written:</span> 1913<br />
<span class="info">Source:</span> Collected Works, Progress Publishers, Moscow, Volume 19<br />
<span class="info">Public Domain:</span> Marxists Internet Archive (2004). You may freely copy this work.</p>"""

# Words made up so that each is unlikely to stand twice on a page: a lost one cannot hide behind its twin.
WORDS = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=4, max_size=9).map(lambda w: w + "a")
SENTENCE = st.lists(WORDS, min_size=4, max_size=12)


def _inline(words: list[str], construct: str) -> str:
    """A sentence with one construct inside it, between its words (which a browser shows around it)."""
    half = len(words) // 2
    head, tail = " ".join(words[:half]), " ".join(words[half:])
    middle = {
        "comment": " <!-- vol=19 pg=024 a printed page's marker --> ",
        "comment-in-word": "<!--352-->",
        "script": " <script>var hidden = 'not shown';</script> ",
        "style": " <style>p { color: red }</style> ",
        "noscript": " <noscript>no scripts here</noscript> ",
        "pi": " <?php echo 'hidden' ?> ",
        "emphasis": " <em>",
        "plain": " ",
    }[construct]
    if construct == "comment-in-word":
        return f"{head}{middle}{tail}"  # "mecha<!--354-->nism": one word, as a browser shows it
    if construct == "emphasis":
        return f"{head}{middle}{tail}</em>"
    return f"{head}{middle}{tail}"


CONSTRUCTS = ["comment", "comment-in-word", "script", "style", "noscript", "pi", "emphasis", "plain"]
NOTE_SHAPES = ["linked", "footnotes-anchor", "back-link-only"]


@st.composite
def pages(draw: st.DrawFn) -> tuple[str, list[list[str]], list[list[str]]]:
    """A page: title, header, paragraphs with constructs, maybe 400 unclosed <font>s, and notes
    in one of the archive's shapes. Returns the HTML, the paragraphs' words and the notes' words."""
    paragraphs = draw(st.lists(SENTENCE, min_size=1, max_size=6))
    constructs = draw(st.lists(st.sampled_from(CONSTRUCTS), min_size=len(paragraphs), max_size=len(paragraphs)))
    notes = draw(st.lists(SENTENCE, min_size=0, max_size=4))[: len(paragraphs)]  # each called from a paragraph
    shape = draw(st.sampled_from(NOTE_SHAPES))
    deep = draw(st.booleans())
    body = []
    for number, (words, construct) in enumerate(zip(paragraphs, constructs, strict=True), start=1):
        text = _inline(words, construct)
        if construct == "comment-in-word":
            half = len(words) // 2
            words[half - 1 : half + 1] = [words[half - 1] + words[half]]
        if number <= len(notes):
            call = {
                "linked": f'<sup><a name="c{number}" href="#n{number}">[{number}]</a></sup>',
                "footnotes-anchor": f'<a name="{number}.1" href="#{number}">[{number}]</a>',
                "back-link-only": f'<a name="{number}.1"></a>',
            }[shape]
            text += call
        body.append(f"<font size=2><p>{text}" if deep else f"<p>{text}</p>")
    if deep:
        body += ["<font size=2><p>" + " ".join(w + "a" for w in ("filler",) * 3) for _ in range(400 - len(body))]
        paragraphs = paragraphs + [["fillera"] * 3] * (400 - len(paragraphs))
    if notes:
        body.append("<h4>Footnotes</h4>")
    for number, words in enumerate(notes, start=1):
        text = " ".join(words)
        body.append(
            {
                "linked": f'<p class="endnote"><a name="n{number}" href="#c{number}">[{number}]</a> {text}</p>',
                "footnotes-anchor": f'<a name="{number}"></a><p><strong>'
                f'<a href="#{number}.1">[{number}]</a></strong> {text}</p>',
                "back-link-only": f'<p><a href="#{number}.1">[{number}]</a> {text}</p>',
            }[shape]
        )
    page = f"""<html lang="en"><head><title>A page</title></head><body>
<h2>V. I. Lenin</h2>
<h1>A Made-up Article</h1>
{HEADER}
{"".join(body)}
</body></html>"""
    return page, paragraphs, notes


def _import(page: str, tmp: Path, name: str = "page.html") -> Path:
    source = tmp / name
    source.write_text(page, encoding="utf-8")
    done = import_work([str(source)], tmp / "out", "work", True, Fetcher(None, 0))
    return done.folder


def _in_order(needle: list[str], haystack: list[str]) -> bool:
    found = iter(haystack)
    return all(word in found for word in needle)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(generated=pages())
def test_generated_pages_import_with_every_word_and_every_note(
    generated: tuple[str, list[list[str]], list[list[str]]], tmp_path: Path
) -> None:
    page, paragraphs, notes = generated
    folder = _import(page, tmp_path)  # the audit runs inside: it would raise on a loss
    text = (folder / "text.md").read_text(encoding="utf-8")
    body, _, _ = text.partition("\n[^")
    assert _in_order([w for words in paragraphs for w in words], words_of(body))
    for hidden in ("hidden", "shown", "color", "scripts"):
        assert hidden not in text
    work = load_work(folder)
    part = work.parts[0]
    assert len(part.notes) == len(notes)  # each a note, each called
    for (label, note), words in zip(part.notes.items(), notes, strict=True):
        assert label.split("_")[-1].isdigit()
        assert re.search(r"\b" + r"\W+".join(words) + r"\b", text.split(f"[^{label}]:")[1].split("\n[^")[0])
        assert note.tokens


def test_the_audit_finds_a_word_the_mapping_drops() -> None:
    page = f"<html><body><h1>Title</h1>{HEADER}<p>first words here</p><p>one two zanzibar three four</p></body></html>"
    markdown = "# Title\n\nfirst words here\n\none two three four\n"
    header = (
        "Written: 1913 Source: Collected Works, Progress Publishers, Moscow, Volume 19 "
        "Public Domain: Marxists Internet Archive (2004). You may freely copy this work."
    )
    [loss] = audit(page, markdown, header)
    assert loss.words == ["zanzibar"] and loss.where() == "paragraph, block 4 of the page, line 3"
    assert loss.shown == "zanzibar" and words_of(markdown)[loss.at - 1] == "two"  # where it belongs
    assert lost_words(page, markdown + "\n\nzanzibar", elsewhere=header) != []  # one word elsewhere is not enough


def test_a_run_the_mapping_drops_is_kept_where_it_stood_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The importer's old bug, put back: a comment dropped with the words after it. The page
    imports all the same, the words kept verbatim after their paragraph and named."""
    page = (
        f"<html><body><h1>Title</h1>{HEADER}<p>as represented by German <!-- an editor's comment -->"
        " philosophy, English political economy</p><p>The next paragraph.</p></body></html>"
    )
    assert "German philosophy, English political economy" in (_import(page, tmp_path) / "text.md").read_text(
        encoding="utf-8"
    )
    monkeypatch.setattr(html_page, "_drop_keep_tail", html_page._drop)
    folder = _import(page, tmp_path)
    text = (folder / "text.md").read_text(encoding="utf-8")
    assert "as represented by German\n\nphilosophy, English political economy\n\nThe next paragraph." in text
    needs = (folder / REPORT_FILE).read_text(encoding="utf-8").split("## Needs a human look")[1].split("\n## ")[0]
    assert (
        "page.html: “philosophy, English political economy” (paragraph, block 3 of the "
        "page, line 3): the importer could not place it; kept as a paragraph where it stood" in needs
    )
    load_work(folder)


def test_a_note_the_mapping_drops_is_kept_as_a_note_with_its_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = (
        f"<html><body><h1>T</h1>{HEADER}<p>text<sup><a name='c1' href='#n1'>"
        "[1]</a></sup> more</p><h4>Notes</h4><p><a name='n1' href='#c1'>[1]</a>"
        " the note text</p><p>a second paragraph, quite apart</p></body></html>"
    )
    real = html_page._Converter.note_block
    monkeypatch.setattr(
        html_page._Converter,
        "note_block",
        lambda self, element: "" if "second" in element.text_content() else real(self, element),
    )
    folder = _import(page, tmp_path)
    text = (folder / "text.md").read_text(encoding="utf-8")
    assert "[^editor-kept_1]: a second paragraph, quite apart" in text
    assert list(load_work(folder).parts[0].editor_notes) == ["editor-kept_1"]


def test_readable_words_are_what_a_browser_shows() -> None:
    page = "<p>mecha<!--354-->nism <script>x()</script>stays<?pi hidden?> H<sub>2</sub>O<noscript>no</noscript> end"
    assert [w.text for w in readable_words(page)] == ["mechanism", "stays", "h", "2", "o", "end"]
    deep = "<body>" + "".join(f"<font><p>para{i}" for i in range(400))
    assert len(readable_words(deep)) == 800  # "para" and its number: letters and digits are two words


def test_a_deep_page_imports_whole(tmp_path: Path) -> None:
    page = (
        f"<html><body><h1>Deep</h1>{HEADER}"
        + "".join(f"<font size=2><p>paragraph number{i} here" for i in range(400))
        + "</body></html>"
    )
    text = (_import(page, tmp_path) / "text.md").read_text(encoding="utf-8")
    assert all(f"number{i} here" in text for i in range(400))
    assert text.count("\n\nparagraph number") == 400  # paragraphs, not run together


UNSEEN = {
    "\x0c": "form feed U+000C",
    "\x00": "NUL U+0000",
    "\ue000": "a private-use character U+E000",
    "\u0378": "an unassigned code point U+0378",
    "\x07": "control character U+0007",
}


@pytest.mark.parametrize("char", list(UNSEEN))
def test_a_character_no_reader_can_see_is_repaired_and_listed(char: str, tmp_path: Path) -> None:
    page = f"<html><body><h1>Title</h1>{HEADER}\n<p>one two</p>\n<p>words{char}apart and more</p></body></html>"
    folder = _import(page, tmp_path)
    text = (folder / "text.md").read_text(encoding="utf-8")
    assert ("words apart" if char == "\x0c" else "wordsapart") in text
    report = (folder / REPORT_FILE).read_text(encoding="utf-8")
    needs = report.split("## Needs a human look")[1].split("\n## ")[0]
    assert f"page.html, line 5: {UNSEEN[char]}" in needs


def test_repairs_are_counted_by_line() -> None:
    report = ImportReport()
    assert repair_unseen("a\ue000b\ue000\nc\x0cd", "p.html", report) == "ab\nc d"
    assert report.check == [
        "p.html, line 1: a private-use character U+E000 removed (2 times); see what the page meant there",
        "p.html, line 2: form feed U+000C replaced by a space; see what the page meant there",
    ]
    assert repair_unseen("\x81", "p.html", report, keep_c1=True) == "\x81"  # left to the mojibake repair


def test_strict_fails_when_anything_needs_a_human_look(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(f"<html><body><h1>Title</h1>{HEADER}<p>words\ue000 here</p></body></html>", encoding="utf-8")
    loose = run_cli("import", str(page), "--into", str(tmp_path / "a"), "--slug", "w")
    assert loose.returncode == 0, loose.stderr
    strict = run_cli("import", str(page), "--into", str(tmp_path / "b"), "--slug", "w", "--strict")
    assert strict.returncode == 1 and "[I012]" in strict.stderr and "Traceback" not in strict.stderr
    assert (tmp_path / "b" / "w" / "text.md").exists()  # written, for the person to look at


def test_labels_renumbered_across_parts_stay_editor_notes_when_uncalled(tmp_path: Path) -> None:
    first = (
        f"<html><body><h1>One</h1>{HEADER}<p>text<sup><a href='#n1' name='c1'>[1]</a>"
        "</sup></p><p><a name='n1' href='#c1'>[1]</a> a note</p></body></html>"
    )
    second = (
        "<html><body><h1>Two</h1><p>more text</p><h4>Notes</h4><p>"
        "<a name='n1' href='#nowhere'>[1]</a> an uncalled note</p></body></html>"
    )
    (tmp_path / "one.html").write_text(first, encoding="utf-8")
    (tmp_path / "two.html").write_text(second, encoding="utf-8")
    done = import_work(
        [str(tmp_path / "one.html"), str(tmp_path / "two.html")], tmp_path / "out", "w", True, Fetcher(None, 0)
    )
    work = load_work(done.folder)
    assert list(work.parts[1].editor_notes) == ["editor-2_1"]


# Capital's contents page (with its book) and its chapter 15 are imported once per run, for this
# and the layouts that read them (tests/editions/): the test after this one.
SHARED_IMPORTS = {CAPITAL_CONTENTS: "capital_imported", CAPITAL_CH15: "capital_ch15_imported"}
CORPUS_PAGES = [
    page
    for page in sorted(CORPUS.glob("*.html")) + sorted(CORPUS.glob("*.txt")) + sorted((CORPUS / "books").rglob("*.htm"))
    if page not in SHARED_IMPORTS
]


@pytest.mark.parametrize("page", CORPUS_PAGES, ids=lambda page: str(page.relative_to(CORPUS)))
def test_every_corpus_page_imports_with_nothing_lost(page: Path, tmp_path: Path) -> None:
    """Each page alone, and each contents page with its book: the audit runs inside the import,
    and finds nothing the mapping could not place."""
    done = import_work([str(page)], tmp_path, "work", True, Fetcher(None, 0))
    assert load_work(done.folder).parts
    assert not [line for line in done.report.check if "could not place" in line]


@pytest.mark.parametrize("page", SHARED_IMPORTS, ids=lambda page: str(page.relative_to(CORPUS)))
def test_every_corpus_page_imported_once_a_run_with_nothing_lost(page: Path, request: pytest.FixtureRequest) -> None:
    """Capital's contents page with its book, and its chapter 15, as every other page above (the
    run's one import of each)."""
    folder, check = request.getfixturevalue(SHARED_IMPORTS[page])
    assert load_work(folder).parts
    assert not [line for line in check if "could not place" in line]
