"""nameko entrypoints of the publications service (the kennisbank)."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from wijkwijzer import ping
from wijkwijzer.cloudevents import envelope
from wijkwijzer.errors import EXPECTED, NotFound
from wijkwijzer.logs import CorrelationId
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.outbox import Outbox
from wijkwijzer.rpc import rpc

from . import domain, storage
from .storage import Publications, public_view

log = logging.getLogger(__name__)


class PublicationsService:
    name = "publications"

    db = MongoDatabase(storage.INDEXES)
    outbox = Outbox(storage.COLLECTION)
    correlation_id = CorrelationId()

    @rpc
    def ping(self) -> dict:
        return ping.report(self.name, self.db)

    @rpc(expected_exceptions=EXPECTED)
    def create_draft(self, fields: dict, author: dict, idempotency_key: str | None = None) -> dict:
        doc = Publications(self.db).insert(domain.new_draft(fields, author, datetime.now(UTC), idempotency_key))
        log.info("draft %s created by %s", doc["_id"], author["sub"])
        return public_view(doc)

    @rpc(expected_exceptions=EXPECTED)
    def get(self, id_or_slug: str, viewer: dict | None = None) -> dict:
        doc = Publications(self.db).find(id_or_slug)
        if not domain.may_view(doc, viewer):
            raise NotFound(f"no publication {id_or_slug!r}")
        return public_view(doc)

    @rpc(expected_exceptions=EXPECTED)
    def submit(self, publication_id: str, actor: dict) -> dict:
        publications = Publications(self.db)
        doc = publications.find(publication_id)
        if not domain.may_view(doc, actor):
            raise NotFound(f"no publication {publication_id!r}")
        change, data = domain.submit(doc, actor, datetime.now(UTC))
        event = envelope(self.name, data, subject=doc["_id"], correlation_id=self.correlation_id)
        updated = publications.update(doc, change["set"], change["history"], [event])
        self.outbox.send(storage.COLLECTION, doc["_id"], [event])
        log.info("publication %s submitted for review (event %s)", doc["_id"], event.id)
        return public_view(updated)
