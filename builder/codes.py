"""Every code the builder reports, with what it means and how to fix it: the one catalogue that
BuildError, SourceError and the checks' findings draw on, and that docs/errors.md is made from
(`python -m builder.codes > docs/errors.md`).

Adding a code is one line in CATALOGUE: `"S050": Entry("what went wrong", "what to do"),`. A
raise may still give a fix of its own (`hint=`) that names the specifics; without one it gets
the catalogue's.
"""

from __future__ import annotations

import re
import sys
from typing import NamedTuple

PATTERN = re.compile(r"[A-Z][0-9]{3}")


class Entry(NamedTuple):
    meaning: str
    fix: str


class UnknownCode(ValueError):
    """A code the catalogue lacks: a bug in the builder, not the user's to fix."""


# The families, in the order the data flows; a code's letter names its family.
FAMILIES: dict[str, str] = {
    "S": "A work's source (`source/<slug>/`: work.toml, the Markdown, its images)",
    "I": "Importing archive pages (folio import)",
    "P": "Making an edition, and reading a PDF or an AZW3 back",
    "E": "The external checkers: W3C EPUBCheck and DAISY Ace",
    "L": "Lint: what a reader would catch in a source that builds (folio lint, every import's report, folio check)",
    "W": "Warnings: reported, but nothing fails",
    "V": "A release folder (folio verify)",
    "R": "Merging shards (folio release merge)",
    "K": "A release's files (folio release files)",
    "C": "The command line",
}

CATALOGUE: dict[str, Entry] = {
    # S000–S025, S030–S034: a work's folder, work.toml, the Markdown
    "S000": Entry("the path given for a work is not a folder", "give the path of a work's folder under source/"),
    "S001": Entry(
        "a work's folder has no work.toml", "every work folder needs a work.toml with its metadata (docs/authoring.md)"
    ),
    "S002": Entry("a source file is not UTF-8", "save the file as UTF-8"),
    "S003": Entry(
        "a source file cannot be read, or work.toml is not valid TOML",
        "make it a readable file; for TOML syntax see https://toml.io",
    ),
    "S004": Entry(
        "work.toml has an unknown, missing or ill-typed key",
        "correct the key named; the keys and their types are in docs/authoring.md",
    ),
    "S005": Entry(
        "the folder's name is not a slug", "name it in lower case with hyphens, e.g. lenin-1912-letter-to-huysmans"
    ),
    "S006": Entry("an `{#id}` is not a valid id", "start ids with a letter; use letters, digits, '-' or '_'"),
    "S007": Entry(
        "an `{#id}` is one the edition reserves for its own pages",
        "choose another id (not 'text…', 'part-…', 'note-…', 'noteref-…')",
    ),
    "S008": Entry("an `{#id}` is used twice in the work", "ids must be unique across the work's parts"),
    "S009": Entry(
        "a note label is used in two parts of the work", "note labels must be unique across the work's parts"
    ),
    "S010": Entry("a file listed in work.toml's parts is missing", "create it, or remove it from 'parts'"),
    "S011": Entry(
        "a part does not start with a level-1 heading, or a heading has no words",
        "begin the file with `# Title of this part`; give every heading words",
    ),
    "S012": Entry(
        "a note is written but never called",
        "call it with `[^label]` in the text, label it `[^editor-…]` to keep it as an editor's note, or delete it",
    ),
    "S013": Entry("a note is called but not written", "add a line `[^label]: text of the note` after the paragraph"),
    "S014": Entry("a note is called from inside another note", "notes cannot carry notes; merge the two"),
    "S015": Entry(
        "a note label has characters ids cannot carry", "use letters, digits, '-' or '_', e.g. `[^1]` or `[^abroad]`"
    ),
    "S016": Entry("a note is written twice", "give each note its own label"),
    "S017": Entry("a note is called twice", "call each note once; write a second note for the second place"),
    "S018": Entry(
        "an image has no alternative text", "describe what it shows: `![a photograph of the first page](page.jpg)`"
    ),
    "S019": Entry(
        "a source file leads outside the work's folder (a link elsewhere)",
        "keep every file of a work inside its folder",
    ),
    "S020": Entry(
        "SOURCE_DATE_EPOCH is not a Unix time between 1980 and 2107",
        "set it to a Unix time, e.g. $(git log -1 --format=%ct), or unset it",
    ),
    "S021": Entry("a control character (a form feed, say) in the text", "delete it; a conversion often leaves one"),
    "S022": Entry(
        "a link to something other than a web address, mailto: or an #id of the work",
        "link to an https:// address or to an `{#id}` set in the text",
    ),
    "S023": Entry(
        "an attribute, class or language the source may not set",
        "set only `{#id}`, `{.class}` with a class the stylesheets know, and `{lang=…}` with a BCP 47 tag",
    ),
    "S024": Entry(
        "a link to an #id that no part of the work has",
        "set `{#id}` on the block or span to link to, or correct the link",
    ),
    "S025": Entry(
        "[rights] later-notes names a note the text does not have",
        "list the labels of notes the text calls, as in `[^26a]`",
    ),
    "S030": Entry("an image is not in the work's folder", "add the file, or correct its name"),
    "S031": Entry(
        "an image is not a JPEG, PNG, GIF or SVG file",
        "convert it to one of these (PNG for drawings, JPEG for photographs)",
    ),
    "S032": Entry(
        "an image's path leads outside the work's folder",
        "copy the image into the work's folder and name it by its file name",
    ),
    "S033": Entry(
        "an SVG image links to other files or runs scripts",
        "embed what it shows in the SVG itself; an image may fetch nothing",
    ),
    "S034": Entry(
        "an editor's note on the whole work (`[^editor…]`) is called", "rename the note to call it, or remove the call"
    ),
    # S040–S049: what the builder refuses rather than lose or misread
    "S040": Entry(
        "block quotations, lists, emphasis or links nested more than 12 deep",
        "flatten the nesting: no page can show it, and the parser would drop the text",
    ),
    "S041": Entry(
        "code (backticks, a fenced block, a paragraph indented by four spaces) in the text",
        "remove the backticks, the fence lines or the indent",
    ),
    "S042": Entry(
        "a private-use, unassigned or invisible character in the text or work.toml",
        "replace it with the character the source prints, or delete it",
    ),
    "S043": Entry(
        "two works have the same identifier", "give each work its own identifier (urn:uuid: with a new UUID)"
    ),
    "S044": Entry(
        "two works in one command have the same slug",
        "build them separately, into different --out folders, or rename one folder",
    ),
    "S045": Entry(
        "an `{…}` the attribute parser cannot read",
        "write `{#id}`, `{.class}` or `{lang=xx}`, no spaces, on the line before a block or right after a `[span]`",
    ),
    "S046": Entry(
        "a symbolic link in the work's folder leads round in a loop", "replace the link with the file itself"
    ),
    "S047": Entry(
        "a work's text is over the size limit (FOLIO_MAX_TEXT_KB, 6,144 KB by default)",
        "split it into several works (a volume each), or raise FOLIO_MAX_TEXT_KB on a machine with the time and memory",
    ),
    "S048": Entry(
        "a work has more notes than the limit (FOLIO_MAX_NOTES, 8,000 by default)",
        "split it into several works, or raise FOLIO_MAX_NOTES on a machine with the time and memory",
    ),
    "S049": Entry(
        "FOLIO_MAX_TEXT_KB or FOLIO_MAX_NOTES is not a whole number above 0",
        "set it to a number such as the default, or unset it",
    ),
    # S050–S069: provenance and the source format
    "S055": Entry(
        "a `{{page …}}` the page-marker parser cannot read",
        "write `{{page 29}}`: two braces, `page`, one space, the page's number "
        "as the printed source has it (letters and digits, up to 12), two braces",
    ),
    "S056": Entry(
        "the text marks pages of a printed source, but work.toml names no printed source",
        "add a `[source]` table to work.toml (title, volume, publisher, year), or remove the `{{page …}}` markers",
    ),
    "S057": Entry(
        "a heading more than one level below the heading before it (`#` then `###`)",
        "make it one level below the heading before it, and the "
        "headings under it likewise: the PDF's headings must nest",
    ),
    "S050": Entry(
        "a `[provenance.<stem>]` table in work.toml names no part of the work",
        "name the table after a part's file without .md, or add that file to parts",
    ),
    # I: folio import
    "I001": Entry(
        "an archive page given as a file cannot be read", "give an archive page as a file or an http(s) address"
    ),
    "I002": Entry(
        "an archive page cannot be fetched, or the server refused it", "check the address and the connection"
    ),
    "I003": Entry("a work with the import's slug already exists", "give another --slug, or --force to replace it"),
    # I010–I029: the import's audit of itself
    "I010": Entry(
        "words a browser shows on the page are missing from the "
        "import even once the importer put back what it could not place",
        "a fault of the importer: report the page, and copy the words named by hand",
    ),
    "I012": Entry(
        'with --strict, the import left something under "Needs a human look"',
        "read them in the report and set the source right by hand",
    ),
    "I013": Entry(
        "the page is nested too deep for the converter to read",
        "save it with its nesting flattened (any HTML tidier does it) and import that file",
    ),
    # I030–I032: books and contents pages
    "I030": Entry(
        "--book was given a page that is not a contents page linking pages of its own folder",
        "give the book's contents page (often index.htm) alone, or import the page without --book",
    ),
    "I031": Entry(
        "none of the pages a contents page links could be read as the book's text",
        "see the pages named above; import a page on its own, or the contents page with --page",
    ),
    "I032": Entry(
        "--book and --page were both given", "give one of them, or neither to let the import tell from the page"
    ),
    # I050–I074: what an import refuses, and its bounds (docs/importing.md)
    "I050": Entry(
        "the slug is not one plain name",
        "give --slug in lower-case letters, digits and single hyphens (no '/', '..' or path)",
    ),
    "I051": Entry("--into names something that is not a folder", "give --into a folder (it is made if missing)"),
    "I052": Entry(
        "--cache names something that is not a folder",
        "give --cache a folder (it is made if missing), not a file or a symlink",
    ),
    "I053": Entry(
        "the import's target is a symlink or a file, not a work's folder",
        "move it away, or give another --slug; an import replaces only a work it made",
    ),
    "I054": Entry(
        "a file a person added to the work has a name the new import writes",
        "rename or move the file, then import again with --force",
    ),
    "I055": Entry(
        "a page a contents page links is off its host or outside its folder: not fetched", "import that page on its own"
    ),
    "I056": Entry(
        "a page redirects off the book's host: not followed", "import the page at its new address on its own"
    ),
    "I057": Entry(
        "an address's name leads to this machine or its network: not fetched", "give a public address of the archive"
    ),
    "I058": Entry("a page redirects too many times", "import the page at its final address"),
    "I059": Entry(
        "a server's answer is larger than an import takes",
        "raise the response_bytes bound (--limit) if the page is really this large",
    ),
    "I060": Entry(
        "a server took too long to answer, or sent nothing for too long",
        "try again later; a server this slow cannot be imported from",
    ),
    "I061": Entry(
        "an import took longer than its time for the whole book",
        "import the book in parts, or raise the book_seconds bound (--limit)",
    ),
    "I062": Entry(
        "a contents page links more pages than an import considers: the rest left out (reported)",
        "import the book in parts, or raise the chapters bound (--limit)",
    ),
    "I063": Entry(
        "an image has more pixels than an import takes: left out (reported)", "scale the image down and add it by hand"
    ),
    "I064": Entry(
        "an SVG image that is not static and self-contained: left out (reported)",
        "embed what it shows in the SVG itself and add it by hand",
    ),
    "I065": Entry(
        "a cache entry is a symlink, not a regular file, or unreadable: ignored, the page fetched again (reported)",
        "clear the cache folder",
    ),
    "I066": Entry(
        "a page is empty: it holds no text", "check the address or the file; save the page again if it was cut off"
    ),
    "I068": Entry("a page given as a file is not a regular file", "give a page saved as a file"),
    "I069": Entry(
        "a resource a page names is off its host or outside its folder: not fetched",
        "add the resource to the work by hand",
    ),
    "I070": Entry(
        "a server's answer is in an encoding the importer does not read, or is corrupt",
        "fetch the page another way and import the file",
    ),
    "I071": Entry("a server broke off its answer", "try again later"),
    "I072": Entry("the imported work cannot be written", "free space, or give --into a folder you may write in"),
    "I073": Entry(
        "--limit names no bound an import has, or not a positive number",
        "give NAME=VALUE with NAME one of the bounds the message lists",
    ),
    "I074": Entry(
        "none of the chapters a contents page lists could be read",
        "see why in the lines above; check the address, or try again later",
    ),
    # P001–P006, P010, P011, P020: making an edition
    "P001": Entry("WeasyPrint cannot read a style or a resource", "check styles/ and the text for the resource named"),
    "P002": Entry(
        "a build tried to read a file or address it may not",
        "a build reads only styles/, the work's folder and the font package",
    ),
    "P003": Entry(
        "the book's typefaces have no glyph for characters in the text: the PDF is not made (the other editions are)",
        "replace the characters, or add a typeface that has them to styles/typefaces.toml and styles/scripts.css",
    ),
    "P004": Entry(
        "a PDF is set partly in a font that is not one of the book's typefaces: "
        "the PDF is not made (the other editions are)",
        "a style asks for a face or a style that styles/fonts.css does not "
        "give: correct the style, or replace the characters the typefaces lack",
    ),
    "P005": Entry(
        "a note cannot start on the page of its call: no room there for two of its lines",
        "shorten or split the note, or choose a larger trim",
    ),
    "P006": Entry("the title is too long for the cover", "give the work a short-title in work.toml"),
    "P010": Entry(
        "an EPUB content document is not well-formed XHTML", "a bug: report it with the source that caused it"
    ),
    "P011": Entry("an EPUB content document has an id twice", "rename the id in the text"),
    "P020": Entry(
        "an edition, the manifest or a temporary file cannot be written: the disk is full, or the folder read-only",
        "free some disk space, make the output folder writable, or choose another with --out",
    ),
    # P070, P071: the Kindle edition, converted by calibre
    "P070": Entry(
        "the Kindle edition (AZW3) needs calibre's ebook-convert, which is not installed",
        "run scripts/setup (Debian: apt-get install calibre), or "
        "build without it: folio build --format epub --format pdf",
    ),
    "P071": Entry(
        "calibre's ebook-convert could not convert the EPUB to "
        "AZW3, or wrote a file of a shape this builder does not know",
        "read calibre's message; if it persists, report it with "
        "the work and calibre's version (ebook-convert --version)",
    ),
    # P051: a long book laid out in runs of parts at once
    "P051": Entry(
        "a process laying out part of a long book ended without handing back its pages (out of memory, or killed)",
        "free memory, or build with --jobs 1",
    ),
    # P030–P033: a PDF's conformance
    "P030": Entry(
        "a PDF fails a PDF/UA-1 rule (the rule's ID follows)",
        "a bug in the templates or styles: report it with the work and the rule",
    ),
    "P031": Entry(
        "a PDF fails a PDF/A-2u rule (the rule's ID follows)",
        "a bug in the templates or styles: report it with the work and the rule",
    ),
    "P032": Entry("the PDF/UA and PDF/A validator cannot read the file", "rebuild the file; if it persists, report it"),
    "P033": Entry(
        "a print cover is not sized for the interior beside it (trim or page count)",
        "build the interior and its cover in one run: folio build --trim T --cover",
    ),
    # P100–P106: a PDF read back
    # P060–P069: a printer's files (folio build --printer)
    "P060": Entry(
        "an image of the text is in colour, and a printer's grey interior cannot carry it",
        "convert the work's images to greyscale for print",
    ),
    "P061": Entry(
        "the interior has fewer pages than the printer prints",
        "choose a smaller trim or another printer (--printer generic), or print the work in a volume with others",
    ),
    "P062": Entry(
        "a printer's file is not PDF/X as its printer asks, or lacks its output intent",
        "rebuild it with folio build --printer; if it persists, report it",
    ),
    "P063": Entry(
        "a page of a printer's file has no TrimBox or BleedBox, or its boxes or sizes disagree",
        "rebuild it with folio build --printer; if it persists, report it",
    ),
    "P064": Entry(
        "RGB colour in a printer's file, where grey (the interior) or CMYK (the cover) is asked",
        "rebuild it; convert RGB images to greyscale or CMYK",
    ),
    "P065": Entry("a font in a printer's file is not embedded", "rebuild it; if it persists, report it"),
    "P066": Entry(
        "a printer's interior has fewer pages than the printer prints, an odd "
        "count, or a last page that is not blank where the printer asks for one",
        "rebuild it with folio build --printer; choose another trim or printer for a short work",
    ),
    "P067": Entry("a KDP interior has bookmarks, links or annotations", "rebuild it with folio build --printer kdp"),
    "P068": Entry(
        "a printer's cover is not its printer's size for the interior beside it",
        "build the interior and its cover in one run with folio build --printer",
    ),
    "P100": Entry("a file cannot be read as a PDF", "rebuild it with folio build"),
    "P101": Entry(
        "a PDF's text cannot be read back, or lacks text it must carry", "rebuild it; if it persists, report it"
    ),
    "P102": Entry("a font in a PDF is not embedded", "rebuild it; if it persists, report it"),
    "P103": Entry(
        "a PDF's metadata (title, author, language) is missing or wrong", "rebuild it; if it persists, report it"
    ),
    "P104": Entry(
        "a PDF is not tagged, or does not ask viewers to show its title", "rebuild it; if it persists, report it"
    ),
    "P105": Entry("a PDF has no bookmarks", "rebuild it; if it persists, report it"),
    "P106": Entry(
        "a PDF is set partly in a font that is not one of the book's typefaces: "
        "the PDF is not made (the other editions are)",
        "replace the characters the typefaces lack, or correct the style that asks for the face",
    ),
    # P170–P172: a Kindle edition (AZW3) read back
    "P170": Entry(
        "an AZW3 cannot be read back (calibre cannot convert it to text, or it is not a MOBI file)",
        "rebuild it with folio build; if it persists, report it",
    ),
    "P171": Entry(
        "an AZW3's text, read back, lacks words or a note of the EPUB it was made from",
        "rebuild it; if it persists, report it with the work",
    ),
    "P172": Entry(
        "an AZW3's metadata (title, language, identifier) is missing or wrong", "rebuild it; if it persists, report it"
    ),
    # E: the external checkers
    "E100": Entry(
        "W3C EPUBCheck could not run, or did not finish in time",
        "install Java 17 or newer; raise FOLIO_CHECK_TIMEOUT on a slow machine",
    ),
    "E101": Entry(
        "W3C EPUBCheck reported a message (its own ID follows)",
        "a bug in the templates: report it with the work and EPUBCheck's message",
    ),
    "E200": Entry(
        "DAISY Ace could not run, or did not finish in time",
        "install Node.js (scripts/ace installs Ace); raise FOLIO_CHECK_TIMEOUT on a slow machine",
    ),
    "E201": Entry(
        "DAISY Ace reported an accessibility violation",
        "a bug in the templates, or a source that says what no checker sees: report it",
    ),
    # E300–E319: the reading engine (folio check --reader)
    "E300": Entry("the reading engine could not run", "run scripts/reader --install and read its output"),
    "E301": Entry(
        "the book does not open in the reading engine, or the engine logs an error",
        "a bug in the templates: report it with the work and the message",
    ),
    "E302": Entry(
        "a contents entry does not reach its place in the reading engine",
        "a bug in the nav or the ids: report it with the work",
    ),
    "E303": Entry(
        "a note call does not pop up its note in the reading engine",
        "a bug in the note markup: report it with the work",
    ),
    "E304": Entry(
        "an image does not load in the reading engine", "check the image file in the work's folder; otherwise report it"
    ),
    "E305": Entry(
        "something is wider than the page in the reading engine",
        "a bug in the styles (or a table too wide for a phone): report it with the work",
    ),
    # W: warnings
    # L001–L010: folio lint (builder/source/lint.py)
    "L001": Entry(
        "text reads as a note's call that no note answers: a label such as 4_1, or a bracketed number",
        "make it a note's call `[^1]` with its note, or, if the page prints it so, leave it and check the page",
    ),
    "L002": Entry(
        "a heading inside a part repeats the book's title",
        "delete the heading: the title page and the running heads give the book's title",
    ),
    "L003": Entry(
        "a heading has nothing under it (an empty section)", "delete the heading, or move it to the text it heads"
    ),
    "L004": Entry(
        "the contents would list one entry twice: two parts with one title, or a heading repeating its part's title",
        "delete the repeated heading, or give each part its own title",
    ),
    "L005": Entry("a part has no running text, only its headings", "join the part to the next one, or delete it"),
    "L006": Entry(
        "a straight quote or apostrophe where the text otherwise sets typographic ones",
        "set it as the text does: “ ” for quotations, ’ for apostrophes",
    ),
    "L007": Entry("`--` where the text otherwise sets dashes", "set it as the text does: — or –"),
    "L008": Entry(
        "a heading that is not the text's: the archive's navigation, the author's name or a date line",
        "delete it (the title page names the author), or set a date line as `{.dateline}` paragraph",
    ),
    "L009": Entry("a row of asterisks set as a heading or a paragraph", "write a section break: a line `***`"),
    "L010": Entry("a table of one column (a boxed note set as a table)", "make it a paragraph, a quotation or a note"),
    "W001": Entry(
        "words of an EPUB's text look foreign but carry no language tag",
        "tag them in the source, `[word]{lang=fr}`, or list them in the work's allowed-words.txt",
    ),
    "W002": Entry(
        "the work's language has no words in styles/furniture.toml: "
        "its contents, colophon and rights page are set in English",
        "add a section for the language to styles/furniture.toml, with every key of [en]",
    ),
    # V: a release folder
    "V100": Entry(
        "the release's manifest.json or SHA256SUMS is missing, or a sums line is malformed", "rebuild with folio build"
    ),
    "V101": Entry("a file the manifest lists is missing", "rebuild with folio build, or download the release again"),
    "V102": Entry("a file's size is not the manifest's", "rebuild with folio build, or download the release again"),
    "V103": Entry("a file's sha256 is not the manifest's", "rebuild with folio build, or download the release again"),
    "V104": Entry("SHA256SUMS does not list a file with the manifest's sha256", "rebuild with folio build"),
    "V105": Entry("SHA256SUMS lists a file the manifest does not, or a file twice", "rebuild with folio build"),
    "V110": Entry(
        "manifest.json cannot be read, is not JSON, or is not shaped as a manifest", "rebuild with folio build"
    ),
    "V111": Entry(
        "the manifest names a file that is not a plain file name in the folder (a path, a link)",
        "rebuild with folio build; never trust such a release",
    ),
    "V112": Entry("a file in the release folder is not in the manifest", "rebuild, or remove the file"),
    "V113": Entry(
        "an EPUB is not a readable zip, or an entry's name is absolute, has a backslash or leads out",
        "rebuild with folio build; never unpack such a file",
    ),
    "V114": Entry("an EPUB has an entry twice", "rebuild with folio build"),
    # V120–V129: the kinds of file and the catalogue
    "V120": Entry("the manifest lists a file of no kind this builder makes", "rebuild with folio build"),
    "V121": Entry("a cover image is not a readable PNG in portrait", "rebuild with folio build"),
    "V122": Entry(
        "the release's catalog.xml is missing", "rebuild with folio build (the catalogue is written with the manifest)"
    ),
    "V123": Entry("catalog.xml is not the catalogue the manifest and the sums list", "rebuild with folio build"),
    "V124": Entry(
        "catalog.xml is not an OPDS catalogue, or links to a file the release lacks or with the wrong media type",
        "rebuild with folio build",
    ),
    "V125": Entry("catalog.xml does not say what the manifest says", "rebuild with folio build"),
    # K001–K019: a release's files (folio release files)
    "K001": Entry("the release folder has no readable manifest", "build the release first: folio build"),
    # R: folio release merge
    "R001": Entry(
        "a shard's folder has no readable manifest", "give the folders `folio build --shard K/N --out DIR` wrote"
    ),
    "R002": Entry(
        "two shards hold the same work or file",
        "shards must not overlap: build each with its own --shard K/N of the same N",
    ),
    "R003": Entry(
        "the shards were made by different builder versions", "build every shard with the same builder version"
    ),
    "R004": Entry(
        "a shard's file is missing, or not the file its manifest lists", "download the shard again, or rebuild it"
    ),
    "R005": Entry("the merge's --out folder is not empty and not a release folder", "merge into a new folder"),
    # C: the command line
    "C001": Entry("no works found to build", "add a folder with a work.toml under source/"),
    "C002": Entry("no .epub or .pdf files to check", "build first: folio build"),
    "C003": Entry("a path given to check is not an EPUB, a PDF or a folder of them", "give files from dist/"),
    # C010–C019: folio serve
    "C010": Entry(
        "folio serve was given a folder that is not a work's (no work.toml)", "name one: folio serve source/<slug>"
    ),
    "C011": Entry("folio serve cannot serve on the port", "choose another port: folio serve --port 8001"),
    "C012": Entry(
        "the reading engine for folio serve's preview cannot be installed",
        "run scripts/reader --install and read its output",
    ),
    "C013": Entry(
        "folio new was given a --folio that is not a GitHub repository",
        "name it as OWNER/NAME or OWNER/NAME@REF, e.g. --folio someone/folio@v1",
    ),
    "C014": Entry("folio new was given a folder that already has files in it", "name a new folder: folio new NAME"),
}


def lookup(code: str) -> Entry:
    """The catalogue's entry for a code; UnknownCode if it has none."""
    try:
        return CATALOGUE[code]
    except KeyError:
        raise UnknownCode(f"{code!r} is not in the catalogue of codes (builder/codes.py): add it there") from None


def family(code: str) -> str:
    return FAMILIES.get(code[0], f"{code[0]} codes")


def markdown() -> str:
    """docs/errors.md: every code, by family, with its meaning and its fix."""
    lines = [
        "# Errors and their codes",
        "",
        "<!-- Generated by `python -m builder.codes > docs/errors.md` from builder/codes.py; do not edit. -->",
        "",
        "Every problem Folio reports ends with a code in brackets, `[S040]`; an error also says how to fix it.",
        "A source's or a user's error names the file and the line, and the command exits 1; a checker's",
        "finding is listed by `folio check` or `folio verify`, which exit 1 if any failed. An error that is",
        "not the source's fault is a bug: one line, exit 70, and `FOLIO_DEBUG=1` shows its traceback.",
        "The fix printed with an error can name more than the one below: the very key, label or limit.",
        "",
    ]
    letters = sorted(
        {code[0] for code in CATALOGUE},
        key=lambda letter: (list(FAMILIES).index(letter) if letter in FAMILIES else len(FAMILIES), letter),
    )
    for letter in letters:
        lines += [f"## {family(letter)}", "", "| code | what it means | the fix |", "| --- | --- | --- |"]
        for code in sorted(code for code in CATALOGUE if code[0] == letter):
            meaning, fix = (text.replace("|", "\\|") for text in CATALOGUE[code])
            lines.append(f"| `{code}` | {meaning} | {fix} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(markdown())
