"""The checks stage's smaller modules each on their own: the check of a catalogue cover's PNG,
each kind's check resolved from its declaration, and the static file server the reading engine
and the preview read through."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from builder.checks.images import check_png
from builder.checks.kinds import check, check_of
from builder.checks.local_server import content_type, folder_route, serving
from builder.editions.kinds import KINDS, kind_of_file


def _image(path: Path, size: tuple[int, int], kind: str = "PNG") -> Path:
    Image.new("RGB", size, (120, 30, 30)).save(path, kind)
    return path


# images.py


def test_a_catalogue_cover_is_a_png_taller_than_wide(tmp_path: Path) -> None:
    assert check_png(_image(tmp_path / "good.png", (40, 64))) == []
    for bad in (_image(tmp_path / "wide.png", (64, 40)), _image(tmp_path / "photo.png", (40, 64), "JPEG")):
        (finding,) = check_png(bad)
        assert finding.code == "V121" and bad.name in finding.path
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"\x89PNG but not one")
    (finding,) = check_png(junk)
    assert finding.code == "V121" and "not a readable PNG" in finding.message


@pytest.mark.xfail(
    strict=True,
    reason="importing WeasyPrint sets PIL's ImageFile.LOAD_TRUNCATED_IMAGES for "
    "the whole process, so a check run after a build reads a cut PNG whole",
)
def test_a_cut_png_is_refused_even_where_weasyprint_is_loaded(tmp_path: Path) -> None:
    import weasyprint  # noqa: F401  # as in any process that has built an edition

    cut = tmp_path / "cut.png"
    cut.write_bytes(_image(tmp_path / "whole.png", (40, 64)).read_bytes()[:60])
    assert [finding.code for finding in check_png(cut)] == ["V121"]


# kinds.py


def test_every_kind_names_a_check_that_exists() -> None:
    for kind in KINDS.values():
        module, _, function = kind.check.partition(":")
        assert check_of(kind).__name__ == function and check_of(kind).__module__ == module


def test_a_file_is_checked_by_its_kinds_check(tmp_path: Path) -> None:
    cover = _image(tmp_path / "a-work-cover.png", (64, 40))
    kind = kind_of_file(cover.name)
    assert kind is not None and kind.check == "builder.checks.images:check_png"
    assert [finding.code for finding in check(kind, cover)] == ["V121"]


# local_server.py


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        return error.code, b"", ""


def test_the_server_answers_from_each_folder_by_its_longest_prefix_and_nothing_outside(tmp_path: Path) -> None:
    books, engine = tmp_path / "books", tmp_path / "engine"
    books.mkdir(), engine.mkdir()
    (books / "a.epub").write_bytes(b"PK a book")
    (engine / "reader.mjs").write_text("export {}", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not served", encoding="utf-8")
    routes = {
        "/": folder_route(engine),
        "/book/": folder_route(books),
        "/book/made/": lambda rest: (rest.encode(), "text/plain"),
    }
    with serving(routes) as base:
        assert base.startswith("http://127.0.0.1:")
        assert _get(f"{base}/book/a.epub") == (200, b"PK a book", "application/epub+zip")
        assert _get(f"{base}/reader.mjs")[2] == "text/javascript"  # a module script a browser runs
        assert _get(f"{base}/book/made/on%20demand")[1] == b"on demand"
        assert _get(f"{base}/book/../secret.txt")[0] == 404
        assert _get(f"{base}/book/%2e%2e/secret.txt")[0] == 404
        assert _get(f"{base}/missing.css")[0] == 404


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.xhtml", "application/xhtml+xml"),
        ("a.CSS", "text/css"),
        ("a.png", "image/png"),
        ("a.unknown-thing", "application/octet-stream"),
    ],
)
def test_a_files_type_is_the_one_a_browser_insists_on(name: str, kind: str) -> None:
    assert content_type(name) == kind


def test_the_server_is_gone_after_the_block(tmp_path: Path) -> None:
    with serving({"/": folder_route(tmp_path)}) as base:
        pass
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base + "/", timeout=5)
