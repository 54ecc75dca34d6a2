"""Property-based tests: generated Markdown and metadata, hostile nesting, characters and links
included, either build editions that hold every word (in order, in the EPUB's running text),
or fail with a coded error naming the file and a fix; never anything else.

Bounded: few examples, no deadline, the builder called in-process (the command line adds only
its start-up); EPUBCheck runs on a sample of the EPUBs built."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfReader

from builder.checks.validators import epubcheck
from builder.editions.epub import write_epub
from builder.editions.pdf import write_pdf
from builder.errors import BuildError
from builder.source.loader import load_work

from .conftest import LETTER
from .support.generated import Source, sources
from .support.words import words_of

EPUBCHECK_SAMPLE = 2
checked: list[Path] = []


@pytest.fixture(autouse=True, scope="module")
def _no_git() -> object:
    """Date editions from SOURCE_DATE_EPOCH: asking git for each example costs more than the example."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        yield


# No shrinking: each example is a build, and a failure prints its source whole anyway.
@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(source=sources())
def test_generated_text_builds_whole_or_fails_with_a_code(
    source: Source, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("gen") / "generated-work"
    folder.mkdir()
    (folder / "work.toml").write_text((LETTER / "work.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "text.md").write_text("# A generated part\n\n" + "\n\n".join(source.blocks) + "\n", encoding="utf-8")
    try:
        work = load_work(folder)
        epub = write_epub(work)
        pdf = write_pdf(work)
    except BuildError as error:
        assert error.code in source.expected or (not source.expected and error.code == "P003"), str(error)
        assert Path(str(error.path)).name in {"text.md", folder.name} and error.hint, str(error)
        return
    assert not source.expected, f"built, but should have failed with {source.expected}"
    with zipfile.ZipFile(io.BytesIO(epub)) as archive:
        tree = etree.fromstring(archive.read("EPUB/text.xhtml"))
    asides = tree.xpath("//*[local-name()='aside']")
    notes_text = words_of(" ".join(" ".join(aside.itertext()) for aside in asides))
    for aside in asides:
        aside.getparent().remove(aside)
    body_text = words_of(" ".join(tree.itertext()))
    position = 0
    for word in source.words:  # in order
        position = body_text.find(word, position)
        assert position >= 0, f"{word!r} missing or out of order in the EPUB"
    assert [word for word in source.note_words if word not in notes_text] == []
    pdf_text = words_of(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    assert [word for word in source.words + source.note_words if word not in pdf_text] == []
    if len(checked) < EPUBCHECK_SAMPLE:
        path = folder.parent / "generated-work.epub"
        path.write_bytes(epub)
        checked.append(path)
        assert [str(finding) for finding in epubcheck(path)] == []


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TEXT, author=TEXT, subjects=st.lists(TEXT, max_size=3), year=st.one_of(st.integers(-5000, 12000), TEXT))
def test_generated_metadata_loads_or_fails_with_a_code(
    title: str, author: str, subjects: list[str], year: object, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Any string a TOML escape can carry, in the fields a reader sees first."""
    folder = tmp_path_factory.mktemp("meta") / "generated-work"
    folder.mkdir()
    toml = (LETTER / "work.toml").read_text(encoding="utf-8")
    values = {"title": title, "author": author, "subjects": subjects}
    for key, value in values.items():
        toml = re.sub(
            rf"^{key} = .*?(?=^\w|^\[)",
            lambda _, k=key, v=value: f"{k} = {json.dumps(v, ensure_ascii=False)}\n",
            toml,
            count=1,
            flags=re.M | re.S,
        )  # type: ignore[misc]
    toml = toml.replace("year = 2004", f"year = {json.dumps(year, ensure_ascii=False)}")
    (folder / "work.toml").write_text(toml, encoding="utf-8")
    (folder / "text.md").write_text((LETTER / "text.md").read_text(encoding="utf-8"), encoding="utf-8")
    try:
        work = load_work(folder)
    except BuildError as error:
        assert error.code in {"S004", "S042", "S021"} and Path(str(error.path)).name == "work.toml" and error.hint, str(
            error
        )
        return
    assert (work.meta.title, work.meta.author, work.meta.subjects) == (title, author, subjects)
