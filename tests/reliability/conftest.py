"""Fixtures of the reliability layer: every test gets a RabbitMQ vhost and a database of
its own, fast retry and relay settings, and nameko containers that are always stopped."""
import contextlib
import shutil
import tempfile
import uuid
from pathlib import Path

import eventlet
import pymongo
import pytest
from nameko.containers import ServiceContainer

from tests.conftest import database_name
from tests.platform import platform_in_vhost
from tests.support import Broker, MongoServer, RabbitServer


@pytest.fixture
def broker(infra):
    """A fresh vhost on the real broker for this test alone (deleted afterwards): the
    dead-letter queue, consumer queues and exchanges of one test never meet another's."""
    vhost = f"{infra['VHOST']}-rel-{uuid.uuid4().hex[:6]}"
    broker = Broker(infra, vhost)
    broker.create()
    yield broker
    broker.delete()


@pytest.fixture
def service_config(infra, broker):
    """nameko config for one test: its own vhost and database, retries and relay sweeps fast."""
    return {
        "AMQP_URI": broker.amqp_uri,
        "MONGODB_URI": infra["MONGODB_URI"],
        "MONGODB_DATABASE": database_name(infra, "rel"),
        "UNSUBSCRIBE_SECRET": "reliability-unsubscribe-secret",
        "SMTP_PORT": 9,   # nothing listens: the notifications service's mail waits in its queue
        "EVENT_MAX_RETRIES": 2,
        "EVENT_RETRY_DELAY_MS": 100,
        "OUTBOX_RELAY_INTERVAL": 0.5,
    }


@pytest.fixture
def db(service_config):
    client = pymongo.MongoClient(service_config["MONGODB_URI"], serverSelectionTimeoutMS=5000)
    yield client[service_config["MONGODB_DATABASE"]]
    with contextlib.suppress(Exception):
        client.drop_database(service_config["MONGODB_DATABASE"])
    client.close()


@pytest.fixture
def containers(service_config, db):  # needs db so that the containers stop before it is dropped
    """`start(ServiceClass, config=None)` runs a nameko container; all are stopped at teardown."""
    started: list[ServiceContainer] = []

    def start(service_cls: type, config: dict | None = None) -> ServiceContainer:
        container = ServiceContainer(service_cls, dict(config or service_config))
        started.append(container)
        container.start()
        return container

    yield start

    def stop(container: ServiceContainer) -> None:
        try:
            container.stop()
        except Exception:  # noqa: BLE001 (make sure it is gone all the same)
            container.kill()

    for stopping in [eventlet.spawn(stop, container) for container in started]:  # ~1.5 s each: at once
        stopping.wait()


@pytest.fixture(scope="module")
def own_database_platform(infra, tmp_path_factory):
    """(platform, server): every service and the gateway as processes in a vhost of their own,
    the publications service on a database server of its own (a MongoServer) that the tests
    may stop, start or pause; the other services and the gateway on the shared one."""
    server = MongoServer(tmp_path_factory.mktemp("publications-db"), infra["AMQP_URI"])
    server.up()
    try:
        with platform_in_vhost(infra, f"{infra['VHOST']}-own-db-{uuid.uuid4().hex[:6]}",
                               tmp_path_factory.mktemp("own-db-logs"),
                               env_of={"publications": {"MONGODB_URI": server.uri}}) as running:
            yield running, server
    finally:
        server.down()


@pytest.fixture
def own_rabbit():
    """A RabbitMQ node of this test's own, for a test that stops the broker. Its state dir is
    outside pytest's (which the rabbitmq user that runs the node may not enter)."""
    server = RabbitServer(Path(tempfile.mkdtemp(prefix="wijkwijzer-rabbitmq-")))
    try:
        server.up()
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.down()
        shutil.rmtree(server.state_dir, ignore_errors=True)
