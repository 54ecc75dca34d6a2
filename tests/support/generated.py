"""Generated sources for the property tests: a text.md of paragraphs, headings, quotations,
lists, notes and hostile snippets, with the words each edition must hold and the codes a build
must fail with."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from builder.source.text import MAX_DEPTH

# Letters the book's faces have, accents and typographic punctuation included; no `f` (its
# ligatures read back as one character) and no Markdown syntax (the blocks below add that).
LETTERS = "abcdeghijkmnopqrstuvwxyzàéèêëïôöüçñßøåæœšžłőű’"
MARKS = "“”«»—–…"
# Short words are never hyphenated (WeasyPrint's hyphenate-limit-chars is 5), so each can be
# found whole in the PDF's text.
WORD = st.text(LETTERS, min_size=1, max_size=3)
HOSTILE = {
    "javascript": ("[click](javascript:alert(1))", "S022"),
    "file": ("[passwd](file:///etc/passwd)", "S022"),
    "data": ("<data:text/html,x>", "S022"),
    "private-use": ("\ue000", "S042"),
    "unassigned": ("\U000e0080", "S042"),
    "control": ("\x0c", "S021"),
    "code": ("`code`", "S041"),
    "id with spaces": ("[span]{#an id}", "S045"),
    "bad label": ("[^a b]", "S015"),
}


@dataclass
class Source:
    """A generated text.md and what building it must give."""

    blocks: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # of the running text, in order
    note_words: list[str] = field(default_factory=list)
    expected: set[str] = field(default_factory=set)  # codes one of which the build must fail with

    def add_words(self, words: list[str], into: list[str] | None = None) -> str:
        tagged = [
            f"{word}{len(self.words) + len(self.note_words) + i}" for i, word in enumerate(words)
        ]  # unique, in order
        (self.words if into is None else into).extend(tagged)
        return " ".join(tagged)


@st.composite
def sources(draw: st.DrawFn) -> Source:
    """A source of one to four blocks of every kind, nested up to past the limit."""
    source = Source()
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["paragraph", "marked", "heading", "quote", "list", "mixed", "note", "hostile"]))
        words = draw(st.lists(WORD, min_size=1, max_size=8))
        depth = draw(st.integers(1, MAX_DEPTH + 4))
        if kind == "list":  # the outer items' words come first
            items = ["  " * level + "- " + source.add_words(["li"]) for level in range(depth - 1)]
            text = "\n".join([*items, "  " * (depth - 1) + "- " + source.add_words(words)])
        else:
            text = source.add_words(words)
        if kind in ("quote", "list") and depth > MAX_DEPTH:
            source.expected.add("S040")
        if kind == "marked":
            mark = draw(
                st.sampled_from(
                    [
                        "*{}*",
                        "**{}**",
                        "[{}](https://example.org/a)",
                        "[{}]{{lang=de}}",
                        "[{}](mailto:a@example.org)",
                        "~~{}~~",
                    ]
                )
            )
            text = mark.format(text) + " " + draw(st.sampled_from(MARKS))
        elif kind == "heading":
            text = "## " + text
        elif kind == "quote":
            text = "> " * depth + text
        elif kind == "mixed":
            pairs = (depth + 1) // 2
            text = "> - " * pairs + text
            if 2 * pairs > MAX_DEPTH:
                source.expected.add("S040")
        elif kind == "note":
            label = f"n{len(source.blocks)}"
            note = source.add_words(draw(st.lists(WORD, min_size=1, max_size=6)), into=source.note_words)
            text = f"{text}[^{label}]\n\n[^{label}]: {note}"
        elif kind == "hostile":
            snippet, code = HOSTILE[draw(st.sampled_from(sorted(HOSTILE)))]
            text = f"{text} {snippet}"
            source.expected.add(code)
        source.blocks.append(text)
    return source
