"""builder/editions/weasyprint/pdfa_ua.py's list mending: WeasyPrint 70.0 tags a list item's
blocks straight under LI and a nested list beside its item; the finisher puts both in the
item's LBody, so that lists of every shape pass PDF/UA-1 and read in order."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from hypothesis import given, settings
from hypothesis import strategies as st
from page import ValidationProfile, validate_pdf

from builder.editions.weasyprint import pdfa_ua


def _typeset(body: str) -> bytes:
    from weasyprint import HTML

    html = f"<html lang='en'><head><title>Lists</title></head><body>{body}</body></html>"
    return HTML(string=html).write_pdf(**pdfa_ua.OPTIONS, finisher=pdfa_ua.finisher("urn:uuid:lists"))


def _tree(pdf: bytes) -> list:
    """The structure tree as nested (tag, [kids]) pairs, marked content left out."""

    def walk(element: pikepdf.Object) -> list:
        kids = element.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        return [(str(kid.S), walk(kid)) for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return walk(document.Root.StructTreeRoot)


def _items(tree: list) -> list:
    found = []
    for tag, kids in tree:
        if tag == "/LI":
            found.append([kid for kid, _ in kids])
        found += _items(kids)
    return found


def _passes_pdf_ua(pdf: bytes, folder: Path) -> list[str]:
    path = folder / "lists.pdf"
    path.write_bytes(pdf)
    return [f"{f.rule_id}: {f.message}" for f in validate_pdf(path, profile=ValidationProfile.PDF_UA_1).failures]


def test_an_items_paragraphs_and_its_nested_list_stand_in_its_body(tmp_path: Path) -> None:
    pdf = _typeset(
        "<ol><li><p>one para</p><p>two para</p></li><li>plain item</li></ol>"
        "<ul><li>outer<ul><li>nested</li></ul></li><li>after</li></ul>"
    )
    tree = _tree(pdf)
    assert all(kids in (["/Lbl", "/LBody"], ["/LBody"]) for kids in _items(tree))
    [_document] = tree
    lists = [kids for tag, kids in _document[1] if tag == "/L"]
    assert len(lists) == 2 and [tag for tag, _ in lists[1]] == ["/LI", "/LI"]  # the nested list is no sibling
    outer_body = dict(lists[1][0][1])["/LBody"]
    assert "/L" in [tag for tag, _ in outer_body]
    with pikepdf.open(io.BytesIO(pdf)) as document:  # every element's parent is the one that holds it

        def parents_agree(element: pikepdf.Object) -> bool:
            kids = element.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
            return all(
                kid.P.objgen == element.objgen and parents_agree(kid)
                for kid in kids
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid
            )

        assert parents_agree(document.Root.StructTreeRoot.K)
    assert _passes_pdf_ua(pdf, tmp_path) == []


_BLOCK = st.sampled_from(["<p>para</p>", "words", "<p>a</p><p>b</p>", "<ul><li>deep</li></ul>", "<ol><li>x</li></ol>"])


@settings(max_examples=12, deadline=None)
@given(st.lists(st.lists(_BLOCK, min_size=1, max_size=3), min_size=1, max_size=4), st.sampled_from(["ul", "ol"]))
def test_lists_of_any_shape_pass_pdf_ua(items: list[list[str]], kind: str) -> None:
    import tempfile

    pdf = _typeset(f"<{kind}>" + "".join(f"<li>{''.join(blocks)}</li>" for blocks in items) + f"</{kind}>")
    assert all(set(kids) <= {"/Lbl", "/LBody"} and kids.count("/LBody") == 1 for kids in _items(_tree(pdf)))
    with tempfile.TemporaryDirectory() as folder:
        assert _passes_pdf_ua(pdf, Path(folder)) == []
