"""The stages only look forward: no module of builder/ imports one of a later stage
(builder/stages.py), at module level or inside a function, and no modules import each other
in a circle. The checker is tried on a planted backward import and circle too."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from builder.stages import STAGES, stage_of

ROOT = Path(__file__).resolve().parent.parent
Stages = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the module imported (a package's module when a name of it is imported)
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.source} imports {self.target}"


def modules(folder: Path, package: str) -> dict[str, Path]:
    """Every module of a package folder by its dotted name (a package by its own name)."""
    found = {}
    for path in sorted(folder.rglob("*.py")):
        parts = [package, *path.relative_to(folder).with_suffix("").parts]
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(folder: Path, package: str) -> list[Import]:
    """Every import between a package's modules, wherever it stands in a module (a function's
    body, a TYPE_CHECKING block), relative or absolute."""
    known = modules(folder, package)
    found = []
    for name, path in known.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join([*parent, *([node.module] if node.module else [])])
                # `from package import module` imports the module; `from module import name`, the module
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
            for target in dict.fromkeys(targets):
                while target and target not in known:  # `import a.b.c` of a name inside c
                    target = target.rpartition(".")[0]
                if target and target != name and (target == package or target.startswith(package + ".")):
                    found.append(Import(name, target, path.relative_to(folder.parent), node.lineno))
    return found


def unplaced(folder: Path, package: str, stages: Stages) -> list[str]:
    return [name for name in modules(folder, package) if stage_of(name, stages) is None]


def backward(found: list[Import], stages: Stages) -> list[str]:
    """Each import of a later stage's module, said with the stages."""
    out = []
    for each in found:
        source, target = stage_of(each.source, stages), stage_of(each.target, stages)
        if source is not None and target is not None and target > source:
            out.append(f"{each} (stage {stages[source][0]!r} imports the later {stages[target][0]!r})")
    return out


def circles(found: list[Import]) -> list[str]:
    """Each circle of imports (a strongly connected set of modules, Tarjan's algorithm), with
    the imports that close it."""
    graph: dict[str, list[Import]] = {}
    for each in found:
        graph.setdefault(each.source, []).append(each)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for edge in graph.get(node, []):
            if edge.target not in index:
                visit(edge.target)
                low[node] = min(low[node], low[edge.target])
            elif edge.target in stack:
                low[node] = min(low[node], index[edge.target])
        if low[node] == index[node]:
            members = []
            while True:
                members.append(stack.pop())
                if members[-1] == node:
                    break
            if len(members) > 1:
                edges = [str(edge) for member in members for edge in graph.get(member, []) if edge.target in members]
                out.append("a circle of " + ", ".join(sorted(members)) + ":\n    " + "\n    ".join(edges))

    for node in list(graph):
        if node not in index:
            visit(node)
    return out


def problems(folder: Path, package: str, stages: Stages) -> list[str]:
    found = imports(folder, package)
    return (
        [f"{name}: in no stage (add it to builder/stages.py)" for name in unplaced(folder, package, stages)]
        + backward(found, stages)
        + circles(found)
    )


def test_every_module_of_builder_only_imports_its_own_and_earlier_stages_and_none_in_a_circle() -> None:
    assert imports(ROOT / "builder", "builder")  # the checker sees the imports at all
    assert problems(ROOT / "builder", "builder", STAGES) == []


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_checker_finds_a_planted_backward_import_and_a_circle(tmp_path: Path) -> None:
    _write(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "early/__init__.py": "",
            "early/model.py": "def f():\n    from ..late import writer  # a function's import counts too\n",
            "late/__init__.py": "",
            "late/writer.py": "from pkg.early import model\nfrom . import check\n",
            "late/check.py": "import pkg.late.writer\n",
            "stray.py": "",
        },
    )
    stages: Stages = (("early", ("pkg", "pkg.early.*")), ("late", ("pkg.late.*",)))
    found = problems(tmp_path / "pkg", "pkg", stages)
    assert found[0] == "pkg.stray: in no stage (add it to builder/stages.py)"
    assert (
        found[1]
        == "pkg/early/model.py:2: pkg.early.model imports pkg.late.writer (stage 'early' imports the later 'late')"
    )
    # model → writer → model and writer → check → writer: one circle of three, each import named
    assert len(found) == 3 and found[2].startswith("a circle of pkg.early.model, pkg.late.check, pkg.late.writer:")
    for line in (
        "pkg/late/check.py:1: pkg.late.check imports pkg.late.writer",
        "pkg/late/writer.py:1: pkg.late.writer imports pkg.early.model",
    ):
        assert line in found[2]


@pytest.mark.parametrize("stage, rules", STAGES)
def test_every_stage_rule_names_a_module(stage: str, rules: tuple[str, ...]) -> None:
    known = modules(ROOT / "builder", "builder")
    for rule in rules:
        assert rule.removesuffix(".*") in known, f"{stage}: {rule} names no module"


def test_the_architecture_doc_names_every_module() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [
        str(path.relative_to(ROOT / "builder"))
        for path in modules(ROOT / "builder", "builder").values()
        if path.name != "__init__.py"
        and f"`{path.name}`" not in text
        and f"`{path.relative_to(ROOT / 'builder')}`" not in text
        and f"`{path.relative_to(ROOT)}`" not in text
    ]
    assert missing == []


def _pdf(path: Path, pages: int, width_mm: float, height_mm: float) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import RectangleObject

    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(width_mm * 72 / 25.4, height_mm * 72 / 25.4)
        page.trimbox = RectangleObject(page.mediabox)
    writer.write(path)


def test_checking_a_print_cover_loads_no_writer(tmp_path: Path) -> None:
    """`folio check` measures a print cover against the interior beside it (here a cover too
    narrow for its 10 A5 pages: P033) without loading WeasyPrint or a writer."""
    from builder.editions.kinds import KINDS, PRINT_COVER

    cover = KINDS[PRINT_COVER]
    interior = KINDS[cover.needs or ""]
    _pdf(tmp_path / interior.file_name("book"), 10, 148, 210)
    _pdf(tmp_path / cover.file_name("book"), 1, 200, 210)
    code = textwrap.dedent("""
        import sys
        from builder.cli import run  # the command without its quick exit, so that this script goes on
        sys.argv = ["folio", "check", sys.argv[1]]
        try:
            run()
        except SystemExit:
            pass
        loaded = sorted(
            name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.") or name in WRITERS
        )
        print("loaded:", loaded)
    """).replace("WRITERS", repr(sorted(kind.module for kind in KINDS.values())))
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=False, cwd=ROOT, timeout=300
    )
    assert "[P033]" in result.stdout + result.stderr, result.stdout + result.stderr  # it was measured
    assert "loaded: []" in result.stdout, result.stdout
