"""Where activities live: the `activities` collection of this service's database."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError
from wijkwijzer import outbox
from wijkwijzer.cloudevents import CloudEvent
from wijkwijzer.errors import NotFound
from wijkwijzer.responses import shown
from wijkwijzer.times import jsonable

from .domain import SCHEDULED
from .responses import ActivitiesPage, Activity

COLLECTION = "activities"
INDEXES = {
    COLLECTION: [
        # a retried request (same organiser, same key) finds the first one instead of a twin
        ([("organiser.sub", 1), ("idempotency_key", 1)], {"unique": True}),
        ([("status", 1), ("starts_at", 1)], {}),
    ],
}

# Internal bookkeeping a client never sees.
_HIDDEN = {outbox.FIELD: 0, "idempotency_key": 0}
_ID = re.compile(r"^[0-9a-f]{32}$")


def _public(doc: dict) -> dict:
    view = {k: jsonable(v) for k, v in doc.items() if k not in _HIDDEN}
    view["id"] = view.pop("_id")
    return view


def public_view(doc: dict) -> dict:
    """An activity as anyone sees it, made through its model (responses.py)."""
    return shown(Activity, _public(doc))


def upcoming_page(listing: dict) -> dict:
    """A page of `wijkwijzer.pages.page` as anyone sees it."""
    return shown(ActivitiesPage, {**listing, "items": [_public(doc) for doc in listing["items"]]})


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
            return earlier, False
        return doc, True

    def find(self, activity_id: Any) -> dict:
        doc = None
        if isinstance(activity_id, str) and _ID.match(activity_id):
            doc = self.collection.find_one({"_id": activity_id}, _HIDDEN)
        if doc is None:
            raise NotFound(f"no activity {activity_id!r}")
        return doc

    def upcoming(self, now: datetime, after: tuple[datetime, str] | None = None) -> Iterator[dict]:
        """Scheduled activities that start at `now` or later, soonest first (ties by id),
        only those after the position `after` when given; read lazily, page by page."""
        since = max(now, after[0]) if after else now
        found = self.collection.find({"status": SCHEDULED, "starts_at": {"$gte": since}}, _HIDDEN)
        for doc in found.sort([("starts_at", 1), ("_id", 1)]).batch_size(101):
            # keyset without $or (not in our MongoDB subset): skip the ties already shown
            if after and (doc["starts_at"], doc["_id"]) <= after:
                continue
            yield doc
