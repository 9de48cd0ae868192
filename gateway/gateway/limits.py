"""Rate limits on writes, per caller, holding across gateway replicas.

Every write request (POST, PUT, PATCH, DELETE) is counted for its caller: the
token's `sub` when it carries a valid token, else the client address. The
counts live in the gateway's own small collection, the only state it owns, so
all replicas share them: one counter per caller and window, raised with an
atomic `$inc`. Old windows are deleted by a timer (no TTL indexes in our
MongoDB subset).
"""
from __future__ import annotations

import math
import time

from nameko.extensions import DependencyProvider
from pymongo import ReturnDocument
from pymongo.database import Database
from werkzeug.wrappers import Request
from wijkwijzer.extensions import sibling
from wijkwijzer.mongo import MongoDatabase

from . import auth
from .problems import Problem

COLLECTION = "rate_limit_counters"   # {_id: "<key>/<window>", n, window}
INDEXES = {COLLECTION: [([("window", 1)], {})]}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class WriteLimits:
    def __init__(self, db: Database, limit: int, window_s: int):
        self.collection = db[COLLECTION]
        self.limit, self.window_s = limit, window_s

    def hit(self, key: str, now: float) -> float | None:
        """Count one write of `key`; the seconds to wait when it is over the limit."""
        window = int(now // self.window_s)
        counter = self.collection.find_one_and_update(
            {"_id": f"{key}/{window}"}, {"$inc": {"n": 1}, "$setOnInsert": {"window": window}},
            upsert=True, return_document=ReturnDocument.AFTER)
        if counter["n"] > self.limit:
            return (window + 1) * self.window_s - now
        return None

    def sweep(self, now: float) -> int:
        """Forget windows that ended; safe in every replica at once."""
        current = int(now // self.window_s)
        return self.collection.delete_many({"window": {"$lt": current}}).deleted_count


class WriteLimiter(DependencyProvider):
    """Config: RATE_LIMIT_WRITES per RATE_LIMIT_WINDOW_S seconds (default 60 per 60)."""

    def setup(self) -> None:
        config = self.container.config
        self.limit = int(config.get("RATE_LIMIT_WRITES", 60))
        self.window_s = int(config.get("RATE_LIMIT_WINDOW_S", 60))
        self.database = sibling(self.container, MongoDatabase, "WriteLimiter")

    def limits(self) -> WriteLimits:
        return WriteLimits(self.database.get_dependency(None), self.limit, self.window_s)

    def check(self, request: Request, caller: auth.Principal | None) -> None:
        """Raise a 429 problem when this write is one too many. `caller` is None for
        anonymous requests and for ones with a bad token: those count by address."""
        if request.method not in WRITES:
            return
        key = f"sub:{caller.sub}" if caller else f"addr:{request.remote_addr}"
        wait = self.limits().hit(key, time.time())
        if wait is not None:
            raise Problem(429, "Too many requests",
                          f"at most {self.limit} writes per {self.window_s}s; try again later",
                          headers={"Retry-After": str(max(1, math.ceil(wait)))})

    def get_dependency(self, worker_ctx) -> WriteLimits:
        return self.limits()
