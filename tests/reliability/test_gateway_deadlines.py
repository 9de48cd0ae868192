"""The gateway never waits forever: 504 when a service is slow, 503 when it is missing."""
import time

import eventlet
import pytest
import requests
from gateway.service import GatewayService
from wijkwijzer.rpc import rpc

from tests.platform import free_port

pytestmark = pytest.mark.reliability


class SlowPublications:
    """Stands in for the publications service: answers pings, too slow for everything else."""

    name = "publications"

    @rpc
    def ping(self):
        return {"service": self.name, "status": "ok"}

    @rpc
    def get(self, id_or_slug, viewer=None):
        eventlet.sleep(2.5)
        return {"id": id_or_slug}


@pytest.fixture
def gateway(containers, service_config):
    port = free_port()
    containers(SlowPublications)
    containers(GatewayService, {**service_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
                                "JWT_SECRET": "deadline-test-secret-long-enough-for-hs256",
                                "RPC_TIMEOUT": 1, "READY_TIMEOUT": 1})
    return f"http://127.0.0.1:{port}"


def test_a_slow_service_is_a_504_after_the_deadline(gateway):
    started = time.monotonic()
    response = requests.get(f"{gateway}/api/v1/publications/anything", timeout=10)
    assert response.status_code == 504 and time.monotonic() - started < 2.4
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert "publications" in response.json()["detail"]


def test_a_missing_service_is_a_503_and_readyz_names_it(gateway):
    response = requests.get(f"{gateway}/api/v1/activities", timeout=10)
    assert response.status_code == 503 and "events" in response.json()["detail"]
    assert response.headers["Retry-After"]
    ready = requests.get(f"{gateway}/readyz", timeout=10)
    assert ready.status_code == 503
    services = ready.json()["services"]
    assert services["publications"] == "ok"
    assert all(services[name] != "ok" for name in ("events", "helpdesk", "notifications"))
