import uuid

import pymongo
import pytest


@pytest.fixture
def service_config(infra):
    """nameko config for one test: real broker, a database of its own."""
    return {
        "AMQP_URI": infra["AMQP_URI"],
        "MONGODB_URI": infra["MONGODB_URI"],
        "MONGODB_DATABASE": f"test_{uuid.uuid4().hex[:10]}",
    }


@pytest.fixture(scope="module")
def config(infra):
    """Like service_config, shared by one module's tests (one container per module), and
    its database dropped afterwards."""
    config = {"AMQP_URI": infra["AMQP_URI"], "MONGODB_URI": infra["MONGODB_URI"],
              "MONGODB_DATABASE": f"test_{uuid.uuid4().hex[:10]}"}
    yield config
    with pymongo.MongoClient(config["MONGODB_URI"]) as client:
        client.drop_database(config["MONGODB_DATABASE"])
