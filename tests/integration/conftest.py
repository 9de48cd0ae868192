import eventlet
import pymongo
import pytest
from nameko.containers import ServiceContainer

from tests.conftest import database_name
from tests.support import WEB, SmtpSink


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



@pytest.fixture
def sink(tmp_path):
    """A real SMTP server (aiosmtpd) of the test's own."""
    (tmp_path / "smtp").mkdir()
    sink = SmtpSink(tmp_path / "smtp").start()
    yield sink
    sink.stop()


@pytest.fixture
def start(service_config, sink):
    """`start(cls, **settings)` runs a container that mails to the test's SMTP server, sweeping and
    retrying fast; all stopped after."""
    running: list[ServiceContainer] = []

    def run(cls, **settings) -> ServiceContainer:
        config = {**service_config, "SMTP_PORT": sink.port, "WEB_BASE_URL": WEB, "SEND_INTERVAL": 0.2,
                  "SEND_RETRY_DELAYS": "0.5,1,1", "EVENT_RETRY_DELAY_MS": 100, "OUTBOX_RELAY_INTERVAL": 0.3,
                  "SMTP_TIMEOUT": 5, **settings}
        container = ServiceContainer(cls, config)
        container.start()
        running.append(container)
        return container

    yield run
    for stopping in [eventlet.spawn(c.stop) for c in running]:
        stopping.wait()
