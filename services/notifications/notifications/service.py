"""nameko entrypoints of the notifications service."""
from __future__ import annotations

import logging

from wijkwijzer.consumer import event_consumer
from wijkwijzer.logs import CorrelationId
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.ping import Health
from wijkwijzer.rpc import rpc

from . import storage
from .storage import EventLog

log = logging.getLogger(__name__)


class NotificationsService:
    name = "notifications"

    db = MongoDatabase(storage.INDEXES)
    health = Health(storage.EVENT_LOG)
    correlation_id = CorrelationId()

    @rpc
    def ping(self) -> dict:
        return self.health.report()

    @event_consumer("publications", "publication.submitted")
    def on_publication_submitted(self, event: dict) -> None:
        EventLog(self.db).record(event)
        log.info("publication %s submitted; recorded event %s", event["subject"], event["id"])

    @rpc
    def event_log(self, subject: str) -> list[dict]:
        """Events received about one entity, oldest first (for operators and tests)."""
        return EventLog(self.db).for_subject(subject)
