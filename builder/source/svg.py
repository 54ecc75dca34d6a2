"""An SVG image is kept only if it is static: parsed by a real XML parser (no entities expanded,
no DTD or network read), every element and attribute on an allow-list of static SVG 1.1 that an
EPUB 3 takes without the `scripted` or `remote-resources` properties, every reference a
fragment of the file itself. A deny-list misses what it does not know (`onload=`, a namespaced
script, an escaped `url(`); this list only names what it knows to be harmless."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# The allow-list is data, kept in a file of its own beside this module.
_ALLOWED = tomllib.loads((Path(__file__).resolve().parent / "static-svg.toml").read_text(encoding="utf-8"))
ELEMENTS = frozenset(_ALLOWED["elements"])
ATTRIBUTES = frozenset(_ALLOWED["attributes"]) | {
    f"{{{XML_NS}}}space",
    f"{{{XML_NS}}}lang",
    f"{{{XLINK_NS}}}href",
    f"{{{XLINK_NS}}}title",
}
_REFERENCE = re.compile(r"^#[\w.:-]+$")  # href: a fragment of this file
_CSS_URL = re.compile(r"url\s*\(\s*(?!['\"]?#)", re.I)  # url() to anything but a fragment
_CSS_BAD = re.compile(r"\\|@import|expression\s*\(|-moz-binding|behavior\s*:|javascript:", re.I)
PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False, remove_comments=True
)


def svg_problem(data: bytes) -> str | None:
    """None if the SVG is static and self-contained, else the first thing that is not."""
    try:
        root = etree.fromstring(data, PARSER)
    except (etree.XMLSyntaxError, ValueError) as error:
        return f"it is not well-formed XML ({str(error).splitlines()[0][:80]})"
    tree = root.getroottree()
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        return "it declares entities"
    for node in tree.iter():
        if isinstance(node, etree._Entity):
            return f"it uses the entity &{node.name};"
        if isinstance(node, etree._ProcessingInstruction):
            return f"it has a processing instruction <?{node.target}?>"
        if not isinstance(node.tag, str):
            continue
        name = etree.QName(node)
        if name.namespace != SVG_NS or name.localname not in ELEMENTS:
            return (
                f"its element <{name.localname}>"
                f"{' in ' + name.namespace if name.namespace != SVG_NS else ''} is not static SVG"
            )
        if name.localname == "style" and (problem := _css_problem(node.text or "")):
            return f"its stylesheet {problem}"
        for attribute, value in node.attrib.items():
            if attribute not in ATTRIBUTES:
                return f"the attribute {etree.QName(attribute).localname}= of <{name.localname}> is not static SVG"
            if attribute in ("href", f"{{{XLINK_NS}}}href") and not _REFERENCE.match(value.strip()):
                return f"<{name.localname}> refers to {value[:60]!r}, outside the file"
            if problem := _css_problem(value):
                return f"the attribute {etree.QName(attribute).localname}= of <{name.localname}> {problem}"
    return None


def _css_problem(text: str) -> str | None:
    if _CSS_URL.search(text):
        return "refers to something outside the file with url()"
    if found := _CSS_BAD.search(text):
        return f"has {found.group(0)!r}, which may fetch or run something"
    return None
