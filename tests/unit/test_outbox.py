import pytest
from wijkwijzer import outbox
from wijkwijzer.cloudevents import EventData, envelope

pytestmark = pytest.mark.unit


class Happened(EventData):
    event_type = "thing.happened"
    name: str


def test_staged_adds_the_events_to_the_write_without_losing_its_own_operators():
    event = envelope("things", Happened(name="x"), subject="t1")
    update = outbox.staged({"$set": {"a": 1}, "$push": {"history": {"b": 2}}}, [event])
    assert update["$set"] == {"a": 1}
    assert update["$push"]["history"] == {"b": 2}
    assert update["$push"][outbox.FIELD]["$each"] == [outbox.entry(event)]


def test_an_entry_can_be_rebuilt_exactly_for_a_whole_value_pull():
    event = envelope("things", Happened(name="x"), subject="t1")
    assert outbox.entry(event) == outbox.entry(event)
    assert outbox.entry(event)["routing_key"] == "thing.happened"

