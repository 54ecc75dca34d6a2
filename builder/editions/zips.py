"""The one reproducible-zip writer, for every zipped kind (the EPUB, the Kobo edition).

A zip library stamps each entry with the build time and the platform's defaults; this makes
the archive a function of its entries and the edition's date alone.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

MIMETYPE = "mimetype"  # an OCF container's first entry, stored, so that a reader can sniff the type


def reproducible_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite a zip with fixed timestamps and attributes, every entry deflated at level 9 in
    the order it has, but `mimetype`, when there is one, first and stored (an EPUB's rule)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second // 2 * 2)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        order = [name for name in names if name == MIMETYPE] + [name for name in names if name != MIMETYPE]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in order:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.create_system = 3  # Unix, whatever the build machine
                info.external_attr = 0o100644 << 16
                if name == MIMETYPE:
                    info.compress_type = zipfile.ZIP_STORED
                    target.writestr(info, source.read(name))
                else:
                    info.compress_type = zipfile.ZIP_DEFLATED
                    target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()
