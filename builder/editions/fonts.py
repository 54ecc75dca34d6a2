"""The print edition's typefaces (those of styles/fonts.css and styles/typefaces.toml) as a PDF
names them. Which characters they have is the source stage's to say (source/glyphs.py), so that
the importer can name what a build would refuse."""

from __future__ import annotations

from ..fingerprint import typefaces

# As PDF files name them (the family, its spaces as hyphens, without the subset tag): Source
# Serif Pro from its package, the others Debian's (styles/typefaces.toml).
BOOK_FONTS = ("Source-Serif-Pro", *(typeface["family"].replace(" ", "-") for typeface in typefaces()))
