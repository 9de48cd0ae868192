"""No poison loop, no silent loss (events.md): a failing handler is retried a bounded number of
times, then its message waits in the dead-letter queue until an operator replays it.

The operator's side runs as a real subprocess: `python -m wijkwijzer.deadletters list|replay`.
"""
import json

import pytest
from wijkwijzer.amqp import DEAD_LETTER_QUEUE, retry_queues
from wijkwijzer.consumer import event_consumer
from wijkwijzer.ledger import COLLECTION as LEDGER
from wijkwijzer.mongo import MongoDatabase

from tests.reliability.harness import consumer_queue, publish, run_module, thing_happened
from tests.support import eventually

pytestmark = pytest.mark.reliability

SOURCE = "flaky-source"
FAULT = {"_id": "fault"}


class FlakyConsumer:
    name = "flaky_consumer"

    db = MongoDatabase()

    @event_consumer(SOURCE, "thing.happened")
    def on_thing(self, event: dict) -> None:
        self.db.attempts.update_one({"_id": event["id"]}, {"$inc": {"count": 1}}, upsert=True)
        if self.db.faults.find_one(FAULT) is not None:
            raise RuntimeError(f"injected fault while handling {event['id']}")
        self.db.handled.update_one({"_id": event["id"]}, {"$inc": {"count": 1}}, upsert=True)


QUEUE = consumer_queue(SOURCE, "thing.happened", FlakyConsumer.name, "on_thing")


def count(collection, event_id: str) -> int:
    doc = collection.find_one({"_id": event_id})
    return doc["count"] if doc else 0


def dead_letters(broker) -> dict[str, dict]:
    listed = run_module("wijkwijzer.deadletters", "list", amqp_uri=broker.amqp_uri)
    rows = [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]
    return {row["event_id"]: row for row in rows}


def test_a_failing_event_is_dead_lettered_after_its_retries_and_replayed_once(
        containers, service_config, db, broker):
    assert service_config["EVENT_MAX_RETRIES"] == 2
    db.faults.insert_one(FAULT)
    containers(FlakyConsumer)
    replayed, left = thing_happened(SOURCE, "bench repaired"), thing_happened(SOURCE, "graffiti removed")
    publish(service_config, SOURCE, replayed)
    publish(service_config, SOURCE, left)

    # first attempt + EVENT_MAX_RETRIES retries, then both wait in the dead-letter queue
    eventually(lambda: broker.depth(DEAD_LETTER_QUEUE) == (2, 0), what="two dead letters")
    assert count(db.attempts, replayed.id) == count(db.attempts, left.id) == 3
    waiting = [broker.depth(queue.name)[0] for queue in retry_queues(QUEUE, service_config["EVENT_RETRY_DELAY_MS"], 2)]
    assert broker.depth(QUEUE)[0] == 0 and waiting == [0, 0], "nothing else pending"
    assert db[LEDGER].count_documents({}) == 0 and db.handled.count_documents({}) == 0

    listed = dead_letters(broker)
    assert set(listed) == {replayed.id, left.id}
    row = listed[replayed.id]
    assert row["queue"] == QUEUE and row["attempts"] == 3 and row["type"] == "nl.wijkwijzer.thing.happened"
    assert row["error"].startswith("RuntimeError: injected fault while handling")
    assert broker.depth(DEAD_LETTER_QUEUE) == (2, 0), "listing leaves them where they are"

    db.faults.delete_one(FAULT)  # the operator fixed the cause
    done = run_module("wijkwijzer.deadletters", "replay", "--event-id", replayed.id, amqp_uri=broker.amqp_uri)
    assert [json.loads(line)["event_id"] for line in done.stdout.splitlines()] == [replayed.id]

    eventually(lambda: db[LEDGER].find_one({"event_id": replayed.id}), what="the replayed event handled")
    assert count(db.handled, replayed.id) == 1 and count(db.attempts, replayed.id) == 4
    # the one not replayed stays, through another `list` too
    assert set(dead_letters(broker)) == {left.id}
    assert broker.depth(DEAD_LETTER_QUEUE) == (1, 0)
    assert count(db.handled, left.id) == 0 and count(db.attempts, left.id) == 3

    run_module("wijkwijzer.deadletters", "replay", "--all", amqp_uri=broker.amqp_uri)
    eventually(lambda: db[LEDGER].find_one({"event_id": left.id}), what="the second event handled")
    assert broker.depth(DEAD_LETTER_QUEUE) == (0, 0), "the dead-letter queue is empty"
    assert dead_letters(broker) == {}
    assert count(db.handled, replayed.id) == count(db.handled, left.id) == 1
    assert db[LEDGER].count_documents({}) == 2
