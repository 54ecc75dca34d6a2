"""The one record of what the mapping did not set where the page has it: every run of a
page's words it left out (navigation, furniture, link labels, a contents list) or moved out
of the text (header fields into work.toml, the author's line, notes to the notes), each with
its reason. The report's "Left out" is written from it, and the audit checks a page's words
against the output plus this ledger, and nothing else: what the mapping decided is said once,
here, never guessed again by the audit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entry:
    page: str  # the page's file name, as the report names it
    words: str  # the run, as the page shows it
    reason: str  # why it is not in the text where the page has it
    moved: bool  # True: set elsewhere (work.toml, the notes); False: left out


@dataclass
class Ledger:
    entries: list[Entry] = field(default_factory=list)

    def leave_out(self, page: str, words: str, reason: str) -> None:
        """A run of the page that belongs to the web page, not to the work."""
        if words.strip():
            self.entries.append(Entry(page, " ".join(words.split()), reason, moved=False))

    def move(self, page: str, words: str, where: str) -> None:
        """A run of the page's words set elsewhere than where the page has it."""
        if words.strip():
            self.entries.append(Entry(page, " ".join(words.split()), where, moved=True))

    def leaver(self, page: str) -> Callable[[str, str], None]:
        """`leave_out` for one page: (the words, why), for a step that drops runs as it goes."""
        return lambda words, reason: self.leave_out(page, words, reason)

    def of(self, page: str) -> Iterator[Entry]:
        return (entry for entry in self.entries if entry.page == page)

    def words(self, page: str) -> str:
        """The runs recorded for one page, one a line: what the audit may find outside the text."""
        return "\n".join(entry.words for entry in self.of(page))

    def left_out(self) -> list[str]:
        """The report's lines for what was left out, in the order it was."""
        return [f"{entry.page}: {entry.reason}: {entry.words!r}" for entry in self.entries if not entry.moved]

    def absorb(self, other: Ledger) -> None:
        """Another reading's entries (a page read twice), each kept once."""
        self.entries += [entry for entry in other.entries if entry not in self.entries]
