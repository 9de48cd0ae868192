"""Every process of the platform serves /healthz, /readyz and /metrics on an operations port of
its own (wijkwijzer.ops), and its numbers follow what a client did through the gateway."""
import pytest
import requests

from tests.platform import bearer
from tests.support import eventually, sample, scrape

pytestmark = pytest.mark.e2e

DRAFT = {"title": "Samen de straat schoon", "summary": "Een opruimdag in de wijk", "kind": "praktijkvoorbeeld",
         "topics": ["veiligheid"]}
PROCESSES = ("publications", "events", "helpdesk", "notifications", "gateway")


def test_every_process_is_live_ready_and_scraped_on_its_own_port(platform):
    assert sorted(platform.ops) == sorted(PROCESSES) and len(set(platform.ops.values())) == len(PROCESSES)
    for name in PROCESSES:
        ops = platform.ops[name]
        assert requests.get(f"http://{ops}/healthz", timeout=5).json() == {"service": name, "status": "ok"}
        ready = eventually(lambda ops=ops: (r := requests.get(f"http://{ops}/readyz", timeout=5)).status_code == 200
                           and r,
                           timeout=15, what=f"{name}'s /readyz")
        assert set(ready.json()["checks"].values()) == {"ok"}, ready.json()
        assert any(key[0].startswith("wijkwijzer_") for key in scrape(ops)), name
    # the public port keeps its own /healthz and /readyz, and does not show the metrics
    assert requests.get(f"{platform.base_url}/healthz", timeout=5).status_code == 200
    assert requests.get(f"{platform.base_url}/metrics", timeout=5).status_code == 404


def test_a_draft_created_and_submitted_through_the_gateway_moves_the_gateway_s_and_the_service_s_counters(
        platform):
    before = {name: scrape(platform.ops[name]) for name in PROCESSES}
    author = bearer("u-metrics", "Mia", "member")
    created = requests.post(f"{platform.base_url}/api/v1/publications", json=DRAFT, headers=author, timeout=10)
    assert created.status_code == 201, created.text
    submitted = requests.post(f"{platform.base_url}/api/v1/publications/{created.json()['id']}/submit",
                              headers=author, timeout=10)
    assert submitted.status_code == 200, submitted.text
    refused = requests.post(f"{platform.base_url}/api/v1/publications", json=DRAFT, timeout=10)
    assert refused.status_code == 401
    after = {name: scrape(platform.ops[name]) for name in PROCESSES}

    def moved(process, name, **labels):
        return sample(after[process], name, **labels) - sample(before[process], name, **labels)

    http = "wijkwijzer_http_requests_total"
    assert moved("gateway", http, service="gateway", route="create_publication", status="201") == 1
    assert moved("gateway", http, service="gateway", route="submit_publication", status="200") == 1
    assert moved("gateway", http, service="gateway", route="create_publication", status="401") == 1
    assert moved("gateway", "wijkwijzer_http_request_duration_seconds_count", service="gateway",
                 route="create_publication") == 2
    rpc = "wijkwijzer_rpc_calls_total"
    assert moved("publications", rpc, service="publications", method="create_draft", outcome="success") == 1
    assert moved("publications", rpc, service="publications", method="submit", outcome="success") == 1
    # the submitted publication's event reaches notifications, which counts it handled
    eventually(lambda: sample(scrape(platform.ops["notifications"]), "wijkwijzer_event_handler_runs_total",
                              service="notifications", handler="on_publication_submitted", outcome="success")
               > sample(before["notifications"], "wijkwijzer_event_handler_runs_total", service="notifications",
                        handler="on_publication_submitted", outcome="success"),
               what="notifications to count the submitted event handled")
