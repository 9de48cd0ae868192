import pymongo
import pytest

from tests.conftest import database_name


@pytest.fixture
def service_config(infra):
    """nameko config for one test: real broker, a database of its own (dropped afterwards)."""
    config = {"AMQP_URI": infra["AMQP_URI"], "MONGODB_URI": infra["MONGODB_URI"],
              "MONGODB_DATABASE": database_name(infra, "test"),
              # the notifications service refuses to start without it; mail goes nowhere by default
              "UNSUBSCRIBE_SECRET": "integration-unsubscribe-secret", "SMTP_PORT": 9}
    yield config
    with pymongo.MongoClient(config["MONGODB_URI"]) as client:
        client.drop_database(config["MONGODB_DATABASE"])


@pytest.fixture(scope="module")
def config(infra):
    """Like service_config, shared by one module's tests (one container per module), and
    its database dropped afterwards."""
    config = {"AMQP_URI": infra["AMQP_URI"], "MONGODB_URI": infra["MONGODB_URI"],
              "MONGODB_DATABASE": database_name(infra, "test"),
              # the notifications service refuses to start without it; mail goes nowhere by default
              "UNSUBSCRIBE_SECRET": "integration-unsubscribe-secret", "SMTP_PORT": 9}
    yield config
    with pymongo.MongoClient(config["MONGODB_URI"]) as client:
        client.drop_database(config["MONGODB_DATABASE"])
