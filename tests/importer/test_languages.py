"""Import in every section of the archive: archive pages in each section's encodings and header
languages import to the same words, a page's language is told by its lang, its section or its
text, and another language's header labels are read as the English ones."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.importer.decode import decode
from builder.importer.header import map_header
from builder.importer.html_page import parse
from builder.importer.languages import english_label, script_language, section_language, work_language
from builder.importer.report import ImportReport
from tests.support.scripts import SAMPLES, Sample

PAGES = [
    (
        "chinese",
        "zh-Hans",
        "gb18030",
        None,
        ("写作", "来源"),
        "马克思的学说在全世界的文明国家中，引起了资产阶级全部科学的最大的仇视和憎恨。",
    ),
    (
        "chinese",
        "zh-Hant",
        "big5",
        "iso-8859-1",
        ("寫於", "來源"),
        "馬克思的學說在全世界的文明國家中，引起了資產階級全部科學的最大的仇視和憎恨。",
    ),
    (
        "russkij",
        "ru",
        "cp1251",
        None,
        ("Написано", "Источник"),
        "Учение Маркса вызывает к себе во всем цивилизованном "
        "мире величайшую вражду и ненависть всей буржуазной науки.",
    ),
    (
        "russkij",
        "ru",
        "koi8-r",
        "windows-1251",
        ("Написано", "Источник"),
        "Учение Маркса вызывает к себе во всем цивилизованном "
        "мире величайшую вражду и ненависть всей буржуазной науки.",
    ),
    (
        "arabic",
        "ar",
        "cp1256",
        None,
        ("كتب", "المصدر"),
        "تثير تعاليم ماركس في العالم المتمدن كله أشد العداء والكره من جانب العلم البرجوازي كله.",
    ),
    # Windows-1256 has no Persian yeh: Persian pages in it write the Arabic one.
    (
        "farsi",
        "fa",
        "cp1256",
        "iso-8859-1",
        ("نوشته شده", "منبع"),
        "آموزش مارکس در سراسر جهان متمدن دشمني و کينه بزرگي را برمي انگيزد.",
    ),
    (
        "polski",
        "pl",
        "iso8859-2",
        None,
        ("Napisane", "Źródło"),
        "Nauka Marksa wywołuje w całym cywilizowanym świecie największą wrogość i nienawiść całej nauki burżuazyjnej.",
    ),
    (
        "espanol",
        "es",
        "cp1252",
        "iso-8859-1",
        ("Escrito", "Fuente"),
        "La doctrina de Marx suscita en todo el mundo civilizado "
        "la mayor hostilidad y el odio de toda la ciencia burguesa.",
    ),
    (
        "deutsch",
        "de",
        "utf-8",
        "iso-8859-1",
        ("Geschrieben", "Quelle"),
        "Die Lehre von Marx ruft in der ganzen zivilisierten Welt die größte "
        "Feindschaft und den Haß der gesamten bürgerlichen Wissenschaft hervor.",
    ),
    (
        "italiano",
        "it",
        "cp1252",
        None,
        ("Scritto", "Fonte"),
        "La dottrina di Marx suscita in tutto il mondo civile la "
        "più grande ostilità e l'odio di tutta la scienza borghese.",
    ),
    (
        "english",
        "en",
        "cp1252",
        "windows-1251",
        ("Written", "Source"),
        "The doctrine of Marx evokes throughout the civilised world the "
        "greatest “hostility” and hatred of all bourgeois science — naïvely.",
    ),
]


def _archive_page(
    section: str, encoding: str, declared: str | None, labels: tuple[str, str], text: str
) -> tuple[str, bytes]:
    charset = f'<meta http-equiv="Content-Type" content="text/html; charset={declared}" />' if declared else ""
    written, source = labels
    page = (
        f'<html><head>{charset}<title>T</title></head><body><p class="title">Archive</p><h1>Tres fuentes</h1>'
        f'<p class="information"><span class="info">{written}:</span> 1913;<br />'
        f'<span class="info">{source}:</span> Collected Works, Volume 19, pages 21-28;<br />'
        f'<span class="info">Unknown-field:</span> kept;</p><hr /><p>{text}</p><p>{text}</p><hr /></body></html>'
    )
    return f"https://www.marxists.org/{section}/lenin/1913/three.htm", page.encode(encoding)


@pytest.mark.parametrize(
    ("section", "language", "encoding", "declared", "labels", "text"), PAGES, ids=[f"{p[0]}-{p[2]}" for p in PAGES]
)
def test_an_archive_page_imports_to_the_same_words(
    section: str, language: str, encoding: str, declared: str | None, labels: tuple[str, str], text: str
) -> None:
    location, data = _archive_page(section, encoding, declared, labels, text)
    report = ImportReport()
    decoded = decode(data, "three.htm", report, location)
    assert decoded.count(text) == 2, report.repaired + report.guessed
    page = parse(decoded, location, report)
    assert any(text in block for block in page.blocks)
    assert work_language(page.language, location, " ".join(page.blocks), report) == language
    mapped = map_header(page.fields, report)
    assert mapped.meta["written"] == "1913"
    assert mapped.meta["source"]["volume"] == "19"
    assert any("Unknown-field" in line for line in mapped.free)  # unknown fields kept, for the report


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(SAMPLES), st.sampled_from(["", "https://www.marxists.org/archive/x/", "x/"]))
def test_a_text_tells_its_language(sample: Sample, where: str) -> None:
    """A page with no lang and no section is given the language its letters are written in."""
    report = ImportReport()
    told = work_language(None, f"{where}a.htm", " ".join(sample.paragraphs * 3), report)
    assert told == script_language(" ".join(sample.paragraphs))
    assert told.split("-")[0] == {"grc": "grc"}.get(sample.language, sample.language.split("-")[0])


def test_the_sections_and_labels_are_read() -> None:
    assert section_language("https://www.marxists.org/italiano/lenin/x.htm") == ("it", "italiano")
    assert section_language("https://www.marxists.org/archive/lenin/chinese/x.htm") is None  # sections are top folders
    assert english_label("Fonte-traduzione") == "source" and english_label("Pubblico Dominio") == "public domain"
    assert english_label("来源") == "source" and english_label("Übersetzt von") == "translated by"
