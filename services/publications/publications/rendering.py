"""Markdown bodies of publications rendered to HTML that is safe to embed in a page.

Publication bodies are written by platform members, so their HTML is untrusted. Rendering is two
steps and the second one is never skipped: markdown-it-py turns Markdown into HTML, then nh3 (the
ammonia sanitiser) keeps only a conservative allow-list of tags, attributes and URLs. The
sanitiser is the security boundary; the Markdown renderer's own link validation is only a first
filter, because raw HTML in Markdown passes through it untouched.

Between the two, raw HTML is made harmless (raw_html.py): no tag can make the sanitiser read the
rest of the body as something other than text and tags (an unclosed <style> used to swallow the
rest of the article). Links may go to https:, http:, mailto: and this site (urls.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from . import raw_html
from .urls import LINK_SCHEMES, same_site

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
            token.children = raw_html.harmless(token.children or [], _TAGS, _CONTENT_HIDDEN)
        elif token.type == "html_block":
            inline = raw_html.block_tokens(token.content, _TAGS, _CONTENT_HIDDEN)
            token.content = _MARKDOWN.renderer.renderInline(inline, _MARKDOWN.options, {})


def _style_align_to_attribute(token: Token) -> None:
    style = token.attrs.pop("style", None)
    match = _TEXT_ALIGN.search(str(style)) if style else None
    if match:
        token.attrs["align"] = match.group(1)

