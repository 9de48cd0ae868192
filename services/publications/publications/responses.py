"""What the publications service answers (views.py makes every answer through these models).

The gateway passes these answers on to clients, so the JSON Schemas of these models, generated
into the gateway (`python -m wijkwijzer.responses`, docs/development.md), are the API's
contract. Slugs of the taxonomy are plain strings here: a publication keeps a slug that a later
taxonomy version drops, and must still be shown.
"""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field
from wijkwijzer.responses import Answer, Page
from wijkwijzer.times import Rfc3339

from .domain import QUEUE_REASONS
from .workflow import STATUSES

Status = Literal[STATUSES]
QueueReason = Literal[QUEUE_REASONS]
WORKFLOW = "shown to its author and editors only"


class PublicationLink(Answer):
    title: str
    url: str


class PublicationAuthor(Answer):
    """The account that created the publication."""

    sub: str
    name: str | None


class PublicationChangedFields(Answer):
    """The fields a revision changes; the others stay as published."""

    title: str = None
    summary: str = None
    body: str = None
    kind: str = None
    topics: list[str] = None
    audiences: list[str] = None
    focus_areas: list[str] = None
    organisation: str | None = None
    authors: list[str] = None
    links: list[PublicationLink] = None
    review_due: date | None = None


class Revision(Answer):
    """An author's edit of a published publication, waiting for an editor (or sent back)."""

    fields: PublicationChangedFields
    status: Literal["pending", "changes_requested"]
    by: str = Field(description="the account (sub) that proposed it")
    at: Rfc3339
    note: str | None = Field(description="the editor's note when sent back")


class Flag(Answer):
    """A reader's flag. Editors see its id and who flagged (an account, or a hash of an address)."""

    id: str = None
    reason: str
    at: Rfc3339
    status: Literal["open", "dismissed", "upheld"]
    reporter: str = None


class Publication(Answer):
    """A publication as its reader may see it: everyone the published text; its author and
    editors also where it is in the workflow."""

    id: str
    slug: str
    title: str
    summary: str
    body: str = Field(description="Markdown")
    body_html: str = Field(description="the body as sanitised HTML")
    kind: str
    topics: list[str]
    audiences: list[str]
    focus_areas: list[str]
    organisation: str | None
    authors: list[str]
    links: list[PublicationLink]
    review_due: date | None = Field(description="when editors check it again (set on publication)")
    status: Status
    created_at: Rfc3339
    updated_at: Rfc3339
    published_at: Rfc3339 | None
    author: PublicationAuthor = Field(None, description=WORKFLOW)
    hidden: bool = Field(None, description=f"hidden by readers' flags until an editor decides; {WORKFLOW}")
    open_flags: int = Field(None, ge=0, description=WORKFLOW)
    revision: Revision | None = Field(None, description=WORKFLOW)
    due_for_review: bool = Field(None, description=f"its review date passed; {WORKFLOW}")
    queue: list[QueueReason] = Field(None, description=f"why it is in the review queue; {WORKFLOW}")
    version: int = Field(None, ge=1, description=f"send it with an edit (PATCH); {WORKFLOW}")
    flags: list[Flag] = Field(None, description=f"readers' flags, on GET; {WORKFLOW}")


class PublicationListed(Answer):
    """A publication in a search result or the review queue."""

    id: str
    slug: str
    title: str
    summary: str
    kind: str
    topics: list[str]
    audiences: list[str]
    focus_areas: list[str]
    organisation: str | None
    authors: list[str]
    status: Status
    review_due: date | None
    created_at: Rfc3339
    updated_at: Rfc3339
    published_at: Rfc3339 | None
    hidden: bool = Field(None, description="editors only")
    open_flags: int = Field(None, ge=0, description="editors only")
    due_for_review: bool = Field(None, description="editors only")
    queue: list[QueueReason] = Field(None, description="why it is in the review queue; editors only")


class Facets(Answer):
    """How many results have each value (values none has left out), most first."""

    topic: dict[str, int] = Field(description="topic slug: number of results")
    kind: dict[str, int] = Field(description="publication kind: number of results")


class SearchPage(Page[PublicationListed]):
    """Publications found, best or newest first."""

    total: int = Field(ge=0, description="results in all pages")
    facets: Facets


class ReviewQueuePage(Page[PublicationListed]):
    """What waits for an editor, oldest first; each item's `queue` says why."""


class AuthoredPublication(Answer):
    """One of the caller's own publications, in their list of them."""

    id: str
    slug: str
    title: str
    kind: str
    status: Status
    revision: Literal["pending", "changes_requested"] | None = Field(
        description="an edit of the published text: `pending` while it waits for an editor, "
                    "`changes_requested` when sent back; null: none")
    created_at: Rfc3339
    updated_at: Rfc3339 = Field(description="its last change (the list's order)")
    published_at: Rfc3339 | None


class AuthoredPage(Page[AuthoredPublication]):
    """The caller's own publications in every status, newest change first."""


class HistoryEntry(Answer):
    at: Rfc3339
    by: str = Field(description="the account (sub) that acted, or `system`")
    action: str = Field(description="what happened: created, submitted, published, edited, "
                                    "revision_proposed, ...")
    note: str | None


class PublicationHistory(Answer):
    id: str
    status: Status
    history: list[HistoryEntry] = Field(description="oldest first")


class FlagReceived(Answer):
    """A reader's new flag, and what it did to the publication."""

    id: str
    publication_id: str
    reason: str
    status: Literal["open"]
    open_flags: int = Field(ge=0, description="open flags of the publication now")
    hidden: bool = Field(description="whether the open flags hide the publication until an editor decides")

