"""A printer's cover (`folio build --printer NAME`): back, spine and front on one sheet as the
printer's PDF/X in CMYK, its spine by the printer's formula from the interior made before it."""

from __future__ import annotations

from .kinds import Kind, RenderContext
from .printers import write_cover

KIND = Kind(
    name="printer-cover",
    suffix="-print-cover.pdf",
    format="pdf",
    media_type="application/pdf",
    title="Cover for a print-on-demand service (PDF/X)",
    check="builder.checks.printers:check_printer_cover",
    options=frozenset({"trim", "paper", "printer"}),
    needs="printer-interior",
    selectable=False,
    default=False,
)


def make(context: RenderContext) -> bytes:
    return write_cover(context.work, context.made_from, context.variant.paper, context.variant.printer)
