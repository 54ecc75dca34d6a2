"""The faces an EPUB embeds: only where a reading system cannot be trusted to have one.

Every reading system the EPUB is made for has faces for Latin, Cyrillic, modern Greek, Chinese,
Japanese, Arabic, Hebrew and Devanagari, and the reader's own face wins there (epub.css sets
none). Polytonic Greek is the exception: Kobo's and Kindle's faces lack most of its accented
letters, which they show as empty boxes. A work with polytonic Greek therefore carries GFS Didot,
subset to the Greek characters it uses, as WOFF2, for its `lang="grc"` passages only; each face
is held to MAX_BYTES.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from ..errors import BuildError
from ..fingerprint import system_faces
from ..source.model import Work

MAX_BYTES = 64 * 1024  # one embedded face, subset and compressed
FACES = {"normal": "GFS Didot", "italic": "GFS Didot Italic"}
CSS_FILE = "css/fonts.css"


@dataclass(frozen=True)
class EmbeddedFace:
    file_name: str  # inside the package, beside the stylesheets
    data: bytes


def _is_polytonic(char: str) -> bool:
    return "\u1f00" <= char <= "\u1fff"


def _text(work: Work) -> str:
    return (
        "".join(
            token.content or ""
            for part in work.parts
            for token in [*part.tokens, *(t for note in part.notes.values() for t in note.tokens)]
        )
        + work.meta.title
    )


def embedded_faces(work: Work) -> tuple[list[EmbeddedFace], str]:
    """The faces the work's EPUB embeds and the stylesheet that declares them ("" if none)."""
    text = _text(work)
    if not any(_is_polytonic(char) for char in text):
        return [], ""
    # Only a work with polytonic Greek loads the subsetter (half a second to import, which
    # every worker would otherwise pay as the shelf's writers load).
    from fontTools import subset
    from fontTools.ttLib import TTFont

    greek = sorted(
        {
            ord(char)
            for char in text
            if "\u0370" <= char <= "\u03ff" or _is_polytonic(char) or "\u0300" <= char <= "\u036f"
        }
        | set(range(0x20, 0x7F))
    )
    faces, rules = [], []
    for style, name in FACES.items():
        path = system_faces().get(name)
        if path is None:
            raise BuildError(
                work.folder, f"EPUB: the face {name!r} is not installed", hint="run scripts/setup", code="P003"
            )
        font = TTFont(path)
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["*"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=greek)
        subsetter.subset(font)
        out = io.BytesIO()
        font.flavor = "woff2"
        font.save(out, reorderTables=True)
        data = out.getvalue()
        if len(data) > MAX_BYTES:
            raise BuildError(
                work.folder,
                f"EPUB: {name} subset to the work's Greek is {len(data):,} bytes, more than {MAX_BYTES:,}",
                hint="report it: the limit is builder/editions/epub_fonts.py's MAX_BYTES",
                code="P003",
            )
        file_name = f"fonts/{name.replace(' ', '')}.woff2"
        faces.append(EmbeddedFace(file_name, data))
        rules.append(
            f'@font-face {{ font-family: "GFS Didot"; font-style: {style}; '
            f'font-weight: normal; src: url("../{file_name}") format("woff2"); }}'
        )
    rules.append(':lang(grc) { font-family: "GFS Didot", serif; }')
    return (
        faces,
        "/* Polytonic Greek, which reading systems' own faces lack (builder/editions/epub_fonts.py). */\n"
        + "\n".join(rules)
        + "\n",
    )
