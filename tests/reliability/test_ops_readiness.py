"""A service's own /readyz (wijkwijzer.ops) answers 503 naming the check that failed while its
database or the broker is away, and 200 again once it is back; /healthz stays 200 meanwhile, so
an outage takes the pods out of service but restarts none of them."""
from __future__ import annotations

import pytest
import requests
from nameko.containers import ServiceContainer
from publications.service import PublicationsService
from wijkwijzer.ops import Operations

from tests.conftest import database_name
from tests.support import Broker, MongoServer, eventually

pytestmark = pytest.mark.reliability


def ops_of(container) -> str:
    return next(d for d in container.dependencies if isinstance(d, Operations)).address


def probe(ops: str, path: str) -> tuple[int, dict]:
    response = requests.get(f"http://{ops}{path}", timeout=10)
    return response.status_code, response.json()


def readiness_becomes(ops: str, status: int, what: str) -> dict:
    return eventually(lambda: (found := probe(ops, "/readyz"))[0] == status and found[1], timeout=60,
                      interval=0.5, what=what)


@pytest.fixture
def running():
    started: list[ServiceContainer] = []

    def start(config: dict) -> ServiceContainer:
        container = ServiceContainer(PublicationsService, config)
        started.append(container)
        container.start()
        return container

    yield start
    for container in started:
        try:
            container.stop()
        except Exception:  # noqa: BLE001 (make sure it is gone all the same)
            container.kill()


def test_an_unreachable_database_makes_readyz_503_naming_the_database_and_healthz_stays_200(
        infra, broker, running, tmp_path):
    server = MongoServer(tmp_path / "publications-db", infra["AMQP_URI"])
    server.up()
    try:
        container = running({"AMQP_URI": broker.amqp_uri, "MONGODB_URI": server.uri,
                             "MONGODB_DATABASE": database_name(infra, "rel")})
        ops = ops_of(container)
        readiness_becomes(ops, 200, "/readyz to be 200 at start")
        server.down()
        # the first read may fail on the connection the server dropped (AutoReconnect); then no
        # server answers at all
        body = eventually(lambda: (found := probe(ops, "/readyz"))[0] == 503 and found[1]["checks"]["database"]
                          .startswith("database unreachable") and found[1], timeout=60, interval=0.5,
                          what="/readyz to name the unreachable database")
        assert body["status"] == "not ready"
        assert (body["checks"]["broker"], body["checks"]["consumers"]) == ("ok", "ok"), body
        assert probe(ops, "/healthz") == (200, {"service": "publications", "status": "ok"})
        server.up()
        body = readiness_becomes(ops, 200, "/readyz to be 200 once the database answers again")
        assert set(body["checks"].values()) == {"ok"}
    finally:
        server.down()


def test_a_broker_outage_makes_readyz_503_naming_the_broker_and_the_queues_and_healthz_stays_200(
        infra, own_rabbit, running):
    broker = Broker(own_rabbit.infra, "wijkwijzer-ops")
    broker.create()
    container = running({"AMQP_URI": broker.amqp_uri, "MONGODB_URI": infra["MONGODB_URI"],
                         "MONGODB_DATABASE": database_name(infra, "rel")})
    ops = ops_of(container)
    readiness_becomes(ops, 200, "/readyz to be 200 at start")
    with own_rabbit.stopped():
        body = readiness_becomes(ops, 503, "/readyz to notice the broker is gone")
        assert body["checks"]["broker"].startswith("broker unreachable"), body
        assert "rpc-publications" in body["checks"]["consumers"], body
        assert body["checks"]["database"] == "ok", body
        assert probe(ops, "/healthz") == (200, {"service": "publications", "status": "ok"})
    body = readiness_becomes(ops, 200, "/readyz to be 200 once the service consumes again")
    assert set(body["checks"].values()) == {"ok"}
    assert probe(ops, "/healthz")[0] == 200
