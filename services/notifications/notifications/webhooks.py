"""Partner webhooks: from a public event to a signed delivery at each partner that wants it.

    partners            {_id, name, url, event_types, topics, focus_areas, secrets: [{secret, since,
                        until}], active, disabled_at, disabled_reason, failing_since, created_at, updated_at}
    public_events       {_id: event id, type, subject, time, body, tags, received_at}: every public
                        event as it came, kept for replays; `body` is the exact text that is signed
    public_subjects     {_id: "<entity>:<id>", tags}: what an entity's events said it is about, for
                        the events that do not say it themselves (a withdrawal, a cancellation)
    webhook_deliveries  the delivery log: {_id: "<partner>/<event>", partner_id, event_id, event_type,
                        event_time, state: pending|delivered|failed, tries, attempts: [...],
                        next_attempt_at, created_at, updated_at}
    webhook_queue       {_id: delivery id, partner_id, due}: deliveries not done yet, a small
                        collection the senders sweep (docs/database.md); `due` is also the lease of
                        a sender that took it, so a sender that died leaves it due again

Every replica sends: a delivery is taken by a conditional update of its queue entry, so two
replicas never send it at the same moment. A retry is a time in the queue, not a sleeping worker,
so retries outlive restarts. The same event has the same `webhook-id` on every attempt and
replay (Standard Webhooks), so a partner drops what it saw already.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import UpdateOne
from pymongo.database import Database

from . import partners as rules
from .endpoints import Caller
from .partners import Tags

log = logging.getLogger(__name__)

PARTNERS = "partners"
PUBLIC_EVENTS = "public_events"
PUBLIC_SUBJECTS = "public_subjects"
DELIVERIES = "webhook_deliveries"
QUEUE = "webhook_queue"
INDEXES = {
    PUBLIC_EVENTS: [([("time", 1)], {})],
    DELIVERIES: [([("partner_id", 1), ("created_at", -1)], {})],
    QUEUE: [([("due", 1)], {})],
}
BULK = 100          # statements per bulk_write (docs/database.md)
MAX_REPLAY = 10_000  # events one replay request may send again


@dataclass(frozen=True)
class WebhookSettings:
    timeout: float                 # seconds a partner has to answer
    scale: float                   # the retry schedule and the disable window, times this (tests: small)
    lease: timedelta               # how long a sender holds a delivery it took
    secret_overlap: timedelta      # how long a rotated-out secret still signs
    concurrency: int               # deliveries in flight per replica
    per_partner: int               # of which to one partner at most
    batch: int                     # deliveries a sweep takes at most
    keep: timedelta                # how long public events and the delivery log are kept


def _time(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _subject_key(event: dict) -> str:
    entity = event["type"].removeprefix("nl.wijkwijzer.").split(".")[0]
    return f"{entity}:{event['subject']}"


def delivery_id(partner_id: str, event_id: str) -> str:
    return f"{partner_id}/{event_id}"


def forget_old(db: Database, now: datetime, keep: timedelta) -> tuple[int, int]:
    """Public events received, and finished deliveries made, longer than `keep` ago: how many of
    each were removed. A replay reaches back as far as events are kept."""
    cutoff = now - keep
    events = db[PUBLIC_EVENTS].delete_many({"received_at": {"$lt": cutoff}}).deleted_count
    deliveries = db[DELIVERIES].delete_many({"created_at": {"$lt": cutoff},
                                             "state": {"$in": ["delivered", "failed"]}}).deleted_count
    return events, deliveries


class Partners:
    def __init__(self, db: Database):
        self.collection = db[PARTNERS]

    def get(self, partner_id: str) -> dict | None:
        return self.collection.find_one({"_id": partner_id})

    def active(self) -> list[dict]:
        # a few hundred at most: read whole, filtered here (docs/database.md: no filtered scans)
        return [p for p in self.collection.find({}) if p.get("active")]

    def disable(self, partner_id: str, reason: str, now: datetime) -> dict | None:
        """Switch an endpoint off; the partner when this call did it (so one replica tells)."""
        return self.collection.find_one_and_update(
            {"_id": partner_id, "active": True},
            {"$set": {"active": False, "disabled_at": now, "disabled_reason": reason, "updated_at": now}})

    def failed(self, partner_id: str, now: datetime) -> None:
        self.collection.update_one({"_id": partner_id, "failing_since": None}, {"$set": {"failing_since": now}})

    def succeeded(self, partner_id: str) -> None:
        self.collection.update_one({"_id": partner_id, "failing_since": {"$ne": None}},
                                   {"$set": {"failing_since": None}})


class Fanout:
    """A public event in, a queued delivery out for each active partner whose filters it passes."""

    def __init__(self, db: Database):
        self.db = db

    def receive(self, event: dict, now: datetime) -> int:
        """Keep the event for replays and queue its deliveries; how many partners get it. A
        redelivered event keeps its first body and queues nothing delivered again."""
        tags = self._tags(event)
        self.db[PUBLIC_EVENTS].update_one({"_id": event["id"]}, {"$setOnInsert": {
            "type": event["type"], "subject": event["subject"], "time": _time(event["time"]),
            "body": json.dumps(event, ensure_ascii=False, separators=(",", ":")),
            "tags": tags.as_doc() if tags else None, "received_at": now}}, upsert=True)
        wanting = [p["_id"] for p in Partners(self.db).active() if rules.wants(p, event["type"], tags)]
        queue(self.db, wanting, event["id"], event["type"], _time(event["time"]), now, again=False)
        return len(wanting)

    def _tags(self, event: dict) -> Tags | None:
        subjects = self.db[PUBLIC_SUBJECTS]
        tags = Tags.of(event.get("data") or {})
        if tags is not None:
            subjects.update_one({"_id": _subject_key(event)}, {"$set": {"tags": tags.as_doc()}}, upsert=True)
            return tags
        known = subjects.find_one({"_id": _subject_key(event)})
        return Tags.from_doc(known["tags"]) if known else None


def queue(db: Database, partner_ids: Iterable[str], event_id: str, event_type: str, event_time: datetime,
          now: datetime, again: bool) -> None:
    """Deliveries of one event to these partners, due now. `again` (a replay): also those that were
    delivered or failed, as a new round of the schedule, under the same webhook-id."""
    ids = list(partner_ids)
    for start in range(0, len(ids), BULK):
        chunk = ids[start:start + BULK]
        new = {"partner_id": None, "event_id": event_id, "event_type": event_type, "event_time": event_time,
               "attempts": [], "created_at": now}
        restart = {"state": "pending", "tries": 0, "next_attempt_at": now, "updated_at": now}
        db[DELIVERIES].bulk_write([UpdateOne(
            {"_id": delivery_id(p, event_id)},
            {"$setOnInsert": {**new, "partner_id": p}, "$set": restart} if again
            else {"$setOnInsert": {**new, "partner_id": p, **restart}},
            upsert=True) for p in chunk], ordered=False)
        db[QUEUE].bulk_write([UpdateOne(
            {"_id": delivery_id(p, event_id)},
            {"$set": {"partner_id": p, "due": now}} if again else {"$setOnInsert": {"partner_id": p, "due": now}},
            upsert=True) for p in chunk], ordered=False)


class Sender:
    """Takes due deliveries and sends them. `tell_disabled(partner)` tells the admins."""

    def __init__(self, db: Database, caller: Caller, settings: WebhookSettings,
                 tell_disabled: Callable[[dict], None], clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.db = db
        self.caller = caller
        self.settings = settings
        self.tell_disabled = tell_disabled
        self.clock = clock
        self.partners = Partners(db)
        self._events: dict[str, dict | None] = {}   # a sweep sends one event to many partners: read it once

    def due(self, limit: int, skip_partners: Iterable[str] = ()) -> list[dict]:
        """Deliveries due now, the longest waiting first, but none for `skip_partners`."""
        query: dict[str, Any] = {"due": {"$lte": self.clock()}}
        if skip_partners:
            query["partner_id"] = {"$nin": list(skip_partners)}
        return list(self.db[QUEUE].find(query).sort("due", 1).limit(limit))

    def take(self, item_id: str) -> bool:
        """Take a due delivery for this sender, for the lease; False when another took it."""
        now = self.clock()
        return self.db[QUEUE].update_one({"_id": item_id, "due": {"$lte": now}},
                                         {"$set": {"due": now + self.settings.lease}}).modified_count == 1

    def deliver(self, item_id: str) -> str:
        """One attempt of a delivery this sender took; what came of it (an Outcome's state, or
        `done` / `failed` when there was nothing to send)."""
        delivery = self.db[DELIVERIES].find_one({"_id": item_id})
        if delivery is None or delivery["state"] != "pending":
            self._unqueue(item_id)          # done already, or a queue entry whose delivery was never stored
            return "done"
        partner = self.partners.get(delivery["partner_id"])
        event = self._event(delivery["event_id"])
        if partner is None or not partner.get("active") or event is None:
            reason = "the endpoint is switched off" if partner is not None else "the partner was removed"
            self._finish(item_id, "failed", {"at": self.clock(), "status_code": None, "latency_ms": 0,
                                             "error": reason if event else "the event is no longer kept"})
            return "failed"
        started = self.clock()
        headers = rules.signed_headers(event["_id"], event["body"], rules.signing_secrets(partner, started), started)
        answer = self.caller.post(partner["url"], event["body"], headers)
        now = self.clock()
        tries = delivery.get("tries", 0) + 1
        attempt = {"at": started, "status_code": answer.status, "latency_ms": answer.latency_ms,
                   "error": answer.error}
        result = rules.outcome(answer.status, answer.headers, tries, now, self.settings.scale)
        if result.state == "delivered":
            self._finish(item_id, "delivered", attempt, tries=tries, delivered_at=now)
            self.partners.succeeded(partner["_id"])   # also when this read said it was not failing: it may be now
        elif result.state == "gone":
            self._finish(item_id, "failed", attempt, tries=tries)
            self._disable(partner, "the endpoint answered 410 Gone", now)
        elif result.retry_at is None:
            self._finish(item_id, "failed", attempt, tries=tries)
            self._failing(partner, now)
        else:
            self.db[DELIVERIES].update_one({"_id": item_id}, {
                "$set": {"tries": tries, "next_attempt_at": result.retry_at, "updated_at": now},
                "$push": {"attempts": attempt}})
            self.db[QUEUE].update_one({"_id": item_id}, {"$set": {"due": result.retry_at}})
            self._failing(partner, now)
        log.info("webhook %s to %s: %s (%s, %d ms)", delivery["event_id"], partner["_id"], result.state,
                 answer.status or answer.error, answer.latency_ms)
        return result.state

    def _event(self, event_id: str) -> dict | None:
        """A kept public event (they never change), read once per sender."""
        if event_id not in self._events:
            self._events[event_id] = self.db[PUBLIC_EVENTS].find_one({"_id": event_id})
        return self._events[event_id]

    def _finish(self, item_id: str, state: str, attempt: dict, **fields: Any) -> None:
        now = self.clock()
        self.db[DELIVERIES].update_one({"_id": item_id}, {
            "$set": {"state": state, "next_attempt_at": None, "updated_at": now, **fields},
            "$push": {"attempts": attempt}})
        self._unqueue(item_id)

    def _unqueue(self, item_id: str) -> None:
        self.db[QUEUE].delete_one({"_id": item_id})

    def _failing(self, partner: dict, now: datetime) -> None:
        self.partners.failed(partner["_id"], now)
        since = partner.get("failing_since") or now
        if rules.failing_too_long(since, now, self.settings.scale):
            self._disable(partner, f"no delivery succeeded since {since.isoformat(timespec='seconds')}", now)

    def _disable(self, partner: dict, reason: str, now: datetime) -> None:
        disabled = self.partners.disable(partner["_id"], reason, now)
        if disabled is not None:
            log.warning("partner %s (%s) disabled: %s", partner["_id"], partner["url"], reason)
            self.tell_disabled({**disabled, "active": False, "disabled_at": now, "disabled_reason": reason})
