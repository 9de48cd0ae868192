"""A graceful stop (what SIGTERM does in `nameko run`, as Kubernetes sends it in a rolling update)
while a call or an event is in hand: the worker finishes, its message is acked on its own
connection, and the replica that takes over does not get it again (wijkwijzer.graceful). A batch
consumer finishes its batch and gives back what waits for the next one; with a single active
consumer, before the broker hands the queue to the next replica, so two batches never overlap.

nameko 2.14 closed the connection once the consumers were cancelled, about a second into the
stop; a worker running longer lost its ack and the broker gave its message to the next replica,
which carried the call out a second time. The handlers here take 3 s and are deliberately not
idempotent (one document per run), so a second run shows. A batch consumer's waiting events
used to go into a batch after the container had closed its database client, and failed into
their retry queue.
"""
import eventlet
import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from wijkwijzer import metrics
from wijkwijzer.consumer import event_batch_consumer, event_consumer
from wijkwijzer.ledger import COLLECTION as LEDGER
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.rpc import rpc

from tests.reliability.harness import consumer_queue, publish, thing_happened
from tests.support import eventually

pytestmark = pytest.mark.reliability

SOURCE = "graceful-source"
WORK_SECONDS = 3   # longer than kombu's 1 s drain timeout, after which nameko closed the connection


class SlowService:
    name = "slow_service"
    db = MongoDatabase()

    @rpc
    def register(self, name: str) -> str:
        self.db.runs.insert_one({"call": name})
        eventlet.sleep(WORK_SECONDS)
        return f"aangemeld: {name}"

    @event_consumer(SOURCE, "thing.happened")
    def on_thing(self, event: dict) -> None:
        self.db.runs.insert_one({"event": event["id"]})
        eventlet.sleep(WORK_SECONDS)


QUEUE = consumer_queue(SOURCE, "thing.happened", SlowService.name, "on_thing")
WRITING = {"now": 0, "most": 0}   # batches of OneWriter running at once, in this process's containers


class SlowBatches:
    name = "slow_batches"
    db = MongoDatabase()

    @event_batch_consumer(SOURCE, "thing.happened", batch=4)
    def on_things(self, events: list[dict]) -> None:
        eventlet.sleep(1)   # meanwhile the next events wait for the next batch
        self.db.runs.insert_many([{"event": event["id"]} for event in events])


class OneWriter:
    """A read model written by read, change, write: one batch at a time in the whole deployment."""

    name = "one_writer"
    db = MongoDatabase()

    @event_batch_consumer(SOURCE, "thing.happened", batch=4, single_active=True)
    def on_things(self, events: list[dict]) -> None:
        WRITING["now"] += 1
        WRITING["most"] = max(WRITING["most"], WRITING["now"])
        try:
            eventlet.sleep(1)
            self.db.runs.insert_many([{"event": event["id"]} for event in events])
        finally:
            WRITING["now"] -= 1


def test_a_call_in_hand_when_the_replica_stops_runs_once_and_its_caller_gets_the_answer(
        containers, service_config, db, broker):
    first = containers(SlowService)
    with ClusterRpcProxy({"AMQP_URI": service_config["AMQP_URI"]}, timeout=30) as proxy:
        reply = proxy.slow_service.register.call_async("Aïcha Benali")
        eventually(lambda: db.runs.find_one({"call": "Aïcha Benali"}), what="the call running in the first replica")
        stopping = eventlet.spawn(first.stop)
        containers(SlowService)   # the replica that takes over
        assert reply.result() == "aangemeld: Aïcha Benali"
        stopping.wait()
    eventlet.sleep(WORK_SECONDS + 1)   # a redelivered call would have run and written by now
    assert db.runs.count_documents({"call": "Aïcha Benali"}) == 1, "carried out once"
    assert broker.depth("rpc-slow_service") == (0, 1), "acked: nothing waits for the next replica"


def test_an_event_in_hand_when_the_replica_stops_is_handled_once(containers, service_config, db, broker):
    first = containers(SlowService)
    event = thing_happened(SOURCE, "bankje geplaatst")
    publish(service_config, SOURCE, event)
    eventually(lambda: db.runs.find_one({"event": event.id}), what="the event in the first replica's handler")
    stopping = eventlet.spawn(first.stop)
    containers(SlowService)
    stopping.wait()
    eventually(lambda: db[LEDGER].find_one({"event_id": event.id}), what="the event recorded as handled")
    eventlet.sleep(WORK_SECONDS + 1)
    assert db.runs.count_documents({"event": event.id}) == 1, "handled once"
    assert broker.depth(QUEUE) == (0, 1), "acked: nothing waits for the next replica"


def test_a_batch_in_hand_when_the_replica_stops_is_finished_and_the_waiting_events_go_to_the_next(
        containers, service_config, db, broker):
    first = containers(SlowBatches)
    events = [thing_happened(SOURCE, f"lantaarnpaal {n} gerepareerd") for n in range(12)]
    publish(service_config, SOURCE, events[0])
    eventually(lambda: broker.depth(consumer_queue(SOURCE, "thing.happened", SlowBatches.name, "on_things"))
               == (0, 1), what="the first event taken")
    for event in events[1:]:
        publish(service_config, SOURCE, event)
    eventlet.sleep(0.3)   # in the first replica's hands: one batch running, the others waiting
    stopping = eventlet.spawn(first.stop)
    second = containers(SlowBatches)
    stopping.wait()
    eventually(lambda: db.runs.count_documents({}) >= len(events), timeout=30, what="every event handled")
    eventlet.sleep(2)
    assert sorted(run["event"] for run in db.runs.find()) == sorted(event.id for event in events), "each once"
    for container in (first, second):   # no batch ran without its database: nothing went to the retry queue
        assert metrics.of(container).registry.get_sample_value("wijkwijzer_event_handler_runs_total", {
            "service": SlowBatches.name, "handler": "on_things", "outcome": "retry"}) == 0
    assert metrics.of(first).registry.get_sample_value("wijkwijzer_event_handler_runs_total", {
        "service": SlowBatches.name, "handler": "on_things", "outcome": "success"}) >= 1


def test_a_single_active_batch_consumer_stopping_hands_over_only_after_its_last_batch(
        containers, service_config, db, broker):
    first = containers(OneWriter)
    containers(OneWriter)   # waiting: the broker gives it the queue when the first is cancelled
    events = [thing_happened(SOURCE, f"bankje {n} geschilderd") for n in range(10)]
    publish(service_config, SOURCE, events[0])
    eventually(lambda: WRITING["now"] == 1, what="the first replica writing")
    for event in events[1:]:
        publish(service_config, SOURCE, event)
    eventlet.sleep(0.3)   # in the first replica's hands, waiting for its next batch
    first.stop()
    eventually(lambda: db.runs.count_documents({}) >= len(events), timeout=30, what="every event handled")
    eventlet.sleep(1.5)
    assert sorted(run["event"] for run in db.runs.find()) == sorted(event.id for event in events), "each once"
    assert WRITING["most"] == 1, "the next replica began only after the last batch of the first"
