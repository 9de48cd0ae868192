"""Outbox: no event lost between the database and the broker (events.md).

MongoDB here has no multi-document transactions, so a write stores the events it causes in
the same document, in an `outbox` array, with one single-document update (`staged` builds
that part of the update, `fields` that of an insert). Right after the write the worker
publishes them with publisher confirms and `$pull`s only the confirmed ones
(`OutboxSender.send`): the fast, normal path. Whatever that misses (broker down, process
killed between write and publish) the relay finds later.

How the relay finds it without reading every document (docs/database.md: no full scans in the
background): before the write, the writer puts a marker for the document in the small
`outbox_pending` collection (`OutboxSender.expect`), due after WRITER_GRACE, and removes it once
the document's outbox is empty. A marker whose writer died stays; a marker for a write that did
not happen finds an empty outbox. The relay runs in every replica; one at a time holds the
`outbox-relay` claim (claims.py) and reads only the markers that are due. A crash after
publishing but before the `$pull` publishes the event again later; consumers are idempotent
(ledger.py), so that is safe.
"""
from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import eventlet
from nameko.amqp.publish import Publisher
from nameko.extensions import DependencyProvider
from nameko.standalone.events import get_event_exchange
from pymongo import ReturnDocument
from pymongo.collection import Collection
from pymongo.database import Database

from wijkwijzer import amqp
from wijkwijzer import config as cfg
from wijkwijzer.claims import Claims
from wijkwijzer.cloudevents import CloudEvent
from wijkwijzer.extensions import sibling
from wijkwijzer.logs import CONTEXT_KEY
from wijkwijzer.mongo import MongoDatabase

log = logging.getLogger(__name__)

FIELD = "outbox"
PENDING = "outbox_pending"             # {_id: "<collection>/<id>", collection, doc_id, token, due}
WRITER_GRACE = timedelta(seconds=10)   # how long the writer alone may publish fresh events
RELAY_CLAIM = "outbox-relay"
RELAY_LEASE = timedelta(seconds=30)    # how long a relay sweep may run without renewing its claim
BACKLOG_MARKERS = 1000                 # markers one backlog count reads at most, so that a scrape stays cheap

# A failed publish must not hold a client request for long: one reconnect
# attempt, then the relay takes over.
_QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}


def entry(event: CloudEvent) -> dict[str, Any]:
    """The stored form of one pending event.

    It is a pure function of the event because confirmed entries are removed
    with `$pullAll` by whole-value match, so the writer must be able to rebuild
    exactly what it stored.
    """
    return {"id": event.id, "routing_key": event.routing_key, "body": event.model_dump(mode="json"),
            "public": type(event.data).public}


def staged(update: dict[str, Any], events: Iterable[CloudEvent]) -> dict[str, Any]:
    """`update` (a MongoDB update document) extended to store `events` in the
    same single-document write."""
    merged = {op: dict(fields) for op, fields in update.items()}
    merged.setdefault("$push", {})[FIELD] = {"$each": [entry(e) for e in events]}
    return merged


def fields(events: Iterable[CloudEvent]) -> dict[str, Any]:
    """Outbox fields of a document that is inserted together with its events."""
    return {FIELD: [entry(e) for e in events]}


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
        self.publisher.publish(stored["body"], exchange=self.exchange, routing_key=stored["routing_key"],
                               headers=headers)
        if stored.get("public"):
            self.publisher.publish(**amqp.structured_cloudevent(stored["body"]), exchange=self.public)


def publish_pending(collection: Collection, doc_id: Any, pending: list[dict],
                    publisher: EventPublisher) -> tuple[int, bool]:
    """Publish `pending` events of one document in order; remove the confirmed ones from it.

    Stops at the first failure so events of one entity keep their order. Returns how many were
    published, and whether the document has no event left to publish (False when unsure).
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
        # by whole value, which entry() can rebuild exactly; one write for all of them
        doc = collection.find_one_and_update({"_id": doc_id}, {"$pullAll": {FIELD: confirmed}},
                                             return_document=ReturnDocument.AFTER) if confirmed \
            else collection.find_one({"_id": doc_id}, {FIELD: 1})
    except Exception as exc:  # noqa: BLE001 (the write stands; the relay publishes again, which is allowed)
        log.warning("published events of %s not cleared yet: %s", doc_id, exc)
        return len(confirmed), False
    return len(confirmed), not (doc or {}).get(FIELD)


def _marker_id(collection: str, doc_id: Any) -> str:
    return f"{collection}/{doc_id}"


def _clear_marker(db: Database, collection: str, doc_id: Any, token: str) -> None:
    """Remove the marker `token`: the document has no events left to publish. A writer that
    marked the document since holds a marker of its own, which this leaves alone."""
    db[PENDING].delete_one({"_id": _marker_id(collection, doc_id), "token": token})


class OutboxSender:
    """What a worker gets: mark a document before writing events into it, publish them after."""

    def __init__(self, db: Database, publisher: EventPublisher):
        self.db = db
        self.publisher = publisher

    def expect(self, collection: str, doc_id: Any, now: datetime | None = None) -> str:
        """Before a write that stores events in document `doc_id`: mark it for the relay, in
        case this worker dies before publishing them. Returns the marker's token for `send`."""
        token = uuid.uuid4().hex
        self.db[PENDING].replace_one(
            {"_id": _marker_id(collection, doc_id)},
            {"collection": collection, "doc_id": doc_id, "token": token,
             "due": (now or datetime.now(UTC)) + WRITER_GRACE},
            upsert=True)
        return token

    def send(self, collection: str, doc_id: Any, events: Iterable[CloudEvent], token: str) -> int:
        """Publish the events just stored in `doc_id`, then clear the marker `expect` made."""
        sent, done = publish_pending(self.db[collection], doc_id, [entry(e) for e in events], self.publisher)
        if done:
            try:
                _clear_marker(self.db, collection, doc_id, token)
            except Exception as exc:  # noqa: BLE001 (the relay clears it later)
                log.warning("outbox marker of %s/%s not cleared yet: %s", collection, doc_id, exc)
        return sent


def relay_once(db: Database, publisher: EventPublisher, now: datetime | None = None) -> int:
    """Publish what writers left behind: the events of every document whose marker is due.
    One replica at a time; the others find the claim taken and wait for their next sweep."""
    published = 0
    with Claims(db).hold(RELAY_CLAIM, RELAY_LEASE) as claim:
        if claim is None:
            return 0
        for marker in list(db[PENDING].find({"due": {"$lte": now or datetime.now(UTC)}})):
            collection = db[marker["collection"]]
            doc = collection.find_one({"_id": marker["doc_id"]}, {FIELD: 1}) or {}
            pending = doc.get(FIELD) or []
            sent, done = publish_pending(collection, marker["doc_id"], pending, publisher)
            published += sent
            if sent < len(pending):
                break   # the broker is refusing; try again next sweep
            if done:
                _clear_marker(db, marker["collection"], marker["doc_id"], marker["token"])
            claim.renew()
    return published


def backlog(db: Database, limit: int = BACKLOG_MARKERS) -> int:
    """How many events are stored but not yet confirmed published: those in the outbox of each
    marked document (every write marks its document first). Reads at most `limit` markers (a
    small collection) and those documents' outboxes only; beyond that the count is a floor."""
    marked: dict[str, list] = defaultdict(list)
    for marker in db[PENDING].find({}, {"collection": 1, "doc_id": 1}).limit(limit):
        marked[marker["collection"]].append(marker["doc_id"])
    return sum(len(doc.get(FIELD) or []) for collection, ids in marked.items()
               for doc in db[collection].find({"_id": {"$in": ids}}, {FIELD: 1}))


class Outbox(DependencyProvider):
    """The outbox of the service's MongoDatabase.

    Injects an `OutboxSender`; runs the relay in a managed thread every
    OUTBOX_RELAY_INTERVAL seconds while the container runs.
    """

    # created by the service's MongoDatabase when it starts, and by wijkwijzer-migrate
    indexes: ClassVar = {PENDING: [([("due", 1)], {})]}

    def setup(self) -> None:
        config = self.container.config
        self.publisher = EventPublisher(config[cfg.AMQP_URI], self.container.service_name, config)
        self.interval = float(cfg.get(config, cfg.OUTBOX_RELAY_INTERVAL))
        self.database = sibling(self.container, MongoDatabase, "Outbox")
        self._relay_thread = None

    def start(self) -> None:
        self._relay_thread = self.container.spawn_managed_thread(self._relay_forever)

    def stop(self) -> None:
        if self._relay_thread is not None:
            self._relay_thread.kill()
            self._relay_thread = None

    kill = stop

    def relay(self) -> int:
        return relay_once(self.database.get_dependency(None), self.publisher)

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
