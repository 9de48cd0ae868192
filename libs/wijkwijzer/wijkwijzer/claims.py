"""Named claims: "one replica does this" for a while (timers safe with N replicas).

A claim is a document in the service's `claims` collection: `{_id: name, owner, expires}`.
Taking it is an insert, or, when another holder's claim has expired (its replica died or
stalled), a conditional update that takes it over; both are atomic single-document writes on
every server we support (docs/database.md), so exactly one taker wins. The holder renews it
while it works and deletes it when done, so nothing is left behind; a claim whose holder died
is taken over by the next taker of that name.

    with Claims(db).hold("outbox-relay", timedelta(seconds=30)) as claim:
        if claim is None:
            return            # another replica is at it
        ...                   # claim.renew() during long work
"""
from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

COLLECTION = "claims"


@dataclass
class Claim:
    collection: Collection
    name: str
    owner: str
    ttl: timedelta

    def renew(self, now: datetime | None = None) -> bool:
        """Hold it another `ttl`; False when it was lost (expired and taken over)."""
        expires = (now or datetime.now(UTC)) + self.ttl
        return self.collection.update_one({"_id": self.name, "owner": self.owner},
                                          {"$set": {"expires": expires}}).matched_count == 1

    def release(self) -> None:
        self.collection.delete_one({"_id": self.name, "owner": self.owner})


class Claims:
    def __init__(self, db: Database, collection: str = COLLECTION):
        self.collection = db[collection]

    def take(self, name: str, ttl: timedelta, now: datetime | None = None) -> Claim | None:
        """The claim `name` for `ttl`, or None while someone else holds it."""
        now = now or datetime.now(UTC)
        owner = uuid.uuid4().hex
        claim = {"owner": owner, "expires": now + ttl}
        try:
            self.collection.insert_one({"_id": name, **claim})
        except DuplicateKeyError:
            taken = self.collection.find_one_and_update({"_id": name, "expires": {"$lte": now}}, {"$set": claim})
            if taken is None:
                return None
        return Claim(self.collection, name, owner, ttl)

    @contextlib.contextmanager
    def hold(self, name: str, ttl: timedelta) -> Iterator[Claim | None]:
        """The claim for the duration of the block (None: someone else has it), released after."""
        claim = self.take(name, ttl)
        try:
            yield claim
        finally:
            if claim is not None:
                claim.release()
