"""What a service's ping reports: its database read, workers stuck past the callers' deadline,
and a change of state logged once."""
import logging
import time
from types import SimpleNamespace

import pytest
from nameko.rpc import Rpc
from nameko.timer import Timer
from pymongo.errors import NetworkTimeout, OperationFailure, ServerSelectionTimeoutError
from wijkwijzer.ping import Health

pytestmark = pytest.mark.unit


class Database:
    """Stands in for the MongoDatabase provider: every read raises `failure`, if set."""

    def __init__(self):
        self.failure = None
        self.read = []

    def get_dependency(self, worker_ctx):
        return {"publications": self}

    def find_one(self, query):
        self.read.append(query)
        if self.failure:
            raise self.failure


@pytest.fixture
def health():
    health = Health("publications")
    health.container = SimpleNamespace(service_name="publications")
    health.read_timeout, health.deadline = 1.0, 5.0
    health.database, health.busy, health.unhealthy = Database(), {}, False
    return health


class Worker:
    """Stands in for nameko's WorkerContext."""

    def __init__(self, method: str, entrypoint_type: type = Rpc):
        self.service_name = "publications"
        self.entrypoint = entrypoint_type.__new__(entrypoint_type)
        self.entrypoint.method_name = method


def test_healthy_after_a_real_read(health):
    assert health.report() == {"service": "publications", "status": "ok", "problems": []}
    assert health.database.read, "the database was not read"


@pytest.mark.parametrize("failure, problem", [
    (NetworkTimeout("timed out"), "database read timed out after 1s"),
    (ServerSelectionTimeoutError("no servers"), "database unreachable: no server answered within 1s"),
    (OperationFailure("no such table", 2), "database read failed: OperationFailure"),
])
def test_a_database_that_does_not_answer_in_time_is_named(health, failure, problem):
    health.database.failure = failure
    assert health.report() == {"service": "publications", "status": "not ready", "problems": [problem]}


def test_workers_busy_past_the_deadline_are_named_by_entrypoint(health):
    now = time.monotonic()
    for method, age in (("search", 12), ("search", 7), ("get", 6), ("create_draft", 1)):
        busy = Worker(method)
        health.worker_setup(busy)
        health.busy[busy] = now - age
    assert health.report()["problems"] == [
        "3 workers busy for more than 5s: publications.search (2), publications.get (longest 12s)"]


def test_timers_are_not_counted_and_finished_workers_are_forgotten(health):
    sweep, request = Worker("reconcile_flag_counts", Timer), Worker("get")
    health.worker_setup(sweep)
    health.worker_setup(request)
    assert list(health.busy) == [request]
    health.worker_teardown(request)
    assert health.busy == {}


def test_a_change_of_state_is_logged_once_when_it_starts_and_once_when_it_clears(health, caplog):
    caplog.set_level(logging.INFO, logger="wijkwijzer.ping")
    health.report()
    health.database.failure = NetworkTimeout("timed out")
    for _ in range(5):
        health.report()
    health.database.failure = None
    for _ in range(5):
        health.report()
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", "publications is not healthy: database read timed out after 1s"),
        ("INFO", "publications is healthy again")]
