"""A consumer run as a process of its own by test_killed_consumer.py (`nameko run`).

Its handler records that it started, then waits for the test to open a gate (at
most GATE_TIMEOUT_S, a long time for a handler) and only then does its
non-idempotent side effect (`$inc`). The test SIGKILLs the first process while
the handler waits, so the side effect must come from the redelivery alone.
"""
import os
import time

import eventlet
from wijkwijzer.consumer import event_consumer
from wijkwijzer.mongo import MongoDatabase

SOURCE = "slow-source"
EVENT_TYPE = "thing.happened"
GATE = {"_id": "open"}
GATE_TIMEOUT_S = 60


class SlowConsumer:
    name = "slow_consumer"

    db = MongoDatabase()

    @event_consumer(SOURCE, EVENT_TYPE)
    def on_thing(self, event: dict) -> None:
        self.db.starts.insert_one({"event_id": event["id"], "pid": os.getpid()})
        deadline = time.monotonic() + GATE_TIMEOUT_S
        while self.db.gate.find_one(GATE) is None and time.monotonic() < deadline:
            eventlet.sleep(0.05)
        self.db.side_effects.update_one({"_id": event["id"]}, {"$inc": {"count": 1}}, upsert=True)
