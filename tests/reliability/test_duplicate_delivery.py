"""Handled once in effect (events.md): the same CloudEvent delivered twice has its side effect once.

The handler below is deliberately NOT idempotent, so only the consumer's processed-event
ledger stands between a duplicate and a double side effect. It appends one document per run,
then counts with `$inc`: two concurrent runs would both append, whereas their upserts of one
counter collide (E11000) and FerretDB loses concurrent updates of one document, either of
which could hide a second run from the counter.
"""
import eventlet
import pytest
from wijkwijzer.consumer import event_consumer
from wijkwijzer.ledger import COLLECTION as LEDGER
from wijkwijzer.mongo import MongoDatabase

from tests.reliability.harness import consumer_queue, publish, thing_happened
from tests.support import eventually

pytestmark = pytest.mark.reliability

SOURCE = "dup-source"


class CountingConsumer:
    name = "dup_consumer"

    db = MongoDatabase()

    @event_consumer(SOURCE, "thing.happened")
    def on_thing(self, event: dict) -> None:
        eventlet.sleep(0.3)  # real work takes a while: both copies are in hand before either is recorded
        self.db.runs.insert_one({"event_id": event["id"]})
        self.db.side_effects.update_one({"_id": event["id"]}, {"$inc": {"count": 1}}, upsert=True)


QUEUE = consumer_queue(SOURCE, "thing.happened", CountingConsumer.name, "on_thing")


def test_the_same_event_published_twice_has_its_side_effect_once(containers, service_config, db, broker):
    container = containers(CountingConsumer)
    event = thing_happened(SOURCE)

    publish(service_config, SOURCE, event)
    publish(service_config, SOURCE, event)  # same id: a redelivery or an outbox double publish

    eventually(lambda: db[LEDGER].find_one({"event_id": event.id}), what="the event in the ledger")
    eventually(lambda: broker.depth(QUEUE) == (0, 1), what="both copies delivered")
    # A graceful stop lets a delivery in progress finish, then closes the channel: a copy
    # still unacked would be back in the queue as ready.
    container.stop()
    assert broker.depth(QUEUE) == (0, 0), "both deliveries were acknowledged"
    assert db.runs.count_documents({"event_id": event.id}) == 1, "the handler ran once"
    assert db.side_effects.find_one({"_id": event.id})["count"] == 1
    assert db[LEDGER].count_documents({"event_id": event.id}) == 1
