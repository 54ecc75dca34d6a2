"""A printer's interior (`folio build --printer NAME`): the print edition's pages as the
printer's PDF/X (editions/printers.py), a file of its own beside the archival PDF."""

from __future__ import annotations

from .kinds import Kind, RenderContext
from .printers import write_interior

KIND = Kind(
    name="printer-interior",
    suffix="-interior.pdf",
    format="pdf",
    media_type="application/pdf",
    title="Interior for a print-on-demand service (PDF/X)",
    check="builder.checks.printers:check_printer_interior",
    options=frozenset({"trim", "printer"}),
    selectable=False,
    default=False,
)


def make(context: RenderContext) -> bytes:
    return write_interior(context.work, context.variant.trim, context.variant.printer)
