"""Retries without head-of-line blocking: a failed event waits out its backoff in the retry queue of
that delay (one queue per delay, the TTL on the queue), so an event retried after a short delay is
back before one that failed earlier with a longer delay pending. With one retry queue of mixed
per-message TTLs (the versions before) RabbitMQ expired only its head: the short retry waited
behind the long one.

And the single `.retry` queue of those versions, which their replicas may still publish to during
a rolling update: what waits there still comes back and is handled, and `wijkwijzer-topology
--prune-legacy` deletes the queue once it is empty, not before."""
import json
import uuid

import eventlet
import pytest
from kombu import Connection, Queue
from nameko.containers import ServiceContainer
from wijkwijzer import amqp, topology
from wijkwijzer.consumer import event_consumer
from wijkwijzer.mongo import MongoDatabase

from tests.reliability.harness import consumer_queue, publish, thing_happened
from tests.support import Broker, eventually

pytestmark = pytest.mark.integration

# what the handler saw, in order: (thing, attempt)
ATTEMPTS: list[tuple[str, int]] = []
# how many attempts of each thing fail before one succeeds
FAILING = {"long": 3, "short": 1, "left over": 0, "unroutable": 1}
SOURCE = "retry-source"


class Retrying:
    name = "retrying"

    db = MongoDatabase()   # the processed-event ledger

    @event_consumer(SOURCE, "thing.happened")
    def on_thing(self, event: dict) -> None:
        thing = event["data"]["thing"]
        attempt = 1 + sum(1 for seen, _ in ATTEMPTS if seen == thing)
        ATTEMPTS.append((thing, attempt))
        if attempt <= FAILING[thing]:
            raise RuntimeError(f"attempt {attempt} of {thing} fails")


QUEUE = consumer_queue(SOURCE, "thing.happened", Retrying.name, "on_thing")
BASE_MS = 500   # retries after 0.5, 1 and 2 s


@pytest.fixture
def broker(infra):
    broker = Broker(infra, f"{infra['VHOST']}-retries-{uuid.uuid4().hex[:6]}")
    broker.create()
    yield broker
    broker.delete()


@pytest.fixture
def consumer(broker, service_config):
    ATTEMPTS.clear()
    config = {**service_config, "AMQP_URI": broker.amqp_uri, "EVENT_MAX_RETRIES": 3,
              "EVENT_RETRY_DELAY_MS": BASE_MS}
    running: list[ServiceContainer] = []

    def start() -> ServiceContainer:
        container = ServiceContainer(Retrying, config)
        container.start()
        running.append(container)
        return container

    yield config, start
    for container in running:
        eventlet.spawn(container.stop).wait()


def test_a_short_retry_is_not_held_behind_a_longer_one(broker, consumer):
    config, start = consumer
    start()
    publish(config, SOURCE, thing_happened(SOURCE, "long"))
    # its third attempt failed: it waits 4 x BASE_MS for its fourth
    eventually(lambda: len(ATTEMPTS) == 3, what="the first event's third attempt")
    assert ATTEMPTS == [("long", 1), ("long", 2), ("long", 3)]

    publish(config, SOURCE, thing_happened(SOURCE, "short"))   # fails once: back after 1 x BASE_MS
    eventually(lambda: len(ATTEMPTS) == 6, what="both events handled")
    # the short retry came back while the long one still waited; one queue of mixed TTLs gave
    # ..., ("long", 4), ("short", 2)
    assert ATTEMPTS == [("long", 1), ("long", 2), ("long", 3), ("short", 1), ("short", 2), ("long", 4)]
    assert broker.depth(QUEUE) == (0, 1) and broker.depth(amqp.DEAD_LETTER_QUEUE) == (0, 0)


def test_a_retry_the_broker_cannot_route_is_handed_back_not_lost(broker, consumer):
    config, start = consumer
    start()
    first = amqp.retry_queues(QUEUE, BASE_MS, 3)[0].name
    broker.api("DELETE", f"queues/{broker._vhost}/{first}").raise_for_status()   # deleted by mistake
    publish(config, SOURCE, thing_happened(SOURCE, "unroutable"))
    # the retry is published as mandatory: refused, the message is requeued and comes again at once
    eventually(lambda: len(ATTEMPTS) == 2, what="the event handled after all")
    assert ATTEMPTS == [("unroutable", 1), ("unroutable", 2)]
    assert broker.depth(first) is None and broker.depth(QUEUE) == (0, 1)


def prune_legacy(broker, capsys) -> str:
    assert topology.main(["--prune-legacy", "--amqp-uri", broker.amqp_uri,
                          "tests.integration.test_event_retries:Retrying"]) == 0
    return capsys.readouterr().out


def test_what_an_older_replica_left_in_the_single_retry_queue_comes_back(broker, consumer, capsys):
    _, start = consumer
    legacy = amqp.legacy_retry_queue(QUEUE)
    event = thing_happened(SOURCE, "left over")
    # a replica of the version before failed on it once and put it in its retry queue, with the
    # backoff as the message's own TTL
    amqp.declare(broker.amqp_uri, [Queue(QUEUE, durable=True), legacy])
    with Connection(broker.amqp_uri) as connection:
        connection.Producer().publish(json.dumps(event.model_dump(mode="json")), exchange="",
                                      routing_key=legacy.name, content_type="application/json",
                                      headers={amqp.RETRIES_HEADER: 1}, expiration=3)
    assert f"kept legacy queue {legacy.name}: 1 message(s) still waiting" in prune_legacy(broker, capsys)
    assert broker.depth(legacy.name) == (1, 0)

    start()   # this version declares its own queues; the broker still moves the old one's back
    eventually(lambda: ATTEMPTS == [("left over", 1)], what="the event handled", timeout=30)
    assert f"deleted legacy queue {legacy.name}" in prune_legacy(broker, capsys)
    assert broker.depth(legacy.name) is None
    assert "legacy" not in prune_legacy(broker, capsys), "nothing left to prune"
