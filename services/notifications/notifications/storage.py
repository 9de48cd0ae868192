"""The notifications service's own collections.

    event_log     every platform event it acted on (for operators and tests)
    members       {_id: sub, name, email, follows: {...}, frequency, kinds: {kind: frequency}}
                  what a member chose, and their address as their token last said it
    addresses     {_id: "email:<address>", kinds: {kind: "off"}}: choices of people without an
                  account (anonymous registrants who used an unsubscribe link)
    followers     {_id: "topics:veiligheid", members: [sub, ...]}: who follows what, a read
                  model of `members` kept by the same writes, so a publication's followers are a
                  few reads by _id (docs/database.md: no filtered scans of big collections)
    deliveries    the delivery log: one document per message, _id = event/recipient/kind
    send_queue    {_id: delivery id, due}: deliveries not yet sent or failed (a small
                  collection the sender sweeps, like the outbox's pending marks)
    claims        wijkwijzer.claims (the sweep)
    questions     {_id: question id, title, assignee, assignee_name, assignee_email, assigned_at}:
                  what the helpdesk's question.assigned/reassigned/pooled events told, so an
                  asker's message can reach the assignee (the service's own copy; it never reads
                  the helpdesk's database)
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from pymongo import ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError
from wijkwijzer import pages

from .domain import FOLLOW_FIELDS, follow_keys

EVENT_LOG = "event_log"
MEMBERS = "members"
ADDRESSES = "addresses"
FOLLOWERS = "followers"
DELIVERIES = "deliveries"
SEND_QUEUE = "send_queue"
QUESTIONS = "questions"
INDEXES = {
    EVENT_LOG: [([("subject", 1), ("received_at", 1)], {})],
    DELIVERIES: [([("member", 1), ("created_at", -1)], {})],
    SEND_QUEUE: [([("due", 1)], {})],
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


class Members:
    def __init__(self, db: Database):
        self.members = db[MEMBERS]
        self.addresses = db[ADDRESSES]
        self.followers = db[FOLLOWERS]

    def get(self, sub: str) -> dict | None:
        return self.members.find_one({"_id": sub})

    def many(self, subs: list[str]) -> dict[str, dict]:
        """Members by sub. A few are read one by one by _id: on the local FerretDB an `$in` reads
        the whole collection (docs/database.md), which pays off only for many."""
        if len(subs) <= 50:
            return {doc["_id"]: doc for doc in (self.get(sub) for sub in subs) if doc}
        found: dict[str, dict] = {}
        for start in range(0, len(subs), 500):
            for doc in self.members.find({"_id": {"$in": subs[start:start + 500]}}):
                found[doc["_id"]] = doc
        return found

    def seen(self, sub: str, name: str | None, email: str | None, now: datetime) -> dict:
        """Note the member's name and address from their token (the only place this service
        learns them), creating their document with the defaults the first time."""
        values = {k: v for k, v in (("name", name), ("email", email)) if v}
        return self.members.find_one_and_update(
            {"_id": sub},
            {"$set": {**values, "seen_at": now},
             "$setOnInsert": {"follows": {f: [] for f in FOLLOW_FIELDS}, "frequency": "immediate", "kinds": {}}},
            upsert=True, return_document=ReturnDocument.AFTER)

    def set_follows(self, sub: str, follows: dict, frequency: str, now: datetime) -> dict:
        """Replace what the member follows, and the follower index with it. The index is written
        after the member: a crash in between leaves index entries the next PUT corrects, and the
        sender checks each follower's current follows before sending."""
        before = self.get(sub) or {}
        old, new = follow_keys(before.get("follows") or {}), follow_keys(follows)
        doc = self.members.find_one_and_update(
            {"_id": sub}, {"$set": {"follows": follows, "frequency": frequency, "updated_at": now}},
            return_document=ReturnDocument.AFTER)
        for key in sorted(new - old):
            self.followers.update_one({"_id": key}, {"$addToSet": {"members": sub}}, upsert=True)
        for key in sorted(old - new):
            self.followers.update_one({"_id": key}, {"$pull": {"members": sub}})
        return doc

    def set_kinds(self, sub: str, kinds: dict[str, str], now: datetime) -> dict:
        return self.members.find_one_and_update(
            {"_id": sub}, {"$set": {**{f"kinds.{k}": v for k, v in kinds.items()}, "updated_at": now}},
            return_document=ReturnDocument.AFTER)

    def followers_of(self, keys: set[str]) -> set[str]:
        subs: set[str] = set()
        for key in sorted(keys):
            doc = self.followers.find_one({"_id": key})
            subs.update((doc or {}).get("members") or [])
        return subs

    def address(self, email: str) -> dict | None:
        return self.addresses.find_one({"_id": f"email:{email.lower()}"})

    def switch_off(self, recipient_key: str, kind: str, now: datetime) -> None:
        """The unsubscribe link: this kind off for this member or address."""
        if recipient_key.startswith("member:"):
            changes = {f"kinds.{kind}": "off", "updated_at": now}
            if kind == "digest":    # no more digests: what they follow no longer reaches them at all
                changes["frequency"] = "off"
            self.members.update_one({"_id": recipient_key.removeprefix("member:")}, {"$set": changes})
        else:
            self.addresses.update_one({"_id": recipient_key}, {"$set": {f"kinds.{kind}": "off", "updated_at": now}},
                                      upsert=True)


class Deliveries:
    """The delivery log and the send queue. States: queued -> sending -> sent, or back to queued
    with a later `next_attempt_at` after a failed attempt, or failed after the last one."""

    def __init__(self, db: Database):
        self.log = db[DELIVERIES]
        self.queue = db[SEND_QUEUE]

    def add(self, doc: dict, now: datetime) -> bool:
        """Queue a message; False when this delivery exists already (a redelivered event). The
        queue mark goes first: a crash after it and before the insert leaves a mark the sweep
        drops; a crash after the insert leaves both, and the message is sent."""
        self.queue.update_one({"_id": doc["_id"]}, {"$setOnInsert": {"due": now}}, upsert=True)
        try:
            self.log.insert_one({**doc, "state": "queued", "attempts": [], "attempt_count": 0,
                                 "next_attempt_at": now, "created_at": now})
        except DuplicateKeyError:
            existing = self.log.find_one({"_id": doc["_id"]})
            if existing and existing["state"] in ("sent", "failed"):
                self.queue.delete_one({"_id": doc["_id"]})
            return False
        return True

    def get(self, delivery_id: str) -> dict | None:
        return self.log.find_one({"_id": delivery_id})

    def claim(self, delivery_id: str, owner: str, lease: timedelta, now: datetime) -> dict | None:
        """Take a delivery to send it: one queued and due, or one whose sender's lease ran out (it
        died mid-send). One taker wins; the document as it was taken."""
        return self.log.find_one_and_update(
            {"_id": delivery_id, "state": {"$in": ["queued", "sending"]}, "next_attempt_at": {"$lte": now}},
            {"$set": {"state": "sending", "owner": owner, "next_attempt_at": now + lease},
             "$inc": {"attempt_count": 1}},
            return_document=ReturnDocument.AFTER)

    def sent(self, delivery_id: str, owner: str, message_id: str, now: datetime) -> None:
        self.log.update_one({"_id": delivery_id, "owner": owner},
                            {"$set": {"state": "sent", "sent_at": now, "message_id": message_id},
                             "$push": {"attempts": {"at": now, "outcome": "sent"}}, "$unset": {"owner": ""}})
        self.queue.delete_one({"_id": delivery_id})

    def attempt_failed(self, delivery_id: str, owner: str, reason: str, retry_at: datetime | None,
                       now: datetime) -> None:
        """Note a failed attempt; `retry_at` None: that was the last one, the delivery failed."""
        attempt = {"at": now, "outcome": "failed", "reason": reason[:500]}
        if retry_at is None:
            self.log.update_one({"_id": delivery_id, "owner": owner},
                                {"$set": {"state": "failed", "failed_at": now, "reason": reason[:500]},
                                 "$push": {"attempts": attempt}, "$unset": {"owner": ""}})
            self.queue.delete_one({"_id": delivery_id})
        else:
            self.log.update_one({"_id": delivery_id, "owner": owner},
                                {"$set": {"state": "queued", "next_attempt_at": retry_at, "reason": reason[:500]},
                                 "$push": {"attempts": attempt}, "$unset": {"owner": ""}})
            self.queue.update_one({"_id": delivery_id}, {"$set": {"due": retry_at}})

    def due(self, now: datetime, limit: int) -> list[str]:
        return [doc["_id"] for doc in self.queue.find({"due": {"$lte": now}}).sort("due", 1).limit(limit)]

    def postpone(self, delivery_id: str, until: datetime) -> None:
        self.queue.update_one({"_id": delivery_id}, {"$set": {"due": until}})

    def unqueue(self, delivery_id: str) -> None:
        self.queue.delete_one({"_id": delivery_id})

    def of_member(self, sub: str, before: tuple[datetime, str] | None = None) -> Iterator[dict]:
        """The member's messages, newest first (ties by id), after the position `before`."""
        query: dict = {"member": sub}
        if before:
            query["created_at"] = {"$lte": before[0]}
        found = self.log.find(query).sort([("created_at", -1), ("_id", -1)]).batch_size(101)
        yield from pages.after(found, before, lambda doc: (doc["created_at"], doc["_id"]), descending=True)


class Questions:
    """Who a question is assigned to, as the helpdesk's events said (idempotent: a redelivered or
    late assignment never overwrites a newer one)."""

    def __init__(self, db: Database):
        self.questions = db[QUESTIONS]

    def get(self, question_id: str) -> dict | None:
        return self.questions.find_one({"_id": question_id})

    def titled(self, question_id: str, title: str) -> None:
        self.questions.update_one({"_id": question_id}, {"$set": {"title": title}}, upsert=True)

    def assigned(self, data: dict) -> None:
        at = datetime.fromisoformat(data["assigned_at"]) if isinstance(data["assigned_at"], str) \
            else data["assigned_at"]
        fields = {"title": data["title"], "assignee": data["assignee"], "assignee_name": data["assignee_name"],
                  "assignee_email": data["assignee_email"], "assigned_at": at}
        try:
            self.questions.update_one({"_id": data["question_id"],
                                       "$or": [{"assigned_at": {"$exists": False}}, {"assigned_at": {"$lte": at}}]},
                                      {"$set": fields}, upsert=True)
        except DuplicateKeyError:
            pass   # a newer assignment is stored already (the filter missed it, the upsert collided)
