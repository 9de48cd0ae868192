"""The broker stops while clients create and submit publications through the gateway.

Every write the gateway accepted must have its event delivered once the broker is
back; every write it refused with 503 must have stored nothing.
"""
import threading
import time
import uuid

import pymongo
import pytest
import requests
from gateway.tokens import mint
from nameko.standalone.rpc import ClusterRpcProxy

from tests.platform import JWT_SECRET, platform_in_vhost
from tests.support import eventually

pytestmark = pytest.mark.reliability

DRAFT = {"title": "Samen veilig in Zuidwest", "kind": "praktijkvoorbeeld", "topics": ["veiligheid"]}


@pytest.fixture
def platform(infra, own_rabbit, tmp_path):
    """The whole platform on a RabbitMQ node of this test's own, which it stops."""
    with platform_in_vhost({**infra, **own_rabbit.infra}, "wijkwijzer-platform", tmp_path) as running:
        yield running


def test_accepted_writes_reach_consumers_after_an_outage_and_refused_ones_store_nothing(platform, own_rabbit):
    token = mint(JWT_SECRET, "outage-author", "Olga", None, ["member"])
    auth = {"Authorization": f"Bearer {token}"}
    api = f"{platform.base_url}/api/v1/publications"
    results: list[tuple[str, int, int | None, str | None]] = []   # key, create status, submit status, id
    stop = threading.Event()

    def client():
        while not stop.is_set():
            key = uuid.uuid4().hex
            created = requests.post(api, json=DRAFT, headers={**auth, "Idempotency-Key": key}, timeout=20)
            if created.status_code != 201:
                results.append((key, created.status_code, None, None))
                time.sleep(0.1)
                continue
            publication_id = created.json()["id"]
            submitted = requests.post(f"{api}/{publication_id}/submit", headers=auth, timeout=20)
            results.append((key, 201, submitted.status_code, publication_id))

    worker = threading.Thread(target=client)
    worker.start()
    try:
        eventually(lambda: len(results) >= 3, what="a few writes before the outage")
        with own_rabbit.stopped():
            # The first call on a connection the broker just dropped cannot know whether its
            # request got through (504); once the gateway finds the broker refusing, it says so.
            def refused():
                response = requests.post(api, json=DRAFT, headers={**auth, "Idempotency-Key": "during-outage"},
                                         timeout=20)
                assert response.status_code in (503, 504), response.text
                assert response.headers["Content-Type"].startswith("application/problem+json")
                return response.status_code == 503
            eventually(refused, timeout=20, interval=0.2, what="the gateway to refuse writes with 503")
            assert requests.get(f"{platform.base_url}/readyz", timeout=20).status_code == 503
        platform.wait_ready()
        eventually(lambda: sum(1 for r in results if r[2] == 200) >= 6, timeout=60,
                   what="writes to succeed again after the outage")
    finally:
        stop.set()
        worker.join(timeout=60)

    refused = [r for r in results if r[1] == 503] + [("during-outage", 503, None, None)]
    db = pymongo.MongoClient(platform.infra["MONGODB_URI"])[platform.database("publications")]
    stored_keys = {d["idempotency_key"] for d in db.publications.find({"author.sub": "outage-author"})}
    assert not stored_keys & {r[0] for r in refused}, "a refused write was stored"
    for _, _, submit_status, publication_id in results:
        if submit_status == 503:
            assert db.publications.find_one({"_id": publication_id})["status"] == "draft", "a refused submit stuck"

    accepted = [r[3] for r in results if r[2] == 200]
    with ClusterRpcProxy({"AMQP_URI": platform.infra["AMQP_URI"]}, timeout=10) as rpc:
        def delivered():
            return all(len(rpc.notifications.event_log(pid)) == 1 for pid in accepted)
        eventually(delivered, timeout=60, interval=0.5, what="every accepted submit's event")
    assert {r[1] for r in results} <= {201, 503, 504}, results
