# nameko runs on eventlet; patch before anything imports socket or threading.
import eventlet

eventlet.monkey_patch()

import os
import pathlib
import subprocess
import urllib.parse
import uuid

import pytest
import requests

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
    broker = urllib.parse.urlparse(where["RabbitMQ"][1])
    management = where["RabbitMQ"][3].rstrip(")")
    auth = (broker.username or "guest", broker.password or "guest")
    vhost = f"wijkwijzer-test-{uuid.uuid4().hex[:8]}"
    requests.put(f"{management}/api/vhosts/{vhost}", auth=auth, timeout=10).raise_for_status()
    requests.put(f"{management}/api/permissions/{vhost}/{auth[0]}", auth=auth, timeout=10,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    yield {
        "AMQP_URI": broker._replace(path=f"/{vhost}").geturl(),
        "MONGODB_URI": where["MongoDB"][1],
        "MANAGEMENT_URL": management,
        "VHOST": vhost,
    }
    requests.delete(f"{management}/api/vhosts/{vhost}", auth=auth, timeout=10)


@pytest.fixture(scope="session")
def platform(infra, tmp_path_factory):
    """Every service and the gateway as separate processes (tests/platform.py)."""
    from tests.platform import Platform

    running = Platform(infra, tmp_path_factory.mktemp("platform-logs"))
    try:
        running.up()
        yield running
    finally:
        running.down()
