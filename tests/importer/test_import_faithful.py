"""Faithful text over families of generated archive pages (hypothesis): every word of a page
reaches the source in order, with its own structure, and nothing is put back by the audit.

Each family is a construct a reader sees and the import once flattened or glued: nested
lists and list items of several paragraphs, definition lists, superscripts, a language set
on a paragraph, a quotation or a phrase, the author's name set as a heading above the title,
navigation links to the page's top or an index, a blank line inside a verse (`<br><br>`) and
a heading set on two lines. The written Markdown is then read by the source format's own
parser, and its HTML must show the structure the page had."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.importer.assemble import import_work
from builder.importer.audit import words_of
from builder.importer.fetch import Fetcher
from builder.source.loader import load_work
from builder.source.text import MD, plain_text

WORDS = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=4, max_size=9).map(lambda w: w + "o")
SENTENCE = st.lists(WORDS, min_size=2, max_size=6)
HEADER = """<p class="information"><span class="info">Written:</span> 1913<br />
<span class="info">Source:</span> Collected Works, Progress Publishers, Moscow, Volume 19<br />
<span class="info">Public Domain:</span> Marxists Internet Archive (2004). You may freely copy this work.</p>"""
AUTHORS = ["Karl Marx", "Rosa Luxemburg", "V. I. Lenin", "Frederick Engels", "Clara Zetkin"]
NAVIGATION = [
    '<p class="toplink"><a href="#top">Top of page</a></p>',
    '<p><a href="#top">Back to top</a></p>',
    '<p><a href="../index.htm">Back to the index</a> | <a href="#top">Top</a></p>',
    '<p align="center">[<a href="index.htm">Contents</a>]</p>',
]


@dataclass
class Page:
    html: str = ""
    text: list[str] = field(default_factory=list)  # the words the text must have, in order
    furniture: list[str] = field(default_factory=list)  # navigation: in the ledger, not the text
    expect: list[str] = field(default_factory=list)  # what the source's HTML must show (regexes)
    headings: list[str] = field(default_factory=list)  # contents entries the source must give


def _join(words: list[str]) -> str:
    return " ".join(words)


@st.composite
def block(draw: st.DrawFn, page: Page) -> str:
    """One block of a family, its words and the structure it must keep recorded in `page`."""
    kind = draw(
        st.sampled_from(
            [
                "nested-list",
                "item-paragraphs",
                "definitions",
                "superscript",
                "language",
                "navigation",
                "verse",
                "heading",
            ]
        )
    )
    a, b, c, d = (draw(SENTENCE) for _ in range(4))
    if kind == "nested-list":
        outer, inner = draw(st.sampled_from([("ul", "ul"), ("ol", "ul"), ("ul", "ol"), ("ol", "ol")]))
        page.text += [*a, *b, *c, *d]
        page.expect.append(rf"<{outer}>\s*<li>{_join(a)}\s*<{inner}>\s*<li>{_join(b)}</li>\s*<li>{_join(c)}</li>")
        nested = f"<{inner}><li>{_join(b)}</li><li>{_join(c)}</li></{inner}>"
        return f"<{outer}><li>{_join(a)}{nested}</li><li>{_join(d)}</li></{outer}>"
    if kind == "item-paragraphs":
        page.text += [*a, *b, *c]
        # Apart by a blank line, in a tight list (a loose one's <li><p> fails PDF/UA-1 in print).
        page.expect.append(rf"<li>{_join(a)}<br />\s*<br />\s*{_join(b)}</li>")
        return f"<ul><li><p>{_join(a)}</p><p>{_join(b)}</p></li><li>{_join(c)}</li></ul>"
    if kind == "definitions":
        page.text += [*a, *b, *c, *d]
        page.expect += [
            rf"<p><strong>{_join(a)}</strong></p>\s*<p>{_join(b)}</p>",
            rf"<p><strong>{_join(c)}</strong></p>\s*<p>{_join(d)}</p>",
        ]
        second = f"<dt>{_join(c)}</dt><dd><p>{_join(d)}</p></dd>"
        if draw(st.booleans()):  # a term and its definition grouped in a <div>, as HTML allows
            second = f"<div>{second}</div>"
        return f"<dl><dt>{_join(a)}</dt><dd>{_join(b)}</dd>{second}</dl>"
    if kind == "superscript":
        power = draw(st.sampled_from(["2", "3", "n", "th", "-1"]))
        page.text += [*a, "x", *words_of(power), *b]
        page.expect.append(rf"{_join(a)} x<sup>{re.escape(power)}</sup> {_join(b)}")
        return f"<p>{_join(a)} x<sup>{power}</sup> {_join(b)}</p>"
    if kind == "language":
        lang = draw(st.sampled_from(["fr", "de", "it", "es", "ar"]))
        where = draw(st.sampled_from(["p", "blockquote", "span", "i", "li"]))
        rtl = ' dir="rtl"' if lang == "ar" else ""
        page.text += [*a, *b]
        if where == "p":
            page.expect.append(rf'<p lang="{lang}"(?: dir="rtl")?>{_join(a)} {_join(b)}</p>')
            return f'<p lang="{lang}"{rtl}>{_join(a)} {_join(b)}</p>'
        if where == "blockquote":
            page.expect.append(rf'<blockquote lang="{lang}"(?: dir="rtl")?>\s*<p>{_join(a)}</p>\s*<p>{_join(b)}</p>')
            return f'<blockquote lang="{lang}"{rtl}><p>{_join(a)}</p><p>{_join(b)}</p></blockquote>'
        if where == "li":  # a list item of its own language: a span, in a tight list
            page.expect.append(rf'<li><span lang="{lang}"(?: dir="rtl")?>{_join(a)} {_join(b)}</span></li>')
            return f'<ul><li lang="{lang}"{rtl}>{_join(a)} {_join(b)}</li></ul>'
        shown = f"<em>{_join(b)}</em>" if where == "i" else _join(b)
        page.expect.append(rf'{_join(a)} <span lang="{lang}"(?: dir="rtl")?>{shown}</span>')
        return f'<p>{_join(a)} <{where} lang="{lang}"{rtl}>{_join(b)}</{where}></p>'
    if kind == "navigation":
        navigation = draw(st.sampled_from(NAVIGATION))
        page.furniture += words_of(re.sub(r"<[^>]+>", " ", navigation))
        page.text += a
        return f"<p>{_join(a)}.</p>{navigation}"
    if kind == "verse":
        page.text += [*a, *b, *c, *d]
        page.expect.append(rf"{_join(a)}<br />\s*{_join(b)}<br />\s*<br />\s*{_join(c)}<br />\s*{_join(d)}")
        return f"<p>{_join(a)}<br>{_join(b)}<br><br>{_join(c)}<br />\n{_join(d)}</p>"
    # A label and its number set above the title, or a long title broken mid-phrase.
    label = draw(st.sampled_from(["Part I", "Book 2", "Section XIV", "Chapter Three", "IV", ""]))
    first = label or _join(a)
    page.text += [*words_of(first), *b, *c]
    page.expect.append(rf"<h(\d)>{first}<br />\s*{_join(b)}</h\1>")
    page.headings.append(f"{first}{':' if label else ''} {_join(b)}")
    return f"<h3>{first}<br>{_join(b)}</h3><p>{_join(c)}</p>"


@st.composite
def pages(draw: st.DrawFn) -> tuple[Page, str]:
    """A page of several such blocks, under a title with its author set as a heading above it."""
    page = Page()
    author = draw(st.sampled_from(AUTHORS))
    title = draw(SENTENCE)
    page.text += title
    body = [draw(block(page)) for _ in range(draw(st.integers(1, 5)))]
    page.text += ["endo"]
    page.html = f"""<html lang="en"><head><title>A page</title></head><body>
<p class="title"><a href="../index.htm">Works Index</a></p>
<h2>{author}</h2>
<h1>{_join(title)}</h1>
{HEADER}
{chr(10).join(body)}
<p>endo</p>
</body></html>"""
    return page, author


def _in_order(needle: list[str], haystack: list[str]) -> bool:
    found = iter(haystack)
    return all(word in found for word in needle)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(generated=pages())
def test_generated_pages_keep_their_words_and_structure(generated: tuple[Page, str], tmp_path: Path) -> None:
    page, author = generated
    (tmp_path / "page.html").write_text(page.html, encoding="utf-8")
    done = import_work([str(tmp_path / "page.html")], tmp_path / "out", "work", True, Fetcher(None, 0))
    text = (done.folder / "text.md").read_text(encoding="utf-8")
    # Nothing put back: the mapping placed every run itself.
    assert not [line for line in done.report.check if "could not place" in line], done.report.check
    assert _in_order(page.text, words_of(text)), (page.text, text)
    # The author is read from the heading above the title, which is not a heading of the text.
    meta = tomllib.loads((done.folder / "work.toml").read_text(encoding="utf-8"))
    assert meta["author"] == author and author not in text
    # Navigation is left out, and named in the ledger.
    ledger = words_of(done.report.ledger.words("page.html"))
    assert all(word in ledger for word in page.furniture)
    assert not re.search(r"(?i)top of page|back to|\bcontents\b", text)
    # The source format reads the structure back as the page had it.
    work = load_work(done.folder)
    shown = MD.render(text)
    for pattern in page.expect:
        assert re.search(pattern, shown), (pattern, shown)
    entries = [section.title for section in work.parts[0].sections]
    for heading in page.headings:
        assert heading in entries, (heading, entries)


def test_a_triple_break_is_one_blank_line_and_a_heading_break_no_blank_line(tmp_path: Path) -> None:
    """`<br><br><br>` is still one blank line; in a heading, `<br><br>` is one break."""
    (tmp_path / "p.html").write_text(
        "<html><body><h1>Title</h1><h3>One<br><br>Two</h3><p>alpha<br><br><br>beta<br></p></body></html>",
        encoding="utf-8",
    )
    done = import_work([str(tmp_path / "p.html")], tmp_path / "out", "w", True, Fetcher(None, 0))
    text = (done.folder / "text.md").read_text(encoding="utf-8")
    assert "## One\\\nTwo\n" in text and "alpha\\\n\\\nbeta\n" in text
    assert plain_text(MD.parseInline("One\\\nTwo", {})[0], heading=True) == "One: Two"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    label=st.sampled_from(["Part I", "Chapter 3", "Book Two", "III."]),
    title=st.sampled_from(["THE COMMODITY", "Money, or the Circulation of Commodities", "On Rent"]),
    tag=st.sampled_from(["h1", "h2", "h3 class='title'"]),
)
def test_the_pages_own_title_keeps_its_line_break(label: str, title: str, tag: str, tmp_path: Path) -> None:
    """The title a page breaks over two lines ("Part I<br>THE COMMODITY") is set on two lines,
    and read as one in the contents ("Part I: THE COMMODITY"), never run together."""
    name = tag.split()[0]
    (tmp_path / "p.html").write_text(
        f"<html lang='en'><body><{tag}>{label}<br />\n{title}</{name}><p>The text of it.</p></body></html>",
        encoding="utf-8",
    )
    done = import_work([str(tmp_path / "p.html")], tmp_path / "out", "w", True, Fetcher(None, 0))
    text = (done.folder / "text.md").read_text(encoding="utf-8")
    assert text.startswith(f"# {label}\\\n{title}\n"), text
    joined = f"{label} {title}" if label.endswith(".") else f"{label}: {title}"  # a label's own stop is enough
    assert load_work(done.folder).parts[0].title == joined


def test_a_note_call_in_a_superscript_stays_a_call(tmp_path: Path) -> None:
    """A `<sup>[1]</sup>` answered by a written note, and a linked `<sup>`, are notes' calls,
    not superscripts; `x<sup>2</sup>` beside them is a superscript."""
    written = "<p>word<sup>[1]</sup> and x<sup>2</sup>.</p><h4>Notes</h4><p>[1] the written note</p>"
    linked = (
        "<p>y<sup><a href='#n2' name='c2'>2</a></sup> and x<sup>2</sup>.</p>"
        "<p><a name='n2' href='#c2'>2.</a> a note</p>"
    )
    for number, body in enumerate((written, linked)):
        (tmp_path / "p.html").write_text(f"<html><body><h1>Title</h1>{body}</body></html>", encoding="utf-8")
        done = import_work([str(tmp_path / "p.html")], tmp_path / f"out{number}", "w", True, Fetcher(None, 0))
        text = (done.folder / "text.md").read_text(encoding="utf-8")
        assert "x^2^" in text and len(load_work(done.folder).parts[0].notes) == 1, text
