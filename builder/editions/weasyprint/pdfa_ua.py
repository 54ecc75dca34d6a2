"""PDF/A-2u and PDF/UA-1 in one file, which WeasyPrint 70.0 cannot write: it takes one
`pdf_variant` at a time (upstream: Kozea/WeasyPrint #2783, "Support for multiple variants",
and #2467, "PDF/A with PDF/UA support", both open).

The editions are typeset with WeasyPrint's ``pdf/ua-1`` variant (structure tree, language,
title display, ``pdfuaid`` in the XMP) and ``output_intent="srgb"`` (the sRGB profile embedded
and an output intent written), both in ``OPTIONS``; ``finisher()`` then adds, on the pydyf
objects before they are written, what PDF/A-2u asks for beyond that:

- the output intent marked ``GTS_PDFA1`` (WeasyPrint writes ``GTS_PDFX`` outside its PDF/A
  variants), so that the DeviceRGB colours are sRGB;
- the print flag on every annotation (links);
- a transparency group with a blending colour space (the sRGB profile) on every page: the
  footnote rule is an SVG drawn as a transparency group;
- ``/Interpolate false`` on every image and image mask: WeasyPrint writes ``true`` for CSS
  ``image-rendering: auto`` (the initial value), which PDF/A forbids (PDF/A-2 6.2.8); set here,
  not in the stylesheets, so that no template or image can make a PDF without it;
- XMP with both identification schemas (``pdfaid`` part 2, conformance U; ``pdfuaid`` part 1)
  and the PDF/A extension schema that declares ``pdfuaid``, which PDF/A does not predefine;
  ``xmpMM:DocumentID`` and ``InstanceID`` derived from the edition's identifier and its page
  content, never random (WeasyPrint's PDF/X-4 variant writes a random one); the metadata
  stream is left unfiltered, as PDF/A asks.

The finisher also mends two shapes of WeasyPrint 70.0's list tagging that PDF/UA-1 forbids or
misreads (Kozea/WeasyPrint #2482 groups its PDF/UA list bugs; #2874, a nested list outside its
item, is closed upstream after 70.0): a list item whose content is blocks (``<li><p>…``) gets
those blocks straight under ``LI``, where only ``Lbl`` and ``LBody`` may stand (LI-KIDS-001),
so they are wrapped in one ``LBody``; and a nested list comes out as the next sibling of its
item, so it is moved into that item's ``LBody``, as PDF/UA's reference lists nest (PDFUA-8).

``apply()`` also corrects pydyf 0.13.0's stream writer: it ends every stream with
``\\nendstream``, so a Flate stream whose last byte happens to be a carriage return (about
one in 256) reads as ending in CR LF, one byte short of its /Length (PDF/A-2 6.1.7.1);
such a stream is ended with CR LF instead. Not reported upstream (CourtBouillon/pydyf)
at the time of writing.

Both refuse, with ``RuntimeError``, any WeasyPrint or pydyf other than the versions they were
written against, or a pydyf whose stream writer (the one function wrapped here) has another
source: an upgrade must be re-checked (run the tests, which validate every PDF with
page-validation) rather than silently produce files that claim a conformance they lack.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import Element, SubElement, fromstring, register_namespace, tostring

import pydyf

from .upstream_source import refuse_other_upstream

__all__ = ["COPIES", "OPTIONS", "apply", "finisher"]

OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "output_intent": "srgb"}

_EXPECTED_VERSIONS = {"weasyprint": "70.0", "pydyf": "0.13.0"}
_EXPECTED_SOURCE_SHA256 = {  # sha256 of inspect.getsource() of each function wrapped (the finisher wraps none)
    "pydyf.Stream.data": "bdc2bc513f286de7b7a7220a43e6085daa6ed0056d9c04e3c9b5abe40f3ecf81",
}
COPIES: dict[str, Any] = {}  # upstream's name → a copy of it in this module: none
_PATCH_MARKER = "_builder_eol_patch"

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
for _prefix, _uri in NS.items():
    register_namespace(_prefix, _uri)


def apply() -> None:
    """Check the versions this module was written for, and end streams safely; idempotent."""
    import weasyprint

    if (
        getattr(pydyf.Stream.data.fget, _PATCH_MARKER, False)
        and weasyprint.__version__ == _EXPECTED_VERSIONS["weasyprint"]
    ):
        return  # checked and applied already in this process
    refuse_other_upstream(
        "builder/editions/weasyprint/pdfa_ua.py", _EXPECTED_VERSIONS, _EXPECTED_SOURCE_SHA256,
        "See whether WeasyPrint now writes PDF/A and PDF/UA together (Kozea/WeasyPrint #2783);"
        " if not, re-check the finisher against the new sources, run the tests (they validate every"
        " PDF as PDF/A-2u and PDF/UA-1), and update _EXPECTED_VERSIONS and _EXPECTED_SOURCE_SHA256.",
    )
    if getattr(pydyf.Stream.data.fget, _PATCH_MARKER, False):
        return
    original = pydyf.Stream.data.fget

    def data(self: pydyf.Stream) -> bytes:
        written: bytes = original(self)
        if written.endswith(b"\r\nendstream"):  # the stream's own last byte is CR: end it with CR LF
            return written[: -len(b"\nendstream")] + b"\r\nendstream"
        return written

    setattr(data, _PATCH_MARKER, True)
    data._builder_original = original  # type: ignore[attr-defined]
    pydyf.Stream.data = property(data)


def finisher(identifier: str) -> Callable[[Any, pydyf.PDF], None]:
    """A WeasyPrint finisher that makes a ``pdf/ua-1`` file with an sRGB output intent
    PDF/A-2u as well; ``identifier`` is the edition's (its work's URN)."""
    apply()

    def finish(document: Any, pdf: pydyf.PDF) -> None:
        srgb = document.color_profiles["srgb"].pdf_reference
        pdf.catalog["OutputIntents"][0]["S"] = "/GTS_PDFA1"
        digest = hashlib.sha256(identifier.encode())
        for thing in pdf.objects:
            if isinstance(thing, pydyf.Stream) and thing.extra.get("Subtype") == "/Image":
                thing.extra["Interpolate"] = "false"  # PDF/A-2 6.2.8; WeasyPrint sets true for image-rendering: auto
            if not isinstance(thing, pydyf.Dictionary):
                continue
            if thing.get("Type") == "/Annot":
                thing["F"] = 4  # print
            elif thing.get("Type") == "/Page":
                thing["Group"] = pydyf.Dictionary(
                    {"Type": "/Group", "S": "/Transparency", "CS": pydyf.Array(("/ICCBased", srgb))}
                )
                for item in _object(pdf, thing["Contents"]).stream:
                    digest.update(item if isinstance(item, bytes) else str(item).encode())
        _mend_lists(pdf)
        metadata = _object(pdf, pdf.catalog["Metadata"])
        metadata.stream = [
            _xmp(document, f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{identifier}#{digest.hexdigest()}')}")
        ]
        metadata.compress = False

    return finish


def _object(pdf: pydyf.PDF, reference: Any) -> Any:
    return pdf.objects[int(bytes(reference).split()[0])]


def _struct(pdf: pydyf.PDF, kid: Any) -> Any:
    """The structure element a /K entry refers to, or None for marked content (an MCID)."""
    if isinstance(kid, int):
        return None
    thing = _object(pdf, kid)
    return thing if isinstance(thing, pydyf.Dictionary) and thing.get("Type") == "/StructElem" else None


def _mend_lists(pdf: pydyf.PDF) -> None:
    """Every list item's content in its LBody, nested lists included (see the module's text)."""
    elements = [thing for thing in pdf.objects if isinstance(thing, pydyf.Dictionary)]
    for item in [thing for thing in elements if thing.get("Type") == "/StructElem" and thing.get("S") == "/LI"]:
        kids = [(kid, _struct(pdf, kid)) for kid in item["K"]]
        tags = [None if element is None else element.get("S") for _, element in kids]
        if tags in (["/Lbl", "/LBody"], ["/LBody"]):
            continue
        # The item's own body, if WeasyPrint made one, stays (the parent tree names it for any
        # marked content it holds); otherwise a new one.
        body = next((element for _, element in kids if element is not None and element.get("S") == "/LBody"), None)
        held = [] if body is None else list(body["K"]) if isinstance(body["K"], pydyf.Array) else [body["K"]]
        if body is None:
            body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody", "P": item.reference})
            if "Pg" in item:
                body["Pg"] = item["Pg"]
            pdf.add_object(body)
        body["K"] = pydyf.Array()
        labels = pydyf.Array()
        for kid, element in kids:  # labels first; every other kid, and the kids of a body, into one body
            if element is not None and element.get("S") == "/Lbl":
                labels.append(kid)
                continue
            moved = held if element is body else [kid]
            if element is not body and element is not None and element.get("S") == "/LBody":
                moved = list(element["K"]) if isinstance(element["K"], pydyf.Array) else [element["K"]]
            for each in moved:
                body["K"].append(each)
                if (child := _struct(pdf, each)) is not None:
                    child["P"] = body.reference
        item["K"] = pydyf.Array([*labels, body.reference])
    for lst in [thing for thing in elements if thing.get("Type") == "/StructElem" and thing.get("S") == "/L"]:
        kids, previous = pydyf.Array(), None
        for kid in lst["K"]:
            element = _struct(pdf, kid)
            if element is not None and element.get("S") == "/L" and previous is not None:
                bodies = [_struct(pdf, k) for k in previous["K"]]
                body = next((b for b in reversed(bodies) if b is not None and b.get("S") == "/LBody"), None)
                if body is not None:  # the nested list belongs to the item before it
                    if not isinstance(body["K"], pydyf.Array):
                        body["K"] = pydyf.Array([body["K"]])
                    body["K"].append(kid)
                    element["P"] = body.reference
                    continue
            kids.append(kid)
            previous = element if element is not None and element.get("S") == "/LI" else previous
        lst["K"] = kids


def _xmp(document: Any, document_id: str) -> bytes:
    """WeasyPrint's PDF/A-2u XMP, with the PDF/UA-1 identification, its schema declared, and the ids."""
    rdf = fromstring(document.metadata.generate_rdf_metadata("a", 2, "U"))
    about = f"{{{NS['rdf']}}}about"
    SubElement(rdf, f"{{{NS['rdf']}}}Description", {about: "", f"{{{NS['pdfuaid']}}}part": "1"})
    ids = SubElement(rdf, f"{{{NS['rdf']}}}Description", {about: ""})
    for name in ("DocumentID", "InstanceID"):
        SubElement(ids, f"{{{NS['xmpMM']}}}{name}").text = document_id
    rdf.append(_extension_schema())
    header = b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">'
    return header + tostring(rdf, encoding="utf-8") + b'</x:xmpmeta>\n<?xpacket end="r"?>'


def _extension_schema() -> Element:
    """PDF/A allows only predefined XMP schemas unless declared: declare pdfuaid:part."""
    rdf, schema, prop = NS["rdf"], NS["pdfaSchema"], NS["pdfaProperty"]
    description = Element(f"{{{rdf}}}Description", {f"{{{rdf}}}about": ""})
    bag = SubElement(SubElement(description, f"{{{NS['pdfaExtension']}}}schemas"), f"{{{rdf}}}Bag")
    entry = SubElement(bag, f"{{{rdf}}}li", {f"{{{rdf}}}parseType": "Resource"})
    for name, text in (
        ("schema", "PDF/UA Universal Accessibility Schema"),
        ("namespaceURI", NS["pdfuaid"]),
        ("prefix", "pdfuaid"),
    ):
        SubElement(entry, f"{{{schema}}}{name}").text = text
    sequence = SubElement(SubElement(entry, f"{{{schema}}}property"), f"{{{rdf}}}Seq")
    field = SubElement(sequence, f"{{{rdf}}}li", {f"{{{rdf}}}parseType": "Resource"})
    for name, text in (
        ("name", "part"),
        ("valueType", "Integer"),
        ("category", "internal"),
        ("description", "Part of ISO 14289 (PDF/UA) the file conforms to"),
    ):
        SubElement(field, f"{{{prop}}}{name}").text = text
    return description
