"""Give each line of a complex script its text as written, for readers, search and copy
(WeasyPrint 70.0).

``apply()`` (called by ``typeset.py`` before any layout) installs the change; calling it
again does nothing. It refuses, with ``RuntimeError``, any WeasyPrint other than the exact
version and function source it was written for.

Upstream (github.com/Kozea/WeasyPrint): #106 (right-to-left and complex scripts). A PDF's text
is read back through its fonts' ToUnicode maps, one text per glyph. WeasyPrint writes a
glyph's text once, from the first cluster it is drawn in, and gives a cluster of several
glyphs its text on one of them. Where shaping reorders or splits characters (Devanagari's
vowel signs drawn before their consonant, its conjuncts) the text read back is then out of
order, doubled or missing: "लेनिन" came back as "ले निनि".

How. ``draw_first_line`` (which draws one line of a text box) is wrapped: a line with a
character of such a script is drawn inside a marked-content span whose ``ActualText`` is the
line's text in logical order (PDF 1.7, 14.9.4), which text extraction, screen readers and
search use in place of the glyphs' maps. Lines in other scripts are drawn as before, to the
byte. The span nests inside the structure's own marked content (PDF/UA-1 allows it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pydyf

from .upstream_source import refuse_other_weasyprint

__all__ = ["COPIES", "apply", "needs_actual_text"]

_EXPECTED_VERSIONS = frozenset({"70.0"})
# sha256 of inspect.getsource() of the function this module wraps (it copies none).
_EXPECTED_SOURCE_SHA256 = {
    "weasyprint.draw.text.draw_first_line": "1bb8eae6d88e71b17096a034656f3be17da8f1f513c78536c1c38d971927638b",
}
COPIES: dict[str, Any] = {}  # upstream's name → a copy of it in this module: none

_PATCH_MARKER = "_builder_actual_text_patch"

# Scripts shaped with reordering or splitting, left to right: the Indic scripts from Devanagari
# to Sinhala (U+0900–U+0DFF), Thai to Myanmar and Tibetan (U+0E00–U+109F), Khmer
# (U+1780–U+17FF). Not the right-to-left ones: PDFium and Poppler alike read an ActualText
# of a right-to-left line backwards, while the glyphs' own maps give them its words in order.
_COMPLEX = re.compile("[\u0900-\u0dff\u0e00-\u109f\u1780-\u17ff]")


def needs_actual_text(text: str) -> bool:
    """Whether a line's text has a character whose glyphs cannot carry it back on their own."""
    return _COMPLEX.search(text) is not None


def _wrap(draw_first_line: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        text = textbox.text
        if not needs_actual_text(text):
            return draw_first_line(stream, textbox, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return draw_first_line(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    setattr(wrapper, _PATCH_MARKER, True)
    wrapper._builder_original = draw_first_line  # type: ignore[attr-defined]
    return wrapper


def apply() -> None:
    """Install the wrapper into the running WeasyPrint; a no-op if already done.

    Raises ``RuntimeError`` if WeasyPrint is not the version, with the exact source, that the
    change was written for."""
    from weasyprint.draw import text

    if getattr(text.draw_first_line, _PATCH_MARKER, False):
        return
    refuse_other_weasyprint(
        "builder/editions/weasyprint/actual_text.py",
        _EXPECTED_VERSIONS,
        _EXPECTED_SOURCE_SHA256,
        "See whether upstream now writes complex scripts' text back in order (Kozea/WeasyPrint #106) and run "
        "tests/test_scripts.py without this module. If it does, delete this module and its apply() call; if not, "
        "port it and update _EXPECTED_VERSIONS and _EXPECTED_SOURCE_SHA256.",
    )
    text.draw_first_line = _wrap(text.draw_first_line)
