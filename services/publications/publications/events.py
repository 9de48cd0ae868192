"""Events the publications service emits (events.md catalogue) and the one it consumes.

Public events go to partners too, so they carry what a reader of the published
publication may see and nothing about the people behind it. Internal events may
name the author's account, for notifications to reach them.
"""
from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from wijkwijzer.cloudevents import EventData


class PublicationSubmitted(EventData):
    """An author asked editors to review a publication. Public: no personal data."""

    event_type = "publication.submitted"
    public = True

    id: str
    slug: str
    title: str
    kind: str
    topics: list[str]
    audiences: list[str]
    focus_areas: list[str]
    organisation: str | None
    submitted_at: AwareDatetime


class PublicationContent(EventData):
    """What partners may show of a publication that is visible to everyone."""

    id: str
    slug: str
    title: str
    summary: str
    kind: str
    topics: list[str]
    audiences: list[str]
    focus_areas: list[str]
    organisation: str | None
    published_at: AwareDatetime


class PublicationPublished(PublicationContent):
    """An editor published a publication: it is visible to everyone. Public."""

    event_type = "publication.published"
    public = True


class PublicationUpdated(PublicationContent):
    """The visible text of a published publication changed (an approved revision or an
    editor's edit). Public. `version` grows with every change, so a partner can ignore a
    stale update that arrives late."""

    event_type = "publication.updated"
    public = True

    version: int
    updated_at: AwareDatetime


class PublicationWithdrawn(EventData):
    """A published publication is no longer visible. Public."""

    event_type = "publication.withdrawn"
    public = True

    id: str
    slug: str
    withdrawn_at: AwareDatetime


class EditorDecision(EventData):
    """An editor turned down a submission or a pending revision, with a note for its author."""

    id: str
    slug: str
    title: str
    author_sub: str
    note: str
    revision: bool = Field(description="true when the decision was about a pending revision "
                                       "of a published publication, not a new submission")
    decided_at: AwareDatetime


class PublicationChangesRequested(EditorDecision):
    """Internal: the author is asked to change the publication (see `note`)."""

    event_type = "publication.changes_requested"


class PublicationRejected(EditorDecision):
    """Internal: the submission or revision will not be published."""

    event_type = "publication.rejected"


class PublicationFlagged(EventData):
    """Internal: a reader flagged a publication. At 3 open flags it is hidden."""

    event_type = "publication.flagged"

    id: str
    slug: str
    title: str
    organisation: str | None
    reason: str
    open_flags: int
    hidden: bool
    flagged_at: AwareDatetime


class PublicationReviewDue(EventData):
    """Internal: the publication's review date passed; the owning organisation's editors
    should check that it is still right. Sent once per review date."""

    event_type = "publication.review_due"

    id: str
    slug: str
    title: str
    organisation: str | None
    author_sub: str
    review_due: date


class PublicationChanged(EventData):
    """Internal, for this service's own read models (the search index, the review calendar):
    the stored publication changed, read it again. Every write sends one, so a read model that
    rebuilds its entry from the publication as it is now is current whatever the order in
    which these arrive, and however often."""

    event_type = "publication.changed"

    id: str
    version: int


class QuestionAnsweredWithConsent(BaseModel):
    """The part of the helpdesk's `question.answered_with_consent` event this service reads.

    The helpdesk owns the event: its model, and the schema generated from it
    (docs/events/schemas/question.answered_with_consent.json), which tests/unit/test_event_schemas.py
    holds this reader to. Anything else the event carries is ignored, so nothing but the
    question, its answer, topics and focus area can end up in a publication."""

    model_config = ConfigDict(extra="ignore")

    question_id: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(max_length=20_000)
    answer: str = Field(min_length=1, max_length=50_000)
    topics: list[str] = Field(default_factory=list)
    focus_area: str | None = None
