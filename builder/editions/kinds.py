"""The registry of edition kinds: every kind of file a build makes, gathered from the writer
modules, each of which declares its own (`KIND = Kind(...)`) beside its `make(context)`.

The build (shelf/work.py), the scheduler, `folio build --format`, `folio check`, `folio
verify`, the preview, the reading engine, the manifest, the catalogue and the release workflow
read this registry and nothing else to learn what a kind is called, what its file is named,
how it is written and checked, which options it takes and which kind it is made from. The
templates never see a kind's name: they read its `Capabilities` (capabilities.py).

A new kind is a writer module named in WRITERS, its templates and CSS, its check, and its
tests. The declarations are read from the writer modules' source without running them, so
that listing the kinds (`folio --help`, `folio check`, the manifest) loads no writer: a PDF's
writer brings WeasyPrint, a second of start-up. A writer module is imported only when a file
of its kind is made (`Kind.writer`), and a check only when one is checked (checks/kinds.py).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .capabilities import Capabilities
from .papers import DEFAULT_PAPER
from .trims import DEFAULT_TRIM

if TYPE_CHECKING:
    from ..source.model import Work

Option = Literal["trim", "marks", "paper", "printer"]
MARKS = "-print"  # in the file name of a variant with crop marks and bleed
PRINT_COVER = "cover"  # the kind `folio build --cover` adds (print_cover.py)
PRINTER = "printer"  # the option of the kinds `folio build --printer` adds (printer_interior.py, printer_cover.py)

# The writer modules, each declaring one kind, in the order the registry lists them: a kind
# after the kind it needs (the Kobo and Kindle editions after the EPUB, a print cover after its interior).
WRITERS = (
    "builder.editions.epub",
    "builder.editions.kobo",
    "builder.editions.kindle",
    "builder.editions.catalogue_cover",
    "builder.editions.pdf",
    "builder.editions.print_cover",
    "builder.editions.printer_interior",
    "builder.editions.printer_cover",
)


@dataclass(frozen=True)
class Variant:
    """The options one file of a kind is made with (those its kind does not take are left at
    their defaults, so that equal files are equal variants)."""

    trim: str = DEFAULT_TRIM
    marks: bool = False
    paper: str = DEFAULT_PAPER
    printer: str = ""  # the print-on-demand service a printer's file is for (editions/printers.py)


@dataclass(frozen=True, kw_only=True)
class RenderContext:
    """Everything a writer is handed to make one file of its kind."""

    work: Work
    variant: Variant
    needed: bytes | None = None  # the file of the kind this one is made from (Kind.needs), made first
    jobs: int = 1  # the cores this build may use at once (a long book's PDF is laid out in runs on them)

    @property
    def made_from(self) -> bytes:
        """The file this one is made from; a kind that needs none has none."""
        if self.needed is None:
            raise ValueError(f"{self.work.slug}: no file was handed to a writer of a kind made from another")
        return self.needed


Writer = Callable[[RenderContext], bytes]


@dataclass(frozen=True, kw_only=True)
class Kind:
    """One kind of file a build makes, as its writer module declares it."""

    name: str  # as `--format` and the manifest's "kind" name it
    suffix: str  # how its file names end, after the slug and the options
    format: str  # the file format, as the manifest's "format" records it
    media_type: str  # for the catalogue's acquisition links and the preview
    title: str  # what it is, for a reader choosing a file in the catalogue
    check: str  # "module:function" of the checks stage that reads a built file back (checks/kinds.py)
    options: frozenset[Option] = frozenset()
    needs: str | None = None  # the kind whose file (of the same trim) is made first and handed to the writer
    selectable: bool = True  # chosen with --format (a print cover comes with --cover instead)
    default: bool = True  # made by `folio build` with no --format
    with_needed: bool = False  # made whenever the kind it needs is (the catalogue's cover with the EPUB)
    catalogue: Literal["acquisition", "cover"] = (
        "acquisition"  # in the release's catalogue (release/opds.py): a download, or the entry's cover
    )
    capabilities: Capabilities | None = None  # what its templates may ask; None: not rendered from them
    zipped: bool = False  # a zip (an EPUB container): read in the reading engine, and `verify` checks its entry names
    module: str = field(default="")  # the writer module that declares it, filled in by the registry

    @property
    def writer(self) -> Writer:
        """The writer module's `make`, imported now (and WeasyPrint with it, for a PDF)."""
        make: Writer = importlib.import_module(self.module).make
        return make

    def file_name(self, slug: str, variant: Variant = Variant()) -> str:
        trim = f"-{variant.trim}" if "trim" in self.options and variant.trim != DEFAULT_TRIM else ""
        marks = MARKS if "marks" in self.options and variant.marks else ""
        printer = f"-{variant.printer}" if "printer" in self.options and variant.printer else ""
        return f"{slug}{trim}{marks}{printer}{self.suffix}"

    def variant(
        self, trim: str = DEFAULT_TRIM, marks: bool = False, paper: str = DEFAULT_PAPER, printer: str = ""
    ) -> Variant:
        """The variant of this kind for the options given, keeping only those it takes."""
        return Variant(
            trim if "trim" in self.options else DEFAULT_TRIM,
            marks if "marks" in self.options else False,
            paper if "paper" in self.options else DEFAULT_PAPER,
            printer if "printer" in self.options else "",
        )


# What a declaration may use: literals, and these.
_DECLARATION_NAMES = {"Kind": Kind, "Capabilities": Capabilities, "frozenset": frozenset}


def declared_kind(module: str) -> Kind:
    """The kind a writer module declares (`KIND = Kind(...)` at its top level), read from its
    source without running the module; the module's own KIND, once imported, is equal to it
    (tests/editions/test_kinds.py)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise LookupError(f"no writer module {module}")
    tree = ast.parse(Path(spec.origin).read_bytes(), spec.origin)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "KIND" for target in node.targets
        ):
            code = compile(ast.Expression(node.value), spec.origin, "eval")
            kind = eval(code, {"__builtins__": {}}, dict(_DECLARATION_NAMES))
            if not isinstance(kind, Kind):
                raise TypeError(f"{spec.origin}: KIND is not a Kind")
            return replace(kind, module=module)
    raise LookupError(f"{spec.origin} declares no KIND = Kind(...)")


KINDS: dict[str, Kind] = {kind.name: kind for kind in map(declared_kind, WRITERS)}
FORMATS: tuple[str, ...] = tuple(name for name, kind in KINDS.items() if kind.selectable)  # what --format chooses
DEFAULT_FORMATS: tuple[str, ...] = tuple(name for name in FORMATS if KINDS[name].default)


def root(kind: Kind) -> Kind:
    """The kind a chain of "needs" starts from: the Kobo edition's is the EPUB."""
    return root(KINDS[kind.needs]) if kind.needs else kind


def kind_of_file(name: str) -> Kind | None:
    """The kind a file name says, by its longest matching suffix ("x.kepub.epub" is a Kobo
    edition, not an EPUB); None for a file of no kind. A built file's kind is recorded in the
    manifest: this is for files met without one (`folio check FILE`)."""
    matches = [kind for kind in KINDS.values() if name.endswith(kind.suffix) and len(name) > len(kind.suffix)]
    return max(matches, key=lambda kind: len(kind.suffix), default=None)
