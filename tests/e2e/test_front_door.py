"""The front door (nginx, deploy/frontdoor.sh) in front of the running gateway, as readers meet it:
anonymous public reads come from its cache, nothing with a token or cookie is kept, every answer
carries its own request id, and the gateway sees the reader's address, not a claimed one."""
import json
import socket
import uuid

import pytest
import requests
from gateway.tokens import mint

from tests.platform import JWT_SECRET
from tests.support import FrontDoor

pytestmark = pytest.mark.e2e


def bearer(sub: str, *roles: str) -> dict:
    return {"Authorization": f"Bearer {mint(JWT_SECRET, sub, sub.title(), f'{sub}@example.org', list(roles))}"}


@pytest.fixture(scope="module")
def front_door(platform, tmp_path_factory):
    door = FrontDoor(tmp_path_factory.mktemp("front-door"), f"127.0.0.1:{platform.port}")
    door.run("up")
    yield door
    door.run("down")


def test_an_anonymous_public_read_is_served_from_the_cache_after_the_first(front_door):
    url = f"{front_door.base_url}/api/v1/publications?q=buurt+{uuid.uuid4().hex[:6]}&limit=5"   # a fresh entry
    first, second = requests.get(url, timeout=10), requests.get(url, timeout=10)
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert second.content == first.content and second.headers["ETag"] == first.headers["ETag"]
    unchanged = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=10)
    assert unchanged.status_code == 304


def test_nothing_asked_with_a_token_or_a_cookie_is_kept(front_door):
    url = f"{front_door.base_url}/api/v1/taxonomy"
    for headers in (bearer("anna", "member"), {"Cookie": "sessie=abc"}):
        answers = [requests.get(url, headers=headers, timeout=10) for _ in range(2)]
        assert [a.headers["X-Cache"] for a in answers] == ["BYPASS", "BYPASS"]
        assert all(a.headers["Cache-Control"] == "private, no-store" for a in answers)
    review_queue = requests.get(f"{front_door.base_url}/api/v1/review-queue", headers=bearer("eva", "editor"),
                                timeout=10)
    assert review_queue.status_code == 200 and review_queue.headers["X-Cache"] == "BYPASS"


def test_every_answer_carries_its_own_request_id_also_from_the_cache(front_door):
    url = f"{front_door.base_url}/api/v1/taxonomy"
    requests.get(url, timeout=10)
    mine = f"front-{uuid.uuid4().hex[:8]}"
    cached = requests.get(url, headers={"X-Request-ID": mine}, timeout=10)
    assert cached.headers["X-Cache"] == "HIT" and cached.headers["X-Request-ID"] == mine
    generated = requests.get(url, timeout=10).headers["X-Request-ID"]
    assert generated and generated != mine


def test_a_reader_cannot_pose_as_another_address_through_the_front_door(front_door, platform):
    """One open flag per anonymous reader: a claimed X-Forwarded-For does not make a second reader."""
    author, editor = bearer(f"auteur-{uuid.uuid4().hex[:6]}", "member"), bearer("eva", "editor")
    api = f"{platform.base_url}/api/v1/publications"
    draft = requests.post(api, headers=author, json={"title": "Geveltuinen in de Pijp", "kind": "artikel"},
                          timeout=10).json()
    requests.post(f"{api}/{draft['id']}/submit", headers=author, timeout=10).raise_for_status()
    requests.post(f"{api}/{draft['id']}/review", headers=editor, json={"decision": "publish"},
                  timeout=10).raise_for_status()
    flags = f"{front_door.base_url}/api/v1/publications/{draft['id']}/flags"
    first = requests.post(flags, json={"reason": "Klopt niet"}, headers={"X-Forwarded-For": "203.0.113.7"},
                          timeout=10)
    second = requests.post(flags, json={"reason": "Klopt niet"}, headers={"X-Forwarded-For": "203.0.113.8"},
                           timeout=10)
    assert (first.status_code, second.status_code) == (201, 409)
    # straight to the gateway from a trusted proxy (this test stands in for one), the named reader counts
    third = requests.post(f"{api}/{draft['id']}/flags", json={"reason": "Verouderd"},
                          headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10)
    assert third.status_code == 201


def test_the_calendar_feed_is_kept_like_json(front_door):
    """Calendar programs poll the feed: the front door answers from its cache, as text/calendar."""
    url = f"{front_door.base_url}/api/v1/calendar.ics?topic=armoede&organisation=movisie"
    first, second = requests.get(url, timeout=10), requests.get(url, timeout=10)
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert second.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert second.content == first.content and second.content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=10).status_code == 304


def test_what_the_front_door_refuses_itself_is_problem_json(front_door):
    """A request line nginx cannot read never reaches the gateway: its refusal reads like every
    other error of the API."""
    with socket.create_connection(front_door.address.rsplit(":", 1), timeout=10) as conn:
        conn.sendall(b"GET /api/v1/activities/%00%ff HTTP/1.1\r\nHost: wijkwijzer\r\nConnection: close\r\n\r\n")
        answer = b"".join(iter(lambda: conn.recv(65536), b""))
    head, body = answer.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 400") and b"Content-Type: application/problem+json" in head
    assert json.loads(body) == {"type": "https://wijkwijzer.nl/problems/bad-request", "title": "Bad request",
                                "status": 400, "detail": "the front door cannot read this request"}


def test_a_gateway_that_cannot_be_reached_is_a_503_problem_to_retry(tmp_path):
    with socket.socket() as s:   # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        nowhere = f"127.0.0.1:{s.getsockname()[1]}"
    door = FrontDoor(tmp_path, nowhere)
    door.run("up")
    try:
        answer = requests.post(f"{door.base_url}/api/v1/publications", json={}, timeout=10)
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.json()["type"] == "https://wijkwijzer.nl/problems/service-unavailable"
        assert answer.headers["X-Request-ID"]
        assert requests.get(f"{door.base_url}/.front-door/unavailable", timeout=10).status_code == 404, \
            "the error pages are not routes"
    finally:
        door.run("down")
