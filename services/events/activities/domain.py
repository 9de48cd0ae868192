"""Activity rules with no I/O: who manages an activity, what a valid new activity or change is,
cancelling, an activity's status, and the public events they cause.

Each rule takes the stored document and returns what to store (a new document, or a `Change`);
storage.py writes it with its events in one single-document write.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wijkwijzer.cloudevents import EventData
from wijkwijzer.errors import Conflict, Forbidden, Invalid
from wijkwijzer.times import AMSTERDAM

from .events import ActivityCancelled, ActivityScheduled, ActivityUpdated
from .schemas import CHANGEABLE, activity_fields, stored_fields, utc_ms

SCHEDULED, CANCELLED, COMPLETED = "scheduled", "cancelled", "completed"
ORGANISER, ADMIN = "organiser", "admin"
MAX_IDEMPOTENCY_KEY = 200
MAX_REASON = 1000
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")


def in_dutch(moment: datetime) -> str:
    """`moment` as a Dutch reader says it, on the Dutch clock: "12 mei 2030 om 13:30"."""
    local = moment.astimezone(AMSTERDAM)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} om {local:%H:%M}"


@dataclass
class Change:
    """What a rule changes in one activity: the fields to set and the events it causes, written
    only if the stored activity still meets `requires` (conditions besides its version)."""

    set: dict[str, Any]
    events: list[EventData] = field(default_factory=list)
    requires: dict[str, Any] = field(default_factory=dict)


# -- who manages an activity ----------------------------------------------------------------------

def may_manage(organisation: str | None, actor: dict | None) -> bool:
    """Admins manage every activity; an organiser those of the organisation their token names."""
    roles = set((actor or {}).get("roles") or [])
    if ADMIN in roles:
        return True
    return ORGANISER in roles and organisation is not None and (actor or {}).get("organisation") == organisation


def check_manager(doc: dict, actor: dict | None) -> None:
    if not may_manage(doc["organisation"], actor):
        whose = f"the organisation {doc['organisation']!r}" if doc["organisation"] else "no organisation"
        raise Forbidden(f"this activity belongs to {whose}: only its organisers and admins manage it")


# -- an activity's state --------------------------------------------------------------------------

def status_of(doc: dict, now: datetime) -> str:
    """`cancelled`, `completed` once it has ended, else `scheduled` (completion is not stored:
    it is a matter of the clock)."""
    if doc["status"] == CANCELLED:
        return CANCELLED
    return COMPLETED if doc["ends_at"] <= now else SCHEDULED


def closes_at(doc: dict) -> datetime:
    """When registration closes: the deadline, or else the start."""
    return doc.get("registration_deadline") or doc["starts_at"]


def check_open(doc: dict, now: datetime) -> None:
    """Conflict, in words a registrant understands, when registration is closed at `now`."""
    if doc["status"] == CANCELLED:
        raise Conflict("De activiteit is geannuleerd; inschrijven kan niet meer.")
    if doc["starts_at"] <= now:
        raise Conflict("De activiteit is al begonnen; inschrijven kan niet meer.")
    if closes_at(doc) <= now:
        raise Conflict(f"De inschrijving is gesloten: de deadline was {in_dutch(closes_at(doc))}.")


def places_left(doc: dict) -> int | None:
    """Free places (None: unlimited); a place that came free goes to the waitlist first."""
    if doc["capacity"] is None:
        return None
    return 0 if doc.get("waiting", 0) else max(0, doc["capacity"] - doc.get("confirmed", 0))


# -- scheduling -----------------------------------------------------------------------------------

def key_errors(key: Any) -> list[dict]:
    if key is None or (isinstance(key, str) and 0 < len(key) <= MAX_IDEMPOTENCY_KEY):
        return []
    return [{"field": "idempotency_key",
             "message": f"an idempotency key is a string of 1 to {MAX_IDEMPOTENCY_KEY} characters"}]


def new_activity(fields: Any, organiser: Any, now: datetime,
                 idempotency_key: str | None = None) -> tuple[dict, ActivityScheduled]:
    """A new scheduled activity document from request fields, and the event it causes.

    Raises Invalid naming every field that breaks a rule, then Forbidden unless the organiser
    may manage activities of its organisation (left out: the organiser's own). The idempotency
    key is the organiser's (a retried request sends the same one); without one the id stands
    in, so every such request makes a new activity.
    """
    errors = []
    if not (isinstance(organiser, dict) and isinstance(organiser.get("sub"), str) and organiser["sub"]):
        errors.append({"field": "organiser", "message": "the organiser must be a person with a sub"})
        organiser = {}
    errors += key_errors(idempotency_key)
    if isinstance(fields, dict) and "organisation" not in fields and organiser.get("organisation"):
        fields = {**fields, "organisation": organiser["organisation"]}
    request, field_problems = activity_fields(fields)
    errors = field_problems + errors
    if errors:
        raise Invalid("the activity has invalid fields", errors)
    if not may_manage(request.organisation, organiser):
        raise Forbidden("organisers schedule activities of the organisation their token names "
                        f"({organiser.get('organisation') or 'none'}); admins of any")

    now = utc_ms(now)
    activity_id = uuid.uuid4().hex
    doc = {
        "_id": activity_id,
        **stored_fields(request),
        "status": SCHEDULED,
        "organiser": {"sub": organiser["sub"], "name": organiser.get("name")},
        "idempotency_key": idempotency_key or activity_id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "sequence": 0,       # iCalendar SEQUENCE: one more with every change an organiser makes
        # who holds a place and who waits, in order (registration ids); see storage.Activities
        "places": [], "waitlist": [], "confirmed": 0, "waiting": 0, "arrivals": 0, "roster": 0,
        "reminded_for": None,   # the start time the reminders went out for
    }
    return doc, scheduled(doc)


# -- changing and cancelling ----------------------------------------------------------------------

def _check_changeable(doc: dict, actor: dict, now: datetime, based_on: int | None) -> None:
    check_manager(doc, actor)
    if doc["status"] == CANCELLED:
        raise Conflict("De activiteit is geannuleerd; wijzigen kan niet meer.")
    if doc["ends_at"] <= now:
        raise Conflict("De activiteit is al voorbij; wijzigen kan niet meer.")
    if based_on is not None and based_on != doc["version"]:
        raise Conflict(f"De activiteit is intussen gewijzigd (nu versie {doc['version']}); "
                       "laad haar opnieuw en probeer het nog eens.")


def update(doc: dict, changes: Any, actor: dict, now: datetime, based_on: int | None = None) -> Change:
    """An organiser's edit: the fields given change, and the activity as a whole must still be
    valid. Every real change raises the SEQUENCE and is announced; no change writes nothing.
    Capacity may not drop below the confirmed places (checked again by the write itself)."""
    _check_changeable(doc, actor, now, based_on)
    if not isinstance(changes, dict):
        raise Invalid("the changes are not an object", [{"field": "fields", "message": "expected an object"}])
    unknown = [{"field": name, "message": "not a field an organiser may change"}
               for name in changes if name not in CHANGEABLE]
    current = {name: doc.get(name) for name in (*CHANGEABLE, "organisation")}
    request, errors = activity_fields({**current, **changes})
    if unknown or errors:
        raise Invalid("the changes have invalid fields", unknown + errors)
    new = stored_fields(request)
    changed = {name: new[name] for name in CHANGEABLE if new[name] != doc.get(name)}
    if not changed:
        return Change({})
    requires = {}
    capacity, confirmed = new["capacity"], doc.get("confirmed", 0)
    if capacity is not None:
        if capacity < confirmed:
            raise Conflict(f"De capaciteit kan niet lager dan {confirmed}: er zijn al {confirmed} "
                           "bevestigde inschrijvingen.")
        requires = {"confirmed": {"$lte": capacity}}
    now = utc_ms(now)
    after = {**doc, **changed, "updated_at": now, "sequence": doc.get("sequence", 0) + 1}
    return Change({**changed, "updated_at": now, "sequence": after["sequence"]}, [updated(after)], requires)


def cancel(doc: dict, reason: Any, actor: dict, now: datetime) -> Change:
    """The organiser cancels: nobody holds a place or waits any more (the service tells each
    registrant with a `registration.cancelled` in the same write), and the calendar says so."""
    check_manager(doc, actor)
    if not isinstance(reason, str) or not 3 <= len(reason.strip()) <= MAX_REASON:
        raise Invalid("a cancellation needs a reason",
                      [{"field": "reason", "message": f"a text of 3 to {MAX_REASON} characters"}])
    if doc["status"] == CANCELLED:
        raise Conflict("De activiteit is al geannuleerd.")
    if doc["ends_at"] <= now:
        raise Conflict("De activiteit is al voorbij; annuleren kan niet meer.")
    now = utc_ms(now)
    after = {**doc, "sequence": doc.get("sequence", 0) + 1}
    return Change({"status": CANCELLED, "cancel_reason": reason.strip(), "cancelled_at": now, "updated_at": now,
                   "sequence": after["sequence"], "places": [], "waitlist": [], "confirmed": 0, "waiting": 0},
                  [cancelled(after, now)], {"roster": doc.get("roster", 0)})


# -- public events --------------------------------------------------------------------------------

def _content(activity: dict) -> dict:
    return {
        "id": activity["_id"], "title": activity["title"], "kind": activity["kind"],
        "starts_at": activity["starts_at"], "ends_at": activity["ends_at"],
        "location_name": activity["location"]["name"] if activity["location"] else None,
        "online": activity["online_url"] is not None,
        "topics": activity["topics"], "focus_areas": activity["focus_areas"],
        "organisation": activity["organisation"], "capacity": activity["capacity"],
    }


def scheduled(activity: dict) -> ActivityScheduled:
    """The public event announcing `activity`: nothing about the organiser as a person."""
    return ActivityScheduled(**_content(activity))


def updated(activity: dict) -> ActivityUpdated:
    return ActivityUpdated(**_content(activity), sequence=activity["sequence"], updated_at=activity["updated_at"])


def cancelled(activity: dict, at: datetime) -> ActivityCancelled:
    return ActivityCancelled(id=activity["_id"], title=activity["title"], starts_at=activity["starts_at"],
                             sequence=activity["sequence"], cancelled_at=at)
