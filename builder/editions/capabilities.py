"""What a kind's pages can do, which is all the templates may ask of it (as `features`).

Each kind of the registry (kinds.py) rendered from the templates declares its own; the web
edition of the preview (web.py) has one too. No template asks which kind it renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, kw_only=True)
class Capabilities:
    # a call links to a note a reading system pops up, or the note floats to the page's foot
    notes: Literal["pop-up", "foot"]
    links: Literal["live", "printed"]  # a link is followed, or its address is printed to be typed in
    reading_system: bool  # epub:type semantics (pop-ups, landmarks) for an EPUB reading system
    typeface: Literal["reader's", "ours"]  # the text is set in the reader's own typeface, or in ours
    rights_before_contents: bool  # the rights stand on the title's verso (paper), not after the text
