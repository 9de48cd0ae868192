"""Messages of a question's thread: Markdown in, sanitised HTML out, with no I/O.

Asker and wijkwijze write Markdown; what is shown is HTML that is safe to put in a page. Like
publication bodies: markdown-it-py renders it and nh3 (ammonia) keeps only an allow-list, and
the sanitiser is the boundary. A message is simpler than a publication: raw HTML is not
rendered at all (markdown-it escapes it, so `<script>` shows as text), no images (nothing in a
thread fetches from a third party), headings are not needed, links open as plain links to
http(s) and mailto only.
"""
from __future__ import annotations

import uuid
from datetime import datetime

import nh3
from markdown_it import MarkdownIt

MAX_MESSAGES = 200   # a thread longer than this is a conversation for the phone

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["strikethrough"]) \
    .disable(["image", "heading", "lheading"])
_SANITISER = nh3.Cleaner(
    tags={"p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a"},
    attributes={"a": {"href"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="nofollow noopener noreferrer",
)


def html_of(markdown: str) -> str:
    """A message's Markdown as sanitised HTML."""
    return _SANITISER.clean(_MARKDOWN.render(markdown))


def message(body: str, author: dict, kind: str, now: datetime) -> dict:
    """A thread message; `author` {role: asker|wijkwijze, sub, name}; `kind` message or answer."""
    return {"id": uuid.uuid4().hex, "kind": kind, "author": author, "body": body, "body_html": html_of(body),
            "at": now}
