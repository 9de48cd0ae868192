"""Raw HTML in a Markdown body, made harmless before the sanitiser reads it.

The sanitiser (html5ever inside nh3) reads HTML as a browser does, and some tags change how it
reads everything after them: after <style>, <script>, <textarea>, <title>, <iframe>, <xmp>,
<noembed>, <noframes> or <plaintext> the rest is the element's text up to its end tag (or the end),
after <svg> or <math> it is foreign content, after <template> an inert fragment, after an open
quote in a tag an attribute value. One such tag left open made the rest of an article disappear.
So html5ever never gets to read raw HTML as written. Each piece of it (an `html_inline` token, or
an `html_block` split by markdown-it's own inline HTML rule) is one complete tag, comment or
declaration, or text, and:

- a tag of an element the sanitiser allows stays as written: it is complete, and it is separated
  by HTML's own whitespace only, so html5ever reads the same single tag (an allowed element left
  open nests what follows, but hides none of it);
- a tag of any other element goes and the text around it stays, except that a start tag and the
  first end tag of the same element within one paragraph or HTML block take what is between them
  along when the element's content is no text for a reader (script, style, iframe, svg, …);
- comments, processing instructions, declarations and CDATA go;
- anything else, a `<` that starts none of these included, is text.

A raw <img> becomes an `image` token, so the image rule in rendering.py applies to it as to a
Markdown image. And an HTML block opened by <script>, <style>, <textarea>, <pre>, a comment or a
declaration that never closes is its first line only (`html_block`), so what follows is still
read as Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.common import html_re
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block import html_block as markdown_html_block
from markdown_it.rules_block.html_block import HTML_SEQUENCES
from markdown_it.token import Token

__all__ = ["block_tokens", "harmless", "html_block", "link_depth_change"]

# markdown-it's tag grammar with its \s narrowed to what HTML counts as whitespace. Python's \s
# also matches a no-break space, \v and other Unicode spaces, which html5ever reads as part of a
# name: `<a\xa0title="x><style>">` is one <a> tag to markdown-it, and to html5ever an unknown tag
# ending at the first ">" followed by a real <style>.
_WS = "[ \t\n\f\r]"
_NAME = "[A-Za-z][A-Za-z0-9-]*"
_ATTRIBUTE = f"{_WS}+{html_re.attr_name}(?:{_WS}*={_WS}*{html_re.attr_value})?"
_TAG = re.compile(f"<(?:(?P<end>/)(?P<end_name>{_NAME}){_WS}*|(?P<name>{_NAME})(?:{_ATTRIBUTE})*{_WS}*/?)>")

# Splits an HTML block into inline HTML tokens and text, exactly as markdown-it splits a paragraph
# (and in linear time, which a hand-made loop of regular expressions is not on unclosed comments).
_SPLITTER = MarkdownIt("zero", {"html": True}).enable("html_inline")


def html_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's HTML block, except that one opened by <script>, <style>, <textarea>, <pre>, a
    comment or a declaration whose closing sequence never comes is its first line only. CommonMark
    runs it to the end of the document, which would make the rest of the body raw HTML instead of
    Markdown."""
    if _never_closed(state, start):
        end = start + 1
    return markdown_html_block(state, start, end, silent)


def _never_closed(state: StateBlock, line: int) -> bool:
    text = state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]
    closing = next((close for open_, close, _ in HTML_SEQUENCES if open_.search(text)), None)
    if closing is None or closing.search(""):  # no HTML block, or one that ends at a blank line
        return False
    # where each closing sequence last occurs, found once per document: asking for every line
    # would take quadratic time on a body of many unclosed openers
    last = state.env.setdefault("publications.raw_html.last_close", {})
    if closing.pattern not in last:
        last[closing.pattern] = max((match.start() for match in closing.finditer(state.src)), default=-1)
    return last[closing.pattern] < state.bMarks[line]


def block_tokens(html: str, keep: Collection[str], content_hidden: Collection[str]) -> list[Token]:
    """The content of an `html_block` as inline tokens, made harmless (see `harmless`). Its text is
    HTML as written (entities and all), so it becomes `html_inline` with only "<" escaped."""
    tokens = _SPLITTER.parseInline(html)[0].children or []
    return [
        _as_written(token) if token.type == "text" else token
        for token in harmless(tokens, keep, content_hidden)
    ]


def harmless(tokens: Sequence[Token], keep: Collection[str], content_hidden: Collection[str]) -> list[Token]:
    """Inline tokens with their raw HTML made harmless: tags of elements in `keep` stay, other tags
    go, and so does what is between a start and end tag of an element in `content_hidden` (but
    Markdown's own opening and closing tokens, which must stay balanced)."""
    tags = [_tag(token) for token in tokens]
    hidden = _hidden(tags, content_hidden)
    kept: list[Token] = []
    for token, tag, is_hidden in zip(tokens, tags, hidden, strict=True):
        if is_hidden:
            if token.nesting:
                kept.append(token)
        elif token.type != "html_inline":
            kept.append(token)
        elif tag is None:
            # comments, processing instructions, declarations, CDATA go; a tag html5ever would
            # read differently (see _WS) is shown as the text it is
            if not token.content.startswith(("<!", "<?")):
                kept.append(Token("text", "", 0, content=token.content))
        elif tag[0] in keep:
            kept.append(_image(token.content) if tag == ("img", False) else _marked(token, tag))
    return kept


def link_depth_change(token: Token) -> int:
    """+1 where a link opens (Markdown or a kept raw <a>), -1 where one closes, else 0."""
    if token.type in ("link_open", "link_close"):
        return token.nesting
    if token.meta.get("tag") == "a":
        return -1 if token.meta["end"] else 1
    return 0


def _tag(token: Token) -> tuple[str, bool] | None:
    """(element name, is an end tag) of an `html_inline` token that is one tag html5ever reads as such."""
    match = _TAG.fullmatch(token.content) if token.type == "html_inline" else None
    if not match:
        return None
    return (match["end_name"] or match["name"]).lower(), bool(match["end"])


def _hidden(tags: Sequence[tuple[str, bool] | None], content_hidden: Collection[str]) -> list[bool]:
    """Which positions lie between a start tag of an element in `content_hidden` and its first end
    tag (both included); a start tag without one hides only itself."""
    closing: list[int | None] = [None] * len(tags)
    next_end: dict[str, int] = {}
    for i in range(len(tags) - 1, -1, -1):  # from the back, so each start tag meets its first end
        tag = tags[i]
        if tag and tag[1]:
            next_end[tag[0]] = i
        elif tag and tag[0] in content_hidden:
            closing[i] = next_end.get(tag[0])
    hidden = [False] * len(tags)
    i = 0
    while i < len(tags):
        end = closing[i]
        if end is None:
            i += 1
        else:
            hidden[i : end + 1] = [True] * (end + 1 - i)
            i = end + 1
    return hidden


def _as_written(text: Token) -> Token:
    return Token("html_inline", "", 0, content=text.content.replace("<", "&lt;"))


def _marked(token: Token, tag: tuple[str, bool]) -> Token:
    token.meta = {"tag": tag[0], "end": tag[1]}
    return token


def _image(tag: str) -> Token:
    attributes = _Attributes(tag).found
    alt = attributes.get("alt") or ""
    token = Token("image", "img", 0, content=alt, children=[Token("text", "", 0, content=alt)])
    token.attrs = {name: attributes[name] for name in ("src", "alt", "title") if name in attributes}
    return token


class _Attributes(HTMLParser):
    """The attributes of one complete tag, character references decoded; the first of a name
    counts, as in a browser."""

    def __init__(self, tag: str):
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}
        self.feed(tag)
        self.close()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            self.found.setdefault(name, value or "")

    handle_startendtag = handle_starttag
