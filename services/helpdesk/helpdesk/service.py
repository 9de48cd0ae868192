"""nameko entrypoints of the helpdesk service (the vraagbaak)."""
from __future__ import annotations

from datetime import UTC, datetime

from wijkwijzer.errors import EXPECTED
from wijkwijzer.logs import CorrelationId
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.ping import Health
from wijkwijzer.rpc import rpc

from . import domain, storage
from .storage import Wijkwijzen, public_view


class HelpdeskService:
    name = "helpdesk"

    db = MongoDatabase(storage.INDEXES)
    health = Health(storage.WIJKWIJZEN)
    correlation_id = CorrelationId()

    @rpc
    def ping(self) -> dict:
        return self.health.report()

    @rpc(expected_exceptions=EXPECTED)
    def put_wijkwijze(self, sub: str, fields: dict) -> dict:
        """Add wijkwijze `sub` to the roster or replace their entry (admins only, checked by the gateway)."""
        entry = domain.roster_entry(sub, fields)
        return public_view(Wijkwijzen(self.db).put(sub, entry, datetime.now(UTC)))

    @rpc
    def list_wijkwijzen(self) -> list[dict]:
        return [public_view(doc) for doc in Wijkwijzen(self.db).all()]
