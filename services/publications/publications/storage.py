"""Where publications and their flags live: collections of this service's own database."""
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
from wijkwijzer.errors import Conflict, NotFound

from . import index
from .domain import Change

COLLECTION = "publications"
FLAGS = "flags"
INDEXES = {
    # one open flag per reader per publication; a decided flag's key is its own id
    FLAGS: [([("open_key", 1)], {"unique": True}), ([("publication_id", 1), ("status", 1)], {})],
    COLLECTION: [
        ([("slug", 1)], {"unique": True}),
        # a retried create (same author, same Idempotency-Key) must not make a second draft
        ([("author.sub", 1), ("idempotency_key", 1)], {"unique": True}),
        # the search index's rebuild numbers publications in listing order (search is index.py)
        ([("listed_at", 1), ("_id", 1)], {}),
        # the editors' review queue
        ([("queue", 1), ("created_at", 1)], {}),
        # a member's own publications, newest change first (authored.py)
        ([("author.sub", 1), ("updated_at", -1), ("_id", -1)], {}),
    ],
}

# Internal bookkeeping a client never sees.
HIDDEN = {outbox.FIELD: 0, "idempotency_key": 0}
# What a list shows of each publication (a search shows the same, from the index).
LISTED = dict.fromkeys(index.CARD, 1)
# What an author's own list shows of each of theirs (of a revision only whether it waits).
AUTHORED = dict.fromkeys(("slug", "title", "kind", "status", "revision.status", "created_at", "updated_at",
                          "published_at"), 1)
_ID = re.compile(r"^[0-9a-f]{32}$")
_SLUG = re.compile(r"^[a-z0-9-]{1,120}$")


class Publications:
    def __init__(self, db: Database):
        self.collection = db[COLLECTION]

    def insert(self, doc: dict, events: list[CloudEvent]) -> tuple[dict, bool]:
        """Store a new publication with the events it causes: (it, True); or, when the author
        already created one with the same idempotency key, (that one, False)."""
        try:
            self.collection.insert_one({**doc, **outbox.fields(events)})
        except DuplicateKeyError:
            existing = self.collection.find_one(
                {"author.sub": doc["author"]["sub"], "idempotency_key": doc["idempotency_key"]}, HIDDEN)
            if existing is None:
                raise
            return existing, False
        return doc, True

    def find(self, id_or_slug: Any) -> dict:
        """By id or by slug; NotFound for anything else (a malformed id included)."""
        doc = None
        if isinstance(id_or_slug, str) and _ID.match(id_or_slug):
            doc = self.collection.find_one({"_id": id_or_slug}, HIDDEN)
        if doc is None and isinstance(id_or_slug, str) and _SLUG.match(id_or_slug):
            doc = self.collection.find_one({"slug": id_or_slug}, HIDDEN)
        if doc is None:
            raise NotFound(f"no publication {id_or_slug!r}")
        return doc

    def apply(self, doc: dict, change: Change, events: list[CloudEvent]) -> dict:
        """Write `change` and its events in one update, if nobody changed the publication since
        it was read (Conflict otherwise); returns the publication as it is now."""
        update: dict[str, Any] = {"$set": change.set, "$inc": {"version": 1}}
        if change.history:
            update["$push"] = {"history": {"$each": change.history}}
        updated = self.collection.find_one_and_update({"_id": doc["_id"], "version": doc["version"]},
                                                      outbox.staged(update, events),
                                                      return_document=ReturnDocument.AFTER)
        if updated is None:
            raise Conflict("the publication changed meanwhile; reload and try again")
        return {k: v for k, v in updated.items() if k not in HIDDEN}

    def matching(self, query: dict, sort: list[tuple[str, int]], batch: int) -> Iterator[dict]:
        """Publications matching `query` in `sort` order, as list entries, read lazily."""
        return self.collection.find(query, LISTED).sort(sort).batch_size(batch)

    def authored(self, author_sub: str, statuses: list[str], until: datetime | None, batch: int) -> Iterator[dict]:
        """The publications `author_sub` created (in `statuses`; empty: all), last changed at or
        before `until` (None: any time), newest change first (ties by id, highest first), read lazily."""
        query: dict[str, Any] = {"author.sub": author_sub}
        if statuses:
            query["status"] = {"$in": statuses}
        if until is not None:
            query["updated_at"] = {"$lte": until}
        return self.collection.find(query, AUTHORED).sort([("updated_at", -1), ("_id", -1)]).batch_size(batch)


class Flags:
    """Readers' flags, one document each (see flagging.flag for why not an array)."""

    def __init__(self, db: Database):
        self.collection = db[FLAGS]

    def insert(self, flag: dict, events: list[CloudEvent]) -> None:
        """Store a new flag with the events it causes, in one insert."""
        try:
            self.collection.insert_one({**flag, **outbox.fields(events)})
        except DuplicateKeyError:
            raise Conflict("you already flagged this publication; an editor will look at it") from None

    def count_open(self, publication_id: str, since: datetime | None = None) -> int:
        """Open flags of the publication made after `since` (when an editor last decided on its
        flags: see domain.change)."""
        query: dict[str, Any] = {"publication_id": publication_id, "status": "open"}
        if since is not None:
            query["at"] = {"$gt": since}
        return self.collection.count_documents(query)

    def of(self, publication_id: str) -> list[dict]:
        return list(self.collection.find({"publication_id": publication_id}, {**HIDDEN, "open_key": 0})
                    .sort([("at", 1), ("_id", 1)]))

    def resolve(self, publication_id: str, status: str) -> None:
        """The open flags become `status` (dismissed or upheld); the reader may flag again."""
        for flag in self.collection.find({"publication_id": publication_id, "status": "open"}, {"_id": 1}):
            self.collection.update_one({"_id": flag["_id"], "status": "open"},
                                       {"$set": {"status": status, "open_key": flag["_id"]}})
