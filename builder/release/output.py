"""Writing editions safely and reproducibly.

A build writes to a temporary file beside the target and renames it into place, so that a
failed or interrupted build never leaves a truncated edition in dist/.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import BuildError
from ..paths import shown_path


def atomic_write(target: Path, data: bytes) -> None:
    try:
        _write(target, data)
    except OSError as error:  # a full disk, a read-only or immutable folder, `dist` a file: not a bug
        raise BuildError(
            shown_path(target), f"cannot be written: {error.strerror or error}" + (f" ({error.filename})" if error.filename else ""),
            hint="make the output folder a writable folder with room to spare (or choose another with --out)", code="P020",
        ) from None


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
