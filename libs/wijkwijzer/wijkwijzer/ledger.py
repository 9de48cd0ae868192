"""Processed-event ledger: the "handled once in effect" guarantee (events.md).

A consumer checks the ledger before handling an event and records it after the
handler succeeded. An entry's `_id` is the consumer and the event id: the check
is a lookup by `_id` (the one lookup every server answers from an index,
docs/database.md), and the record is race-free when two replicas get the same
redelivered message: only one insert wins. Handlers stay idempotent themselves (upserts keyed by event id), because
a crash between the side effect and the record re-runs the handler.
"""
from __future__ import annotations

from datetime import UTC, datetime

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

COLLECTION = "processed_events"


class ProcessedEvents:
    def __init__(self, db: Database):
        self.collection = db[COLLECTION]

    def seen(self, event_id: str, consumer: str) -> bool:
        return self.collection.find_one({"_id": _key(event_id, consumer)}) is not None

    def record(self, event_id: str, consumer: str) -> bool:
        """Record the event as handled; False when another worker already did."""
        try:
            self.collection.insert_one({
                "_id": _key(event_id, consumer),
                "event_id": event_id,
                "consumer": consumer,
                "processed_at": datetime.now(UTC),
            })
        except DuplicateKeyError:
            return False
        return True


def _key(event_id: str, consumer: str) -> str:
    return f"{consumer}/{event_id}"
