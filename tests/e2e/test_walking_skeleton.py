"""The walking skeleton, driven over HTTP exactly as a web client would."""
import json
import uuid
from datetime import UTC, datetime, timedelta

import pymongo
import pytest
import requests
from gateway.tokens import mint
from nameko.standalone.rpc import ClusterRpcProxy

from tests.platform import JWT_SECRET
from tests.support import Documented, eventually

pytestmark = pytest.mark.e2e

DRAFT = {"title": "Wijkagenda's die werken", "summary": "Lessen uit vijf wijken",
         "kind": "praktijkvoorbeeld", "topics": ["veiligheid"]}


def bearer(sub="anna", roles=("member",)):
    return {"Authorization": f"Bearer {mint(JWT_SECRET, sub, 'Anna', 'anna@example.org', list(roles))}"}


def test_health_and_readiness_name_every_service(platform):
    assert requests.get(f"{platform.base_url}/healthz", timeout=5).json() == {"status": "ok"}
    ready = requests.get(f"{platform.base_url}/readyz", timeout=5)
    assert ready.status_code == 200
    assert ready.json()["services"] == {s: "ok" for s in ("publications", "events", "helpdesk", "notifications")}
    Documented(platform.base_url).check(ready)


def test_a_submitted_draft_reaches_notifications_with_its_request_id(platform):
    created = requests.post(f"{platform.base_url}/api/v1/publications", json=DRAFT, headers=bearer(), timeout=10)
    assert created.status_code == 201, created.text
    publication = created.json()
    assert created.headers["Location"] == f"/api/v1/publications/{publication['id']}"
    assert publication["status"] == "draft" and publication["author"]["sub"] == "anna"

    # drafts are visible to their author only
    assert requests.get(f"{platform.base_url}/api/v1/publications/{publication['id']}", timeout=5).status_code == 404
    mine = requests.get(f"{platform.base_url}/api/v1/publications/{publication['slug']}", headers=bearer(), timeout=5)
    assert mine.json()["id"] == publication["id"]

    request_id = f"e2e-{uuid.uuid4().hex[:12]}"
    submitted = requests.post(f"{platform.base_url}/api/v1/publications/{publication['id']}/submit",
                              headers={**bearer(), "X-Request-ID": request_id}, timeout=10)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.headers["X-Request-ID"] == request_id

    with ClusterRpcProxy({"AMQP_URI": platform.infra["AMQP_URI"]}, timeout=10) as rpc:
        log = eventually(lambda: rpc.notifications.event_log(publication["id"]), what="notifications to record it")
    assert [(e["type"], e["correlation_id"]) for e in log] == [("nl.wijkwijzer.publication.submitted", request_id)]

    # the request id is in the JSON log lines of every process it passed through
    for name in ("gateway", "publications", "notifications"):
        # split on \n only: fuzzed requests put U+2028 and friends into messages, which splitlines() splits on
        lines = [json.loads(line) for line in platform.log(name).read_text().split("\n") if line.startswith("{")]
        assert any(line["correlation_id"] == request_id for line in lines), name


def test_a_retried_create_with_the_same_idempotency_key_makes_one_draft(platform):
    headers = {**bearer("bram"), "Idempotency-Key": uuid.uuid4().hex}
    first = requests.post(f"{platform.base_url}/api/v1/publications", json=DRAFT, headers=headers, timeout=10)
    again = requests.post(f"{platform.base_url}/api/v1/publications", json=DRAFT, headers=headers, timeout=10)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    db = pymongo.MongoClient(platform.infra["MONGODB_URI"])[platform.database("publications")]
    assert db.publications.count_documents({"author.sub": "bram"}) == 1


def test_taxonomy_and_activities_are_served_as_documented(platform):
    documented = Documented(platform.base_url)
    taxonomy = requests.get(f"{platform.base_url}/api/v1/taxonomy", timeout=5)
    assert {"topics", "focus_areas", "organisations", "audiences"} <= taxonomy.json().keys()
    documented.check(taxonomy)
    with ClusterRpcProxy({"AMQP_URI": platform.infra["AMQP_URI"]}, timeout=10) as rpc:
        for days, where in ((30, {"location": {"name": "Buurthuis De Pijp", "address": "Dorpsstraat 1",
                                               "municipality": "Utrecht"}}),
                            (31, {"online_url": "https://meet.example.org/wijk", "capacity": 20})):
            starts = datetime.now(UTC) + timedelta(days=days)
            rpc.events.schedule({"title": "Leren van elkaar", "description": "Ervaringen uit de wijk",
                                 "kind": "leerbijeenkomst", "starts_at": starts.isoformat(),
                                 "ends_at": (starts + timedelta(hours=2)).isoformat(), "topics": ["ontmoeting"],
                                 **where}, {"sub": "olga", "name": "Olga", "roles": ["admin"]})
    first = requests.get(f"{platform.base_url}/api/v1/activities?limit=1", timeout=5)
    assert first.status_code == 200 and len(first.json()["items"]) == 1 and first.json()["next_cursor"]
    documented.check(first)
    documented.check(requests.get(f"{platform.base_url}/api/v1/activities",
                                  params={"cursor": first.json()["next_cursor"]}, timeout=5))


def test_cors_is_allowed_for_the_configured_origins_only(platform):
    allowed, other = "https://wijkwijzer.example", "https://evil.example"
    preflight = requests.options(f"{platform.base_url}/api/v1/publications", timeout=5, headers={
        "Origin": allowed, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == allowed
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    assert requests.options(f"{platform.base_url}/api/v1/publications", timeout=5, headers={
        "Origin": other, "Access-Control-Request-Method": "POST"}).status_code == 403
    simple = requests.get(f"{platform.base_url}/api/v1/taxonomy", headers={"Origin": allowed}, timeout=5)
    assert simple.headers["Access-Control-Allow-Origin"] == allowed and "X-Request-ID" in simple.headers[
        "Access-Control-Expose-Headers"]
    refused = requests.get(f"{platform.base_url}/api/v1/taxonomy", headers={"Origin": other}, timeout=5)
    assert "Access-Control-Allow-Origin" not in refused.headers
