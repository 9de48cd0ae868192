"""nameko entrypoints of the events service (the activity calendar)."""
from __future__ import annotations

from datetime import UTC, datetime

from wijkwijzer import pages
from wijkwijzer.cloudevents import envelope
from wijkwijzer.errors import EXPECTED
from wijkwijzer.logs import CorrelationId
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.outbox import Outbox
from wijkwijzer.ping import Health
from wijkwijzer.rpc import rpc

from . import domain, storage
from .storage import Activities, public_view, upcoming_page


class EventsService:
    name = "events"

    db = MongoDatabase(storage.INDEXES)
    health = Health(storage.COLLECTION)
    outbox = Outbox()
    correlation_id = CorrelationId()

    @rpc
    def ping(self) -> dict:
        return self.health.report()

    @rpc(expected_exceptions=EXPECTED)
    def schedule(self, fields: dict, organiser: dict, idempotency_key: str | None = None) -> dict:
        """Put a new activity on the calendar; a repeat with the same key returns the first."""
        doc, data = domain.new_activity(fields, organiser, datetime.now(UTC), idempotency_key)
        event = envelope(self.name, data, subject=doc["_id"], correlation_id=self.correlation_id)
        token = self.outbox.expect(storage.COLLECTION, doc["_id"])
        stored, created = Activities(self.db).insert(doc, [event])
        # a repeat stored nothing: sending nothing clears the mark all the same
        self.outbox.send(storage.COLLECTION, doc["_id"], [event] if created else [], token)
        return public_view(stored)

    @rpc(expected_exceptions=EXPECTED)
    def get(self, activity_id: str) -> dict:
        return public_view(Activities(self.db).find(activity_id))

    @rpc(expected_exceptions=EXPECTED)
    def upcoming(self, limit: int = pages.DEFAULT_LIMIT, cursor: str | None = None) -> dict:
        """One page of upcoming activities: `{"items", "next_cursor"}`."""
        position = pages.decode(cursor, {"starts_at": datetime, "id": str})
        after = (position["starts_at"], position["id"]) if position else None
        found = Activities(self.db).upcoming(datetime.now(UTC), after)
        listing = pages.page(found, pages.limit_of(limit),
                             lambda doc: {"starts_at": doc["starts_at"], "id": doc["_id"]})
        return upcoming_page(listing)
