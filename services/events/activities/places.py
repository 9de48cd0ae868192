"""Placing registrations, promoting from the waitlist, leaving, cancelling an activity, reminding:
the steps that change who holds a place, each a conditional write of the activity document with
its events (storage.Activities), followed by the registration documents it concerns.

Every step is idempotent and can be run again by anyone, so a process that dies between two
steps leaves nothing wrong for long:

- a registration is stored (pending) with a `registration.requested` event that its request
  takes back once the registration is placed; if the request died first, the outbox relay
  publishes it and the service's consumer places the registration (`settle`);
- a place freed (a cancellation, more capacity) is followed by `promote`; the consumers of the
  service's own `registration.cancelled` and `activity.updated` promote again, which does
  nothing when nothing is free or nobody waits;
- the registration documents mirror what the activity says (`mirror`); the consumers of
  `registration.promoted` and `registration.cancelled` mirror again.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pymongo.database import Database
from wijkwijzer.cloudevents import CloudEvent, EventData
from wijkwijzer.due import HOUR
from wijkwijzer.errors import Conflict, NotFound
from wijkwijzer.outbox import OutboxSender

from . import domain, registering, reminders
from .registering import CANCELLED, CONFIRMED, PENDING, WAITLISTED
from .storage import COLLECTION, Activities, Registrations

log = logging.getLogger(__name__)

ATTEMPTS = 20   # reads of an activity that changed under a step before it gives up (Conflict)
Wrap = Callable[[list[EventData]], list[CloudEvent]]


class Places:
    def __init__(self, db: Database, outbox: OutboxSender, wrap: Wrap):
        self.activities, self.registrations = Activities(db), Registrations(db)
        self.outbox, self.wrap = outbox, wrap

    def write(self, activity_id: str, data: list[EventData], step: Callable[..., dict | None], *args: Any) -> dict | None:
        """One conditional write of the activity, `step(*args, events)` (a method of
        storage.Activities), with its events; the activity as it left it, or None when the
        condition did not hold (nothing written, nothing sent)."""
        events = self.wrap(data)
        token = self.outbox.expect(COLLECTION, activity_id)
        written = step(*args, events)   # an error leaves the mark: the relay publishes whatever was stored
        self.outbox.send(COLLECTION, activity_id, events if written else [], token)
        return written

    # -- registrations ----------------------------------------------------------------------------

    def place(self, registration: dict, now: datetime, at: datetime | None = None) -> tuple[dict, dict]:
        """Give a pending registration a place or a spot at the end of the waitlist, checking that
        registration is open at `at` (default: now). Returns (activity, registration) as they are
        now. Conflict when it is closed: the registration is then cancelled, it never had a place."""
        activity_id, registration_id = registration["activity_id"], registration["_id"]
        for _ in range(ATTEMPTS):
            activity = self.activities.find(activity_id)
            if registering.where(activity, registration_id):
                return activity, self.mirror(registration, activity, now)   # placed by someone else
            try:
                domain.check_open(activity, at or now)
                if activity["starts_at"] <= now:
                    raise Conflict("De activiteit is al begonnen; inschrijven kan niet meer.")
            except Conflict:
                self.registrations.settle(registration, CANCELLED, now)
                raise
            for placement in registering.placements(activity, registration, now):
                placed = self.write(activity_id, placement.events, self.activities.place,
                                    activity, registration_id, placement.condition)
                if placed:
                    registration = self.mirror(registration, placed, now, arrival=placed["arrivals"])
                    # a place came free meanwhile (a cancellation between the read and this write)?
                    if placement.status == WAITLISTED and (after := self.promote(activity_id, now)):
                        placed, registration = after, self.registrations.get(registration_id) or registration
                    return placed, registration
        raise Conflict("Het is op dit moment erg druk bij deze activiteit; probeer het zo nog eens.")

    def mirror(self, registration: dict, activity: dict, now: datetime, arrival: int | None = None) -> dict:
        """Bring the registration document in line with the activity's places; returns it."""
        status = registering.settled(registration, activity)
        if status is None:
            return registration
        if arrival is None and registration.get("arrival") is None and status in (CONFIRMED, WAITLISTED):
            # placed by a process that died before it recorded the number: the next one, so that
            # every listed registration has its place in the organisers' list
            arrival = self.activities.next_arrival(activity["_id"])
        if self.registrations.settle(registration, status, now, arrival):
            return {**registration, "status": status, f"{status}_at": now,
                    **({"arrival": arrival} if arrival is not None else {})}
        return self.registrations.get(registration["_id"]) or registration   # changed meanwhile

    def settle(self, registration_id: str, now: datetime) -> None:
        """Whatever became of one registration, make its document and the activity agree: place
        it when it is still pending (its request died), mirror the activity otherwise."""
        registration = self.registrations.get(registration_id)
        if registration is None or registration["status"] == CANCELLED:
            return
        try:
            activity = self.activities.find(registration["activity_id"])
        except NotFound:
            return
        if registration["status"] == PENDING and not registering.where(activity, registration_id):
            try:
                self.place(registration, now, at=registration["registered_at"])
            except Conflict as closed:
                log.info("registration %s not placed: %s", registration_id, closed)
            return
        self.mirror(registration, activity, now)

    def leave(self, registration: dict, now: datetime) -> tuple[dict, dict]:
        """The registrant cancels: off the places or the waitlist, and the first waiting gets the
        place. Returns (activity, registration) as they are now."""
        activity_id, registration_id = registration["activity_id"], registration["_id"]
        for _ in range(ATTEMPTS):
            activity = self.activities.find(activity_id)
            held = registering.where(activity, registration_id)
            if held is None:
                break   # gone already (a retry, or the activity was cancelled)
            left = self.write(activity_id, [registering.departed(activity, registration, now, held)],
                              self.activities.leave, activity, registration_id, held)
            if left:
                activity = left
                if held == "places":
                    activity = self.promote(activity_id, now) or activity
                break
        else:
            raise Conflict("Het is op dit moment erg druk bij deze activiteit; probeer het zo nog eens.")
        return activity, self.mirror(registration, activity, now)

    def promote(self, activity_id: str, now: datetime) -> dict | None:
        """Give free places to the waitlist, first come first served; each registration once.
        Returns the activity as the last promotion left it (None: nobody was promoted)."""
        last, missed = None, 0
        while missed < ATTEMPTS:   # each round promotes one, unless another worker changed the places
            activity = self.activities.find(activity_id)
            first = registering.next_to_promote(activity, now)
            if first is None:
                return last
            registration = self.registrations.get(first)
            if registration is None:   # cannot be: a registration is stored before it is placed
                log.error("activity %s: waitlisted registration %s is missing", activity_id, first)
                return last
            promoted = self.write(activity_id, registering.promoted(activity, registration, now),
                                  self.activities.promote, activity, first)
            if promoted is None:
                missed += 1
                continue
            last = promoted
            self.mirror(registration, promoted, now)
            log.info("activity %s: registration %s promoted from the waitlist", activity_id, first)
        return last

    # -- organisers -------------------------------------------------------------------------------

    def cancel_activity(self, activity_id: str, reason: str, actor: dict, now: datetime) -> dict:
        """Cancel the activity and every registration in it, telling each registrant, in one write."""
        for _ in range(ATTEMPTS):
            activity = self.activities.find(activity_id)
            change = domain.cancel(activity, reason, actor, now)
            held = [(rid, "places") for rid in activity["places"]] + [(rid, "waitlist") for rid in activity["waitlist"]]
            people = [(self.registrations.get(rid), list_name) for rid, list_name in held]
            notices = [registering.departed(activity, person, now, list_name, "activity_cancelled",
                                            change.set["cancel_reason"])
                       for person, list_name in people if person is not None]
            cancelled = self.write(activity_id, change.events + notices, self.activities.apply, activity, change)
            if cancelled:
                for person, _ in people:
                    if person is not None:
                        self.mirror(person, cancelled, now)
                return cancelled
        raise Conflict("De activiteit veranderde steeds tijdens het annuleren; probeer het nog eens.")

    # -- reminders --------------------------------------------------------------------------------

    def remind(self, activity_id: str, hour: str, now: datetime) -> bool:
        """Send the activity's reminders if they are due; True when the activity is done with for
        this hour of the reminder calendar (sent, not due in it any more, gone), False to look
        again next sweep (due later this hour, or it changed meanwhile)."""
        try:
            activity = self.activities.find(activity_id)
        except NotFound:
            return True
        if activity["status"] != domain.SCHEDULED or registering.reminded(activity) or activity["starts_at"] <= now:
            return True
        due = reminders.due_at(activity["starts_at"])
        if due >= HOUR.end(hour):
            return True   # moved: noted under its new hour too
        if due > now:
            return False
        people = [self.registrations.get(rid) for rid in activity["places"]]
        notices = [registering.reminder(activity, person) for person in people if person is not None]
        sent = self.write(activity_id, notices, self.activities.remind, activity)
        if sent:
            log.info("activity %s: %d reminder(s) due", activity_id, len(notices))
        return sent is not None
