"""Where activities and registrations live: collections of this service's own database.

Places are claimed in the activity document: `places` and `waitlist` (registration ids, in
order) with their counts `confirmed` and `waiting`, `arrivals` (registrations placed so far) and
`roster` (raised by every change of the two lists). Each change is one conditional
`find_one_and_update` that also stores its events (the outbox), so on every server we support
(docs/database.md) capacity holds whatever runs at once: the condition `confirmed < capacity`
and the `$inc` are one atomic write, with exactly one winner per place. A registration id in
the condition (`places: {$ne: id}`, `waitlist: id`) makes each step happen once.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError
from wijkwijzer import outbox
from wijkwijzer.cloudevents import CloudEvent
from wijkwijzer.errors import Conflict, NotFound

from .domain import SCHEDULED, Change
from .registering import CANCELLED, FREE, FULL, PENDING, QUEUE, SHOWN

COLLECTION = "activities"
REGISTRATIONS = "registrations"
INDEXES = {
    COLLECTION: [
        # a retried request (same organiser, same key) finds the first one instead of a twin
        ([("organiser.sub", 1), ("idempotency_key", 1)], {"unique": True}),
        ([("status", 1), ("starts_at", 1)], {}),
        ([("starts_at", 1), ("_id", 1)], {}),   # the calendar feed: scheduled and cancelled
        # an organisation's own activities, latest start first (organised.py)
        ([("organisation", 1), ("starts_at", -1), ("_id", -1)], {}),
    ],
    REGISTRATIONS: [
        # one live registration per address and activity (a cancelled one's holder is its own id)
        ([("holder", 1)], {"unique": True}),
        ([("activity_id", 1), ("arrival", 1), ("_id", 1)], {}),
    ],
}

# Internal bookkeeping no caller ever sees.
_HIDDEN = {outbox.FIELD: 0, "idempotency_key": 0}
# What an activity stored before registrations existed lacks; `find` fills it in once.
# What an organisation's list of its activities reads of each (not who holds which place).
_LISTED = dict.fromkeys(("title", "kind", "starts_at", "ends_at", "organisation", "capacity", "status",
                         "confirmed", "waiting", "cancelled_at", "updated_at"), 1)
_PLACES = {"places": [], "waitlist": [], "confirmed": 0, "waiting": 0, "arrivals": 0, "roster": 0,
           "sequence": 0, "registration_deadline": None, "reminded_for": None}
_ID = re.compile(r"^[0-9a-f]{32}$")
_AFTER = ReturnDocument.AFTER


def _visible(doc: dict | None) -> dict | None:
    return None if doc is None else {k: v for k, v in doc.items() if k not in _HIDDEN}


class Activities:
    def __init__(self, db: Database):
        self.collection = db[COLLECTION]

    def insert(self, doc: dict, events: list[CloudEvent]) -> tuple[dict, bool]:
        """Store a new activity with the events it causes in one write.

        Returns (the activity, True), or (the activity stored earlier under the same
        organiser and idempotency key, False) when this is a repeat."""
        try:
            self.collection.insert_one({**doc, **outbox.fields(events)})
        except DuplicateKeyError:
            earlier = self.collection.find_one(
                {"organiser.sub": doc["organiser"]["sub"], "idempotency_key": doc["idempotency_key"]},
                _HIDDEN)
            if earlier is None:  # the clash was on something else
                raise
            return self._complete(earlier), False
        return doc, True

    def find(self, activity_id: Any) -> dict:
        doc = None
        if isinstance(activity_id, str) and _ID.match(activity_id):
            doc = self.collection.find_one({"_id": activity_id}, _HIDDEN)
        if doc is None:
            raise NotFound(f"no activity {activity_id!r}")
        return self._complete(doc)

    def _complete(self, doc: dict) -> dict:
        missing = {k: v for k, v in _PLACES.items() if k not in doc}
        if missing:   # stored before registrations existed: add the fields once, racing nobody
            self.collection.update_one({"_id": doc["_id"], "roster": {"$exists": False}}, {"$set": missing})
            doc = self.collection.find_one({"_id": doc["_id"]}, _HIDDEN)
        return doc

    def apply(self, doc: dict, change: Change, events: list[CloudEvent]) -> dict | None:
        """An organiser's change and its events in one write, if nobody changed the activity since
        it was read and it meets `change.requires`; None otherwise."""
        return _visible(self.collection.find_one_and_update(
            {"_id": doc["_id"], "version": doc["version"], **change.requires},
            outbox.staged({"$set": change.set, "$inc": {"version": 1}}, events), return_document=_AFTER))

    def place(self, doc: dict, registration_id: str, condition: str, events: list[CloudEvent]) -> dict | None:
        """Give the registration a place (`condition` FREE: nobody waits and a place is free) or
        put it at the end of the waitlist (FULL: every place is taken; QUEUE: others wait
        already), as the activity read in `doc` (its version: status, capacity, deadline)
        allows. None when the condition does not hold (any more)."""
        query: dict[str, Any] = {"_id": doc["_id"], "version": doc["version"], "status": SCHEDULED,
                                 "places": {"$ne": registration_id}, "waitlist": {"$ne": registration_id}}
        capacity = doc["capacity"]
        if condition == FREE:
            query["waiting"] = 0
            if capacity is not None:
                query["confirmed"] = {"$lt": capacity}
            into, count = "places", "confirmed"
        elif condition == FULL:
            if capacity is None:
                return None
            query["confirmed"] = {"$gte": capacity}
            into, count = "waitlist", "waiting"
        elif condition == QUEUE:
            query["waiting"] = {"$gt": 0}
            into, count = "waitlist", "waiting"
        else:
            raise ValueError(condition)
        update = {"$push": {into: registration_id}, "$inc": {count: 1, "arrivals": 1, "roster": 1}}
        return _visible(self.collection.find_one_and_update(query, outbox.staged(update, events),
                                                            return_document=_AFTER))

    def next_arrival(self, activity_id: str) -> int:
        """A number after every arrival so far (for a registration placed without one)."""
        return self.collection.find_one_and_update({"_id": activity_id}, {"$inc": {"arrivals": 1}},
                                                   return_document=_AFTER)["arrivals"]

    def promote(self, doc: dict, registration_id: str, events: list[CloudEvent]) -> dict | None:
        """Move the registration from the waitlist to a place, if it still waits and a place is
        free at the capacity read in `doc`. It was first on the waitlist: the list only grows at
        its end, so nobody can have come before it since."""
        query: dict[str, Any] = {"_id": doc["_id"], "status": SCHEDULED, "capacity": doc["capacity"],
                                 "waitlist": registration_id}
        if doc["capacity"] is not None:
            query["confirmed"] = {"$lt": doc["capacity"]}
        update = {"$pull": {"waitlist": registration_id}, "$push": {"places": registration_id},
                  "$inc": {"confirmed": 1, "waiting": -1, "roster": 1}}
        return _visible(self.collection.find_one_and_update(query, outbox.staged(update, events),
                                                            return_document=_AFTER))

    def leave(self, doc: dict, registration_id: str, held: str, events: list[CloudEvent]) -> dict | None:
        """Take the registration off `held` ("places" or "waitlist"), if it is still there."""
        count = "confirmed" if held == "places" else "waiting"
        update = {"$pull": {held: registration_id}, "$inc": {count: -1, "roster": 1}}
        return _visible(self.collection.find_one_and_update({"_id": doc["_id"], held: registration_id},
                                                            outbox.staged(update, events), return_document=_AFTER))

    def remind(self, doc: dict, events: list[CloudEvent]) -> dict | None:
        """Note that the reminders for the current start went out, with them, if the start and
        who holds a place are as read in `doc`."""
        query = {"_id": doc["_id"], "starts_at": doc["starts_at"], "roster": doc["roster"],
                 "reminded_for": doc["reminded_for"]}
        return _visible(self.collection.find_one_and_update(
            query, outbox.staged({"$set": {"reminded_for": doc["starts_at"]}}, events), return_document=_AFTER))

    def listed(self, since: datetime, until: datetime | None, filters: dict[str, list[str]],
               statuses: tuple[str, ...] = (SCHEDULED,),
               after: tuple[datetime, str] | None = None) -> Iterator[dict]:
        """Activities in `statuses` starting from `since` (up to `until`), soonest first (ties by
        id), matching every filter (any of its values), only those after the position `after`
        when given; read lazily, page by page."""
        since = max(since, after[0]) if after else since
        starts: dict[str, Any] = {"$gte": since}
        if until is not None:
            starts["$lt"] = until
        query: dict[str, Any] = {"status": {"$in": list(statuses)}, "starts_at": starts}
        for name, values in filters.items():
            if values:
                query[name] = {"$in": values}
        found = self.collection.find(query, _HIDDEN)
        for doc in found.sort([("starts_at", 1), ("_id", 1)]).batch_size(101):
            # keyset without $or (not in our MongoDB subset): skip the ties already shown
            if after and (doc["starts_at"], doc["_id"]) <= after:
                continue
            yield doc

    def of_organisation(self, organisation: str, until: datetime | None, batch: int) -> Iterator[dict]:
        """The organisation's activities in every state, starting at or before `until` (None: any
        time), latest start first (ties by id, highest first), read lazily."""
        query: dict[str, Any] = {"organisation": organisation}
        if until is not None:
            query["starts_at"] = {"$lte": until}
        # an activity stored before registrations existed lacks the counts: the view reads them as 0
        return self.collection.find(query, _LISTED).sort([("starts_at", -1), ("_id", -1)]).batch_size(batch)


class Registrations:
    def __init__(self, db: Database):
        self.collection = db[REGISTRATIONS]

    def insert(self, doc: dict, events: list[CloudEvent]) -> dict:
        """Store a new registration with its events; or, when this very request stored it before
        (the same `attempt`: a call the broker delivered again because the process that took it
        died), that one. Conflict when the address is registered already."""
        try:
            self.collection.insert_one({**doc, **outbox.fields(events)})
        except DuplicateKeyError:
            earlier = self.collection.find_one({"holder": doc["holder"]}, _HIDDEN)
            if earlier is None or doc.get("attempt") is None or earlier.get("attempt") != doc["attempt"]:
                raise Conflict("Dit e-mailadres is al ingeschreven voor deze activiteit.") from None
            return earlier
        return doc

    def new_token(self, doc: dict, token_hash: str) -> None:
        """Give a registration whose answer never reached its registrant the hash of a new token."""
        self.collection.update_one({"_id": doc["_id"], "attempt": doc["attempt"]}, {"$set": {"token_hash": token_hash}})

    def get(self, registration_id: str) -> dict | None:
        return _visible(self.collection.find_one({"_id": registration_id}, _HIDDEN))

    def find(self, activity_id: str, registration_id: Any) -> dict:
        doc = None
        if isinstance(registration_id, str) and _ID.match(registration_id):
            doc = self.get(registration_id)
        if doc is None or doc["activity_id"] != activity_id:
            raise NotFound(f"no registration {registration_id!r} for activity {activity_id!r}")
        return doc

    def settle(self, doc: dict, status: str, now: datetime, arrival: int | None = None) -> bool:
        """Mirror `status` (registering.settled), if the registration still says what `doc` read.
        A cancelled registration frees its address for a new one."""
        changes: dict[str, Any] = {"status": status, f"{status}_at": now}
        if arrival is not None:
            changes["arrival"] = arrival
        if status == CANCELLED:
            changes["holder"] = doc["_id"]
        return self.collection.update_one({"_id": doc["_id"], "status": doc["status"]},
                                          {"$set": changes}).modified_count == 1

    def placed(self, registration_id: str, requested: list[CloudEvent]) -> None:
        """Take back the `registration.requested` event stored with the registration: it is placed."""
        self.collection.update_one({"_id": registration_id},
                                   {"$pullAll": {outbox.FIELD: [outbox.entry(e) for e in requested]}})

    def of(self, activity_id: str, statuses: list[str] | None = None,
           after: tuple[int, str] | None = None) -> Iterator[dict]:
        """The activity's registrations in arrival order (pending ones have no place yet: left
        out), only those after the position `after` when given."""
        query: dict[str, Any] = {"activity_id": activity_id, "status": {"$in": list(statuses or SHOWN)}}
        if after:
            query["arrival"] = {"$gte": after[0]}
        found = self.collection.find(query, {**_HIDDEN, "token_hash": 0, "holder": 0})
        for doc in found.sort([("arrival", 1), ("_id", 1)]).batch_size(101):
            if after and (doc["arrival"], doc["_id"]) <= after:
                continue
            yield doc

    def pending(self, registration_id: str) -> bool:
        doc = self.collection.find_one({"_id": registration_id}, {"status": 1})
        return doc is not None and doc["status"] == PENDING
