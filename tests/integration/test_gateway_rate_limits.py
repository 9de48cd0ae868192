"""Write limits per caller, holding across two gateway replicas that share their counters."""
import pytest
import requests
from gateway.service import GatewayService
from gateway.tokens import mint
from nameko.containers import ServiceContainer

from tests.platform import free_port

pytestmark = pytest.mark.integration

SECRET = "rate-limit-test-secret-long-enough-for-hs256"


@pytest.fixture
def replicas(service_config):
    started, urls = [], []
    for _ in range(2):
        port = free_port()
        container = ServiceContainer(GatewayService, {
            **service_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "JWT_SECRET": SECRET,
            "RATE_LIMIT_WRITES": 4, "RATE_LIMIT_WINDOW_S": 60})
        container.start()
        started.append(container)
        urls.append(f"http://127.0.0.1:{port}")
    yield urls
    for container in started:
        container.stop()


def write(url, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    # an invalid body: the limit counts attempts, and no service needs to run
    return requests.post(f"{url}/api/v1/publications", data=b"{}", headers=headers, timeout=10)


def test_the_limit_holds_across_replicas_per_caller(replicas):
    anna, bram = mint(SECRET, "anna", roles=["member"]), mint(SECRET, "bram", roles=["member"])
    statuses = [write(replicas[i % 2], anna).status_code for i in range(6)]
    assert statuses == [422, 422, 422, 422, 429, 429]
    refused = write(replicas[0], anna)
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert write(replicas[1], bram).status_code == 422          # another caller has a limit of their own
    assert requests.get(f"{replicas[0]}/healthz", timeout=5).status_code == 200   # reads are not limited


def test_anonymous_writes_are_limited_by_address(replicas):
    statuses = [write(replicas[i % 2]).status_code for i in range(5)]
    assert statuses[-1] == 429 and statuses[:4] == [401] * 4


def test_old_windows_are_forgotten(service_config):
    import pymongo
    from gateway.limits import WriteLimits

    db = pymongo.MongoClient(service_config["MONGODB_URI"])[service_config["MONGODB_DATABASE"]]
    limits = WriteLimits(db, limit=1, window_s=60)
    assert limits.hit("sub:anna", now=6000.0) is None
    assert limits.hit("sub:anna", now=6001.0) == 59.0          # second write in the same window
    assert limits.hit("sub:anna", now=6060.0) is None          # a new window starts afresh
    assert limits.sweep(now=6061.0) == 1 and limits.sweep(now=6061.0) == 0   # the old window's counter
