# nameko runs on eventlet; patch before anything imports socket or threading.
import eventlet

eventlet.monkey_patch()

import os
import pathlib
import subprocess
import uuid

import pymongo
import pytest

from tests.support import Broker, MongoServer, WebhookReceiver

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def infra():
    """Resolve RabbitMQ and MongoDB the way infra.md orders it, via deploy/infra.sh,
    and give this test session a RabbitMQ vhost of its own (infra.md: isolate by
    vhost, never by deleting other people's queues)."""
    out = subprocess.run(
        ["bash", str(ROOT / "deploy" / "infra.sh"), "up"],
        check=True, capture_output=True, text=True, env=os.environ.copy(),
    ).stdout
    # lines look like "RabbitMQ: amqp://... (management http://...)" and "MongoDB:  mongodb://..."
    where = {line.split()[0].rstrip(":"): line.split() for line in out.splitlines() if ": " in line}
    management = where["RabbitMQ"][3].rstrip(")")
    base = {"AMQP_URI": where["RabbitMQ"][1], "MANAGEMENT_URL": management}
    tag = uuid.uuid4().hex[:8]
    session = Broker(base, f"wijkwijzer-test-{tag}")
    session.create()
    # every database a test makes is named database_name(infra, ...): with this session's tag, so
    # that whatever a test left behind is dropped here, and nothing of another session
    yield {**base, "AMQP_URI": session.amqp_uri, "MONGODB_URI": where["MongoDB"][1], "VHOST": session.vhost,
           "TAG": tag}
    session.delete()
    with pymongo.MongoClient(where["MongoDB"][1], serverSelectionTimeoutMS=5000) as client:
        for name in client.list_database_names():
            if f"_{tag}_" in name:
                client.drop_database(name)


def database_name(infra: dict, kind: str) -> str:
    """A database name for one test (`kind`: test, rel, e2e, ...), unique, with the session's tag."""
    return f"{kind}_{infra['TAG']}_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def fallback_server(infra, tmp_path_factory):
    """The URI of a mongo-java-server of this session's own (infra.md step 5, the fallback when
    FerretDB cannot be built), for tests that hold every server we support to the same rules."""
    server = MongoServer(tmp_path_factory.mktemp("mongo-java-server"), infra["AMQP_URI"], "mongo-java-server")
    server.up()
    yield server.uri
    server.down()


@pytest.fixture(scope="session")
def platform(infra, tmp_path_factory):
    """Every service and the gateway as separate processes (tests/platform.py), in a vhost of their
    own: they must not answer the RPCs or take the events meant for the in-process containers of
    the integration tests."""
    from tests.platform import platform_in_vhost

    with platform_in_vhost(infra, f"{infra['VHOST']}-platform", tmp_path_factory.mktemp("platform-logs")) as running:
        yield running


LAYERS = ("unit", "integration", "e2e", "reliability")


def pytest_collection_modifyitems(items):
    """Every test belongs to exactly one layer of infra.md, so the summary can count them."""
    unmarked = [item.nodeid for item in items if not any(item.get_closest_marker(m) for m in LAYERS)]
    if unmarked:
        raise pytest.UsageError(f"tests without a layer marker {LAYERS}: {unmarked}")


def pytest_terminal_summary(terminalreporter):
    """One line per layer: how many of its tests passed, failed or were skipped."""
    counts = {layer: {} for layer in LAYERS}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if report.when != "call" and outcome == "passed":
                continue
            # a collection error's report has no keywords: it belongs to no layer
            layer = next((m for m in LAYERS if m in getattr(report, "keywords", {})), None)
            if layer:
                counts[layer][outcome] = counts[layer].get(outcome, 0) + 1
    terminalreporter.section("tests per layer")
    for layer, by_outcome in counts.items():
        text = ", ".join(f"{n} {outcome}" for outcome, n in by_outcome.items()) or "none run"
        terminalreporter.write_line(f"{layer:12} {text}")


@pytest.fixture
def receiver(tmp_path):
    """A partner's webhook endpoint (tests/webhook_receiver.py) for one test."""
    running = WebhookReceiver(tmp_path / "receiver").start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def keycloak():
    """The local platform's identity provider (deploy/keycloak.sh: Keycloak with the realm file),
    started if it does not run yet and left running, as Mailpit is (a person may be using it)."""
    import shutil

    from tests.support import IdentityProvider

    if shutil.which("java") is None and not os.environ.get("CI"):
        pytest.skip("no Java on this machine: Keycloak (deploy/keycloak.sh) needs Java 17 or later")
    done = subprocess.run(["bash", str(ROOT / "deploy" / "keycloak.sh"), "up"], check=False, capture_output=True,
                          text=True, timeout=600, env=os.environ.copy())
    assert done.returncode == 0, f"deploy/keycloak.sh up failed:\n{done.stdout}{done.stderr}"
    return IdentityProvider(os.environ.get("KEYCLOAK_ADDRESS", "127.0.0.1:8180"))
