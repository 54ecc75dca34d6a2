"""Reading a source file: UTF-8 (a byte-order mark is allowed), Unix line ends, inside the
work's folder, and no characters that XML cannot carry or no reader can see."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..errors import SourceError

# C0 controls other than tab and newline, DEL, and the C1 controls: not allowed in XML 1.0
# (or discouraged), and invisible in print.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Private-use characters (Co) mean whatever a font says, and unassigned code points (Cn)
# mean nothing yet: no reader sees them as the source meant, so they are refused too.
_UNSEEN = {"Co": "a private-use character", "Cn": "an unassigned code point"}


def invisible(text: str) -> tuple[int, str] | None:
    """The offset and description of the first character no reader can see, if any."""
    if found := CONTROL.search(text):
        return found.start(), f"control character U+{ord(found.group()):04X}"
    unseen = [char for char in set(text) if unicodedata.category(char) in _UNSEEN]
    if not unseen:
        return None
    first = min(unseen, key=text.index)  # each distinct character is looked up once, not each occurrence
    return text.index(first), f"{_UNSEEN[unicodedata.category(first)]} (U+{ord(first):04X})"


def resolved(path: Path, shown: str) -> Path:
    """A path with its links followed; a loop of links is the source's fault, not a bug."""
    try:
        return path.resolve()
    except (RuntimeError, OSError) as error:  # Python 3.11 raises RuntimeError on a loop
        raise SourceError(
            shown,
            f"cannot be followed: {error}",
            hint="a symbolic link leads round in a loop; replace it with the file itself",
            code="S046",
        ) from None


def read_source(path: Path, shown: str, *, inside: Path, missing: SourceError) -> str:
    """A source file's text; `missing` is raised if there is none, and a file (or link)
    that leads outside the work's folder is refused."""
    if not resolved(path, shown).is_relative_to(resolved(inside, shown)):
        raise SourceError(
            shown,
            "leads outside the work's folder",
            hint="keep every file of a work inside its folder (no links elsewhere)",
            code="S019",
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise missing from None
    except UnicodeDecodeError as error:
        raise SourceError(
            shown, f"not UTF-8 ({error.reason} at byte {error.start})", hint="save the file as UTF-8", code="S002"
        ) from None
    except OSError as error:
        raise SourceError(
            shown, f"cannot be read: {error.strerror}", hint="it must be a readable file, not a folder", code="S003"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if found := invisible(text):
        offset, what = found
        line = text.count("\n", 0, offset) + 1
        if what.startswith("control"):
            raise SourceError(
                shown,
                f"{what} in the text",
                line=line,
                hint="delete it (a form feed or other invisible character, often left by a conversion)",
                code="S021",
            )
        raise SourceError(
            shown,
            f"{what} in the text: no reader can see it",
            line=line,
            hint="replace it with the character the source prints, or delete it",
            code="S042",
        )
    return text
