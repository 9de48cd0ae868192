"""An event consumer whose broker connection went away between handling a message and settling
it: the ack (or requeue) fails, and the service goes on (the broker gives the message again)."""
import pytest
from amqp.exceptions import RecoverableConnectionError
from wijkwijzer.consumer import EventConsumer
from wijkwijzer.metrics import Metrics

pytestmark = pytest.mark.unit


class Message:
    payload, headers, body = {"id": "e-1"}, {}, b"{}"


class GoneQueueConsumer:
    def __init__(self, error: Exception):
        self.error = error

    def ack_message(self, message):
        raise self.error

    def requeue_message(self, message):
        raise self.error


class Ledger:
    def __init__(self, fails: bool):
        self.fails, self.recorded = fails, []

    def record(self, event_id, consumer):
        if self.fails:
            raise RuntimeError("database away")
        self.recorded.append(event_id)


@pytest.mark.parametrize("error", [ConnectionResetError(104, "Connection reset by peer"),
                                   RecoverableConnectionError("connection already closed")])
@pytest.mark.parametrize("ledger_fails", [False, True], ids=["ack", "requeue"])
def test_a_message_the_broker_can_no_longer_be_told_about_is_let_go(error, ledger_fails):
    consumer = EventConsumer.__new__(EventConsumer)   # only what _settle uses
    consumer.queue_consumer, consumer.consumer_name = GoneQueueConsumer(error), "publications.test"
    consumer.method_name, consumer.metrics = "test", Metrics("publications")
    ledger = Ledger(ledger_fails)
    consumer._ledger = lambda: ledger
    consumer._settle(Message(), None)   # raises nothing: nameko would kill the service
    assert ledger.recorded == ([] if ledger_fails else ["e-1"])
    outcome = "requeued" if ledger_fails else "success"
    assert consumer.metrics.registry.get_sample_value(
        "wijkwijzer_event_handler_runs_total",
        {"service": "publications", "handler": "test", "outcome": outcome}) == 1
