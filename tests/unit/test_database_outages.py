"""What a database failure means to the caller of an RPC: nothing changed, or maybe."""
from types import SimpleNamespace

import pytest
from pymongo.errors import (
    AutoReconnect,
    DuplicateKeyError,
    ExecutionTimeout,
    NetworkTimeout,
    OperationFailure,
    ServerSelectionTimeoutError,
    WaitQueueTimeoutError,
)
from wijkwijzer.errors import DatabaseInterrupted, DatabaseUnavailable
from wijkwijzer.mongo import MongoDatabase

pytestmark = pytest.mark.unit


@pytest.fixture
def database():
    provider = MongoDatabase()
    provider.container = SimpleNamespace(service_name="events")
    provider.worker_setup(None)
    yield provider
    provider.worker_teardown(None)


def sent(database: MongoDatabase, *commands: str) -> None:
    for name in commands:
        database.writes.started(SimpleNamespace(command_name=name))


@pytest.mark.parametrize("exc", [ServerSelectionTimeoutError("no servers"), WaitQueueTimeoutError("pool full")])
def test_nothing_sent_and_no_write_before_is_unavailable(database, exc):
    sent(database, "find", "count", "aggregate")   # reads before do not change that
    outage = database.outage(exc)
    assert isinstance(outage, DatabaseUnavailable) and "events" in str(outage)


@pytest.mark.parametrize("write", ["insert", "update", "delete", "findAndModify", "createIndexes"])
def test_nothing_sent_after_a_write_was_sent_may_have_happened(database, write):
    sent(database, "find", write)
    assert isinstance(database.outage(ServerSelectionTimeoutError("no servers")), DatabaseInterrupted)


@pytest.mark.parametrize("exc", [AutoReconnect("connection closed"), NetworkTimeout("timed out"),
                                 ExecutionTimeout("operation exceeded time limit", 50)])
def test_a_failure_after_sending_may_have_happened(database, exc):
    assert isinstance(database.outage(exc), DatabaseInterrupted)


@pytest.mark.parametrize("exc", [DuplicateKeyError("E11000"), OperationFailure("bad query", 2), KeyError("id")])
def test_other_errors_are_not_outages(database, exc):
    assert database.outage(exc) is None


def test_outside_a_worker_a_write_may_have_been_sent():
    provider = MongoDatabase()
    provider.container = SimpleNamespace(service_name="events")
    assert isinstance(provider.outage(ServerSelectionTimeoutError("no servers")), DatabaseInterrupted)


def test_each_worker_starts_with_no_writes(database):
    sent(database, "insert")
    database.worker_teardown(None)
    database.worker_setup(None)
    assert isinstance(database.outage(ServerSelectionTimeoutError("no servers")), DatabaseUnavailable)
