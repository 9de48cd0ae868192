"""The notifications service's own record of the events it received."""
from __future__ import annotations

from datetime import UTC, datetime

from pymongo.database import Database

EVENT_LOG = "event_log"
INDEXES = {
    EVENT_LOG: [([("subject", 1), ("received_at", 1)], {})],
}


class EventLog:
    """Every platform event this service acted on, keyed by event id, so a
    redelivery overwrites its own entry instead of adding a second one."""

    def __init__(self, db: Database):
        self.collection = db[EVENT_LOG]

    def record(self, event: dict) -> None:
        self.collection.update_one(
            {"_id": event["id"]},
            {"$setOnInsert": {
                "type": event["type"],
                "source": event["source"],
                "subject": event["subject"],
                "time": event["time"],
                "correlation_id": event.get("correlationid"),
                "received_at": datetime.now(UTC),
            }},
            upsert=True,
        )

    def for_subject(self, subject: str) -> list[dict]:
        return [
            {"event_id": doc.pop("_id"), **doc}
            for doc in self.collection.find({"subject": subject}).sort("received_at", 1)
        ]
