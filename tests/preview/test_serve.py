"""`folio serve`: the live preview, run by the real command line on a copy of the letter and
watched in headless Chromium while the test edits the source."""

from __future__ import annotations

import io
import itertools
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from builder.checks import reader
from tests.conftest import LETTER, ROOT, SLUG, run_cli

SCREENSHOT = ROOT / "docs" / "images" / "serve.png"
# A test run leaves the repository as it found it: the docs' picture is written only when asked.
UPDATE_DOCS = os.environ.get("FOLIO_UPDATE_DOCS_IMAGES") == "1"
BEFORE, AFTER = "Dear Comrade,", "Dearest Comrade,"


def _get(url: str, timeout: float = 10) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def _until(url: str, test: Callable[[bytes], bool], limit: float = 120) -> bytes:
    """The body at the URL once `test` holds of it: the preview builds as it starts."""
    start = time.monotonic()
    while True:
        try:
            body = _get(url)
            if test(body):
                return body
        except OSError:
            pass
        if time.monotonic() - start > limit:
            raise AssertionError(f"{url} never answered as expected")
        time.sleep(0.25)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`folio serve` on a copy of the letter, on a free port; its base URL and the copy."""
    work = tmp_path_factory.mktemp("serve") / SLUG
    shutil.copytree(LETTER, work)
    process = subprocess.Popen(
        [sys.executable, "-m", "builder", "serve", str(work), "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ | {"COLUMNS": "300"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(f"serving {SLUG} at http://127.0.0.1:"), line + (
            process.stderr.read() if process.poll() is not None and process.stderr else ""
        )
        yield line.split(" at ")[1].split()[0], work
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_page_of_the_work_links_its_three_editions(served: tuple[str, Path]) -> None:
    base, _ = served
    home = _until(base, lambda body: b"Huysmans" in body).decode()
    for link in ("/web/index.html", f"/engine/reader.html?live&amp;book=/book/{SLUG}.epub", f"/book/{SLUG}.pdf"):
        assert link in home or link.replace("&amp;", "&") in home
    assert _until(f"{base}book/{SLUG}.pdf", lambda body: body.startswith(b"%PDF-")).startswith(b"%PDF-")
    assert _until(f"{base}book/{SLUG}.epub", lambda body: body.startswith(b"PK")).startswith(b"PK")


@pytest.mark.skipif(not reader.available(), reason="the browser needs Node and npm")
def test_a_word_changed_in_the_source_is_seen_on_the_page(served: tuple[str, Path], tmp_path: Path) -> None:
    """The web edition and the EPUB in the reader both show the new word, by reloading
    themselves; the screenshot, with the letter's note popped up, is the docs' picture."""
    base, work = served
    _until(f"{base}web/text.html", lambda body: BEFORE.encode() in body)
    shot = tmp_path / "serve.png"
    browser = subprocess.Popen(
        [
            "node",
            str(ROOT / "tests" / "preview" / "serve_browser.mjs"),
            reader.CHROMIUM,
            str(reader.engine_home() / "node_modules"),
            base,
            f"/book/{SLUG}.epub",
            BEFORE,
            AFTER,
            str(shot),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert browser.stdout is not None
    try:
        assert browser.stdout.readline().strip() == f"shown {BEFORE}", browser.stderr.read() if browser.stderr else ""
        text = work / "text.md"
        text.write_text(text.read_text(encoding="utf-8").replace(BEFORE, AFTER), encoding="utf-8")
        out, err = browser.communicate(timeout=180)
    finally:
        browser.kill()
    assert browser.returncode == 0 and out.strip() == f"shown {AFTER}", err
    # Kept small for the repository: 64 colours are plenty for text on white.
    image = Image.open(shot).convert("RGB").quantize(64)
    data = io.BytesIO()
    image.save(data, "PNG", optimize=True)
    if UPDATE_DOCS:
        SCREENSHOT.write_bytes(data.getvalue())
    assert image.size == (640, 480) and len(data.getvalue()) < 60_000


def test_a_source_error_is_shown_on_the_page_until_it_is_fixed(served: tuple[str, Path]) -> None:
    base, work = served
    _until(f"{base}web/text.html", lambda body: b"Huysmans" in body)
    toml = work / "work.toml"
    good = toml.read_text(encoding="utf-8")
    toml.write_text(good.replace("title =", "titel =", 1), encoding="utf-8")
    try:
        page = _until(f"{base}web/text.html", lambda body: b'role="alert"' in body).decode()
        assert "work.toml" in page and "[S004]" in page  # the loader's own message, with its code
    finally:
        toml.write_text(good, encoding="utf-8")
    _until(f"{base}web/text.html", lambda body: b'role="alert"' not in body and b"Huysmans" in body)


def test_serving_a_folder_that_is_no_work_is_a_coded_error(tmp_path: Path) -> None:
    result = run_cli("serve", str(tmp_path), "--port", "0")
    assert result.returncode == 1 and "[C010]" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(not reader.available(), reason="the preview needs the reading engine")
def test_a_port_in_use_is_a_coded_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run_cli("serve", str(LETTER), "--port", str(taken.getsockname()[1]))
    assert result.returncode == 1 and "[C011]" in result.stderr and "Traceback" not in result.stderr


def test_the_watcher_sees_a_file_changed_added_or_removed(tmp_path: Path) -> None:
    from builder.preview.watch import snapshot

    (tmp_path / "a").mkdir()
    file = tmp_path / "a" / "text.md"
    file.write_text("one", encoding="utf-8")
    states = [snapshot([tmp_path])]
    file.write_text("two", encoding="utf-8")  # same size: the modification time tells
    os.utime(file, ns=(states[0][str(file)][0] + 1_000_000, states[0][str(file)][0] + 1_000_000))
    states.append(snapshot([tmp_path]))
    (tmp_path / "a" / "b.png").write_bytes(b"x")
    states.append(snapshot([tmp_path]))
    file.unlink()
    states.append(snapshot([tmp_path]))
    assert all(before != after for before, after in itertools.pairwise(states))
    assert snapshot([tmp_path]) == states[-1]


def test_a_work_that_never_built_shows_its_error_on_every_page(tmp_path: Path) -> None:
    from builder.preview.serve import Preview

    work = tmp_path / SLUG
    shutil.copytree(LETTER, work)
    (work / "text.md").write_text("no heading\n", encoding="utf-8")
    preview = Preview(work, pdf=False)
    preview.build()
    answer = preview.file("web/text.html")
    assert answer is not None and b'role="alert"' in answer[0] and b"text.md" in answer[0]
    assert preview.file(f"book/{SLUG}.epub") is None
    assert b'role="alert"' in preview.home()[0]
