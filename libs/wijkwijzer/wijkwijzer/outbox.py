"""Outbox: no event lost between the database and the broker (events.md).

MongoDB here has no multi-document transactions, so a write stores the events
it causes in the same document, in an `outbox` array, with one single-document
update (`staged` builds that part of the update). Right after the write the
worker publishes them with publisher confirms and `$pull`s only the confirmed
ones (`OutboxSender.send`): the fast, normal path. Whatever that misses (broker
down, process killed between write and publish) the relay finds later.

The relay runs in every replica. Each document with events pending carries
`outbox_lease` (removed when its outbox empties, so that the relay's indexed
query finds only those): the writer owns its fresh events until the lease
passes (`WRITER_GRACE`), then any replica may claim the document and move the lease forward (`RELAY_LEASE`), so
two replicas never sweep the same document at once. The claim is the insert of
a unique `_id` into `outbox_claims`, not a `find_one_and_update` of the lease:
FerretDB (infra.md's MongoDB-wire fallback) runs that, and any filtered update,
as a read-modify-write without isolation, so two relays could both "win" it;
a unique insert is atomic there as on MongoDB. A crash after publishing but
before the `$pull` publishes the event again later; consumers are idempotent
(ledger.py), so that is safe.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import eventlet
from nameko.amqp.publish import Publisher
from nameko.extensions import DependencyProvider
from nameko.standalone.events import get_event_exchange
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from wijkwijzer import amqp
from wijkwijzer import config as cfg
from wijkwijzer.cloudevents import CloudEvent
from wijkwijzer.extensions import sibling
from wijkwijzer.logs import CONTEXT_KEY
from wijkwijzer.mongo import MongoDatabase

log = logging.getLogger(__name__)

FIELD = "outbox"
LEASE = "outbox_lease"
WRITER_GRACE = timedelta(seconds=10)   # how long the writer alone may publish fresh events
RELAY_LEASE = timedelta(seconds=30)    # how long a relay sweep owns a document
CLAIMS = "outbox_claims"               # one unique key per claim of a document by a relay

# A failed publish must not hold a client request for long: one reconnect
# attempt, then the relay takes over.
_QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}


def entry(event: CloudEvent) -> dict[str, Any]:
    """The stored form of one pending event.

    It is a pure function of the event because confirmed entries are removed
    with `$pull` by whole-value match (FerretDB's `$pull` takes no conditions),
    so the writer must be able to rebuild exactly what it stored.
    """
    return {"id": event.id, "routing_key": event.routing_key, "body": event.model_dump(mode="json"),
            "public": type(event.data).public}


def staged(update: dict[str, Any], events: Iterable[CloudEvent],
           now: datetime | None = None) -> dict[str, Any]:
    """`update` (a MongoDB update document) extended to store `events` in the
    same single-document write."""
    now = now or datetime.now(UTC)
    merged = {op: dict(fields) for op, fields in update.items()}
    merged.setdefault("$push", {})[FIELD] = {"$each": [entry(e) for e in events]}
    merged.setdefault("$set", {})[LEASE] = now + WRITER_GRACE
    return merged


def fields(events: Iterable[CloudEvent], now: datetime | None = None) -> dict[str, Any]:
    """Outbox fields of a document that is inserted together with its events."""
    now = now or datetime.now(UTC)
    return {FIELD: [entry(e) for e in events], LEASE: now + WRITER_GRACE}


class EventPublisher:
    """Publishes stored events on the service's nameko events exchange, and public ones on
    the public exchange too, with confirms."""

    def __init__(self, amqp_uri: str, service_name: str, config: dict):
        self.exchange = get_event_exchange(service_name, config)
        self.public = amqp.public_exchange()
        self.publisher = Publisher(amqp_uri, use_confirms=True, declare=[self.exchange, self.public],
                                   retry=True, retry_policy=_QUICK_RETRY)

    def publish(self, stored: dict[str, Any]) -> None:
        """Returns only once the broker confirmed every copy; raises otherwise (the entry then
        stays in the outbox and is published again, both copies: a repeat is allowed)."""
        correlation_id = stored["body"].get("correlationid")
        headers = {f"nameko.{CONTEXT_KEY}": correlation_id} if correlation_id else {}
        for exchange in (self.exchange, self.public) if stored.get("public") else (self.exchange,):
            self.publisher.publish(stored["body"], exchange=exchange,
                                   routing_key=stored["routing_key"], headers=headers)


def publish_pending(collection: Collection, doc_id: Any, pending: list[dict],
                    publisher: EventPublisher) -> int:
    """Publish `pending` events of one document in order; `$pull` the confirmed ones.

    Stops at the first failure so events of one entity keep their order.
    Returns how many were published.
    """
    confirmed: list[dict] = []
    for stored in pending:
        try:
            publisher.publish(stored)
        except Exception as exc:  # noqa: BLE001 (broker down or refused: the relay retries)
            log.warning("event %s (%s) not published yet: %s", stored["id"], stored["routing_key"], exc)
            break
        confirmed.append(stored)
    try:
        for stored in confirmed:  # one $pull each: FerretDB takes no `$in` condition there
            collection.update_one({"_id": doc_id}, {"$pull": {FIELD: stored}})
        if len(confirmed) == len(pending):
            # An emptied outbox needs no lease: the LEASE index then holds only documents with
            # events pending, and the relay's query reads those alone, not every document ever
            # written. The filter keeps the lease of events a writer staged meanwhile.
            collection.update_one({"_id": doc_id, f"{FIELD}.0": {"$exists": False}}, {"$unset": {LEASE: ""}})
    except Exception as exc:  # noqa: BLE001 (the write stands; the relay publishes again, which is allowed)
        log.warning("published events of %s not cleared yet: %s", doc_id, exc)
    return len(confirmed)


class OutboxSender:
    """What a worker gets: publish the events it just stored."""

    def __init__(self, db, publisher: EventPublisher):
        self.db = db
        self.publisher = publisher

    def send(self, collection: str, doc_id: Any, events: Iterable[CloudEvent]) -> int:
        return publish_pending(self.db[collection], doc_id, [entry(e) for e in events], self.publisher)


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _claim(collection: Collection, at: datetime) -> tuple[dict, str] | None:
    """A document whose lease passed, now owned by this relay for RELAY_LEASE, with the key
    of its claim; None when there is none left.

    The key names the document, the lease it had and how many RELAY_LEASE periods ago that
    passed, so only one relay wins each lease, and a relay that died between its claim and
    moving the lease blocks the document for one period at most.
    """
    claims = collection.database[CLAIMS]
    for candidate in collection.find({f"{FIELD}.0": {"$exists": True}, LEASE: {"$lt": at}}):
        lease = _aware(candidate[LEASE])
        key = f"{collection.name}/{candidate['_id']}/{lease.isoformat()}/{(at - lease) // RELAY_LEASE}"
        try:
            claims.insert_one({"_id": key, "at": at})
        except DuplicateKeyError:
            continue  # another relay has it
        doc = collection.find_one({"_id": candidate["_id"]})
        if doc is None or _aware(doc.get(LEASE)) != lease:  # swept meanwhile, or written again
            claims.delete_one({"_id": key})
            continue
        collection.update_one({"_id": doc["_id"]}, {"$set": {LEASE: at + RELAY_LEASE}})
        return doc, key
    return None


def relay_once(collection: Collection, publisher: EventPublisher, now: datetime | None = None) -> int:
    """Claim and publish every document whose outbox the writer left behind."""
    published = 0
    while True:
        at = now or datetime.now(UTC)
        claimed = _claim(collection, at)
        if claimed is None:
            return published
        doc, key = claimed
        try:
            sent = publish_pending(collection, doc["_id"], doc[FIELD], publisher)
        finally:
            collection.database[CLAIMS].delete_one({"_id": key})  # the moved lease guards it now
        published += sent
        if sent < len(doc[FIELD]):
            return published  # the broker is refusing; try again next sweep


class Outbox(DependencyProvider):
    """Outbox for the given collections of the service's MongoDatabase.

    Injects an `OutboxSender`; runs the relay in a managed thread every
    OUTBOX_RELAY_INTERVAL seconds while the container runs.
    """

    def __init__(self, *collections: str):
        self.collections = collections

    def setup(self) -> None:
        config = self.container.config
        self.publisher = EventPublisher(config[cfg.AMQP_URI], self.container.service_name, config)
        self.interval = float(cfg.get(config, cfg.OUTBOX_RELAY_INTERVAL))
        self.database = sibling(self.container, MongoDatabase, "Outbox")
        self._relay_thread = None

    def start(self) -> None:
        db = self.database.get_dependency(None)
        for name in self.collections:
            db[name].create_index([(LEASE, 1)])
        self._relay_thread = self.container.spawn_managed_thread(self._relay_forever)

    def stop(self) -> None:
        if self._relay_thread is not None:
            self._relay_thread.kill()
            self._relay_thread = None

    kill = stop

    def relay(self) -> int:
        db = self.database.get_dependency(None)
        return sum(relay_once(db[name], self.publisher) for name in self.collections)

    def _relay_forever(self) -> None:
        while True:
            try:
                count = self.relay()
                if count:
                    log.info("outbox relay published %d event(s)", count)
            except Exception as exc:  # noqa: BLE001 (database briefly away: keep sweeping)
                log.warning("outbox relay sweep failed: %s", exc)
            eventlet.sleep(self.interval)

    def get_dependency(self, worker_ctx) -> OutboxSender:
        return OutboxSender(self.database.get_dependency(worker_ctx), self.publisher)
