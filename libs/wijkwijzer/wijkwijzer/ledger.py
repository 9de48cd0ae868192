"""Processed-event ledger: the "handled once in effect" guarantee (events.md).

A consumer checks the ledger before handling an event and records it after the
handler succeeded. The unique index on (event id, consumer) makes the record
race-free when two replicas get the same redelivered message: only one insert
wins. Handlers stay idempotent themselves (upserts keyed by event id), because
a crash between the side effect and the record re-runs the handler.
"""
from __future__ import annotations

from datetime import UTC, datetime

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

COLLECTION = "processed_events"
INDEXES = {COLLECTION: [([("event_id", 1), ("consumer", 1)], {"unique": True})]}


class ProcessedEvents:
    def __init__(self, db: Database):
        self.collection = db[COLLECTION]

    def seen(self, event_id: str, consumer: str) -> bool:
        return self.collection.find_one({"event_id": event_id, "consumer": consumer}) is not None

    def record(self, event_id: str, consumer: str) -> bool:
        """Record the event as handled; False when another worker already did."""
        try:
            self.collection.insert_one({
                "event_id": event_id,
                "consumer": consumer,
                "processed_at": datetime.now(UTC),
            })
        except DuplicateKeyError:
            return False
        return True
