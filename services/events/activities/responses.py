"""What the events service answers (views.py makes every answer through these models).

The gateway passes these answers on to clients, so the JSON Schemas of these models, generated
into the gateway (`python -m wijkwijzer.responses`, docs/development.md), are the API's
contract. Slugs of the taxonomy are plain strings: an activity keeps a slug that a later
taxonomy version drops, and must still be shown.
"""
from __future__ import annotations

from typing import Literal

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
    places_left: int | None = Field(ge=0, description="free places; null: unlimited. A place that comes "
                                                      "free goes to the first on the waitlist")
    waitlisted: int = Field(ge=0, description="registrations waiting for a place")
    registration_deadline: Rfc3339 | None = Field(description="registration closes then; null: at the start")
    registration_open: bool
    online_url: str | None
    location: ActivityLocation | None = Field(description="where it takes place; null: online only")
    status: Literal["scheduled", "cancelled", "completed"] = Field(
        description="`completed` once it has ended")
    cancel_reason: str = Field(None, description="the organiser's reason; only when cancelled")
    cancelled_at: Rfc3339 = Field(None, description="only when cancelled")
    organiser: ActivityOrganiser
    created_at: Rfc3339
    updated_at: Rfc3339
    version: int = Field(ge=1)
    sequence: int = Field(ge=0, description="its iCalendar SEQUENCE: one more with every change")


class ActivitiesPage(Page[Activity]):
    """Activities, soonest first."""


class OrganisedActivity(Answer):
    """One of the organisation's activities, as its organisers see it in their list."""

    id: str
    title: str
    kind: str
    starts_at: Rfc3339
    ends_at: Rfc3339
    status: Literal["scheduled", "cancelled", "completed"] = Field(description="`completed` once it has ended")
    cancelled_at: Rfc3339 = Field(None, description="only when cancelled")
    capacity: int | None = Field(ge=1, description="places; null: unlimited")
    registered: int = Field(ge=0, description="registrations holding a place (confirmed, or marked attended)")
    waitlisted: int = Field(ge=0, description="registrations waiting for a place")
    places_left: int | None = Field(ge=0, description="free places; null: unlimited")
    updated_at: Rfc3339


class OrganisedPage(Page[OrganisedActivity]):
    """The activities of the caller's organisation in every state, latest start first."""

    organisation: str | None = Field(description="the organisation the caller's token names; null: none, "
                                                 "so no activities")


class Registration(Answer):
    """A registration as its registrant and the activity's organisers see it."""

    id: str
    activity_id: str
    name: str
    email: str
    member: bool = Field(description="made by a signed-in member (managed by signing in, not by a token)")
    status: Literal["confirmed", "waitlisted", "cancelled", "attended"]
    position: int | None = Field(ge=1, description="place on the waitlist (1: next to get a place); "
                                                   "null unless waitlisted")
    arrival: int | None = Field(ge=1, description="the order in which registrations were placed")
    registered_at: Rfc3339
    confirmed_at: Rfc3339 = Field(None, description="when it got a place (directly or from the waitlist)")
    waitlisted_at: Rfc3339 = None
    cancelled_at: Rfc3339 = None
    attended_at: Rfc3339 = None


class NewRegistration(Registration):
    token: str = Field(None, description="for an anonymous registrant only, shown once: the secret that "
                                         "lets them see and cancel the registration (`?token=`). Keep it")


class RegistrationsPage(Page[Registration]):
    """An activity's registrations in arrival order."""
