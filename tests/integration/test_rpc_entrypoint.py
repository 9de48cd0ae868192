"""wijkwijzer.rpc: calls whose caller already gave up are not carried out; a database outage
reaches the caller as the shared error that says whether anything may have changed."""
import socket
import time
from typing import ClassVar

import pymongo
import pytest
from nameko.containers import ServiceContainer
from nameko.exceptions import RpcTimeout
from nameko.standalone.rpc import ClusterRpcProxy
from pymongo.errors import ServerSelectionTimeoutError
from wijkwijzer.errors import DatabaseInterrupted, DatabaseUnavailable
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.rpc import DEADLINE_KEY, rpc

pytestmark = pytest.mark.integration


class Counter:
    name = "counter"
    calls: ClassVar[list[str]] = []

    @rpc
    def bump(self, label):
        Counter.calls.append(label)
        return len(Counter.calls)


def test_a_call_past_its_deadline_is_dropped_and_one_within_it_runs(service_config):
    container = ServiceContainer(Counter, service_config)
    container.start()
    try:
        late = {DEADLINE_KEY: time.time() - 1}
        with ClusterRpcProxy(service_config, context_data=late, timeout=2) as proxy, \
                pytest.raises(RpcTimeout):
            proxy.counter.bump("too late")
        in_time = {DEADLINE_KEY: time.time() + 10}
        with ClusterRpcProxy(service_config, context_data=in_time, timeout=5) as proxy:
            assert proxy.counter.bump("in time") == 1
        assert Counter.calls == ["in time"]
    finally:
        container.stop()


class Notes:
    """Writes a note; `lose_server` makes the database vanish after the write was sent."""

    name = "notes_outage"
    db = MongoDatabase()

    @rpc
    def add(self, text, lose_server=False):
        self.db.notes.insert_one({"text": text})
        if lose_server:
            raise ServerSelectionTimeoutError("the next operation found no server")
        return self.db.notes.count_documents({})


def test_an_unreachable_database_is_database_unavailable_to_the_caller(service_config):
    with socket.socket() as closed:   # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    container = ServiceContainer(Notes, {**service_config, "MONGODB_URI": f"mongodb://127.0.0.1:{port}/",
                                         "MONGODB_TIMEOUT_MS": 300})
    container.start()
    try:
        with ClusterRpcProxy(service_config, timeout=10) as proxy, pytest.raises(DatabaseUnavailable) as refused:
            proxy.notes_outage.add("melding")
        assert "notes_outage" in str(refused.value)
    finally:
        container.stop()


def test_a_failure_after_a_write_was_sent_is_database_interrupted(service_config):
    container = ServiceContainer(Notes, service_config)
    container.start()
    try:
        with ClusterRpcProxy(service_config, timeout=10) as proxy:
            assert proxy.notes_outage.add("eerste") == 1
            with pytest.raises(DatabaseInterrupted):
                proxy.notes_outage.add("tweede", lose_server=True)
            assert proxy.notes_outage.add("derde") == 3   # the next worker starts with no writes
    finally:
        container.stop()
        with pymongo.MongoClient(service_config["MONGODB_URI"]) as client:
            client.drop_database(service_config["MONGODB_DATABASE"])
