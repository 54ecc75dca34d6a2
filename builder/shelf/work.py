"""One work's build: its source folder → its editions, made in memory, not yet written.

This runs in a worker process; the parent commits what it returns (`release/commit.py`), so
that a work's editions and the updated sums reach dist/ together or not at all. Writers are
imported only when an edition of their kind is made: an EPUB-only build never loads the
PDF writer's modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..editions.kinds import KINDS, PRINT_COVER, PRINTER, Kind, RenderContext, Variant
from ..editions.papers import DEFAULT_PAPER
from ..editions.trims import DEFAULT_TRIM
from ..errors import BuildError
from ..release.manifest import Built, BuiltFile
from .key import edition_key

if TYPE_CHECKING:
    from ..source.model import Work


@dataclass(frozen=True)
class Edition:
    """One file to make: a kind of the registry (editions/kinds.py) and the options it takes.
    A kind that needs another (a print cover its interior, the Kobo edition its EPUB) is made
    after it in the same build, from its bytes."""

    kind_name: str
    variant: Variant = field(default_factory=Variant)

    @classmethod
    def of(
        cls, kind: str, trim: str = DEFAULT_TRIM, marks: bool = False, paper: str = DEFAULT_PAPER, printer: str = ""
    ) -> Edition:
        return cls(kind, KINDS[kind].variant(trim, marks, paper, printer))

    @property
    def kind(self) -> Kind:
        return KINDS[self.kind_name]

    def file_name(self, slug: str) -> str:
        return self.kind.file_name(slug, self.variant)

    def made_from(self, other: Edition) -> bool:
        """Whether this edition is made from `other`: the interior of a cover's trim, with or
        without crop marks (the same pages); a work's EPUB."""
        return (
            other.kind_name == self.kind.needs
            and other.variant.trim == self.variant.trim
            and other.variant.printer == self.variant.printer
        )

    def write(self, work: Work, made: Mapping[Edition, bytes], jobs: int = 1) -> bytes:
        source = None
        if self.kind.needs is not None:
            source = next((data for edition, data in made.items() if self.made_from(edition)), None)
            if source is None:
                raise ValueError(
                    f"a {self.kind.name} edition is made from its {self.kind.needs} "
                    "edition, which must be made first (editions() orders them)"
                )
        return self.kind.writer(RenderContext(work=work, variant=self.variant, needed=source, jobs=jobs))


def editions(
    formats: tuple[str, ...],
    trims: list[str],
    marks: bool,
    cover: bool = False,
    paper: str = DEFAULT_PAPER,
    printers: tuple[str, ...] = (),
) -> list[Edition]:
    """The editions to make, each after the one it needs (which is made even if not chosen
    itself: a cover needs its interior; the Kobo edition its EPUB), and those that come with
    a kind chosen (the catalogue's cover with the EPUB); with `printers`, each printer's
    interior and cover (the kinds that take a printer)."""
    wanted = (
        set(formats)
        | ({PRINT_COVER} if cover else set())
        | ({name for name, kind in KINDS.items() if PRINTER in kind.options} if printers else set())
    )
    for name in list(wanted):
        while (name := KINDS[name].needs or "") and name not in wanted:
            wanted.add(name)
    wanted |= {name for name, kind in KINDS.items() if kind.with_needed and kind.needs in wanted}
    chosen = []
    for name, kind in KINDS.items():  # the registry's order: every kind after those it needs
        if name in wanted:
            for trim in trims if "trim" in kind.options else [DEFAULT_TRIM]:
                for printer in printers if PRINTER in kind.options else [""]:
                    chosen.append(Edition.of(name, trim, marks, paper, printer))
    return chosen


# Failures of a print edition alone, which cost the work none of its other editions: characters
# the print typefaces lack (P003), or text set in a face that is not the book's (P004: a run of
# another script untagged in a work whose face lacks it); the EPUB leaves both to the reading
# system's fonts.
PRINT_ONLY = frozenset({"P003", "P004"})


def build_work(
    folder: Path, chosen: list[Edition], key: str | None, jobs: int = 1, date: datetime | None = None
) -> Built:
    """Make the chosen editions of one work, all in memory: a work whose PDF fails has no
    new EPUB either, unless the failure is the print edition's alone (PRINT_ONLY): then the
    PDF and what is made from it are withheld, with the error, and the others are made.
    `jobs` is the cores the build may use (a long book's PDF is laid out on them); `date`,
    the edition's date when the key was made with it (git is not asked again)."""
    from ..editions.rights import rights_statement  # here: it loads pydantic, which the parent needs no sooner
    from ..source.loader import load_work

    work = load_work(folder, date)
    made: dict[Edition, bytes] = {}
    files = []
    refused: list[str] = []
    withheld: list[str] = []
    for edition in chosen:
        name = edition.file_name(work.slug)
        if any(other.file_name(work.slug) in withheld for other in chosen if edition.made_from(other)):
            withheld.append(name)  # made from an edition withheld
            continue
        try:
            made[edition] = edition.write(work, made, jobs)
        except BuildError as error:
            if error.code not in PRINT_ONLY:
                raise
            refused.append(str(error))
            withheld.append(name)
            continue
        files.append(BuiltFile(name, made[edition], edition_key(key, name) if key else None, edition.kind_name))
    meta = work.meta
    return Built(
        work.slug,
        meta.title,
        meta.author,
        meta.identifier,
        work.edition_date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        files,
        author_sort=meta.author_sort,
        language=meta.language,
        summary=meta.description or "",
        rights=rights_statement(meta),
        refused=tuple(dict.fromkeys(refused)),
        withheld=tuple(withheld),
    )
