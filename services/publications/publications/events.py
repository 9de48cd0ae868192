"""Events the publications service emits (events.md catalogue), as pydantic models."""
from __future__ import annotations

from pydantic import AwareDatetime
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
