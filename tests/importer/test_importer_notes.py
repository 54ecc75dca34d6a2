"""The importer's notes (builder/importer/notes.py), step by step: calls paired with the notes
their links name, notes called from where their number links back, notes that run on over
several blocks, notes called at an anchor, and notes written out under a "Notes" heading."""

from __future__ import annotations

from lxml import html

from builder.importer import notes


def _root(body: str) -> html.HtmlElement:
    return html.document_fromstring(f"<html><body>{body}</body></html>")


def _words(found: notes.FoundNotes) -> dict[str, str]:
    return {
        label: " ".join(" ".join(block.text_content().split()) for block in blocks)
        for label, blocks in found.notes.items()
    }


def test_pair_calls_pairs_each_call_with_the_note_its_link_names_and_names_the_rest() -> None:
    root = _root(
        "<p>a<sup><a href='#n1' name='c1'>[1]</a></sup> b<a href='#n1'>[1]</a>"
        " c<a href='other.htm#n3'>[3]</a> d<a href='#nowhere'>[4]</a></p>"
        "<p><a name='n1' href='#c1'>[1]</a> the first note</p>"
    )
    found = notes.FoundNotes()
    anchors = {a.get("name"): a for a in root.iter("a") if a.get("name")}
    notes._pair_calls(root, anchors, found, set())
    assert _words(found) == {"1": "[1] the first note"} and found.calls["1"].tag == "sup"
    assert found.dangling == [
        "the call [1] is a second call to a note already called (a source calls each note once); kept as text",
        "the call [3] has its note on other.htm, another page; kept as text",
        "the call [4] has no note on the page; kept as text",
    ]


def test_a_note_whose_number_links_back_is_called_at_that_anchor() -> None:
    root = _root("<p>text<a name='back1'></a> more</p><p><a href='#back1'>[1]</a> a note called from its anchor</p>")
    found = notes.find_linked(root)
    assert _words(found) == {"1": "[1] a note called from its anchor"} and found.calls["1"].get("name") == "back1"


def test_a_note_runs_on_over_the_paragraphs_after_it_and_a_numbered_one_starts_a_note() -> None:
    root = _root(
        "<p>x<a href='#n1' name='c1'>[1]</a></p><h4>Notes</h4>"
        "<p><a name='n1' href='#c1'>[1]</a> one</p><p>one, again</p>"
        "<p><b>[2]</b> two, uncalled</p><p>Transcribed by someone</p>"
    )
    found = notes.find_linked(root)
    assert _words(found) == {"1": "[1] one one, again", "2": "[2] two, uncalled"}
    assert "2" not in found.calls  # nothing calls it: kept as an editor's note


def test_find_written_reads_the_last_notes_section_and_its_calls() -> None:
    blocks = [
        "# T",
        "## Notes",
        "a heading's words, not notes",
        "text\\[1\\] and \\[1933\\]",
        "## Notes",
        "\\[1\\] the note",
        "its sequel",
    ]
    body, found = notes.find_written(blocks)
    assert found == {"1": "the note\n\n    its sequel"}
    assert body == ["# T", "## Notes", "a heading's words, not notes", "text\x00[^1] and \\[1933\\]"]
    assert notes.find_written(["# T", "## Notes", "no note here"]) == (["# T", "## Notes", "no note here"], {})


def test_a_bracketed_year_is_not_a_marker() -> None:
    assert notes.MARKER.match("[12]") and notes.MARKER.match("(a)") and not notes.MARKER.match("[1933]")
    assert notes.label_of(" [*] ") == "star" and notes.label_of("Note") == "note"
