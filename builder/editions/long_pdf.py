"""A long book's PDF on every core: its parts laid out in runs, a process each, then joined.

The book's HTML (the same template as one layout) is cut at its parts: the front matter (title
page, rights, contents), and runs of whole parts balanced by length, the last with the colophon;
each keeps the head and the running heads. Each run is laid out in a forked process (or, with
one job, one after another in this one: the same bytes), paused before its folios
(weasyprint/parts.py) to report its page count and the pages of the anchors the contents page
lists, and told its first folio as soon as the runs before it have reported. This process
lays out the front matter meanwhile, for its length, and last with the page numbers written
in, and joins the PDFs (pdf_merge.py). A part opens on a recto in one layout as here, so the
pages are the same.
"""

from __future__ import annotations

import copy
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, fields
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import Any

import lxml.html

from ..errors import BuildError
from ..source.model import Work
from .weasyprint.parts import anchor_pages, as_document, deferred_folios, stand_in_anchors
from .weasyprint.typeset import layout

Render = Callable[[set[str]], str]  # the notes to set denser → the book's HTML


class Denser(Exception):
    def __init__(self, labels: set[str]) -> None:
        self.labels = labels


def split(html: str, runs: int, counts: list[int] | None = None) -> tuple[str, list[str], set[str], list[int]]:
    """The front matter's HTML, the runs' HTML (at most ``runs``, of parts about as long), the
    ids the contents page links to, and how many parts each run has; given ``counts``, the
    parts are cut into runs of so many."""
    root = lxml.html.fromstring(html)
    body = root.find("body")
    children = list(body)
    parts = [child for child in children if "part" in (child.get("class") or "").split() and child.tag == "section"]
    first, last = children.index(parts[0]), children.index(parts[-1])
    keep, back = children[:first], children[last + 1 :]
    running = [child for child in keep if (child.get("class") or "").startswith("running-")]
    front = [child for child in keep if child not in running]
    wanted = {a.get("href")[1:] for a in root.iterfind(".//nav[@id='toc']//a") if (a.get("href") or "").startswith("#")}
    sizes = [len(lxml.html.tostring(part)) for part in parts]
    if counts is None:
        counts, share, total = [], sum(sizes) / runs, 0
        for size in sizes:
            if not counts or (total >= share * len(counts) and len(counts) < runs):
                counts.append(0)
            counts[-1] += 1
            total += size
    groups = [parts[sum(counts[:n]) : sum(counts[: n + 1])] for n in range(len(counts))]
    groups[-1] = groups[-1] + back

    def document(elements: list[Any]) -> str:
        page = copy.deepcopy(root)
        new_body = page.find("body")
        for child in list(new_body):
            new_body.remove(child)
        for element in running + elements:
            new_body.append(copy.deepcopy(element))
        return "<!DOCTYPE html>\n" + lxml.html.tostring(page, encoding="unicode")

    return document(front), [document(group) for group in groups], wanted, counts


def front_matter(html: str, folios: dict[str, int]) -> str:
    """The front matter with the contents page's numbers written in."""
    root = lxml.html.fromstring(html)
    for a in root.iterfind(".//nav[@id='toc']//a"):
        a.set("data-folio", str(folios.get((a.get("href") or "#")[1:], 0)))
    style = lxml.html.fromstring('<style>.toc a::after { content: leader(". ") attr(data-folio); }</style>')
    root.find("head").append(style)
    return "<!DOCTYPE html>\n" + lxml.html.tostring(root, encoding="unicode")


def blank_leaf(html: str) -> str:
    """A page with nothing on it but what the book's every page has (crop marks, if any)."""
    root = lxml.html.fromstring(html)
    body = root.find("body")
    for child in list(body):
        body.remove(child)
    body.append(lxml.html.fromstring('<div style="page: front"></div>'))
    return "<!DOCTYPE html>\n" + lxml.html.tostring(root, encoding="unicode")


def ids(html: str) -> set[str]:
    """Every id of the book: what a link from one run may find in another."""
    return {name for name in lxml.html.fromstring(html).xpath("//@id")}


OffsetOf = Callable[[int, dict[str, int]], int]  # a run's page count and anchors' pages → its offset


@dataclass(frozen=True)
class Laid:
    """A part of the book written: its PDF, the anchors it holds, and the stand-ins it was given
    for the ids its links point to in other parts (weasyprint/parts.py)."""

    pdf: bytes
    held: set[str]
    stand_ins: set[str]


def written(book: Book, document: Any) -> Laid:
    held, stand_ins = stand_in_anchors(document, book.ids)
    return Laid(book.write(document), held, stand_ins)


def lay_out_run(book: Book, index: int, report: OffsetOf) -> Laid:
    """Lay out run ``index``, ``report`` its pages to learn its first folio, and write its PDF."""
    documents, wanted, dense = book.documents, book.wanted, set[str]()
    while True:

        def ask(pages: list[Any], wanted: set[str] = wanted) -> int:
            if astray := book.check(as_document(pages)):
                raise Denser(astray)
            return report(len(pages), anchor_pages(pages, wanted))

        try:
            with deferred_folios(ask):
                document = layout(documents[index], book.work, book.what, **book.options)
                document.pages  # noqa: B018  (laid out in full)
            return written(book, document)
        except Denser as denser:
            if dense:
                raise
            dense = denser.labels  # set denser, as one layout does (pdf.py)
            _, documents, wanted, _ = split(book.render(dense), len(book.documents), book.counts)


def _run_in_child(connection: Connection, book: Book, index: int) -> None:
    """A forked process's work: one run, its pages reported to the parent and its offset taken."""

    def report(count: int, anchors: dict[str, int]) -> int:
        connection.send(("laid", count, anchors))
        offset: int = connection.recv()
        return offset

    try:
        connection.send(("pdf", lay_out_run(book, index, report)))
    except Denser as denser:
        connection.send(("astray", denser.labels))
    except BuildError as error:
        # BuildError does not pickle (its code is keyword-only): send its class and fields
        connection.send(("error", type(error), {field.name: getattr(error, field.name) for field in fields(error)}))
    except BaseException as error:  # a bug: the parent reports it
        connection.send(("bug", f"{type(error).__name__}: {error}"))
    finally:
        connection.close()


@dataclass(frozen=True)
class Book:
    """A book to lay out in runs, and how: its HTML cut up, and the edition's own steps."""

    work: Work
    what: str
    options: dict[str, Any]
    render: Render
    check: Callable[[Any], set[str]]  # laid-out pages → the notes not on their call's page
    write: Callable[[Any], bytes]  # a laid-out document → its PDF
    front: str
    documents: list[str]
    wanted: set[str]
    counts: list[int]  # parts in each run
    ids: set[str]  # every id of the book


class Unsettled(Exception):
    """The contents page, its numbers written in, is not as long as it was laid out before them:
    the runs' folios are off by its difference (the caller lays the book out in one)."""


def write_in_runs(
    work: Work,
    what: str,
    options: dict[str, Any],
    render: Render,
    check: Callable[[Any], set[str]],
    write: Callable[[Any], bytes],
    runs: int,
    at_once: bool,
    beside: Callable[[str], None] = lambda _: None,
) -> bytes:
    """The book's PDF from at most ``runs`` runs, laid out in as many processes at once if
    ``at_once``, else one after another in this one: the same bytes either way. ``beside``:
    a check of the book's HTML (that its faces have every glyph), made in this process while
    the runs lay out; should it fail, the runs are stopped."""
    from .pdf_merge import merge

    html = render(set())
    book = Book(work, what, options, render, check, write, *split(html, runs), ids(html))
    children = [_fork(book, index) for index in range(len(book.documents))] if at_once else []
    counts: list[int] = []
    anchors: list[dict[str, int]] = []
    try:
        # While the runs are laid out: the check, the front matter's length (its numbers not yet known), a blank page.
        beside(html)
        front_pages = len(layout(front_matter(book.front, {}), work, what, **options).pages)
        blank = write(layout(blank_leaf(html), work, what, **options))

        def offset(count: int, found: dict[str, int]) -> int:
            counts.append(count)
            anchors.append(found)
            return _starts(front_pages, counts, anchors)[0][-1] - 1

        if at_once:
            _reports(children, offset, work, what)
            # Every run has its first folio and writes its PDF: the front matter meanwhile.
            front = _front_matter(book, front_pages, counts, anchors)
            files = [_receive_pdf(connection, work, what) for _, connection in children]
        else:
            files = [lay_out_run(book, index, offset) for index in range(len(book.documents))]
            front = _front_matter(book, front_pages, counts, anchors)
    except BaseException:
        for pid, _ in children:  # a run still laying out would finish first: stop it
            os.kill(pid, signal.SIGKILL)
        raise
    finally:
        for pid, connection in children:
            connection.close()
            os.waitpid(pid, 0)
    laid = [front, *files]
    if nowhere := set().union(*(part.stand_ins for part in laid)) - set().union(*(part.held for part in laid)):
        # an id of the book no part laid out (hidden, say): as one layout would say it
        raise BuildError(
            work.folder,
            f"{what}: WeasyPrint: No anchor #{sorted(nowhere)[0]} for internal URI reference",
            hint="check styles/ and the text for the resource named",
            code="P001",
        )
    starts = _starts(front_pages, counts, anchors)[0]
    ends = [front_pages] + [start + count - 1 for start, count in zip(starts, counts, strict=True)]
    return merge(
        [part.pdf for part in laid],
        [end % 2 == 1 for end in ends[:-1]] + [False],
        blank,
        [part.stand_ins for part in laid],
    )


def _front_matter(book: Book, front_pages: int, counts: list[int], anchors: list[dict[str, int]]) -> Laid:
    """The front matter laid out again, with the contents page's numbers, and written (once
    every run has reported its pages)."""
    folios = _starts(front_pages, counts, anchors)[1]
    if lost := book.wanted - set(folios):  # the contents page would point at itself
        raise RuntimeError(f"{book.what}: no run laid out the contents page's {', '.join(sorted(lost))}")
    front = layout(front_matter(book.front, folios), book.work, book.what, **book.options)
    if len(front.pages) != front_pages:
        raise Unsettled
    return written(book, front)


def _fork(book: Book, index: int) -> tuple[int, Connection]:
    ours, theirs = Pipe()
    pid = os.fork()
    if pid == 0:  # the run's process: it never returns into the caller's code
        ours.close()
        try:
            _run_in_child(theirs, book, index)
        finally:
            os._exit(0)
    theirs.close()
    return pid, ours


def _reports(children: list[tuple[int, Connection]], offset: OffsetOf, work: Work, what: str) -> None:
    """Each run's report of its pages, in order. A run's first folio needs only the runs before
    it: each is told its own as soon as it reports, and goes on to its folios and its PDF while
    later ones lay out."""
    for _, connection in children:
        message = _message(connection, work, what)
        if message[0] == "astray":
            raise Denser(message[1])
        connection.send(offset(message[1], message[2]))


def _starts(front_pages: int, counts: list[int], anchors: list[dict[str, int]]) -> tuple[list[int], dict[str, int]]:
    """Each run's first page (a recto: odd) and the book's page of every anchor."""
    starts: list[int] = []
    folios: dict[str, int] = {}
    page = front_pages + 1
    for count, found in zip(counts, anchors, strict=True):
        page += 1 - page % 2  # to the next recto
        starts.append(page)
        folios |= {name: page - 1 + number for name, number in found.items()}
        page += count
    return starts, folios


def _receive_pdf(connection: Connection, work: Work, what: str) -> Laid:
    laid: Laid = _message(connection, work, what)[1]
    return laid


def _message(connection: Connection, work: Work, what: str) -> tuple[Any, ...]:
    try:
        message: tuple[Any, ...] = connection.recv()
    except EOFError:
        raise BuildError(
            work.folder,
            f"{what}: a process laying out part of the book ended without a word (out of memory?)",
            code="P051",
        ) from None
    if message[0] == "error":
        raise message[1](**message[2])
    if message[0] == "bug":
        raise RuntimeError(f"{what}: laying out part of the book: {message[1]}")
    return message
