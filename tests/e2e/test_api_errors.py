"""Bad input gets a clear problem+json 4xx and changes nothing."""
import json
from datetime import datetime, timedelta

import pymongo
import pytest
import requests
from gateway.tokens import mint
from wijkwijzer import pages

from tests.platform import JWT_SECRET

pytestmark = pytest.mark.e2e

URL = "/api/v1/publications"
DRAFT = {"title": "Veilig thuis in de wijk", "kind": "praktijkvoorbeeld", "topics": ["veiligheid"]}


@pytest.fixture
def token():
    return {"Authorization": f"Bearer {mint(JWT_SECRET, 'carla', 'Carla', None, ['member'])}"}


def problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and "Traceback" not in response.text
    return body


@pytest.mark.parametrize("headers, data, status", [
    ({"Content-Type": "text/plain"}, b"{}", 415),
    ({"Content-Type": "application/json"}, b'{"title": ', 400),
    ({"Content-Type": "application/json"}, b"\xff\xfe not utf-8", 400),
    ({"Content-Type": "application/json"}, b"[1, 2]", 422),
    ({"Content-Type": "application/json"}, b'{"title": "x" , "kind": "praktijkvoorbeeld", "hack": 1}', 422),
    ({"Content-Type": "application/json"}, b"x" * (1024 * 1024 + 1), 413),
])
def test_malformed_bodies_are_refused(platform, token, headers, data, status):
    problem(requests.post(platform.base_url + URL, data=data, headers={**token, **headers}, timeout=10), status)


def test_invalid_fields_are_named(platform, token):
    body = problem(requests.post(platform.base_url + URL, json={**DRAFT, "title": "", "extra": 1},
                                 headers=token, timeout=10), 422)
    assert {e["field"] for e in body["errors"]} == {"title", "extra"}
    unknown = problem(requests.post(platform.base_url + URL, json={**DRAFT, "topics": ["geen-onderwerp"]},
                                    headers=token, timeout=10), 422)
    assert unknown["errors"][0]["field"].startswith("topics")


def test_tokens_are_checked(platform):
    problem(requests.post(platform.base_url + URL, json=DRAFT, timeout=10), 401)
    forged = mint("not-the-secret-but-just-as-long-as-the-real-one", "mallory", None, None, ["member"])
    problem(requests.post(platform.base_url + URL, json=DRAFT,
                          headers={"Authorization": f"Bearer {forged}"}, timeout=10), 401)
    expired = mint(JWT_SECRET, "dave", None, None, ["member"], timedelta(seconds=-10))
    problem(requests.post(platform.base_url + URL, json=DRAFT,
                          headers={"Authorization": f"Bearer {expired}"}, timeout=10), 401)


def test_unknown_things_are_404_and_nothing_was_stored(platform, token):
    problem(requests.get(f"{platform.base_url}/api/v1/publications/../../etc", timeout=5), 404)
    problem(requests.get(f"{platform.base_url}/api/v1/publications/{'z' * 300}", timeout=5), 404)
    problem(requests.get(f"{platform.base_url}/api/v1/nothing-here", timeout=5), 404)
    problem(requests.delete(f"{platform.base_url}/healthz", timeout=5), 405)
    problem(requests.post(f"{platform.base_url}/api/v1/publications/nope/submit", headers=token, timeout=5), 404)
    db = pymongo.MongoClient(platform.infra["MONGODB_URI"])[platform.database("publications")]
    assert db.publications.count_documents({"author.sub": {"$in": ["carla", "mallory", "dave"]}}) == 0


@pytest.mark.parametrize("body", [
    {**DRAFT, "title": {"$gt": ""}},
    {**DRAFT, "$where": "1"},
    {**DRAFT, "topics": [{"a.b": 1}]},
    {**DRAFT, "summary": [[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]},
])
def test_operator_injection_and_deep_nesting_never_reach_a_service(platform, token, body):
    problem(requests.post(platform.base_url + URL, json=body, headers=token, timeout=10), 422)
    db = pymongo.MongoClient(platform.infra["MONGODB_URI"])[platform.database("publications")]
    assert db.publications.count_documents({"author.sub": "carla"}) == 0


def test_a_chunked_body_over_the_limit_is_refused(platform, token):
    def chunks():
        for _ in range(20):
            yield b"x" * 65536   # 1.25 MiB in all, sent without a Content-Length
    problem(requests.post(platform.base_url + URL, data=chunks(), timeout=10,
                          headers={**token, "Content-Type": "application/json"}), 413)
    small = requests.post(platform.base_url + URL, data=iter([json.dumps(DRAFT).encode()]), timeout=10,
                          headers={"Authorization": f"Bearer {mint(JWT_SECRET, 'erik', roles=['member'])}",
                                   "Content-Type": "application/json"})
    assert small.status_code == 201, small.text   # chunked bodies within the limit are fine


def test_bodies_nested_beyond_the_parser_and_nul_bytes_are_4xx(platform, token):
    deep = b"[" * 200_000 + b"]" * 200_000
    problem(requests.post(platform.base_url + URL, data=deep, timeout=10,
                          headers={**token, "Content-Type": "application/json"}), 400)
    nul = problem(requests.post(platform.base_url + URL, json={**DRAFT, "title": "Nul\x00byte"},
                                headers=token, timeout=10), 422)
    assert nul["errors"][0]["field"] == "title"
    problem(requests.get(f"{platform.base_url}/api/v1/activities?$where=1", timeout=5), 422)


@pytest.mark.parametrize("query, field", [("limit=100000", "limit"), ("limit=0", "limit"),
                                          ("cursor=garbage", "cursor"), ("cursor=%00", "cursor")])
def test_list_parameters_are_checked(platform, query, field):
    body = problem(requests.get(f"{platform.base_url}/api/v1/activities?{query}", timeout=5), 422)
    assert body["errors"][0]["field"] == field


EDITOR = {"Authorization": f"Bearer {mint(JWT_SECRET, 'eline', 'Eline', None, ['editor'])}"}


@pytest.mark.parametrize("position", [
    {"starts_at": 5, "id": []},
    {"starts_at": 5, "id": "x"},                                   # a number where a time belongs
    {"starts_at": "2030-01-01T10:00:00", "id": "x"},               # no offset
    {"starts_at": "9999-12-31T23:59:59-14:00", "id": "x"},         # past the calendar's end in UTC
    {"starts_at": "2030-01-01T10:00:00+01:00", "id": 1},
    {"tier": 0, "n": 1},                                           # another list's cursor
])
def test_forged_activity_cursors_are_422(platform, position):
    body = problem(requests.get(f"{platform.base_url}/api/v1/activities",
                                params={"cursor": pages.encode(position)}, timeout=5), 422)
    assert body["errors"] == [{"field": "cursor", "message": "not a cursor this list gave out"}]


@pytest.mark.parametrize("position", [
    {"at": "yesterday", "id": 1},
    {"at": 5, "id": "x"},
    {"at": "0001-01-01T00:00:00+14:00", "id": "x"},
    {"at": "2030-01-01T10:00:00+01:00", "id": True},
    {"starts_at": "2030-01-01T10:00:00+01:00", "id": "x"},
])
def test_forged_review_queue_cursors_are_422(platform, position):
    body = problem(requests.get(f"{platform.base_url}/api/v1/review-queue", headers=EDITOR,
                                params={"cursor": pages.encode(position)}, timeout=5), 422)
    assert body["errors"][0]["field"] == "cursor"


def test_a_review_queue_cursor_with_its_id_changed_to_a_number_is_422(platform):
    """The position of a real item with a forged id: compared with that item, not only queried."""
    token = {"Authorization": f"Bearer {mint(JWT_SECRET, 'femke', 'Femke', None, ['member'])}"}
    for title in ("Buurtkamer open op zondag", "Repaircafé in de bibliotheek"):
        created = requests.post(platform.base_url + URL, json={**DRAFT, "title": title}, headers=token, timeout=10)
        requests.post(f"{platform.base_url}{URL}/{created.json()['id']}/submit", headers=token,
                      timeout=10).raise_for_status()
    first = requests.get(f"{platform.base_url}/api/v1/review-queue?limit=1", headers=EDITOR, timeout=5)
    first.raise_for_status()
    position = pages.decode(first.json()["next_cursor"], {"at": datetime, "id": str})
    forged = pages.encode({**position, "id": 1})
    problem(requests.get(f"{platform.base_url}/api/v1/review-queue", headers=EDITOR,
                         params={"cursor": forged}, timeout=5), 422)
    assert requests.get(f"{platform.base_url}/api/v1/review-queue", headers=EDITOR,
                        params={"cursor": first.json()["next_cursor"]}, timeout=5).status_code == 200
