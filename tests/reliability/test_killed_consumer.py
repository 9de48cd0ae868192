"""A consumer killed in the middle of a handler loses nothing and does nothing twice (events.md).

The consumer runs as a real `nameko run` process (tests/reliability/slow_consumer.py).
While its handler waits, the process gets SIGKILL: its message was never acked, so the
broker hands it to the next process, which does the side effect once and records it once.
"""
import os
import signal

import pytest
from wijkwijzer.ledger import COLLECTION as LEDGER

from tests.reliability import slow_consumer
from tests.reliability.harness import ROOT, consumer_queue, nameko_processes, publish, thing_happened
from tests.support import eventually

pytestmark = pytest.mark.reliability

QUEUE = consumer_queue(slow_consumer.SOURCE, slow_consumer.EVENT_TYPE, slow_consumer.SlowConsumer.name,
                       "on_thing")


@pytest.fixture
def processes(service_config, tmp_path):
    """`start()` runs `nameko run tests.reliability.slow_consumer` as a new process; all are killed
    at teardown."""
    with nameko_processes(tmp_path, "consumer", "tests.reliability.slow_consumer", service_config,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}) as start:
        yield start


def consuming(broker, consumers: int):
    return lambda: (depth := broker.depth(QUEUE)) is not None and depth[1] == consumers


def test_a_consumer_killed_mid_handler_has_the_event_handled_once_by_the_next(
        processes, service_config, db, broker):
    first = processes()
    eventually(consuming(broker, 1), what="the first consumer on its queue")
    event = thing_happened(slow_consumer.SOURCE)
    publish(service_config, slow_consumer.SOURCE, event)
    eventually(lambda: db.starts.find_one({"event_id": event.id, "pid": first.pid}),
               what="the first consumer inside its handler")

    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=10) == -signal.SIGKILL
    assert db.side_effects.find_one({"_id": event.id}) is None and db[LEDGER].count_documents({}) == 0

    second = processes()
    eventually(lambda: db.starts.find_one({"event_id": event.id, "pid": second.pid}),
               what="the event redelivered to the second consumer")
    db.gate.insert_one(slow_consumer.GATE)
    eventually(lambda: db[LEDGER].find_one({"event_id": event.id}), what="the event recorded as handled")

    second.send_signal(signal.SIGTERM)  # graceful: anything unacked would go back to the queue
    assert second.wait(timeout=30) == 0
    assert broker.depth(QUEUE) == (0, 0), "nothing left to deliver"
    assert db.side_effects.find_one({"_id": event.id})["count"] == 1
    assert db[LEDGER].count_documents({"event_id": event.id}) == 1
    assert db.starts.count_documents({"event_id": event.id}) == 2
