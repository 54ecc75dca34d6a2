"""What an import did, for the person who checks it: mapped, repaired, guessed, left out,
and what needs a human look. Printed at the end and written beside the source."""

from __future__ import annotations

from dataclasses import dataclass, field

from .ledger import Ledger

REPORT_FILE = "import-report.md"


@dataclass
class ImportReport:
    source: list[str] = field(default_factory=list)  # the pages read, in order
    mapped: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    check: list[str] = field(default_factory=list)  # needs a human look
    ledger: Ledger = field(default_factory=Ledger)  # the runs of the pages left out or moved

    def text(self, slug: str) -> str:
        lines = [f"# Import report: {slug}", ""]
        lines += ["Imported from:", *(f"- {page}" for page in self.source), ""]
        for title, items in (
            ("Needs a human look", self.check),
            ("Mapped", self.mapped),
            ("Repaired", self.repaired),
            ("Guessed", self.guessed),
            ("Left out", [*self.ledger.left_out(), *self.left_out]),
        ):
            lines += [f"## {title}", ""]
            lines += [f"- {item}" for item in dict.fromkeys(items)] if items else ["- nothing"]
            lines.append("")
        return "\n".join(lines)
