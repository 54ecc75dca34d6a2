"""Families of generated pages (hypothesis) for constructs a reader found the import refusing,
losing or misplacing: preformatted text indented by four spaces or more, a note's call glued
to the word before it, captions and alt text of images that cannot be fetched, UTF-8 pages
with stray windows-1252 bytes, text after the notes, decomposed Greek, <q>, a declared
language, lists' numbering and bare bracketed notes. Each family has the reader's page as a
regression example beside it (tests/data/findings/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.errors import BuildError
from builder.importer import assemble
from builder.importer.assemble import import_work
from builder.importer.audit import words_of
from builder.importer.fetch import Fetcher
from builder.source.lint import lint_work
from builder.source.loader import load_work
from builder.source.text import MD

WORDS = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=4, max_size=9).map(lambda w: w + "o")
SENTENCE = st.lists(WORDS, min_size=1, max_size=6)
FAMILY = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def _import(tmp_path: Path, html: str | bytes, name: str = "page.html") -> assemble.Imported:
    page = tmp_path / name
    page.write_bytes(html if isinstance(html, bytes) else html.encode())
    return import_work([str(page)], tmp_path / "out", "work", True, Fetcher(None, 0))


def _text(done: assemble.Imported) -> str:
    return (done.folder / "text.md").read_text(encoding="utf-8")


def _nothing_put_back(done: assemble.Imported) -> None:
    assert not [line for line in done.report.check if "could not place" in line], done.report.check


def _in_order(needle: list[str], haystack: list[str]) -> bool:
    found = iter(haystack)
    return all(word in found for word in needle)


# --- R1: preformatted text ---------------------------------------------------------------


@st.composite
def preformatted(draw: st.DrawFn) -> list[tuple[int, list[str]]]:
    """A <pre>'s lines: each an indent (0 to 12 spaces) and its words, some lines blank."""
    return draw(
        st.lists(
            st.tuples(st.integers(0, 12), st.one_of(SENTENCE, st.just([]))),
            min_size=1,
            max_size=6,
        ).filter(lambda lines: any(words for _, words in lines))
    )


@FAMILY
@given(lines=preformatted(), tabs=st.booleans())
def test_preformatted_text_keeps_its_lines_and_indents(
    lines: list[tuple[int, list[str]]], tabs: bool, tmp_path: Path
) -> None:
    """A <pre> of lines indented by any number of spaces (four or more is code to Markdown)
    imports as one block of the class `lines`, each line on a line of its own with its indent as no-break spaces."""
    shown = [(" " * indent + " ".join(words)) if words else "" for indent, words in lines]
    if tabs:
        shown = [line.replace(" " * 8, "\t") for line in shown]
    html = f"<html><body><h1>Pre</h1><p>befo</p><pre>\n{chr(10).join(shown)}\n</pre><p>afto</p></body></html>"
    done = _import(tmp_path, html)
    _nothing_put_back(done)
    body = re.search(r"<p>befo</p>\s*<p class=\"lines\">(.*?)</p>\s*<p>afto</p>", MD.render(_text(done)), re.S)
    assert body, _text(done)
    got = [line.removesuffix("<br />") for line in body.group(1).split("\n")]
    want = [
        re.sub(r"^ ", "\u00a0", re.sub(r" {2,}", lambda m: "\u00a0" * len(m[0]), line.expandtabs(8).rstrip()))
        for line in shown
    ]
    want = "\n".join(want).strip("\n").split("\n")
    want = [line for n, line in enumerate(want) if line or want[n - 1]]  # a run of blank lines: one
    assert got == want, (got, want)


def test_a_refused_source_names_the_work_folder_not_the_staging_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error found in what the import wrote names the path the work would have had."""

    def refuse(folder: Path) -> None:
        raise BuildError(folder / "text.md", "made up", line=3, code="S041")

    monkeypatch.setattr(assemble, "load_work", refuse)
    with pytest.raises(BuildError) as raised:
        _import(tmp_path, "<html><body><h1>T</h1><p>word</p></body></html>")
    assert Path(raised.value.path) == tmp_path / "out" / "work" / "text.md"
    assert ".importing" not in str(raised.value)
    assert not (tmp_path / "out" / "work").exists()


FINDINGS = Path(__file__).parent / "findings"


def test_the_readers_preformatted_page_imports_with_its_indents(tmp_path: Path) -> None:
    done = _import(tmp_path, (FINDINGS / "pre-min.html").read_text(encoding="utf-8"))
    text = _text(done)
    assert "&#160;\u00a0\u00a0\u00a010 REM a program\\\n\u00a0\u00a0\u00a0\u00a020 PRINT" in text, text
    assert not lint_work(load_work(done.folder))


# --- 5: a note's call glued to the word before it; the label's own period ------------------


@FAMILY
@given(
    notes=st.lists(st.tuples(SENTENCE, SENTENCE, st.booleans()), min_size=1, max_size=4),
    label=st.sampled_from(["{n}</a>.", "{n}.</a>", "[{n}]</a>", "{n}</a>)", "({n})</a>"]),
    glued=st.booleans(),
)
def test_a_call_glued_to_its_word_is_a_call_and_the_label_keeps_its_period(
    notes: list[tuple[list[str], list[str], bool]], label: str, glued: bool, tmp_path: Path
) -> None:
    """`revolutions<a href="#1">1</a>` and `<a href="#b1">1</a>. France`: the call follows
    its word, the note's text starts with its first word, and nothing is put back."""
    body, after = [], []
    for n, (before, note, digits) in enumerate(notes, start=1):
        word = before[-1] + ("1848" if digits else "")
        body.append(
            f"<p>{' '.join(before[:-1])} {word}{'' if glued else ' '}<a href='#n{n}' name='c{n}'>{n}</a> endo</p>"
        )
        after.append(f"<p><a href='#c{n}' name='n{n}'>{label.format(n=n)} {' '.join(note)}</p>")
    html = f"<html><body><h1>Calls</h1>{''.join(body)}<hr>{''.join(after)}</body></html>"
    done = _import(tmp_path, html)
    text = _text(done)
    _nothing_put_back(done)
    for n, (before, note, digits) in enumerate(notes, start=1):
        word = re.escape(before[-1] + ("1848" if digits else ""))
        assert re.search(rf"{word}\[\^{n}\] endo", text), text
        assert f"[^{n}]: {' '.join(note)}\n" in text, text
    assert len(re.findall(r"^[^\[\n#].*$", text, re.M)) == len(notes), text  # no paragraph of leftovers


def test_the_readers_glued_calls(tmp_path: Path) -> None:
    done = _import(tmp_path, (FINDINGS / "plainnum.html").read_text(encoding="utf-8"))
    text = _text(done)
    assert "revolutions[^1] and" in text and "[^1]: France, Germany" in text and "revolutions1" not in text
    assert not lint_work(load_work(done.folder))


# --- 1 and 9: an image that cannot be fetched keeps its caption and an inline one its alt ---


@FAMILY
@given(
    figures=st.lists(
        st.tuples(SENTENCE, SENTENCE, st.sampled_from(["p-caption", "figcaption", "inline", "none"]), st.booleans()),
        min_size=1,
        max_size=4,
    )
)
def test_an_image_not_fetched_keeps_its_caption_and_inline_alt(
    figures: list[tuple[list[str], list[str], str, bool]], tmp_path: Path
) -> None:
    """Images whose files are missing, or served: a caption (a paragraph of class "caption" or
    a <figcaption>) is kept, with its image or as a paragraph where the image stood; an image
    among a paragraph's words leaves its alternative text there, which a browser shows."""
    (tmp_path / "here.png").write_bytes((FINDINGS / "pic.png").read_bytes())
    body, want = [], []
    for n, (alt, caption, kind, served) in enumerate(figures):
        src = "here.png" if served else f"gone{n}.png"
        a, c = " ".join(alt), " ".join(caption)
        if kind == "p-caption":
            body.append(f"<p class='img'><img src='{src}' alt='{a}'></p><p class='caption'>{c}</p>")
            want += caption
        elif kind == "figcaption":
            body.append(f"<figure><img src='{src}' alt='{a}'><figcaption>{c}</figcaption></figure>")
            want += caption
        elif kind == "inline":
            body.append(f"<p>{c} <img src='{src}' alt='{a}'> endo</p>")
            want += [*caption, *alt, "endo"] if not served else [*caption, "endo"]
        else:
            body.append(f"<p><img src='{src}' alt='{a}'></p>")
        body.append(f"<p>para{'x' * n}o</p>")
        want.append(f"para{'x' * n}o")
    done = _import(tmp_path, f"<html><body><h1>Figures</h1>{''.join(body)}</body></html>")
    text = _text(done)
    _nothing_put_back(done)
    shown = words_of(re.sub(r"!\[[^\]]*\]", "", text))  # the alt of an image kept is not the text
    assert _in_order(want, shown), (want, text)
    assert not any("kept with its image" in line and "left out" in line for line in done.report.mapped)
    load_work(done.folder)


def test_the_readers_caption_of_a_missing_image(tmp_path: Path) -> None:
    done = _import(tmp_path, (FINDINGS / "caption-missing.html").read_text(encoding="utf-8"))
    assert "\n\nFig. 2. The weaving shed at Oldham, 1850.\n\n" in _text(done)
    assert any("its caption" in line and "kept as a paragraph" in line for line in done.report.check)


# --- 2: a page that declares UTF-8 with a few stray Windows-1252 bytes ---------------------

ACCENTED = st.sampled_from(["élections", "café", "naïve", "Vallès", "Hôtel", "Müller", "señor", "coup d’état"])
STRAY = st.sampled_from(["“", "”", "’", "é", "è", "–", "—", "ç", "à"])


@FAMILY
@given(
    pieces=st.lists(st.one_of(WORDS, ACCENTED, STRAY.map(lambda c: ("stray", c))), min_size=3, max_size=40),
    declared=st.sampled_from(
        ['<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">']
    ),
)
def test_a_utf8_page_with_stray_windows_1252_bytes_is_read_byte_by_byte(
    pieces: list[str | tuple[str, str]], declared: str
) -> None:
    """Short pages too: each stray byte read as Windows-1252 where it stands, the rest as the
    UTF-8 it is, never the whole page in another encoding a detector guessed."""
    from builder.importer.decode import decode
    from builder.importer.report import ImportReport

    strays = [piece for piece in pieces if isinstance(piece, tuple)]
    if not strays or len(strays) > 3:
        return
    data = f"<html><head>{declared}<title>T</title></head><body><p>".encode()
    want = ""
    for piece in pieces:
        text = piece[1] if isinstance(piece, tuple) else piece
        data += (text.encode("cp1252") if isinstance(piece, tuple) else text.encode()) + b" "
        want += text + " "
    data += b"</p></body></html>"
    assert want in decode(data, "page.html", ImportReport())


def test_the_readers_mixed_page(tmp_path: Path) -> None:
    done = _import(tmp_path, (FINDINGS / "mixed4.html").read_bytes())
    assert "the élections and the Guesdists" in _text(done) and "“congrès”" in _text(done)


# --- 8: text after the notes -----------------------------------------------------------------


@FAMILY
@given(
    notes=st.lists(st.tuples(SENTENCE, st.one_of(st.just([]), SENTENCE)), min_size=1, max_size=3),
    classed=st.booleans(),
    heading=st.booleans(),
    rule=st.booleans(),
    after=st.lists(
        st.tuples(
            st.lists(WORDS.map(lambda w: w + "q"), min_size=1, max_size=6), st.sampled_from(["", "sig", "closing"])
        ),
        min_size=1,
        max_size=2,
    ),
)
def test_text_after_the_notes_stays_in_the_text(
    notes: list[tuple[list[str], list[str]]],
    classed: bool,
    heading: bool,
    rule: bool,
    after: list[tuple[list[str], str]],
    tmp_path: Path,
) -> None:
    """A postscript or a signature after the notes (past a rule, or a paragraph of another
    class than the notes') stays in the text; each note keeps its own paragraphs only."""
    if not rule and not classed:
        return  # a paragraph of the notes' kind right after them: the note's, by structure
    kind = " class='endnote'" if classed else ""
    body = "".join(
        f"<p>texto{'x' * n} calls<sup><a href='#n{n}' name='c{n}'>[{n}]</a></sup></p>" for n in range(1, len(notes) + 1)
    )
    section = "".join(
        f"<p{kind}><a href='#c{n}' name='n{n}'>[{n}]</a> {' '.join(first)}</p>"
        + (f"<p{kind}>{' '.join(more)}</p>" if more else "")
        for n, (first, more) in enumerate(notes, start=1)
    )
    tail = "".join(f"<p class='{c}'>{' '.join(words)}</p>" if c else f"<p>{' '.join(words)}</p>" for words, c in after)
    notes_heading = "<h4>Notes</h4>" if heading else ""
    html = f"<html><body><h1>After</h1>{body}<hr>{notes_heading}{section}{'<hr>' if rule else ''}{tail}</body></html>"
    done = _import(tmp_path, html)
    text = _text(done)
    _nothing_put_back(done)
    main, _, written = text.partition("\n[^1]:")
    assert _in_order([w for words, _ in after for w in words], words_of(main)), text
    assert "Notes" not in main
    for n, (first, more) in enumerate(notes, start=1):
        note = re.search(rf"^\[\^{n}\]: (.*?)(?=^\[\^|\Z)", "[^1]:" + written, re.M | re.S)
        assert note and words_of(note.group(1)) == words_of(" ".join(first + more)), (n, text)


def test_the_readers_postscript_after_the_notes(tmp_path: Path) -> None:
    done = _import(tmp_path, (FINDINGS / "afternotes.html").read_text(encoding="utf-8"))
    main, _, notes = _text(done).partition("\n[^1]:")
    assert "Postscript after the notes" in main and "K. M." in main and "Postscript" not in notes


# --- 6: decomposed Greek -----------------------------------------------------------------------

GREEK_WORDS = st.lists(
    st.sampled_from(["ἑκάστου", "χρηματιστικὴ", "φύσιν", "ἐστίν", "ᾠδή", "λόγος", "πόλις", "ἀνθρώπου", "καί"]),
    min_size=1,
    max_size=4,
)


@FAMILY
@given(runs=st.lists(st.tuples(SENTENCE, GREEK_WORDS, st.sampled_from(["NFC", "NFD"])), min_size=1, max_size=3))
def test_greek_with_combining_accents_is_one_span_per_run(
    runs: list[tuple[list[str], list[str], str]], tmp_path: Path
) -> None:
    """Greek set with combining accents (NFD) or precomposed: each run of it is one span of
    Greek, whole, with nothing put back."""
    import unicodedata

    prose = " ".join(f"{' '.join(words)} {unicodedata.normalize(form, ' '.join(greek))}" for words, greek, form in runs)
    done = _import(tmp_path, f"<html lang='en'><body><h1>Greek</h1><p>{prose} endo.</p></body></html>")
    text = _text(done)
    _nothing_put_back(done)
    spans = re.findall(r"\[([^\]]*)\]\{lang=(grc|el)\}", text)
    assert [unicodedata.normalize("NFC", s) for s, _ in spans] == [" ".join(g) for _, g, _ in runs], text
    assert all(lang == "grc" for _, lang in spans if any(ord(c) >= 0x1F00 for c in unicodedata.normalize("NFC", _)))


def test_the_readers_decomposed_greek(tmp_path: Path) -> None:
    done = _import(tmp_path, (FINDINGS / "greek-nfd.html").read_text(encoding="utf-8"))
    import unicodedata

    assert "being [ἑκάστου]{lang=grc} in his text" in unicodedata.normalize("NFC", _text(done))


# --- 7: <q> ----------------------------------------------------------------------------------

QUOTES = {
    "en": ("“", "”", "‘", "’"),
    "de": ("„", "“", "‚", "‘"),
    "ru": ("«", "»", "„", "“"),
    None: ("“", "”", "‘", "’"),
}


@FAMILY
@given(
    quotes=st.lists(st.tuples(SENTENCE, SENTENCE, st.booleans()), min_size=1, max_size=3),
    language=st.sampled_from(["en", "de", "ru", None]),
)
def test_a_q_gets_its_languages_quotation_marks(
    quotes: list[tuple[list[str], list[str], bool]], language: str | None, tmp_path: Path
) -> None:
    """A <q> is written with the marks a browser sets round it, in the language of the page
    (English if it declares none), a <q> inside another with the inner marks."""
    lo, lc, io, ic = QUOTES[language]
    html, want = [], []
    for outer, inner, nested in quotes:
        if nested:
            html.append(f"<p>saido <q>{' '.join(outer)} <q>{' '.join(inner)}</q></q> endo.</p>")
            want.append(f"saido {lo}{' '.join(outer)} {io}{' '.join(inner)}{ic}{lc} endo.")
        else:
            html.append(f"<p>saido <q>{' '.join(outer)}</q> endo.</p>")
            want.append(f"saido {lo}{' '.join(outer)}{lc} endo.")
    lang = f" lang='{language}'" if language else ""
    done = _import(tmp_path, f"<html{lang}><body><h1>Quotes</h1>{''.join(html)}</body></html>")
    text = _text(done)
    _nothing_put_back(done)
    for line in want:
        assert f"\n{line}\n" in text, (line, text)


def test_the_readers_q(tmp_path: Path) -> None:
    done = _import(tmp_path, (FINDINGS / "q.html").read_text(encoding="utf-8"))
    assert "calls this “freedom of contract”, and" in _text(done)


# --- 10: a declared language, and the guess's evidence -----------------------------------------

FOREIGN_COMMON = st.sampled_from(["o", "a", "os", "de", "que", "e", "em", "az", "és", "hogy", "la", "le", "des"])
ENGLISH_SHORT = st.sampled_from(["a", "I", "he", "is", "it", "at", "do", "as", "the", "to"])


@FAMILY
@given(
    words=st.lists(st.one_of(WORDS, FOREIGN_COMMON, ENGLISH_SHORT), min_size=1, max_size=60),
    declared=st.sampled_from(["en", "en-GB", None]),
    where=st.sampled_from(["html", "body"]),
)
def test_a_declared_english_wins_over_a_latin_script_guess(words: list[str], declared: str | None, where: str) -> None:
    """A page that says lang="en" (on <html> or <body>) is English whatever its Latin words
    look like; one that says nothing is guessed only on enough evidence, else English."""
    from builder.importer.languages import work_language
    from builder.importer.report import ImportReport

    text = " ".join(words)
    got = work_language(declared, "page.html", text, ImportReport())
    if declared:
        assert got == declared
    foreign = sum(
        1 for w in words if w in {"o", "a", "os", "de", "que", "e", "em", "az", "és", "hogy", "la", "le", "des"}
    )
    if foreign < 5:  # too little evidence of another language: English
        assert got in ("en", "en-GB"), (got, text)


@pytest.mark.parametrize(
    ("text", "declared", "want"),
    [
        ("Пролетариатъ всѣхъ странъ, соединяйтесь! Исторія всѣхъ до сихъ поръ существовавшихъ обществъ", None, "ru"),
        ("Пролетаріат усіх країн, єднайтеся! Історія всіх досі існуючих суспільств", None, "uk"),
        ("Пролетарии всех стран, соединяйтесь! История всех до сих пор существовавших обществ", "en", "ru"),
        ("Aristotle writes [ἡ μὲν γὰρ χρηματιστικὴ ἡ κατὰ φύσιν ἐστίν]{lang=grc} and so on.", None, "en"),
    ],
)
def test_scripts_and_declared_languages(text: str, declared: str | None, want: str) -> None:
    """Pre-reform Russian is Russian (its і is not Ukrainian's), a Cyrillic text is Cyrillic's
    even under a template's lang="en", and a passage marked with its own language is not the
    work's."""
    from builder.importer.languages import work_language
    from builder.importer.report import ImportReport

    assert work_language(declared, "page.html", text, ImportReport()) == want


def test_the_readers_english_page_declared_english(tmp_path: Path) -> None:
    done = _import(tmp_path, (FINDINGS / "lang-pt.html").read_text(encoding="utf-8"))
    assert 'language = "en"' in (done.folder / "work.toml").read_text(encoding="utf-8")


# --- 3: lists' numbering ---------------------------------------------------------------------


def _browser_labels(kind: str, start: int | None, values: list[int | None]) -> list[str]:
    """The labels a browser gives an <ol>'s items."""
    from builder.importer.html_page import _letters, _roman

    labels, number = [], start if start is not None else 1
    for value in values:
        number = value if value is not None else number
        label = str(number) if kind == "1" else _roman(number) if kind in "iI" else _letters(number)
        labels.append(label.upper() if kind.isupper() else label)
        number += 1
    return labels


@FAMILY
@given(
    lists=st.lists(
        st.tuples(
            st.sampled_from(["1", "a", "A", "i", "I", "ul"]),
            st.one_of(st.none(), st.integers(1, 30)),
            st.lists(st.tuples(SENTENCE, st.one_of(st.none(), st.integers(1, 40))), min_size=1, max_size=4),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_lists_keep_their_own_numbering_and_stay_apart(
    lists: list[tuple[str, int | None, list[tuple[list[str], int | None]]]], tmp_path: Path
) -> None:
    """Lists one after another, numbered as the page numbers them (start, an item's value,
    type="a", "I" …): none joins the one before, and each item reads with the label a browser
    gives it: a number Markdown sets, or letters and roman numerals written out."""
    html, want = [], []
    for kind, start, items in lists:
        lis = "".join(f"<li{f' value={v}' if v is not None else ''}>{' '.join(words)}</li>" for words, v in items)
        if kind == "ul":
            html.append(f"<ul>{lis}</ul>")
            want.append([("•", " ".join(words)) for words, _ in items])
        else:
            html.append(f"<ol type='{kind}'{f' start={start}' if start is not None else ''}>{lis}</ol>")
            labels = _browser_labels(kind, start, [v for _, v in items])
            want.append([(label, " ".join(words)) for label, (words, _) in zip(labels, items, strict=True)])
    done = _import(tmp_path, f"<html><body><h1>Lists</h1>{''.join(html)}<p>endo</p></body></html>")
    _nothing_put_back(done)
    shown = MD.render(_text(done))
    # The items as the editions show them, list by list: (label, words).
    got: list[list[tuple[str, str]]] = []
    for block in re.finditer(r"<(ol|ul)(?: start=\"(\d+)\")?>(.*?)</\1>|<p class=\"point\">([^<]*)</p>", shown, re.S):
        if block.group(4):
            label, _, words = block.group(4).partition(". ")
            got.append([(label, words)])
            continue
        number = int(block.group(2) or 1)
        entries = []
        for item in re.findall(r"<li>(.*?)</li>", block.group(3), re.S):
            entries.append(("•" if block.group(1) == "ul" else str(number), item.strip()))
            number += 1
        got.append(entries)
    flat_want = [entry for group in want for entry in group]
    assert [entry for group in got for entry in group] == flat_want, (got, want, shown)
    # No list joined to another: where a page list ends, a list of the editions ends too.
    ends = {sum(len(group) for group in want[: n + 1]) for n in range(len(want))}
    assert ends <= {sum(len(group) for group in got[: n + 1]) for n in range(len(got))}, (got, want, shown)


def test_the_readers_lists(tmp_path: Path) -> None:
    done = _import(tmp_path, (FINDINGS / "lists.html").read_text(encoding="utf-8"))
    text = _text(done)
    assert "5. Fifth point.\n6. Sixth point." in text and "a. First lettered." in text and "III. Third roman." in text


# --- R3 and 14: notes without links, daggers, 〔1〕, and calls no note answers ------------------

LINKED_LABELS = {
    "dagger": (["†", "‡", "††"], "{}"),
    "chinese": (["1", "2", "3"], "〔{}〕"),
    "roman": (["i", "ii", "iii"], "[{}]"),
    "number": (["1", "2", "3"], "{}."),
}


@FAMILY
@given(
    notes=st.lists(st.tuples(SENTENCE, SENTENCE), min_size=1, max_size=3),
    style=st.sampled_from(["bare", "bare-rule", "dagger", "chinese", "roman", "number", "orphan-calls"]),
)
def test_notes_the_page_pairs_are_notes_and_the_rest_stays_lint_clean(
    notes: list[tuple[list[str], list[str]]], style: str, tmp_path: Path
) -> None:
    """Notes written "[1] …" with no links, called "[1]" in the text; linked notes numbered
    with daggers, 〔1〕 or roman numerals: each call a call of its note. Calls no note on the page
    answers stay as the page prints them, named for a human look, and the source is lint-clean."""
    body, section = [], []
    for n, (text, note) in enumerate(notes, start=1):
        if style.startswith("bare") or style == "orphan-calls":
            body.append(f"<p>{' '.join(text)} [{n}] endo{'x' * n}.</p>")
            if style != "orphan-calls":
                section.append(f"<p>[{n}] {' '.join(note)}</p>")
        else:
            labels, shape = LINKED_LABELS[style]
            label = shape.format(labels[n - 1])
            body.append(f"<p>{' '.join(text)}<a href='#n{n}' name='c{n}'>{label}</a> endo{'x' * n}.</p>")
            section.append(f"<p><a href='#c{n}' name='n{n}'>{label}</a> {' '.join(note)}</p>")
    rule = "<hr>" if style != "bare" else ""
    html = f"<html lang='en'><body><h1>Notes</h1>{''.join(body)}{rule}{''.join(section)}</body></html>"
    done = _import(tmp_path, html)
    text = _text(done)
    _nothing_put_back(done)
    assert not lint_work(load_work(done.folder)), text
    written = re.findall(r"^\[\^([^\]]+)\]: (.*)$", text, re.M)
    if style == "orphan-calls":
        assert not written
        assert sum("looks like a note's call" in line for line in done.report.check) == len(notes)
        assert MD.render(text).count('[<span dir="ltr">') == len(notes)
        return
    assert [words_of(note) for _, note in written] == [words_of(" ".join(note)) for _, note in notes], text
    calls = re.findall(r"\[\^([^\]]+)\](?!:)", text)
    assert calls == [label for label, _ in written], text


def test_the_readers_bracket_notes(tmp_path: Path) -> None:
    done = _import(tmp_path, (FINDINGS / "brackets.html").read_text(encoding="utf-8"))
    text = _text(done)
    assert "a note[^1] plain" in text and "[^3]: The third note." in text and "\\[1871\\]" in text
    assert not lint_work(load_work(done.folder))


# --- 11: the author's name in any script, as the page's <title> names it ----------------------

AUTHORS = ["Karl Marx", "В. И. Ленинъ", "Роза Люксембург", "בר בורוכוב", "كارل ماركس", "毛泽东", "Rosa Luxemburg"]


@FAMILY
@given(
    author=st.sampled_from(AUTHORS),
    line=st.sampled_from(["h2", "p.title"]),
    separator=st.sampled_from([": ", ". ", "："]),
    surname=st.booleans(),
    title=SENTENCE,
)
def test_the_author_line_the_title_names_is_the_author(
    author: str, line: str, separator: str, surname: bool, title: list[str], tmp_path: Path
) -> None:
    """The line above the title (an <h2>, or the archive's <p class="title">) that the page's
    <title> names before its title, whole or by surname, in any script, is the author."""
    named = author.split()[-1] if surname and " " in author else author
    shown = f"<h2>{author}</h2>" if line == "h2" else f"<p class='title'>{author}</p>"
    html = (
        f"<html><head><title>{named}{separator}{' '.join(title)}</title></head><body>{shown}"
        f"<h1>{' '.join(title)}</h1><p>texto endo.</p></body></html>"
    )
    done = _import(tmp_path, html)
    meta = (done.folder / "work.toml").read_text(encoding="utf-8")
    assert f'author = "{author}"' in meta, meta
    assert author not in _text(done)
    _nothing_put_back(done)


@pytest.mark.parametrize("name", ["ru.html", "he.html"])
def test_the_readers_non_latin_authors(name: str, tmp_path: Path) -> None:
    done = _import(tmp_path, (FINDINGS / name).read_bytes())
    meta = (done.folder / "work.toml").read_text(encoding="utf-8")
    assert 'author = "Unknown"' not in meta


# --- 4: a table cell of several blocks ---------------------------------------------------------


@FAMILY
@given(
    rows=st.lists(
        st.lists(
            st.lists(st.tuples(st.sampled_from(["p", "h4", "div"]), SENTENCE), min_size=1, max_size=3),
            min_size=1,
            max_size=3,
        ),
        min_size=1,
        max_size=3,
    )
)
def test_blocks_in_a_table_cell_keep_their_words_apart(
    rows: list[list[list[tuple[str, list[str]]]]], tmp_path: Path
) -> None:
    """A cell holding a heading and paragraphs: each block's words apart from the next's, in
    order, never glued ("cellPara")."""
    width = max(len(row) for row in rows)
    html_rows, want = [], []
    for row in rows:
        cells = []
        for cell in row + [[("span", ["fillo"])]] * (width - len(row)):
            cells.append("<td>" + "".join(f"<{tag}>{' '.join(words)}</{tag}>" for tag, words in cell) + "</td>")
            for _, words in cell:
                want += words
        html_rows.append(f"<tr>{''.join(cells)}</tr>")
    done = _import(tmp_path, f"<html><body><h1>Cells</h1><table>{''.join(html_rows)}</table><p>endo</p></body></html>")
    text = _text(done)
    _nothing_put_back(done)
    got = words_of(text)
    blocks_glued = [w for w in got if w.count("o") > 1 and w not in want and w != "fillo"]
    assert not blocks_glued, text
    assert _in_order([w.lower() for w in want], got), text


def test_the_readers_cell_of_blocks(tmp_path: Path) -> None:
    done = _import(tmp_path, (FINDINGS / "bqheads.html").read_text(encoding="utf-8"))
    assert "Heading in a cell Para one in cell. Para two in cell." in _text(done)


@FAMILY
@given(notes=st.lists(st.lists(SENTENCE, min_size=1, max_size=2), min_size=1, max_size=3), back=st.booleans())
def test_notes_in_a_numbered_list_are_notes(notes: list[list[list[str]]], back: bool, tmp_path: Path) -> None:
    """Notes set as a numbered list's items (`<ol><li id="fn1">`, as converters write them),
    with or without a link back: each item a note, its paragraphs kept apart."""
    body = "".join(
        f"<p>texto{'x' * n}<sup><a href='#fn{n}' id='fnref{n}'>{n}</a></sup> endo.</p>"
        for n in range(1, len(notes) + 1)
    )
    items = "".join(
        f"<li id='fn{n}'>"
        + "".join(f"<p>{' '.join(words)}</p>" for words in paragraphs)
        + (f"<a href='#fnref{n}'>↩</a>" if back else "")
        + "</li>"
        for n, paragraphs in enumerate(notes, start=1)
    )
    done = _import(
        tmp_path, f"<html><body><h1>Notes</h1>{body}<div class='footnotes'><hr><ol>{items}</ol></div></body></html>"
    )
    text = _text(done)
    _nothing_put_back(done)
    for n, paragraphs in enumerate(notes, start=1):
        assert f"texto{'x' * n}[^{n}] endo." in text, text
        note = re.search(rf"^\[\^{n}\]: (.*?)(?=^\[\^|\Z)", text, re.M | re.S)
        assert note and _in_order([w for words in paragraphs for w in words], words_of(note.group(1))), text
    assert "↩" not in text
    assert not lint_work(load_work(done.folder))


def test_the_readers_notes_in_a_list(tmp_path: Path) -> None:
    done = _import(tmp_path, (FINDINGS / "olnotes2.html").read_text(encoding="utf-8"))
    text = _text(done)
    assert "first note[^1] and" in text and "[^2]: The second note." in text and "> With a quotation" in text


def test_a_line_break_inside_a_pre_is_a_line_of_its_own(tmp_path: Path) -> None:
    """`<br>` in a `<pre>` breaks its line as a newline does: no two words glued, none repeated."""
    html = "<html><body><h1>Pre</h1><pre>alpha bravo<br>charlie <a href='#x'>delta</a><br/>echo</pre></body></html>"
    done = _import(tmp_path, html)
    _nothing_put_back(done)
    assert "{.lines}\nalpha bravo\\\ncharlie delta\\\necho\n" in _text(done)
