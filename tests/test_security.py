"""A source is untrusted: its text cannot inject markup, and a build reads only the work's
folder, styles/ and the font package, never the network."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from builder.checks.validators import epubcheck
from builder.editions.weasyprint.sandbox import ForbiddenResource, SandboxedFetcher
from builder.editions.weasyprint.typeset import typeset
from builder.errors import BuildError
from builder.paths import BUILTIN_STYLES as STYLES
from builder.source.loader import load_work

from .conftest import SLUG, run_cli


def test_markup_in_source_is_escaped_in_both_editions(work_copy: Path, tmp_path: Path) -> None:
    text = work_copy / "text.md"
    text.write_text(
        text.read_text(encoding="utf-8").replace(
            "Here it is in full.",
            "Here it is <script>alert(1)</script> in full.\n\n"
            '{#ok .point}\nNext [span]{onmouseover="x"} & <b>bold</b>.',
        ),
        encoding="utf-8",
    )
    toml = work_copy / "work.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'short-title = "A Letter to Huysmans"', 'short-title = "A <b>Letter</b> & \\"Huysmans\\""'
        ),
        encoding="utf-8",
    )
    dist = tmp_path / "dist"
    # The two editions it reads.
    result = run_cli("build", str(work_copy), "--format", "epub", "--format", "pdf", "--out", str(dist))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(dist / f"{SLUG}.epub") as epub:
        xhtml = epub.read("EPUB/text.xhtml").decode()
    assert "<script>" not in xhtml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xhtml
    assert "&lt;b&gt;bold&lt;/b&gt;" in xhtml
    tree = etree.fromstring(xhtml.encode())
    attributes = {name for element in tree.iter() for name in element.attrib}
    assert not {"onclick", "onmouseover", "style"} & attributes  # event handlers are dropped by the parser
    assert tree.xpath("//*[@id='ok']")
    assert epubcheck(dist / f"{SLUG}.epub") == []
    pdf = PdfReader(dist / f"{SLUG}.pdf")
    pdf_text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "<script>alert(1)</script>" in pdf_text and "<b>bold</b>" in pdf_text  # shown as text
    assert 'A <b>Letter</b> & "Huysmans"' in pdf_text  # the running head, as typed


def test_fetcher_reads_only_allowed_places(work_copy: Path) -> None:
    fetcher = SandboxedFetcher(work_copy)
    assert fetcher.fetch((STYLES / "print.css").as_uri()).read().startswith(b"/*")
    assert fetcher.fetch("package:font_source_serif_pro/files/SourceSerifPro-Regular.otf").read()[:4] == b"OTTO"
    for url in [
        "file:///etc/passwd",
        (work_copy / ".." / ".." / "secret.css").as_uri(),
        "https://example.org/style.css",
        "ftp://example.org/x",
        "package:os/../../etc/passwd",
        "package:font_source_serif_pro/../../../../etc/passwd",
    ]:
        with pytest.raises(ForbiddenResource):
            fetcher.fetch(url)


@pytest.mark.parametrize(
    "resource",
    [
        '<link rel="stylesheet" href="file:///etc/passwd"/>',
        '<link rel="stylesheet" href="https://example.org/x.css"/>',
        '<img src="file:///etc/hostname"/>',
    ],
)
def test_typesetting_refuses_outside_resources(resource: str) -> None:
    from .conftest import LETTER

    work = load_work(LETTER)
    with pytest.raises(BuildError, match="refused to read") as caught:
        typeset(f"<html><head>{resource}</head><body><p>x</p></body></html>", work, "test")
    assert caught.value.code == "P002"
