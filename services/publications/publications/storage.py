"""Where publications live: the `publications` collection of this service's database."""
from __future__ import annotations

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError
from wijkwijzer import outbox
from wijkwijzer.cloudevents import CloudEvent
from wijkwijzer.errors import Conflict, NotFound
from wijkwijzer.times import jsonable

COLLECTION = "publications"
INDEXES = {
    COLLECTION: [
        ([("slug", 1)], {"unique": True}),
        # a retried create (same author, same Idempotency-Key) must not make a second draft
        ([("author.sub", 1), ("idempotency_key", 1)], {"unique": True}),
        ([("status", 1), ("updated_at", -1)], {}),
    ],
}

# Internal bookkeeping a client never sees.
_HIDDEN = {outbox.FIELD: 0, outbox.LEASE: 0, "idempotency_key": 0}


def public_view(doc: dict) -> dict:
    """The publication as callers see it: no bookkeeping, times as RFC 3339 strings."""
    view = {k: jsonable(v) for k, v in doc.items() if k not in _HIDDEN}
    view["id"] = view.pop("_id")
    return view


class Publications:
    def __init__(self, db: Database):
        self.collection = db[COLLECTION]

    def insert(self, doc: dict) -> dict:
        """Store a new publication; when the author already created one with the
        same idempotency key, return that one instead."""
        try:
            self.collection.insert_one(doc)
        except DuplicateKeyError:
            existing = self.collection.find_one(
                {"author.sub": doc["author"]["sub"], "idempotency_key": doc["idempotency_key"]}, _HIDDEN)
            if existing is None:
                raise
            return existing
        return doc

    def find(self, id_or_slug: str) -> dict:
        doc = self.collection.find_one({"_id": id_or_slug}, _HIDDEN) or \
            self.collection.find_one({"slug": id_or_slug}, _HIDDEN)
        if doc is None:
            raise NotFound(f"no publication {id_or_slug!r}")
        return doc

    def update(self, doc: dict, changes: dict, history: dict, events: list[CloudEvent]) -> dict:
        """Apply `changes` if nobody changed the document since it was read; the
        history entry and the events it causes go into the same write."""
        update = outbox.staged({"$set": changes, "$push": {"history": history},
                                "$inc": {"version": 1}}, events)
        result = self.collection.update_one({"_id": doc["_id"], "version": doc["version"]}, update)
        if result.matched_count == 0:
            raise Conflict("the publication changed meanwhile; reload and try again")
        return self.find(doc["_id"])
