"""nameko entrypoints of the events service (the activity calendar).

Organisers' changes follow the rules of domain.py; who holds a place is changed by places.py, in
conditional writes of the activity document that carry their events (the outbox). The service
consumes some of its own events to finish what a process that died half-way left undone (see
places.py) and to keep its reminder calendar (reminders.py). `actor` and `member` are the
caller's token claims (`sub`, `name`, `email`, `roles`, `organisation`) as the gateway passes
them; `member` is None for anonymous registrants, who use the token they got instead.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from nameko.dependency_providers import Config
from wijkwijzer import pages
from wijkwijzer.claims import Claims
from wijkwijzer.cloudevents import CloudEvent, EventData, envelope
from wijkwijzer.consumer import event_consumer
from wijkwijzer.due import HOUR
from wijkwijzer.errors import EXPECTED, Conflict, Invalid
from wijkwijzer.logs import CorrelationId
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.ops import Operations
from wijkwijzer.outbox import Outbox
from wijkwijzer.ping import Health
from wijkwijzer.rpc import rpc
from wijkwijzer.timers import configured_timer

from . import domain, export, ical, organised, registering, storage
from .events import ActivityReminderDue, Registrant, RegistrationRequested
from .places import Places
from .reminders import ReminderCalendar
from .schemas import activity_filters
from .storage import Activities, Registrations
from .views import activities_page, activity_view, registration_view, registrations_page

log = logging.getLogger(__name__)

WEB_BASE_URL = "WEB_BASE_URL"              # where the website shows an activity (iCalendar URL)
REMINDER_INTERVAL = "REMINDER_INTERVAL"    # seconds between sweeps for reminders that are due
REMINDER_CLAIM = timedelta(minutes=5)      # a sweep renews it for every activity it handles
FEED_SINCE = timedelta(days=30)            # the feed keeps recent activities, so programs keep them too
FEED_LIMIT = 1000
ACTIVITY_POSITION = {"starts_at": datetime, "id": str}
REGISTRATION_POSITION = {"arrival": int, "id": str}


def _subject(data: EventData) -> str:
    if isinstance(data, ActivityReminderDue):
        return data.activity_id
    if isinstance(data, Registrant | RegistrationRequested):
        return data.registration_id
    return data.id


class EventsService:
    name = "events"

    db = MongoDatabase(storage.INDEXES)
    health = Health(storage.COLLECTION)
    ops = Operations()   # /healthz, /readyz and /metrics on OPS_ADDRESS
    outbox = Outbox()
    correlation_id = CorrelationId()
    config = Config()

    def _wrap(self, data: list[EventData]) -> list[CloudEvent]:
        return [envelope(self.name, item, subject=_subject(item), correlation_id=self.correlation_id,
                         event_id=registering.event_id(item)) for item in data]

    def _places(self) -> Places:
        return Places(self.db, self.outbox, self._wrap)

    def _base_url(self) -> str:
        return str(self.config.get(WEB_BASE_URL) or "https://wijkwijzer.nl")

    @rpc
    def ping(self) -> dict:
        return self.health.report()

    # -- the calendar -----------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def schedule(self, fields: dict, organiser: dict, idempotency_key: str | None = None) -> dict:
        """Put a new activity on the calendar; a repeat with the same key returns the first."""
        now = datetime.now(UTC)
        doc, data = domain.new_activity(fields, organiser, now, idempotency_key)
        [event] = self._wrap([data])
        token = self.outbox.expect(storage.COLLECTION, doc["_id"])
        stored, created = Activities(self.db).insert(doc, [event])
        # a repeat stored nothing: sending nothing clears the mark all the same
        self.outbox.send(storage.COLLECTION, doc["_id"], [event] if created else [], token)
        if created:
            log.info("activity %s scheduled by %s", doc["_id"], organiser["sub"])
        return activity_view(stored, now)

    @rpc(expected_exceptions=EXPECTED)
    def get(self, activity_id: str) -> dict:
        return activity_view(Activities(self.db).find(activity_id), datetime.now(UTC))

    @rpc(expected_exceptions=EXPECTED)
    def upcoming(self, limit: int = pages.DEFAULT_LIMIT, cursor: str | None = None,
                 filters: dict | None = None) -> dict:
        """One page of activities that start from `from` (default: now) up to `to`, soonest first,
        matching the filters (topic, focus_area, organisation, kind, audience: lists, any value):
        `{"items", "next_cursor"}`."""
        wanted, limit = activity_filters(filters), pages.limit_of(limit)
        position = pages.decode(cursor, ACTIVITY_POSITION)
        now = datetime.now(UTC)
        found = Activities(self.db).listed(wanted.starts_from or now, wanted.starts_to, wanted.matching(),
                                           after=(position["starts_at"], position["id"]) if position else None)
        listing = pages.page(found, limit, lambda doc: {"starts_at": doc["starts_at"], "id": doc["_id"]})
        return activities_page(listing, now)

    @rpc(expected_exceptions=EXPECTED)
    def organised_by(self, organiser: dict, limit: int = pages.DEFAULT_LIMIT, cursor: str | None = None) -> dict:
        """One page of the activities of the organisation the caller's token names, in every state,
        latest start first: `{"organisation", "items", "next_cursor"}`."""
        return organised.organised_by(Activities(self.db), organiser, limit, cursor, datetime.now(UTC))

    @rpc(expected_exceptions=EXPECTED)
    def update(self, activity_id: str, changes: dict, actor: dict, based_on: int | None = None) -> dict:
        """An organiser's edit (`based_on`: the version they edited; None: whatever is stored).
        More capacity gives places to the waitlist at once."""
        activities, now = Activities(self.db), datetime.now(UTC)
        doc = activities.find(activity_id)
        change = domain.update(doc, changes, actor, now, based_on)
        if not change.set:
            return activity_view(doc, now)
        places = self._places()
        updated = places.write(doc["_id"], change.events, activities.apply, doc, change)
        if updated is None:
            now_stored = activities.find(activity_id)
            domain.update(now_stored, changes, actor, now, based_on if based_on is not None else doc["version"])
            raise Conflict("De activiteit is intussen gewijzigd; laad haar opnieuw en probeer het nog eens.")
        log.info("activity %s changed by %s: %s", activity_id, actor.get("sub"), ", ".join(sorted(change.set)))
        return activity_view(places.promote(activity_id, now) or updated, now)

    @rpc(expected_exceptions=EXPECTED)
    def cancel(self, activity_id: str, reason: str, actor: dict) -> dict:
        now = datetime.now(UTC)
        cancelled = self._places().cancel_activity(activity_id, reason, actor, now)
        log.info("activity %s cancelled by %s", activity_id, actor.get("sub"))
        return activity_view(cancelled, now)

    # -- iCalendar --------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def activity_ics(self, activity_id: str) -> str:
        doc = Activities(self.db).find(activity_id)
        return ical.calendar([doc], self._base_url(), doc["title"])

    @rpc(expected_exceptions=EXPECTED)
    def calendar_ics(self, filters: dict | None = None) -> str:
        """The subscribable feed: scheduled and cancelled activities from 30 days ago on (a
        cancelled one stays, so subscribed programs see it cancelled), matching the filters."""
        wanted = activity_filters(filters)
        since = wanted.starts_from or datetime.now(UTC) - FEED_SINCE
        found = Activities(self.db).listed(since, wanted.starts_to, wanted.matching(),
                                           statuses=(domain.SCHEDULED, domain.CANCELLED))
        docs = [doc for _, doc in zip(range(FEED_LIMIT), found, strict=False)]
        return ical.calendar(docs, self._base_url(), "WijkWijzer activiteiten")

    # -- registrations ----------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def register(self, activity_id: str, fields: dict | None, member: dict | None = None,
                 attempt: str | None = None) -> dict:
        """Register a member (name and e-mail from their token) or an anonymous visitor (name and
        e-mail given; they get a secret token, shown once): a place, or the waitlist when full.
        `attempt`: a random id of the HTTP request (the gateway's), so that this call delivered
        again (its first process died) finishes the registration it began, with a new token."""
        registrations, now = Registrations(self.db), datetime.now(UTC)
        activity = Activities(self.db).find(activity_id)
        registration, token = registering.new_registration(activity, fields, member, now, attempt)
        requested = self._wrap([RegistrationRequested(registration_id=registration["_id"],
                                                      activity_id=activity["_id"])])
        mark = self.outbox.expect(storage.REGISTRATIONS, registration["_id"])
        try:
            stored = registrations.insert(registration, requested)
            if stored["_id"] != registration["_id"]:
                return self._register_again(stored, token, now)
            try:
                placed, registration = self._places().place(registration, now)
            finally:   # placed, or closed meanwhile (then cancelled): the relay need not send it
                registrations.placed(registration["_id"], requested)
        finally:
            # clears the mark once the outbox is empty; else the relay sends what is left
            self.outbox.send(storage.REGISTRATIONS, registration["_id"], [], mark)
        log.info("activity %s: registration %s %s", activity_id, registration["_id"], registration["status"])
        return registration_view(registration, placed, token)

    def _register_again(self, registration: dict, token: str | None, now: datetime) -> dict:
        """The same call again: its first answer never left, so its token (if any) is replaced by
        the new one, and the registration is placed if it was not yet."""
        if token is not None:
            Registrations(self.db).new_token(registration, registering.token_hash(token))
        places = self._places()
        if registration["status"] == registering.PENDING:
            try:
                activity, registration = places.place(registration, now, at=registration["registered_at"])
            except Conflict:
                raise Conflict("De inschrijving is niet gelukt: de inschrijving sloot intussen.") from None
        else:
            activity = places.activities.find(registration["activity_id"])
            registration = places.mirror(registration, activity, now)
        log.info("activity %s: registration %s %s (the call again)", activity["_id"], registration["_id"],
                 registration["status"])
        return registration_view(registration, activity, token)

    def _own(self, activity_id: str, registration_id: str, token: str | None,
             member: dict | None) -> tuple[dict, dict]:
        registration = Registrations(self.db).find(activity_id, registration_id)
        registering.check_registrant(registration, token, member)
        return registration, Activities(self.db).find(activity_id)

    @rpc(expected_exceptions=EXPECTED)
    def registration(self, activity_id: str, registration_id: str, token: str | None = None,
                     member: dict | None = None) -> dict:
        """A registration as its registrant sees it (with their place on the waitlist)."""
        return registration_view(*self._own(activity_id, registration_id, token, member))

    @rpc(expected_exceptions=EXPECTED)
    def cancel_registration(self, activity_id: str, registration_id: str, token: str | None = None,
                            member: dict | None = None) -> dict:
        """The registrant cancels; the first on the waitlist gets the place. Again: no change."""
        registration, activity = self._own(activity_id, registration_id, token, member)
        now = datetime.now(UTC)
        registering.check_cancellable(registration, activity, now)
        if registration["status"] == registering.CANCELLED:
            return registration_view(registration, activity)
        activity, registration = self._places().leave(registration, now)
        log.info("activity %s: registration %s cancelled by its registrant", activity_id, registration_id)
        return registration_view(registration, activity)

    @rpc(expected_exceptions=EXPECTED)
    def registrations(self, activity_id: str, actor: dict, statuses: list[str] | None = None,
                      limit: int = pages.DEFAULT_LIMIT, cursor: str | None = None) -> dict:
        """An activity's registrations in arrival order, for its organisers and admins."""
        activity = Activities(self.db).find(activity_id)
        domain.check_manager(activity, actor)
        position = pages.decode(cursor, REGISTRATION_POSITION)
        found = Registrations(self.db).of(activity_id, _statuses(statuses),
                                          (position["arrival"], position["id"]) if position else None)
        listing = pages.page(found, pages.limit_of(limit),
                             lambda doc: {"arrival": doc.get("arrival") or 0, "id": doc["_id"]})
        return registrations_page(listing, activity)

    @rpc(expected_exceptions=EXPECTED)
    def registrations_csv(self, activity_id: str, actor: dict, statuses: list[str] | None = None) -> str:
        """Every registration of the activity as CSV (export.py), for its organisers and admins."""
        activity = Activities(self.db).find(activity_id)
        domain.check_manager(activity, actor)
        return export.registrations_csv(activity, Registrations(self.db).of(activity_id, _statuses(statuses)))

    @rpc(expected_exceptions=EXPECTED)
    def mark_attended(self, activity_id: str, registration_id: str, actor: dict) -> dict:
        activity = Activities(self.db).find(activity_id)
        domain.check_manager(activity, actor)
        registrations = Registrations(self.db)
        registration = registrations.find(activity_id, registration_id)
        registering.check_attendance(registration, activity)
        if registration["status"] != registering.ATTENDED:
            now = datetime.now(UTC)
            registration = self._places().mirror(registration, activity, now)   # confirmed, if a step behind
            if not registrations.settle(registration, registering.ATTENDED, now):
                raise Conflict("De inschrijving veranderde net; probeer het nog eens.")
            registration = registrations.get(registration_id)
        return registration_view(registration, activity)

    # -- finishing what a process that died left undone (places.py) --------------------------------

    @event_consumer("events", "registration.requested")
    def place_requested(self, event: dict) -> None:
        self._places().settle(event["data"]["registration_id"], datetime.now(UTC))

    @event_consumer("events", "registration.promoted")
    def mirror_promoted(self, event: dict) -> None:
        self._places().settle(event["data"]["registration_id"], datetime.now(UTC))

    @event_consumer("events", "registration.cancelled")
    def promote_after_cancellation(self, event: dict) -> None:
        places, now = self._places(), datetime.now(UTC)
        places.settle(event["data"]["registration_id"], now)
        places.promote(event["data"]["activity_id"], now)

    # -- reminders --------------------------------------------------------------------------------

    @event_consumer("events", "activity.scheduled")
    def note_reminder_of_new(self, event: dict) -> None:
        self._note_reminder(event["data"]["id"])

    @event_consumer("events", "activity.updated")
    def after_update(self, event: dict) -> None:
        """Note the (new) reminder time; give places that more capacity freed to the waitlist."""
        self._note_reminder(event["data"]["id"])
        self._places().promote(event["data"]["id"], datetime.now(UTC))

    def _note_reminder(self, activity_id: str) -> None:
        doc = Activities(self.db).find(activity_id)
        if doc["status"] == domain.SCHEDULED:
            ReminderCalendar(self.db).note_start(doc["_id"], doc["starts_at"], datetime.now(UTC))

    @configured_timer(REMINDER_INTERVAL, 60)
    def send_reminders(self) -> None:
        """Reminders 24 hours before the start, to every confirmed registrant, once. One replica
        sweeps at a time (a claim); the conditional write of each activity's reminders and their
        fixed event ids make a second reminder impossible all the same."""
        with Claims(self.db).hold("activity-reminders", REMINDER_CLAIM) as claim:
            if claim is None:
                return
            calendar, places, now = ReminderCalendar(self.db), self._places(), datetime.now(UTC)
            for hour, activity_ids in calendar.due(HOUR.of(now)):
                for activity_id in activity_ids:
                    if places.remind(activity_id, hour, now):
                        calendar.handled(hour, activity_id)
                    claim.renew()
            calendar.close_before(HOUR.of(now))


def _statuses(statuses: list[str] | None) -> list[str] | None:
    if statuses is not None and (not isinstance(statuses, list) or not set(statuses) <= set(registering.SHOWN)):
        raise Invalid("invalid status filter", [{"field": "status", "message": f"any of {', '.join(registering.SHOWN)}"}])
    return statuses or None
