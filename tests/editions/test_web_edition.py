"""The web edition (`folio serve`'s): a page per part from the shared section templates,
holding every word of the source, its notes where pop-ups find them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from lxml import html

from builder.editions.web import write_web
from builder.errors import BuildError
from builder.source.loader import load_work
from tests.conftest import LETTER, ROOT
from tests.support.generated import Source, sources
from tests.support.words import words_of


def test_a_page_per_part_with_every_note_and_no_reading_system_semantics() -> None:
    work = load_work(ROOT / "source" / "marx-1867-capital-v1-ch01-commodities")
    files = write_web(work)
    pages = [name for name in files if name.endswith(".html")]
    assert pages == ["index.html", *(f"{part.id}.html" for part in work.parts), "colophon.html", "rights.html"]
    text = b"".join(files[f"{part.id}.html"] for part in work.parts).decode()
    for note in work.notes:
        assert f'href="#{note.id}"' in text and f'id="{note.id}"' in text
    # Plain HTML: no EPUB reading-system semantics (epub:type) on any page, ARIA roles kept.
    assert not [name for name in pages if b"epub:type" in files[name]]
    assert text.count('role="doc-noteref"') == text.count('role="doc-footnote"') == len(work.notes)
    # Each page links the next and the contents; the contents link each part's page.
    index = html.fromstring(files["index.html"])
    assert {f"{part.id}.html#{part.id}" for part in work.parts} <= set(index.xpath("//nav[@id='toc']//a/@href"))
    assert files["notes.js"] and files["web.css"]


@pytest.fixture(autouse=True, scope="module")
def _no_git() -> object:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        yield


@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(source=sources())
def test_every_word_of_a_generated_source_reaches_the_web_edition(
    source: Source, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("web") / "generated-work"
    folder.mkdir()
    (folder / "work.toml").write_text((LETTER / "work.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "text.md").write_text("# A generated part\n\n" + "\n\n".join(source.blocks) + "\n", encoding="utf-8")
    try:
        work = load_work(folder)
    except BuildError as error:
        assert error.code in source.expected, str(error)
        return
    page = html.fromstring(write_web(work)[f"{work.parts[0].id}.html"])
    calls = page.xpath("//a[@role='doc-noteref']/@href")
    assert len(calls) == len(work.notes) and all(page.xpath(f"//aside[@id='{href[1:]}']") for href in calls)
    asides = page.xpath("//aside")
    notes_text = words_of(" ".join(" ".join(aside.itertext()) for aside in asides))
    for aside in asides:
        aside.getparent().remove(aside)
    body_text = words_of(" ".join(page.xpath("//main")[0].itertext()))
    position = 0
    for word in source.words:  # in order
        position = body_text.find(word, position)
        assert position >= 0, f"{word!r} missing or out of order in the web edition"
    assert [word for word in source.note_words if word not in notes_text] == []
