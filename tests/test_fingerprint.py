"""builder/fingerprint.py: the part of every work's key shared by the whole shelf, which changes
with any file of a tree it hashes, a file's name as well as its bytes, and a link's target."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from builder import fingerprint


def _hashed(root: Path) -> str:
    digest = hashlib.sha256()
    fingerprint.hash_tree(digest, root)
    return digest.hexdigest()


def test_a_tree_is_hashed_by_its_names_contents_and_links_not_its_caches(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.css").write_text("p {}", encoding="utf-8")
    (tmp_path / "link").symlink_to("a/one.css")
    first = _hashed(tmp_path)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    (tmp_path / "a" / "empty-folder").mkdir()
    assert _hashed(tmp_path) == first
    changes = [
        lambda: (tmp_path / "a" / "one.css").write_text("p { }", encoding="utf-8"),
        lambda: (tmp_path / "a" / "one.css").rename(tmp_path / "a" / "two.css"),
        lambda: ((tmp_path / "link").unlink(), (tmp_path / "link").symlink_to("a/two.css")),
    ]
    seen = {first}
    for change in changes:
        change()
        seen.add(_hashed(tmp_path))
    assert len(seen) == 1 + len(changes)


def test_the_shared_key_is_one_stable_hash_of_what_shapes_an_edition() -> None:
    fingerprint.shared_key.cache_clear()
    key = fingerprint.shared_key()
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    fingerprint.shared_key.cache_clear()
    assert fingerprint.shared_key() == key
    assert fingerprint._normalise("Font.Source-Serif_Pro") == "font_source_serif_pro"
    assert fingerprint._library_version("libnot-a-library.so.0", "f") == "absent"


def test_calibres_version_is_read_from_the_package_its_run_script_names(tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "lib" / "calibre"
    package.mkdir(parents=True)
    (package / "constants.py").write_text("__appname__ = 'calibre'\nnumeric_version = (7, 2, 0)\n", encoding="utf-8")
    script = tmp_path / "ebook-convert"
    script.write_text(
        f"#!/usr/bin/python3\nimport os\npath = os.environ.get('CALIBRE_PYTHON_PATH', '{tmp_path / 'lib'}')\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(fingerprint.shutil, "which", lambda name: str(script) if name == "ebook-convert" else None)
    assert fingerprint.calibre_version() == "7.2.0"
    # A calibre of another make (a frozen binary) is known by its bytes; none at all, as absent.
    script.write_bytes(b"\x7fELF frozen calibre")
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", fingerprint.calibre_version())
    monkeypatch.setattr(fingerprint.shutil, "which", lambda name: None)
    assert fingerprint.calibre_version() == "absent"


def test_a_new_calibre_changes_the_shared_key(monkeypatch) -> None:
    fingerprint.shared_key.cache_clear()
    before = fingerprint.shared_key()
    monkeypatch.setattr(fingerprint, "calibre_version", lambda: "99.0.0")
    fingerprint.shared_key.cache_clear()
    try:
        assert fingerprint.shared_key() != before
    finally:
        fingerprint.shared_key.cache_clear()
