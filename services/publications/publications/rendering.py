"""Markdown bodies of publications rendered to HTML that is safe to embed in a page.

Publication bodies are written by platform members, so their HTML is untrusted. Rendering is two
steps and the second one is never skipped: markdown-it-py turns Markdown into HTML, then nh3 (the
ammonia sanitiser) keeps only a conservative allow-list of tags, attributes and URLs. The
sanitiser is the security boundary; the Markdown renderer's own link validation is only a first
filter, because raw HTML in Markdown passes through it untouched.

Between the two, raw HTML is made harmless (raw_html.py): no tag can make the sanitiser read the
rest of the body as something other than text and tags (an unclosed <style> used to swallow the
rest of the article). Links may go to https:, http:, mailto: and this site (urls.py). Images
come from this site only: a remote image (Markdown or raw <img>) becomes a link to it, with its
alt text (or "afbeelding") as the link text, so opening a publication fetches nothing from a
third party; inside a link it becomes that text alone. Other images (data: and the like) become
their text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from . import raw_html
from .urls import LINK_SCHEMES, link_target, same_site

__all__ = ["body_html"]

_TAGS = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
})  # fmt: skip

# Elements removed with everything inside them (when closed); merely stripping the tags would
# leave script source, CSS or SVG markup as visible text.
_CONTENT_HIDDEN = frozenset({
    "script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
})  # fmt: skip

_IMAGE_TEXT = "afbeelding"


# CommonMark plus the two GFM extensions authors expect. Raw HTML stays enabled (the preset's
# default): authors paste HTML from other tools, and with it disabled a pasted <script>alert(1)</script>
# would be shown as literal text instead of being removed.
_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# (the alternative chains are the ones markdown-it registers the rule with)
_MARKDOWN.block.ruler.at("html_block", raw_html.html_block, {"alt": ["paragraph", "reference", "blockquote"]})

# The page already renders the publication title as its only <h1>; a second one breaks the
# document outline screen readers navigate by, so Markdown "# Kop" becomes an <h2>. Raw <h1> HTML
# is not on the allow-list: its tags go and its text stays.
_HEADING_RETAG = {"h1": "h2"}

# markdown-it marks table column alignment as style="text-align:…"; style attributes are not
# allowed (they enable UI redressing), so the alignment is carried over to the plain align attribute.
_TEXT_ALIGN = re.compile(r"text-align:\s*(left|center|right)")


def _only_local_images(element: str, attribute: str, value: str) -> str | None:
    # the last word on images: whatever reached the sanitiser with a remote src loses it
    return same_site(value) if (element, attribute) == ("img", "src") else value


# Built once: the Cleaner holds ammonia's compiled configuration, reused for every body.
_SANITISER = nh3.Cleaner(
    tags=set(_TAGS),
    clean_content_tags=set(_CONTENT_HIDDEN),
    attributes={"a": {"href", "title"}, "img": {"src", "alt", "title"}},
    # align restricted to its meaningful values instead of being allowed free-form.
    tag_attribute_values={cell: {"align": {"left", "center", "right"}} for cell in ("th", "td")},
    # Every other scheme (javascript:, data:, vbscript:, file:, …) is removed from href/src;
    # ammonia parses the URL first, so case tricks and entity or whitespace encodings do not help.
    url_schemes=set(LINK_SCHEMES),
    # A URL without a scheme stays only if it stays on this site: not //host, no backslash.
    url_relative=same_site,
    attribute_filter=_only_local_images,
    # nofollow and ugc: the links are user content and must not pass ranking; noopener keeps a
    # linked page from reaching back into ours through window.opener; noreferrer keeps the site a
    # reader goes to from learning which publication they read.
    link_rel="nofollow noopener noreferrer ugc",
    strip_comments=True,
)


def body_html(markdown: str) -> str:
    """Render a publication body from Markdown to sanitised HTML ("" for an empty body)."""
    tokens = _MARKDOWN.parse(markdown)
    _adapt(tokens)
    html = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})
    return _SANITISER.clean(html).strip()


def _adapt(tokens: Sequence[Token]) -> None:
    # Heading, table-cell, HTML-block and inline tokens are block-level, so the top-level token
    # stream holds them all.
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADING_RETAG.get(token.tag, token.tag)
        elif token.type in ("th_open", "td_open"):
            _style_align_to_attribute(token)
        elif token.type == "inline":
            token.children = _local_images(raw_html.harmless(token.children or [], _TAGS, _CONTENT_HIDDEN))
        elif token.type == "html_block":
            inline = _local_images(raw_html.block_tokens(token.content, _TAGS, _CONTENT_HIDDEN))
            token.content = _MARKDOWN.renderer.renderInline(inline, _MARKDOWN.options, {})


def _style_align_to_attribute(token: Token) -> None:
    style = token.attrs.pop("style", None)
    match = _TEXT_ALIGN.search(str(style)) if style else None
    if match:
        token.attrs["align"] = match.group(1)


def _local_images(tokens: Sequence[Token]) -> list[Token]:
    """Inline tokens with every image not from this site replaced by a link to it (or its text)."""
    replaced: list[Token] = []
    depth = 0
    for token in tokens:
        depth = max(0, depth + raw_html.link_depth_change(token))
        src = token.attrGet("src") if token.type == "image" else None
        if src is None or same_site(str(src)) is not None:
            replaced.append(token)
            continue
        alt = _MARKDOWN.renderer.renderInlineAsText(token.children, _MARKDOWN.options, {})
        text = Token("text", "", 0, content=alt or _IMAGE_TEXT)
        href = link_target(str(src))
        if depth or href is None:  # no link inside a link; no link where links may not go
            replaced.append(text)
        else:
            title = {"title": token.attrs["title"]} if "title" in token.attrs else {}
            link = Token("link_open", "a", 1, attrs={"href": href, **title})
            replaced += [link, text, Token("link_close", "a", -1)]
    return replaced
