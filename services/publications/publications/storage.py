"""Where publications live: the `publications` collection of this service's database."""
from __future__ import annotations

from pymongo.database import Database
from wijkwijzer import outbox
from wijkwijzer.cloudevents import CloudEvent
from wijkwijzer.errors import Conflict, NotFound

COLLECTION = "publications"
INDEXES = {
    COLLECTION: [
        ([("slug", 1)], {"unique": True}),
        ([("status", 1), ("updated_at", -1)], {}),
    ],
}

# Internal bookkeeping a client never sees.
_HIDDEN = {outbox.FIELD: 0, outbox.LEASE: 0}


def public_view(doc: dict) -> dict:
    view = {k: v for k, v in doc.items() if k not in _HIDDEN}
    view["id"] = view.pop("_id")
    return view


class Publications:
    def __init__(self, db: Database):
        self.collection = db[COLLECTION]

    def insert(self, doc: dict) -> None:
        self.collection.insert_one(doc)

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
