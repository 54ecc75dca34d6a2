"""The model's tokens → (X)HTML for the templates: note calls through the templates' macro,
links to the file that holds their target, images where each edition keeps them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markupsafe import Markup

from ..source.model import Note
from ..source.text import MD


def _render_note_call(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    return str(env["note_call"](env["notes"][tokens[idx].meta["label"]]))


def _render_page_break(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    """Where a page of the printed source begins, written by the templates' macro: a page
    break a reading system lists, a number in a printed page's margin."""
    token = tokens[idx]
    label, page_id = token.meta["label"], str(token.attrGet("id") or "")
    if env.get("page_break") is not None:
        return str(env["page_break"](label, page_id))
    named = Markup(' id="{}"').format(page_id) if page_id else ""
    return str(Markup('<span{} class="page-break" role="doc-pagebreak" aria-label="{}"></span>').format(named, label))


def _render_link(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    """A link to an id of the work points at the file that holds it (EPUB parts are files)."""
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    files = env.get("files")
    if files and href.startswith("#") and href[1:] in files:
        token = token.copy()  # the model's tokens serve every edition: change a copy
        token.attrSet("href", f"{files[href[1:]]}{href}")
    return str(self.renderToken([token], 0, options, env))


def _render_image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    """An image, named by its file in the work's folder; each edition says where that is."""
    token = tokens[idx].copy(attrs=dict(tokens[idx].attrs))  # the model's tokens serve every edition
    token.attrSet("src", f"{env.get('images') or ''}{token.attrGet('src')}")
    return str(self.image([token], 0, options, env))


def _render_ordered_list(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    """A list that starts past 1 also says so to the list-item counter: WeasyPrint 70.0 does not
    read the `start` attribute (its print edition numbered "5., 6." as "1., 2."), and a reading
    system that does sets the counter to the same number."""
    token = tokens[idx]
    start = token.attrGet("start")
    if start is not None and str(start).lstrip("-").isdigit() and int(start) != 1:
        token = token.copy(attrs=dict(token.attrs))  # the model's tokens serve every edition
        token.attrSet("style", f"counter-reset: list-item {int(start) - 1}")
    return str(self.renderToken([token], 0, options, env))


def _renderer() -> RendererHTML:
    """The parser's renderer (with its plugins' rules), and the rules of our own."""
    assert isinstance(MD.renderer, RendererHTML)
    renderer = RendererHTML()
    renderer.rules = dict(MD.renderer.rules)
    for name, rule in {
        "footnote_ref": _render_note_call,
        "page_break": _render_page_break,
        "link_open": _render_link,
        "image": _render_image,
        "ordered_list_open": _render_ordered_list,
    }.items():
        renderer.rules[name] = rule.__get__(renderer)
    return renderer


RENDERER = _renderer()


def render(
    tokens: list[Token],
    notes: dict[str, Note] | None = None,
    note_call: Callable[[Note], Markup] | None = None,
    *,
    phrasing: bool = False,
    lead: Markup | None = None,
    files: dict[str, str] | None = None,
    images: str | None = None,
    page_break: Callable[[str, str], Markup] | None = None,
) -> Markup:
    """Render tokens to XHTML for a template.

    `note_call` is the template macro that writes a note's call; `phrasing` sets block
    elements as spans, for a note that must sit inside its paragraph (a printed page's
    footnote floats from its call); `lead` is markup set at the start of the first block
    (a note's number, linking back to its call); `files` maps ids to the file that holds
    them, where the edition has several; `images` is where the edition keeps the work's images;
    `page_break` is the template macro that marks where a page of the printed source begins
    (given its label and id).
    """
    env = {"notes": notes or {}, "note_call": note_call, "files": files, "images": images, "page_break": page_break}
    if lead is not None:
        tokens = _with_lead(tokens, lead)
    if phrasing:
        tokens = [_as_span(token) for token in tokens]
    return Markup(RENDERER.render(tokens, MD.options, env))


def _with_lead(tokens: list[Token], lead: Markup) -> list[Token]:
    first_inline = next((i for i, token in enumerate(tokens) if token.type == "inline"), None)
    mark = Token("html_inline", "", 0, content=str(lead))
    if first_inline is None:
        return [Token("inline", "", 0, children=[mark]), *tokens]
    inline = tokens[first_inline]
    copy = inline.copy(children=[mark, *(inline.children or [])])
    return [*tokens[:first_inline], copy, *tokens[first_inline + 1 :]]


def _as_span(token: Token) -> Token:
    if not token.block or token.nesting == 0:
        return token
    span = token.copy(tag="span", block=False)
    if token.nesting == 1:
        span.attrJoin("class", token.tag)
    return span
