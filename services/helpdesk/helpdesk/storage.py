"""Where the helpdesk keeps its data: for now the `wijkwijzen` roster."""
from __future__ import annotations

from datetime import datetime

from pymongo import ReturnDocument
from pymongo.database import Database
from wijkwijzer.times import jsonable

WIJKWIJZEN = "wijkwijzen"
INDEXES = {
    WIJKWIJZEN: [
        ([("name_key", 1)], {}),
    ],
}

# Internal bookkeeping a client never sees.
_HIDDEN = {"name_key"}



def public_view(doc: dict) -> dict:
    view = {k: jsonable(v) for k, v in doc.items() if k not in _HIDDEN}
    view["sub"] = view.pop("_id")
    return view


class Wijkwijzen:
    """The roster, one document per wijkwijze, `_id` their account's `sub`."""

    def __init__(self, db: Database):
        self.collection = db[WIJKWIJZEN]

    def put(self, sub: str, entry: dict, now: datetime) -> dict:
        """Create or replace the entry of `sub`; a repeat changes nothing but `updated_at`."""
        return self.collection.find_one_and_update(
            {"_id": sub},
            {"$set": {**entry, "name_key": entry["name"].casefold(), "updated_at": now},
             "$setOnInsert": {"created_at": now}},
            upsert=True, return_document=ReturnDocument.AFTER,
        )

    def all(self) -> list[dict]:
        """Every wijkwijze, by name regardless of case ("de Jong" between "Bakker" and "Visser")."""
        return list(self.collection.find({}).sort([("name_key", 1), ("_id", 1)]))
