"""The tests are laid out like the code (tests/README.md): every module of builder/ is imported
by a test in its stage's folder, and no test file imports another (shared helpers live in
tests/support/)."""

from __future__ import annotations

import ast
from pathlib import Path

from builder.stages import STAGES, stage_of
from tests.conftest import ROOT

TESTS = ROOT / "tests"
# Each stage's folder of tests; the base stage's and the command line's are tests/ itself.
FOLDERS = {
    "base": TESTS,
    "source": TESTS / "source",
    "import": TESTS / "importer",
    "templates": TESTS / "editions",
    "editions": TESTS / "editions",
    "checks": TESTS / "checks",
    "release": TESTS / "release",
    "shelf": TESTS / "shelf",
    "preview": TESTS / "preview",
    "cli": TESTS,
}
# `python -m builder` runs builder/__main__.py, as every test that runs the command line does
# (tests/conftest.py's `cli`); importing it would run the command line.
RUN_NOT_IMPORTED = {"builder.__main__"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / "builder").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] != "__init__":  # a package's __init__ is loaded with its modules
            found[".".join(parts)] = path
    return found


def _imports(path: Path) -> set[str]:
    """The dotted names a file imports, at module level or inside functions: a module, and a
    module's name followed by each name imported from it (which may be a module too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _test_files(folder: Path) -> list[Path]:
    """The test files of a folder (and its conftest.py); tests/ itself holds only its own, not
    its subfolders'."""
    return sorted(folder.glob("*.py") if folder == TESTS else folder.rglob("test_*.py"))


def test_every_module_is_imported_by_a_test_in_its_stages_folder() -> None:
    imported = {folder: set().union(*map(_imports, _test_files(folder))) for folder in set(FOLDERS.values())}
    missing = []
    for module in _modules():
        stage = stage_of(module)
        assert stage is not None, f"{module}: no stage in builder/stages.py claims it"
        folder = FOLDERS[STAGES[stage][0]]
        if module not in imported[folder] and module not in RUN_NOT_IMPORTED:
            missing.append(f"{module} (stage {STAGES[stage][0]}): no test in {folder.relative_to(ROOT)}/ imports it")
    assert not missing, "\n".join(missing)


def test_every_stage_has_its_folder() -> None:
    assert set(FOLDERS) == {name for name, _ in STAGES}
    assert all((folder / "__init__.py").is_file() for folder in FOLDERS.values())


def test_the_entry_point_is_what_the_tests_run() -> None:
    assert '"-m", "builder"' in (TESTS / "conftest.py").read_text(encoding="utf-8")


def test_no_test_file_imports_another() -> None:
    crossing = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for name in _imports(path)
        if name.startswith("tests.") and any(part.startswith("test_") for part in name.split("."))
    ]
    relative = [
        f"{path.relative_to(ROOT)} imports .{node.module}"
        for path in sorted(TESTS.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level and (node.module or "").split(".")[-1].startswith("test_")
    ]
    assert not crossing + relative, "move what is shared to tests/support/: " + "; ".join(crossing + relative)
