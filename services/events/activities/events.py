"""Events the events service emits (events.md catalogue), as pydantic models.

Public events (`activity.*` but the reminder) go to partners too: what anyone may read on the
calendar, nothing about people (no organiser, no registrant, no address, no organiser's note).
Internal events (`registration.*`, `activity.reminder_due`) carry the registrant's name and
e-mail address so that notifications can reach them, but never their secret token: the
service keeps only its hash (registering.py).
"""
from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field
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


class ActivityUpdated(ActivityScheduled):
    """An organiser changed an activity. Public. `sequence` is its iCalendar SEQUENCE and grows
    with every change, so a partner ignores an update with a lower one than it has."""

    event_type = "activity.updated"
    public = True

    sequence: int
    updated_at: AwareDatetime


class ActivityCancelled(EventData):
    """An organiser cancelled an activity; every registrant is told by a `registration.cancelled`
    of their own. Public: the organiser's reason is not in it (free text may name people)."""

    event_type = "activity.cancelled"
    public = True

    id: str
    title: str
    starts_at: AwareDatetime
    sequence: int
    cancelled_at: AwareDatetime


class Registrant(EventData):
    """Who a registration event is about, and the activity, so a notice needs nothing else.
    Internal: it names a person."""

    registration_id: str
    activity_id: str
    activity_title: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    name: str
    email: str
    member: str | None = Field(description="the account (sub) of a signed-in registrant; null: anonymous")


class RegistrationConfirmed(Registrant):
    """Internal: the registrant has a place."""

    event_type = "registration.confirmed"

    confirmed_at: AwareDatetime


class RegistrationWaitlisted(Registrant):
    """Internal: the activity was full; the registrant waits, in arrival order, for a place."""

    event_type = "registration.waitlisted"

    waitlisted_at: AwareDatetime


class RegistrationPromoted(Registrant):
    """Internal: a place came free (a cancellation, more capacity) and went to the registrant who
    waited longest. Sent once per registration."""

    event_type = "registration.promoted"

    confirmed_at: AwareDatetime


class RegistrationCancelled(Registrant):
    """Internal: the registration ends: the registrant cancelled it, or the organiser cancelled
    the activity (`note`: the organiser's reason)."""

    event_type = "registration.cancelled"

    reason: Literal["registrant", "activity_cancelled"]
    note: str | None
    was: Literal["confirmed", "waitlisted"] = Field(description="what the registration was until now")
    cancelled_at: AwareDatetime


class ActivityReminderDue(Registrant):
    """Internal: the activity starts within 24 hours; remind this confirmed registrant. Once per
    registrant and start time: the event id is derived from both, so a repeat is dropped."""

    event_type = "activity.reminder_due"

    location_name: str | None
    location_address: str | None
    municipality: str | None
    online_url: str | None


class RegistrationRequested(EventData):
    """Internal, for this service alone: a registration was stored and waits for its place. The
    request that stored it takes this event back out once it placed the registration, so it is
    published only when that request died on the way (the outbox relay finds it), and this
    service's consumer of it places the registration then."""

    event_type = "registration.requested"

    registration_id: str
    activity_id: str
