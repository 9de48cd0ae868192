"""What the events service answers (service.py makes every answer through these models).

The gateway passes these answers on to clients, so the JSON Schemas of these models, generated
into the gateway (`python -m wijkwijzer.responses`, docs/development.md), are the API's
contract. Slugs of the taxonomy are plain strings: an activity keeps a slug that a later
taxonomy version drops, and must still be shown.
"""
from __future__ import annotations

from pydantic import Field
from wijkwijzer.responses import Answer, Page
from wijkwijzer.times import Rfc3339


class ActivityLocation(Answer):
    name: str
    address: str
    municipality: str


class ActivityOrganiser(Answer):
    sub: str = Field(description="the organiser's account")
    name: str | None


class Activity(Answer):
    id: str
    title: str
    description: str
    kind: str
    starts_at: Rfc3339
    ends_at: Rfc3339
    topics: list[str]
    focus_areas: list[str]
    audiences: list[str]
    organisation: str | None
    capacity: int | None = Field(ge=1, description="places; null: unlimited")
    online_url: str | None
    location: ActivityLocation | None = Field(description="where it takes place; null: online only")
    status: str = Field(description="`scheduled`")
    organiser: ActivityOrganiser
    created_at: Rfc3339
    updated_at: Rfc3339
    version: int = Field(ge=1)


class ActivitiesPage(Page[Activity]):
    """Upcoming activities, soonest first."""
