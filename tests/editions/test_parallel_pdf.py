"""A long book laid out in runs of parts at once (editions/long_pdf.py, pdf_merge.py) must give
a PDF a reader or a validator cannot tell from one layout: the same pages with the same text
(folios and running heads included), the same bookmarks, links to the same pages, one
structure tree, PDF/UA-1 and PDF/A-2u, the same bytes from run to run."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path

import lxml.html
import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from builder.checks.validators import conformance
from builder.editions.long_pdf import _starts, split
from builder.editions.pdf import write_pdf
from builder.errors import BuildError
from builder.source.loader import load_work
from builder.source.model import Work
from tests.support.pdf_navigation import links as _links
from tests.support.pdf_navigation import outline as _outline

LETTER = Path(__file__).resolve().parents[2] / "source" / "lenin-1912-letter-to-huysmans"
SENTENCE = "The workers of every country read this line, and the next, in the order it was set."


def _part(number: int, paragraphs: int) -> str:
    """A part with sections (bookmarks of the second level), notes (links from call to note)
    and enough paragraphs to run over several pages."""
    lines = [f"# Part {number}, of {paragraphs} paragraphs", ""]
    for paragraph in range(paragraphs):
        if paragraph % 12 == 0:
            lines += [f"## Section {paragraph // 12 + 1} of part {number}", ""]
        note = f"[^p{number}n{paragraph}]" if paragraph % 5 == 0 else ""
        lines += [f"Paragraph {paragraph} of part {number}. " + SENTENCE * 3 + note, ""]
    lines += [
        f"[^p{number}n{paragraph}]: The note of paragraph {paragraph} of part {number}."
        for paragraph in range(0, paragraphs, 5)
    ]
    return "\n".join(lines) + "\n"


def _book(folder: Path, lengths: list[int]) -> Path:
    target = folder / "a-book-in-parts"
    shutil.copytree(LETTER, target)
    (target / "text.md").unlink()
    names = []
    for number, paragraphs in enumerate(lengths, start=1):
        (target / f"part-{number}.md").write_text(_part(number, paragraphs), encoding="utf-8")
        names.append(f'"part-{number}.md"')
    toml = target / "work.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('parts = ["text.md"]', f"parts = [{', '.join(names)}]"),
        encoding="utf-8",
    )
    return target


@cache
def _pages(data: bytes) -> tuple[str, ...]:
    """Each page's text, extracted once per PDF (the tests compare the same three PDFs)."""
    return tuple(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _structure(data: bytes) -> list[str]:
    """The structure tree's element types in document order, and every page's and
    annotation's entry in the parent tree resolved to the elements' types."""
    pdf = pikepdf.open(io.BytesIO(data))
    found: list[str] = []

    def walk(element: pikepdf.Object) -> None:
        if isinstance(element, pikepdf.Dictionary) and "/S" in element:
            found.append(str(element.S))
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
                walk(kid)

    walk(pdf.Root.StructTreeRoot.K[0])
    tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    for page in pdf.pages:
        if "/StructParents" in page.obj:
            found.append("page:" + ",".join(str(element.S) for element in tree[int(page.obj.StructParents)]))
        for annotation in page.get("/Annots", []):
            found.append("annotation:" + str(tree[int(annotation.StructParent)].S))
    return found


@pytest.fixture(scope="module", params=[[40, 25, 33], [31, 31, 31, 12]], ids=["three-parts", "four-parts"])
def book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes, bytes]:
    """One layout; runs laid out at once (as with --jobs 2); and runs laid out one after
    another (--jobs 1): the same work each time."""
    work = load_work(_book(tmp_path_factory.mktemp("book"), request.param))
    at_once = write_pdf(work, "a5", runs=3, jobs=2)
    one_after_another = write_pdf(work, "a5", runs=3, jobs=1)
    return write_pdf(work, "a5", runs=1), at_once, one_after_another


def test_same_pages_and_text_as_one_layout(book: tuple[bytes, bytes, bytes]) -> None:
    single, runs, _ = book
    assert _pages(runs) == _pages(single)  # folios and running heads are on the pages' text


def test_folios_are_continuous(book: tuple[bytes, bytes, bytes]) -> None:
    _, runs, _ = book
    pages = _pages(runs)
    opening = next(number for number, text in enumerate(pages, start=1) if text.startswith("Part 1,"))
    folios = [
        (number, text.split()[-1])
        for number, text in enumerate(pages, start=1)
        if number > opening and text.split() and text.split()[-1].isdigit()
    ]
    assert len(folios) > 10 and folios[-1][0] > len(pages) - 3  # to the end of the book
    assert all(str(number) == folio for number, folio in folios)


def test_blank_pages_where_one_layout_leaves_them(book: tuple[bytes, bytes, bytes]) -> None:
    single, runs, _ = book
    blank = [number for number, text in enumerate(_pages(runs)) if not text.strip()]
    assert blank == [number for number, text in enumerate(_pages(single)) if not text.strip()]


def test_same_bookmarks_and_links(book: tuple[bytes, bytes, bytes]) -> None:
    single, runs, _ = book
    assert _outline(runs) == _outline(single)
    assert len(_outline(runs)) > 6
    assert _links(runs) == _links(single)
    assert any(name.startswith("part-3") for _, name, _ in _links(runs))  # from the contents page into a later run


def test_one_structure_tree(book: tuple[bytes, bytes, bytes]) -> None:
    single, runs, _ = book
    merged = _structure(runs)
    assert merged.count("/Document") == 1
    # The blank pages one layout leaves have an empty entry; the runs' have none.
    assert [item for item in merged if item != "page:"] == [item for item in _structure(single) if item != "page:"]


def test_the_same_bytes_at_once_or_one_after_another(book: tuple[bytes, bytes, bytes]) -> None:
    _, at_once, one_after_another = book
    assert at_once == one_after_another  # and so whatever the machine's cores or the --jobs


def test_byte_identical_from_build_to_build(small_book: Path) -> None:
    work = load_work(small_book)
    assert write_pdf(work, "a5", runs=3) == write_pdf(work, "a5", runs=3)


def test_pdf_ua_and_pdf_a(book: tuple[bytes, bytes, bytes], tmp_path: Path) -> None:
    _, runs, _ = book
    path = tmp_path / "book.pdf"
    path.write_bytes(runs)
    assert conformance(path) == []


@given(st.integers(min_value=1, max_value=9), st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=8))
def test_runs_open_on_rectos_after_the_pages_before(front: int, counts: list[int]) -> None:
    starts, _ = _starts(front, counts, [{} for _ in counts])
    assert all(start % 2 == 1 for start in starts)
    assert starts[0] in (front + 1, front + 2)
    for start, count, following in zip(starts, counts, starts[1:], strict=False):
        assert following - (start + count) in (0, 1)  # at most a blank page between


@given(st.lists(st.integers(min_value=1, max_value=60), min_size=2, max_size=9), st.integers(min_value=2, max_value=4))
def test_split_keeps_every_part_once_in_order(lengths: list[int], runs: int) -> None:
    parts = "".join(
        f'<section class="part" id="p{n}"><p>{"x " * length}</p></section>' for n, length in enumerate(lengths)
    )
    html = (
        '<html><head><title>t</title></head><body><div class="running-title">r</div><nav id="toc">'
        f'<a href="#p0">p</a></nav>{parts}<section id="colophon"></section></body></html>'
    )
    front, documents, wanted, counts = split(html, runs)
    order = [f"p{n}" for n in range(len(lengths))]
    seen = [
        element.get("id") for document in documents for element in lxml.html.fromstring(document).iterfind(".//section")
    ]
    assert seen == [*order, "colophon"]
    assert 1 <= len(documents) <= runs and sum(counts) == len(lengths) and all(counts)
    assert split(html.replace("x ", "xx "), runs, counts)[3] == counts  # cut again as the first time
    assert all('class="running-title"' in document for document in documents)
    assert "<section" not in front and 'id="toc"' in front and wanted == {"p0"}


def _children() -> set[int]:
    """This process's children, reaped or not (a zombie is still listed); others it keeps for
    its own ends (the EPUBCheck service's Java VM) were there before the build and are allowed."""
    return {int(pid) for task in Path("/proc/self/task").iterdir() for pid in (task / "children").read_text().split()}


@pytest.fixture(scope="module")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _book(tmp_path_factory.mktemp("small"), [3, 3, 3])


def _fail_with_its_code(work: Work, what: str) -> None:
    raise BuildError(work.folder, f"{what}: WeasyPrint: a resource is missing", code="P001")


def _die(work: Work, what: str) -> None:
    os._exit(9)  # as the kernel's out-of-memory killer would end it


@pytest.mark.parametrize(
    ("part", "end", "code"),
    [("Part 2,", _fail_with_its_code, "P001"), ("Part 3,", _die, "P051")],
    ids=["a run that fails fails the build with its code", "a run that dies is named"],
)
def test_a_run_that_stops_stops_the_build(
    small_book: Path, monkeypatch: pytest.MonkeyPatch, part: str, end: Callable[[Work, str], None], code: str
) -> None:
    before = _children()
    from builder.editions import long_pdf

    real, parent = long_pdf.layout, os.getpid()

    def layout(html: str, work: Work, what: str, **options: object) -> object:
        if os.getpid() != parent and part in html:
            end(work, what)
        return real(html, work, what, **options)

    monkeypatch.setattr(long_pdf, "layout", layout)
    with pytest.raises(BuildError) as failure:
        write_pdf(load_work(small_book), "a5", runs=3, jobs=2)
    assert failure.value.code == code
    assert _children() <= before


def test_refuses_another_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint

    from builder.editions.weasyprint.parts import deferred_folios

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with (
        pytest.raises(RuntimeError, match=r"parts\.py was written for WeasyPrint 70\.0"),
        deferred_folios(lambda pages: 0),
    ):
        pass


def test_a_contents_page_that_grows_with_its_numbers_falls_back_to_one_layout(
    small_book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from builder.editions import long_pdf

    real = long_pdf.front_matter

    def front_matter(html: str, folios: dict[str, int]) -> str:
        grown = html.replace("</nav>", '</nav><p style="break-before: page">a page more</p>') if folios else html
        return real(grown, folios)

    monkeypatch.setattr(long_pdf, "front_matter", front_matter)
    work = load_work(small_book)
    assert write_pdf(work, "a5", runs=3) == write_pdf(work, "a5", runs=1)


def test_a_front_matter_that_fails_stops_the_runs(small_book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _children()
    from builder.editions import long_pdf

    real, parent = long_pdf.layout, os.getpid()

    def layout(html: str, work: Work, what: str, **options: object) -> object:
        if os.getpid() == parent and 'id="toc"' in html:
            raise BuildError(work.folder, f"{what}: WeasyPrint: a resource is missing", code="P001")
        return real(html, work, what, **options)

    monkeypatch.setattr(long_pdf, "layout", layout)
    with pytest.raises(BuildError, match="a resource is missing"):
        write_pdf(load_work(small_book), "a5", runs=3, jobs=2)
    assert _children() <= before


def test_a_character_the_faces_lack_stops_the_runs(small_book: Path, tmp_path: Path) -> None:
    """The faces' check runs beside the runs (they are not kept waiting for it): should it
    refuse the text, the runs are stopped and the build fails with the check's code."""
    before = _children()
    folder = tmp_path / small_book.name
    shutil.copytree(small_book, folder)
    part = folder / "part-3.md"
    part.write_text(part.read_text(encoding="utf-8").replace("next, in", "next \U00013000, in", 1), encoding="utf-8")
    with pytest.raises(BuildError) as failure:
        write_pdf(load_work(folder), "a5", runs=3, jobs=2)
    assert failure.value.code == "P003" and "U+13000" in str(failure.value)
    assert _children() <= before


def test_the_front_matter_is_written_while_the_runs_write(small_book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once every run has reported its pages, the contents page's numbers are known: the front
    matter is laid out with them and written before the runs' PDFs are waited for, not after
    (it is the parent's serial work otherwise)."""
    from builder.editions import long_pdf

    order: list[str] = []
    real_front, real_receive = long_pdf._front_matter, long_pdf._receive_pdf

    def front_matter(*args: object) -> object:
        order.append("front")
        return real_front(*args)  # type: ignore[arg-type]

    def receive(*args: object) -> object:
        order.append("run")
        return real_receive(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(long_pdf, "_front_matter", front_matter)
    monkeypatch.setattr(long_pdf, "_receive_pdf", receive)
    write_pdf(load_work(small_book), "a5", runs=3, jobs=2)
    assert order == ["front", "run", "run", "run"]


@given(st.binary(min_size=1, max_size=200))
def test_a_stream_ending_in_cr_is_kept_whole(data: bytes) -> None:
    """qpdf writes LF before endstream: after data ending in CR, a validator reads CR LF and
    finds the stream a byte short (PDF/A-2 6.1.7.1). Every stream comes out not ending in CR,
    and decodes to what it held."""
    import zlib

    from builder.editions.pdf_merge import _end_streams_safely

    # data whose compressed form ends in CR (the last byte is the Adler-32's: one suffix in 256)
    ending = next(
        data + n.to_bytes(2, "big") for n in range(2**16) if zlib.compress(data + n.to_bytes(2, "big"))[-1] == 0x0D
    )
    pdf = pikepdf.new()
    raw = pikepdf.Stream(pdf, zlib.compress(ending))
    raw.Filter = pikepdf.Name.FlateDecode
    plain = pikepdf.Stream(pdf, ending + b"\r")
    pdf.Root.Things = pikepdf.Array([pdf.make_indirect(raw), pdf.make_indirect(plain)])
    _end_streams_safely(pdf)
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    again = pikepdf.open(io.BytesIO(out.getvalue()))
    for stream, held in zip(again.Root.Things, (ending, ending + b"\r"), strict=True):
        assert not stream.read_raw_bytes().endswith(b"\r")
        assert stream.read_bytes() == held


def _elements_pdf(count: int) -> pikepdf.Pdf:
    """A PDF with a structure tree of ``count`` elements, enough for object streams."""
    pdf = pikepdf.new()
    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    document = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Document, P=root))
    document.K = pikepdf.Array(
        [
            pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.P, P=document, K=n, Alt=pikepdf.String(f"element {n}")))
            for n in range(count)
        ]
    )
    root.K = document
    pdf.Root.StructTreeRoot = root
    return pdf


@settings(max_examples=4, deadline=None)
@given(st.binary(min_size=1, max_size=200))
def test_the_joined_file_has_object_streams_and_no_stream_ending_in_cr(data: bytes) -> None:
    """The join writes its objects in compressed object streams (the size of one layout's file);
    qpdf writes LF before endstream, so that data ending in CR reads as ending in CR LF, a byte
    short (PDF/A-2 6.1.7.1): whatever ends so, an object stream, the cross-reference stream or
    a stream of the book, is changed without changing its meaning, and written again."""
    import zlib

    from builder.editions.pdf_merge import _ending_in_cr, _write, save

    pdf = _elements_pdf(150)
    # a stream whose compressed form ends in CR (the last byte is the Adler-32's), another not compressed
    ending = next(
        data + n.to_bytes(2, "big") for n in range(2**16) if zlib.compress(data + n.to_bytes(2, "big"))[-1] == 0x0D
    )
    raw = pikepdf.Stream(pdf, zlib.compress(ending))
    raw.Filter = pikepdf.Name.FlateDecode
    pdf.Root.Things = pikepdf.Array([pdf.make_indirect(raw), pdf.make_indirect(pikepdf.Stream(pdf, ending + b"\r"))])
    first = pdf.Root.StructTreeRoot.K.K[0]
    for extra in range(256):  # and an object stream ending in CR: a text whose bytes add up to one sum in 256
        first.Alt = pikepdf.String("element 0 " + "".join(chr(32 + min(94, max(0, extra - 94 * n))) for n in range(3)))
        written = _write(pdf, pikepdf.ObjectStreamMode.generate)
        read = pikepdf.open(io.BytesIO(written))
        if any(read.get_object(objgen).get("/Type") == pikepdf.Name.ObjStm for objgen in _ending_in_cr(written)):
            break
    else:
        raise AssertionError("no object stream ending in CR could be made")
    elements = [(str(e.S), int(e.K), str(e.Alt)) for e in pdf.Root.StructTreeRoot.K.K]
    written = save(pdf)
    assert b"\r\nendstream" not in written and b"/ObjStm" in written
    again = pikepdf.open(io.BytesIO(written))
    for stream, held in zip(again.Root.Things, (ending, ending + b"\r"), strict=True):
        assert stream.read_bytes() == held
    assert [(str(e.S), int(e.K), str(e.Alt)) for e in again.Root.StructTreeRoot.K.K] == elements
    assert {int(e.get("/R", 0)) for e in again.Root.StructTreeRoot.K.K} == {0}


def test_an_object_stream_of_pages_alone_is_mended_not_written_out_of_streams() -> None:
    """An object stream holding no structure element (pages alone, as a long book's joined file
    has them) that ends in CR is mended by a page's default rotation: the file keeps its object
    streams, and its size, rather than being written outside them (about 2.5 times the size)."""
    from builder.editions.pdf_merge import _ending_in_cr, _write, save

    pdf = pikepdf.new()
    for _ in range(150):
        pdf.add_blank_page(page_size=(420, 595))
    for extra in range(1, 2000):  # a first page's width that makes an object stream of pages end in CR
        pdf.pages[0].MediaBox = pikepdf.Array([0, 0, 420 + extra / 100, 595])
        written = _write(pdf, pikepdf.ObjectStreamMode.generate)
        read = pikepdf.open(io.BytesIO(written))
        if any(read.get_object(objgen).get("/Type") == pikepdf.Name.ObjStm for objgen in _ending_in_cr(written)):
            break
    else:
        raise AssertionError("no object stream of pages ending in CR could be made")
    saved = save(pdf)
    assert b"\r\nendstream" not in saved and b"/ObjStm" in saved
    again = pikepdf.open(io.BytesIO(saved))
    assert len(again.pages) == 150 and {int(page.obj.get("/Rotate", 0)) for page in again.pages} == {0}
    assert len(saved) < 2 * len(written)
