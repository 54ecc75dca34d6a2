"""Tagged PDFs of one book, laid out in runs, joined into one PDF/UA-1 and PDF/A-2u file.

The first file (the front matter) gives the catalog: its metadata, output intent, language and
viewer preferences are the book's. From every file come its pages in order, and what refers
to them, which general merge tools drop:

- the structure tree: each run's top-level elements join the first file's document element,
  in order, and each run's parent tree (the number tree from a page's ``StructParents`` and
  an annotation's ``StructParent`` to the elements) is renumbered past the ones before it;
- the named destinations (every anchor; links and note calls go through them), one sorted
  name tree of the anchors the files hold, without the stand-ins a file was given for the
  targets of its links that another file holds (the contents page's, a cross-reference's);
- the outline (bookmarks), the runs' trees one after another;
- a blank page where a run ended on a recto, as one layout would have left before the next
  part (which opens on a recto).

Objects are copied with qpdf's foreign-object copier, which copies each object once per
source file, so that a structure element's ``/Pg`` is the very page copied with the pages, and
written into compressed object streams, with no stream's data ending in CR (``save``).
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf


def merge(files: list[bytes], blank_after: list[bool], blank: bytes, stand_ins: list[set[str]]) -> bytes:
    """One PDF of the files' pages in order; ``blank_after[i]``: a blank page after file i, a
    copy of ``blank``'s first page (laid out by WeasyPrint as the book's, crop marks and all);
    ``stand_ins[i]``: the names file i holds only as stand-ins for another file's anchors."""
    sources = [Pdf.open(io.BytesIO(data)) for data in files]
    target = sources[0]
    leaf = Pdf.open(io.BytesIO(blank))  # kept open while its page is copied
    template = target.copy_foreign(leaf.pages[0].obj)
    document = _document_element(target)
    nums = _parent_tree(target)
    next_key = max((key for key, _ in nums), default=-1) + 1
    names = {name: destination for name, destination in _names(target) if name not in stand_ins[0]}
    outline: list[Any] = list(_outline_items(target))
    if blank_after[0]:
        _add_blank(target, template)
    for index, source in enumerate(sources[1:], start=1):
        base = next_key
        first_page = len(target.pages)
        for page in source.pages:
            target.pages.append(page)
        for page in target.pages[first_page:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + base
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + base
        for key, value in _parent_tree(source):
            nums.append((key + base, _copy(target, value)))
            next_key = max(next_key, key + base + 1)
        for element in _document_element(source).K:
            copied = _copy(target, element)
            copied.P = document
            document.K.append(copied)
        for name, destination in _names(source):
            if name not in stand_ins[index]:
                names[name] = _copy(target, destination)
        outline.extend(_copy(target, item) for item in _outline_items(source))
        if blank_after[index]:
            _add_blank(target, template)
    root = target.Root.StructTreeRoot
    root.ParentTree = target.make_indirect(
        Dictionary(Nums=Array([item for key, value in sorted(nums, key=lambda kv: kv[0]) for item in (key, value)]))
    )
    root.ParentTreeNextKey = next_key
    target.Root.Names.Dests = target.make_indirect(
        Dictionary(
            Names=Array(
                [
                    item
                    for name in sorted(names, key=lambda n: n.encode())
                    for item in (pikepdf.String(name), names[name])
                ]
            )
        )
    )
    _link_outline(target, outline)
    return save(target)


_MOST_PASSES = 8  # each pass mends what ends in CR; one in 256 streams does, so two passes are the rule


def save(pdf: Pdf) -> bytes:
    """The PDF written with its objects in compressed object streams, the size of one layout's
    file, and no stream's data ending in CR (PDF/A-2 6.1.7.1).

    qpdf writes LF before ``endstream``; after data ending in CR a validator reads CR LF, the end
    of line, and finds the stream one byte short of its /Length. A Flate stream's last byte is
    that of the Adler-32 of its decoded data, so no other compression mends it: what ends in CR
    is changed, once written, without changing its meaning (``_mend``), and the file written
    again, its objects in the same object streams, until nothing does. Should that not settle,
    the objects are written outside object streams, a file about 2.5 times the size."""
    data = _write(pdf, pikepdf.ObjectStreamMode.generate)
    for _ in range(_MOST_PASSES):
        ending = _ending_in_cr(data)
        if not ending:
            return data
        again = Pdf.open(io.BytesIO(data))
        if not all(_mend(again, number) for number in ending):
            break
        data = _write(again, pikepdf.ObjectStreamMode.preserve)
    _end_streams_safely(pdf)
    data = _write(pdf, pikepdf.ObjectStreamMode.preserve, compress=False)
    if _ending_in_cr(data):
        raise RuntimeError("a joined PDF has a stream ending in CR that could not be mended (PDF/A-2 6.1.7.1)")
    return data


def _write(pdf: Pdf, mode: pikepdf.ObjectStreamMode, compress: bool = True) -> bytes:
    """Streams written as they are (WeasyPrint compressed them; qpdf leaves a Flate stream's
    data alone), object streams compressed unless ``compress`` is off."""
    out = io.BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        compress_streams=compress,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
        object_stream_mode=mode,
    )
    return out.getvalue()


_CR_END = re.compile(rb"\r\nendstream")
_OBJECT = re.compile(rb"(\d+) (\d+) obj\s*<<")


def _ending_in_cr(data: bytes) -> list[tuple[int, int]]:
    """The objects (number, generation) of the streams whose data ends in CR, found in the
    file as qpdf writes it: CR, then the LF it puts before ``endstream``."""
    found = []
    for match in _CR_END.finditer(data):
        heads = list(_OBJECT.finditer(data, max(0, data.rfind(b" obj", 0, match.start()) - 24), match.start()))
        found.append((int(heads[-1][1]), int(heads[-1][2])) if heads else (0, 0))  # (0, 0): none told
    return found


def _mend(pdf: Pdf, objgen: tuple[int, int]) -> bool:
    """Change the stream ``objgen`` (or, for an object stream or the cross-reference stream,
    one structure element or page it holds or that the file has, by a key set to its default)
    without changing its meaning, so that it no longer ends in CR once written; False if there
    is nothing to change."""
    thing = pdf.get_object(objgen) if objgen[0] else None
    if not isinstance(thing, pikepdf.Stream) or not thing.read_raw_bytes().endswith(b"\r"):
        return False  # not told apart in the file's bytes (binary data that reads as " obj")
    kind = thing.get("/Type")
    if kind == Name.ObjStm:
        header = thing.read_bytes()[: int(thing.First)].split()
        members: Iterator[Any] = (pdf.get_object(int(number), 0) for number in header[::2])
    elif kind == Name.XRef:
        members = _elements(pdf)  # any change moves the offsets it lists
    else:
        return _reencode(thing)
    for member in members:
        if isinstance(member, Dictionary) and "/S" in member and "/P" in member and "/R" not in member:
            member.R = 0  # a structure element's revision number, 0 by default
            return True
        if isinstance(member, Dictionary) and member.get("/Type") == Name.Page and "/Rotate" not in member:
            member.Rotate = 0  # a page's rotation, 0 by default (an object stream of pages alone)
            return True
    return False


def _elements(pdf: Pdf) -> Iterator[Any]:
    pending = [pdf.Root.StructTreeRoot.K]
    while pending:
        kids = pending.pop()
        for kid in kids if isinstance(kids, Array) else [kids]:
            if isinstance(kid, Dictionary) and "/S" in kid:
                yield kid
                if "/K" in kid:
                    pending.append(kid.K)


def _reencode(stream: pikepdf.Stream) -> bool:
    """A stream's data compressed anew with a PNG predictor over one row, the row's filter
    "Up" (the row above the first is zeros: the data decodes unchanged), so that the Adler-32
    the data ends with counts the filter's byte and ends in another byte. A stream with
    decoding parameters of its own is left alone (False)."""
    if "/DecodeParms" in stream or stream.get("/Filter") not in (None, Name.FlateDecode):
        return False
    data = stream.read_bytes()
    encoded = zlib.compress(b"\x02" + data)
    if encoded.endswith(b"\r"):
        return False
    stream.write(encoded, filter=Name.FlateDecode, decode_parms=Dictionary(Predictor=12, Columns=max(len(data), 1)))
    return True


def _end_streams_safely(pdf: Pdf) -> None:
    """For a file written with its streams as they are, objects outside object streams
    (``save``'s last resort): a stream ending in CR (about one in 256) is wrapped in ASCIIHex,
    whose data ends with ``>``."""
    for thing in pdf.objects:
        if isinstance(thing, pikepdf.Stream) and thing.read_raw_bytes().endswith(b"\r"):
            filters = thing.get("/Filter")
            chain = [Name.ASCIIHexDecode] + (
                [] if filters is None else list(filters) if isinstance(filters, Array) else [filters]
            )
            parms = thing.get("/DecodeParms")
            kept = None if parms is None else [None] + (list(parms) if isinstance(parms, Array) else [parms])
            raw = thing.read_raw_bytes().hex().encode() + b">"
            thing.write(raw, filter=Array(chain), decode_parms=None if kept is None else Array(kept))


def _copy(target: Pdf, thing: Any) -> Any:
    """A foreign object in the target: indirect ones by qpdf's copier, direct ones rebuilt."""
    if isinstance(thing, pikepdf.Object) and thing.is_indirect:
        return target.copy_foreign(thing)
    if isinstance(thing, Array):
        return Array([_copy(target, item) for item in thing])
    if isinstance(thing, Dictionary):
        return Dictionary({key: _copy(target, value) for key, value in thing.items()})
    return thing


def _document_element(pdf: Pdf) -> Any:
    kids = pdf.Root.StructTreeRoot.K
    return kids[0] if isinstance(kids, Array) else kids


def _parent_tree(pdf: Pdf) -> list[tuple[int, Any]]:
    return [(int(key), value) for key, value in pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree).items()]


def _names(pdf: Pdf) -> Iterator[tuple[str, Any]]:
    if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
        for name, destination in pikepdf.NameTree(pdf.Root.Names.Dests).items():
            yield str(name), destination


def _outline_items(pdf: Pdf) -> Iterator[Any]:
    """The outline's top-level items, each with its subtree."""
    if "/Outlines" not in pdf.Root:
        return
    item = pdf.Root.Outlines.get("/First")
    while item is not None:
        yield item
        item = item.get("/Next")


def _link_outline(pdf: Pdf, items: list[Any]) -> None:
    """One outline whose top level is the items in order: their chains relinked, the count open."""
    if not items:
        return
    outlines = pdf.Root.Outlines
    for previous, item in pairwise(items):
        previous.Next, item.Prev = item, previous
    if "/Prev" in items[0]:
        del items[0].Prev
    if "/Next" in items[-1]:
        del items[-1].Next
    for item in items:
        item.Parent = outlines
    outlines.First, outlines.Last = items[0], items[-1]
    outlines.Count = len(items) + sum(max(int(item.get("/Count", 0)), 0) for item in items)


def _add_blank(pdf: Pdf, template: Any) -> None:
    """A blank page, as one layout leaves before a part opening on a recto: the template's
    drawing (nothing, or crop marks), with no part in the structure tree."""
    skip = {"/Parent", "/StructParents", "/Annots"}
    pdf.pages.append(
        pikepdf.Page(pdf.make_indirect(Dictionary({key: template[key] for key in template if key not in skip})))
    )
