"""typeset.py and sandbox.py on their own: a document of the template layer typeset through the
sandboxed fetcher, which serves the work's files and the styles with their types, and whose
refusals fail the build with a code."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from builder.editions.weasyprint.sandbox import ForbiddenResource, SandboxedFetcher, package_file
from builder.editions.weasyprint.typeset import layout, typeset, write
from builder.errors import BuildError
from builder.paths import BUILTIN_STYLES as STYLES
from builder.source.loader import load_work

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082"
)


def test_a_works_own_files_are_served_with_their_type(work_copy: Path) -> None:
    (work_copy / "figure.png").write_bytes(PNG)
    fetcher = SandboxedFetcher(work_copy)
    served = fetcher.fetch((work_copy / "figure.png").as_uri())
    assert served.read() == PNG and served.headers["Content-Type"] == "image/png"
    assert fetcher.fetch((STYLES / "print.css").as_uri()).headers["Content-Type"] == "text/css"
    with pytest.raises(ForbiddenResource, match="no such file"):
        fetcher.fetch((work_copy / "absent.png").as_uri())


def test_only_the_font_packages_are_read_by_name() -> None:
    assert package_file("package:font_source_serif_pro/files/SourceSerifPro-Regular.otf").read_bytes()[:4] == b"OTTO"
    for url in (
        "package:weasyprint/__init__.py",
        "package:font_source_serif_pro/../weasyprint/__init__.py",
        "package:font_source_serif_pro/files/absent.otf",
    ):
        with pytest.raises(ForbiddenResource):
            package_file(url)


def test_a_document_is_laid_out_and_written_the_same_as_typeset_at_once(work_copy: Path) -> None:
    work = load_work(work_copy)
    (work_copy / "figure.png").write_bytes(PNG)
    html = (
        '<html lang="en"><head><link rel="stylesheet" href="common.css"/></head><body>'
        '<h1>Title</h1><p>Words <img src="figure.png" alt="a dot"/></p></body></html>'
    )
    html = html.replace('src="figure.png"', f'src="{(work_copy / "figure.png").as_uri()}"')
    document = layout(html, work, "test")
    assert len(document.pages) == 1
    pdf = write(document, work, "test")
    assert "Title" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert pdf[:5] == b"%PDF-" and typeset(html, work, "test")[:5] == b"%PDF-"


def test_a_stylesheet_that_is_not_there_fails_the_build_naming_it(work_copy: Path) -> None:
    work = load_work(work_copy)
    with pytest.raises(BuildError) as failed:
        typeset(
            '<html><head><style>@import url("missing.css");</style></head><body><p>x</p></body></html>', work, "test"
        )
    assert (
        failed.value.code == "P002"
        and failed.value.message.startswith("test: refused to read")
        and "missing.css: no such file" in failed.value.message
    )
