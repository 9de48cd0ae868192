"""Registration rules with no I/O: a new registration and its secret token, who may see or cancel
it, how it gets a place or a spot on the waitlist, promotions, reminders, and what its stored
status should say.

Who holds a place is decided in the activity document alone (storage.Activities): `places` and
`waitlist` list registration ids in order, `confirmed` and `waiting` count them, and every
change to them is one conditional single-document write that carries its events. So capacity
holds under any concurrency, the waitlist keeps arrival order, and a promotion happens once.
The registration document holds the person (name, e-mail address, the hash of their token) and
mirrors its status; `settled` says what it should mirror, and whoever changed the places (or,
after a crash, the consumer of the event that change sent) brings it in line.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wijkwijzer.cloudevents import EventData
from wijkwijzer.errors import Conflict, Forbidden, Invalid

from . import domain
from .events import (
    ActivityReminderDue,
    RegistrationCancelled,
    RegistrationConfirmed,
    RegistrationPromoted,
    RegistrationWaitlisted,
)
from .schemas import registrant, utc_ms

PENDING, CONFIRMED, WAITLISTED, CANCELLED, ATTENDED = "pending", "confirmed", "waitlisted", "cancelled", "attended"
SHOWN = (CONFIRMED, WAITLISTED, CANCELLED, ATTENDED)   # a pending registration has no place yet: not listed
TOKEN_BYTES = 32   # secrets.token_urlsafe: 43 characters, 256 bits
FREE, FULL, QUEUE = "free", "full", "queue"   # the conditions of storage.Activities.place


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256, so a reader of the database cannot use it (a token
    is 256 random bits: no salt or slow hash needed against guessing)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_registration(activity: dict, fields: Any, member: dict | None, now: datetime,
                     attempt: str | None = None) -> tuple[dict, str | None]:
    """A registration document, not placed yet, and the registrant's secret token (None for a
    member, who manages it signed in). Conflict when registration is closed. `attempt`: the
    caller's random id of this request (the gateway's), by which a repeat of the same call is
    told from a second registration."""
    domain.check_open(activity, now)
    if problems := domain.key_errors(attempt):
        raise Invalid("the registration has invalid fields", problems)
    given = fields if isinstance(fields, dict) else {}
    if member:   # name and address from the token; the body may fill in what the token lacks
        given = {"name": member.get("name") or given.get("name"), "email": member.get("email") or given.get("email")}
        if not given["email"]:
            raise Invalid("the registration has invalid fields",
                          [{"field": "email", "message": "your account has no e-mail address: give one"}])
    elif not isinstance(fields, dict):
        raise Invalid("the registration has invalid fields", [{"field": "fields", "message": "expected an object"}])
    person = registrant(given)
    email = person.email.lower()   # one registration per address, however it is typed
    token = None if member else secrets.token_urlsafe(TOKEN_BYTES)
    registration_id = uuid.uuid4().hex
    return {
        "_id": registration_id,
        "activity_id": activity["_id"],
        "name": person.name,
        "email": email,
        "member": member["sub"] if member else None,
        "token_hash": token_hash(token) if token else None,
        "status": PENDING,
        # unique: one live registration per address and activity; a cancelled one's is its own id
        "holder": f"{activity['_id']}/{email}",
        "registered_at": utc_ms(now),
        "arrival": None,
        "attempt": attempt,
    }, token


def is_registrant(registration: dict, token: str | None, member: dict | None) -> bool:
    """The member who registered, or whoever holds the token (compared in constant time)."""
    if member and registration.get("member") and member.get("sub") == registration["member"]:
        return True
    stored = registration.get("token_hash")
    return isinstance(token, str) and stored is not None and hmac.compare_digest(token_hash(token), stored)


def check_registrant(registration: dict, token: str | None, member: dict | None) -> None:
    if not is_registrant(registration, token, member):
        raise Forbidden("only the registrant manages a registration: sign in as them, or use the token "
                        "from the confirmation")


# -- places ---------------------------------------------------------------------------------------

@dataclass
class Placement:
    """One conditional write that may place a registration: its status if it holds, the condition
    on the activity's places (FREE, FULL or QUEUE, see storage.Activities.place) and its events."""

    status: str
    condition: str
    events: list[EventData]


def _person(activity: dict, registration: dict) -> dict:
    return {"registration_id": registration["_id"], "activity_id": activity["_id"],
            "activity_title": activity["title"], "starts_at": activity["starts_at"], "ends_at": activity["ends_at"],
            "name": registration["name"], "email": registration["email"], "member": registration.get("member")}


def reminded(activity: dict) -> bool:
    """Have the reminders for the activity's current start gone out?"""
    return activity.get("reminded_for") is not None and activity["reminded_for"] == activity["starts_at"]


def placements(activity: dict, registration: dict, now: datetime) -> list[Placement]:
    """The writes to try to place a new registration: a free place when nobody waits; else the end
    of the waitlist (because the activity is full, or others wait already). The first is the one
    the activity as read says will hold; the others are for when it changed meanwhile."""
    now = utc_ms(now)
    confirmed = [RegistrationConfirmed(**_person(activity, registration), confirmed_at=now)]
    if reminded(activity):   # the reminders went out already: this registrant's goes now
        confirmed.append(reminder(activity, registration))
    waitlisted = [RegistrationWaitlisted(**_person(activity, registration), waitlisted_at=now)]
    free = Placement(CONFIRMED, FREE, confirmed)
    wait = [Placement(WAITLISTED, FULL, waitlisted), Placement(WAITLISTED, QUEUE, waitlisted)]
    if domain.places_left(activity) == 0:   # full as read: a free place is the unlikely case
        return [*wait, free]
    return [free, *wait]


def next_to_promote(activity: dict, now: datetime) -> str | None:
    """The registration that should get a place now (the first on the waitlist), if any: places
    are free (or unlimited) and the activity has not started."""
    if activity["status"] != domain.SCHEDULED or activity["starts_at"] <= now or not activity.get("waitlist"):
        return None
    if activity["capacity"] is not None and activity.get("confirmed", 0) >= activity["capacity"]:
        return None
    return activity["waitlist"][0]


def promoted(activity: dict, registration: dict, now: datetime) -> list[EventData]:
    events: list[EventData] = [RegistrationPromoted(**_person(activity, registration), confirmed_at=utc_ms(now))]
    if reminded(activity):
        events.append(reminder(activity, registration))
    return events


def where(activity: dict, registration_id: str) -> str | None:
    """The list of the activity that holds the registration: "places", "waitlist" or None."""
    if registration_id in activity.get("places", []):
        return "places"
    if registration_id in activity.get("waitlist", []):
        return "waitlist"
    return None


def check_cancellable(registration: dict, activity: dict, now: datetime) -> None:
    if registration["status"] == ATTENDED:
        raise Conflict("Je aanwezigheid is al geregistreerd; afmelden kan niet meer.")
    if registration["status"] == PENDING:
        raise Conflict("De inschrijving wordt nog verwerkt; probeer het zo nog eens.")
    if registration["status"] != CANCELLED and activity["starts_at"] <= now:
        raise Conflict("De activiteit is al begonnen; afmelden kan niet meer.")


def departed(activity: dict, registration: dict, now: datetime, was: str,
             reason: str = "registrant", note: str | None = None) -> RegistrationCancelled:
    return RegistrationCancelled(**_person(activity, registration), reason=reason, note=note,
                                 was=CONFIRMED if was == "places" else WAITLISTED, cancelled_at=utc_ms(now))


def check_attendance(registration: dict, activity: dict) -> None:
    if activity["status"] == domain.CANCELLED:
        raise Conflict("De activiteit is geannuleerd; aanwezigheid registreren kan niet.")
    if registration["status"] != ATTENDED and where(activity, registration["_id"]) != "places":
        raise Conflict("Alleen wie een bevestigde plaats heeft, kan als aanwezig worden gemarkeerd.")


def settled(registration: dict, activity: dict) -> str | None:
    """The status the registration document should have, given the activity's places; None when
    it is right as it is, or cannot be told from the places (a pending one not placed yet)."""
    held = where(activity, registration["_id"])
    status = registration["status"]
    if held == "places":
        wanted = ATTENDED if status == ATTENDED else CONFIRMED
    elif held == "waitlist":
        wanted = WAITLISTED
    elif status in (CONFIRMED, WAITLISTED):
        wanted = CANCELLED   # it left the places: cancelled by its registrant or with the activity
    else:
        return None
    return None if wanted == status else wanted


def position(activity: dict, registration_id: str) -> int | None:
    """1 for the first on the waitlist; None when not waiting."""
    waitlist = activity.get("waitlist", [])
    return waitlist.index(registration_id) + 1 if registration_id in waitlist else None


# -- reminders ------------------------------------------------------------------------------------

REMINDER_NAMESPACE = uuid.UUID("6f1d1f0e-3a0b-4c55-9b8e-7d1c2a4e5f60")


def reminder(activity: dict, registration: dict) -> ActivityReminderDue:
    location = activity["location"] or {}
    return ActivityReminderDue(**_person(activity, registration), location_name=location.get("name"),
                               location_address=location.get("address"), municipality=location.get("municipality"),
                               online_url=activity["online_url"])


def event_id(data: EventData) -> str | None:
    """A fixed event id for a reminder (one per registration and start time), so a second copy,
    from whichever replica or sweep, is dropped by consumers; None: a fresh id."""
    if isinstance(data, ActivityReminderDue):
        return str(uuid.uuid5(REMINDER_NAMESPACE, f"{data.registration_id}/{data.starts_at.isoformat()}"))
    return None
