"""Where the helpdesk keeps its data: collections of its own database.

- `wijkwijzen`: the roster, one document per wijkwijze (`_id` their account's `sub`), with their
  load: `open` (the ids of the questions they hold) and `open_count`. A question is counted in
  someone's load by one conditional write: `open_count < capacity` as read, the question not in
  `open` yet, `$inc` and `$push` together. Atomic on every server we support (docs/database.md),
  so concurrent questions in any number of replicas never put anyone over capacity, and each
  question is counted once.
- `questions`: a question with its thread, history and outbox (wijkwijzer.outbox). Who has it
  changes by conditional writes on `routing` (raised by each such change), so of two replicas
  routing one question, one wins.
- `deadlines`: a small collection of what falls due (`<question>/<kind>`: `route` a question
  that waits for routing, `pickup` the assignment timeout, `sla` the first-response deadline).
  The timer reads only this collection; each entry goes once it no longer applies.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError
from wijkwijzer import outbox
from wijkwijzer.cloudevents import CloudEvent
from wijkwijzer.errors import NotFound

WIJKWIJZEN = "wijkwijzen"
QUESTIONS = "questions"
DEADLINES = "deadlines"
INDEXES = {
    WIJKWIJZEN: [
        ([("name_key", 1), ("_id", 1)], {}),
    ],
    QUESTIONS: [
        # the same call delivered again (its process died) finds the question it stored
        ([("attempt", 1)], {"unique": True}),
        ([("assignee", 1), ("status", 1), ("asked_at", 1), ("_id", 1)], {}),
        ([("pooled", 1), ("asked_at", 1), ("_id", 1)], {}),
        ([("asked_at", 1), ("_id", 1)], {}),
    ],
    DEADLINES: [
        ([("due", 1)], {}),
    ],
}

_HIDDEN = {outbox.FIELD: 0}
_ID = re.compile(r"^[0-9a-f]{32}$")
_AFTER = ReturnDocument.AFTER


class Wijkwijzen:
    """The roster and each wijkwijze's load."""

    def __init__(self, db: Database):
        self.collection = db[WIJKWIJZEN]

    def put(self, sub: str, entry: dict, now: datetime) -> dict:
        """Create or replace the entry of `sub`; their load stays as it is."""
        stored = self.collection.find_one_and_update(
            {"_id": sub},
            {"$set": {**entry, "name_key": entry["name"].casefold(), "updated_at": now},
             "$setOnInsert": {"created_at": now}},
            upsert=True, return_document=_AFTER)
        if "open_count" not in stored:   # new, or entered before loads were kept: no load yet, racing nobody
            stored = self.collection.find_one_and_update(
                {"_id": sub, "open_count": {"$exists": False}},
                {"$set": {"open": [], "open_count": 0, "last_assigned_at": None}}, return_document=_AFTER) \
                or self.collection.find_one({"_id": sub})
        return stored

    def all(self) -> list[dict]:
        """Every wijkwijze, by name regardless of case ("de Jong" between "Bakker" and "Visser").
        The roster is small: routing reads all of it."""
        return list(self.collection.find({}).sort([("name_key", 1), ("_id", 1)]))

    def listed(self, after: tuple[str, str] | None) -> Iterator[dict]:
        query: dict[str, Any] = {}
        if after:
            query = {"$or": [{"name_key": {"$gt": after[0]}}, {"name_key": after[0], "_id": {"$gt": after[1]}}]}
        return self.collection.find(query).sort([("name_key", 1), ("_id", 1)])

    def get(self, sub: Any) -> dict | None:
        return self.collection.find_one({"_id": sub}) if isinstance(sub, str) else None

    def take(self, sub: str, capacity: int, away_until: str | None, question_id: str, now: datetime) -> bool:
        """Count the question in the wijkwijze's load if they are as read (capacity, away) and
        below capacity: one atomic write, so nobody ever goes over."""
        return self.collection.find_one_and_update(
            {"_id": sub, "capacity": capacity, "away_until": away_until, "open_count": {"$lt": capacity},
             "open": {"$ne": question_id}},
            {"$push": {"open": question_id}, "$inc": {"open_count": 1}, "$set": {"last_assigned_at": now}},
        ) is not None

    def hold(self, sub: str, question_id: str) -> None:
        """Count a question they took on themselves (from the pool, or reopened) in their load."""
        self.collection.update_one({"_id": sub, "open": {"$ne": question_id}},
                                   {"$push": {"open": question_id}, "$inc": {"open_count": 1}})

    def give_back(self, sub: str | None, question_id: str) -> None:
        """The question no longer counts in their load (once, however often this runs)."""
        if sub:
            self.collection.update_one({"_id": sub, "open": question_id},
                                       {"$pull": {"open": question_id}, "$inc": {"open_count": -1}})

    def holding(self, question_id: str) -> list[str]:
        """Who counts the question in their load (the roster is small: one read of it)."""
        return [doc["_id"] for doc in self.collection.find({"open": question_id}, {"_id": 1})]


class Questions:
    def __init__(self, db: Database):
        self.collection = db[QUESTIONS]

    def insert(self, doc: dict, events: list[CloudEvent]) -> tuple[dict, bool]:
        """Store a new question with its events: (it, True); or (the question stored earlier by the
        same `attempt`, False) when this is the same call again."""
        try:
            self.collection.insert_one({**doc, **outbox.fields(events)})
        except DuplicateKeyError:
            earlier = self.collection.find_one({"attempt": doc["attempt"]}, _HIDDEN)
            if earlier is None:   # the clash was on something else
                raise
            return earlier, False
        return doc, True

    def new_token(self, question: dict, token_hash: str) -> None:
        """The anonymous asker's token of the call again replaces the one whose answer never left."""
        self.collection.update_one({"_id": question["_id"], "attempt": question["attempt"]},
                                   {"$set": {"asker.token_hash": token_hash}})

    def find(self, question_id: Any) -> dict:
        doc = None
        if isinstance(question_id, str) and _ID.match(question_id):
            doc = self.collection.find_one({"_id": question_id}, _HIDDEN)
        if doc is None:
            raise NotFound(f"no question {question_id!r}")
        return doc

    def write(self, question_id: str, condition: dict, update: dict, events: list[CloudEvent]) -> dict | None:
        """One change and its events in one write, if the question meets `condition`; None otherwise."""
        found = self.collection.find_one_and_update({"_id": question_id, **condition}, outbox.staged(update, events),
                                                    return_document=_AFTER)
        return None if found is None else {k: v for k, v in found.items() if k != outbox.FIELD}

    def listed(self, query: dict, after: tuple[datetime, str] | None) -> Iterator[dict]:
        """Questions matching `query`, oldest first, after a page's last (asked_at, id)."""
        if after:
            query = {**query, "$or": [{"asked_at": {"$gt": after[0]}},
                                      {"asked_at": after[0], "_id": {"$gt": after[1]}}]}
        return self.collection.find(query, _HIDDEN).sort([("asked_at", 1), ("_id", 1)])


class Deadlines:
    """What falls due: `{_id: "<question>/<kind>", question_id, kind, due}`."""

    def __init__(self, db: Database):
        self.collection = db[DEADLINES]

    def set(self, question_id: str, kind: str, due: datetime) -> None:
        self.collection.replace_one({"_id": f"{question_id}/{kind}"},
                                    {"question_id": question_id, "kind": kind, "due": due}, upsert=True)

    def drop(self, question_id: str, *kinds: str) -> None:
        for kind in kinds:
            self.collection.delete_one({"_id": f"{question_id}/{kind}"})

    def due(self, now: datetime, limit: int = 500) -> list[dict]:
        return list(self.collection.find({"due": {"$lte": now}}).sort([("due", 1)]).limit(limit))
