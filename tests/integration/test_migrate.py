"""The deploy step `wijkwijzer-migrate <service>`: on an empty vhost and empty databases it declares
every service's queues (consumer, retry and dead-letter queues, bound to their exchanges) and
creates the indexes each service declares; run again it changes nothing; it never drops an index a
newer version added, and reports one whose name exists with another definition instead of
replacing it."""
import os
import subprocess
import sys
import uuid

import pymongo
import pytest
from kombu import Queue
from nameko.containers import ServiceContainer
from wijkwijzer import migrate, topology
from wijkwijzer.mongo import declared_indexes, index_name

from tests.conftest import ROOT, database_name
from tests.platform import service_list
from tests.support import Broker

pytestmark = pytest.mark.integration


@pytest.fixture
def broker(infra):
    broker = Broker(infra, f"{infra['VHOST']}-migrate-{uuid.uuid4().hex[:6]}")
    broker.create()
    yield broker
    broker.delete()


@pytest.fixture
def databases(infra):
    """An empty database of its own for each service, dropped afterwards."""
    names = {name: database_name(infra, f"migrate-{name}") for name, _, _ in service_list()}
    client = pymongo.MongoClient(infra["MONGODB_URI"], serverSelectionTimeoutMS=5000)
    yield {name: client[database] for name, database in names.items()}
    for database in names.values():
        client.drop_database(database)
    client.close()


def declared(target: str) -> dict[str, set[str]]:
    """The index names per collection a service declares."""
    container = ServiceContainer(topology.load_service(target), {"AMQP_URI": "amqp://unused",
                                                                  "MONGODB_URI": "mongodb://unused"})
    return {collection: {index_name(keys, options) for keys, options in specs}
            for collection, specs in declared_indexes(container.dependencies).items()}


def run(broker, infra, db, target: str, *options: str) -> subprocess.CompletedProcess:
    """The deploy step as a process of its own, with the service's environment."""
    env = {**os.environ, "AMQP_URI": broker.amqp_uri, "MONGODB_URI": infra["MONGODB_URI"],
           "MONGODB_DATABASE": db.name, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "wijkwijzer.migrate", *options, target], check=False,
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_deploy_step_prepares_every_service_and_only_ever_adds(broker, infra, databases, capsys):
    services = service_list()
    for name, _, target in services:
        assert databases[name].list_collection_names() == [], "an empty database"
        done = run(broker, infra, databases[name], target)
        assert done.returncode == 0, done.stderr
        wanted = declared(target)
        count = sum(len(names) for names in wanted.values())
        assert f"{databases[name].name}: {count} index(es) created, 0 present, 0 differing" in done.stdout
        assert "declared queue" in done.stderr, "progress as it goes"
        for collection, names in wanted.items():
            assert names <= set(databases[name][collection].index_information()), (name, collection)
        for entity in topology.declarations(topology.load_service(target), broker.amqp_uri):
            if isinstance(entity, Queue):
                assert broker.queue(entity.name)["durable"], entity.name
    notifications = [e.name for e in topology.declarations(topology.load_service(
        "notifications.service:NotificationsService"), broker.amqp_uri) if isinstance(e, Queue)]
    assert any(name.endswith(".retry.4000ms") for name in notifications)
    assert any(broker.bindings(name) for name in notifications if ".retry" not in name)

    # a newer version of publications added an index; this version's step runs again (a rollback,
    # or old and new side by side): nothing created, nothing dropped
    publications = databases["publications"]
    publications.publications.create_index([("newer_field", 1)])
    for name, _, target in services:
        assert migrate.main(["--amqp-uri", broker.amqp_uri, "--mongodb-uri", infra["MONGODB_URI"],
                             "--database", databases[name].name, target]) == 0
        out = capsys.readouterr().out
        assert f"{databases[name].name}: 0 index(es) created" in out and "0 differing" in out
    assert "newer_field_1" in publications.publications.index_information()


def test_an_index_whose_name_exists_with_another_definition_is_reported_not_replaced(broker, infra, databases):
    gateway = databases["gateway"]
    # the gateway declares a plain index on the rate-limit windows; one of that name is unique here
    gateway.rate_limit_counters.create_index([("window", 1)], name="window_1", unique=True)
    done = run(broker, infra, gateway, "gateway.service:GatewayService")
    assert done.returncode == 0, done.stderr
    assert "0 index(es) created, 0 present, 1 differing" in done.stdout
    assert f"differs: {gateway.name}.rate_limit_counters.window_1: unique True instead of False" in done.stdout
    assert gateway.rate_limit_counters.index_information()["window_1"].get("unique") is True, "left as it is"

    strict = run(broker, infra, gateway, "gateway.service:GatewayService", "--strict")
    assert strict.returncode == 1 and "1 differing" in strict.stdout
