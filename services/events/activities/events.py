"""Events the events service emits (events.md catalogue), as pydantic models."""
from __future__ import annotations

from pydantic import AwareDatetime
from wijkwijzer.cloudevents import EventData


class ActivityScheduled(EventData):
    """An organiser put a new activity on the calendar. Public: no personal data,
    so neither the organiser nor the venue's address, only its name."""

    event_type = "activity.scheduled"
    public = True

    id: str
    title: str
    kind: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    location_name: str | None
    online: bool
    topics: list[str]
    focus_areas: list[str]
    organisation: str | None
    capacity: int | None  # None: unlimited
