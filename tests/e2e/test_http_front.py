"""The gateway's HTTP answers as browsers and shared caches meet them: no Nagle stall on a
keep-alive connection, strong ETags and 304s for anonymous public reads, nothing personal kept."""
import statistics
import time
import uuid

import pytest
import requests
from gateway.tokens import mint

from tests.platform import JWT_SECRET

pytestmark = pytest.mark.e2e


def bearer(sub: str, *roles: str) -> dict:
    return {"Authorization": f"Bearer {mint(JWT_SECRET, sub, sub.title(), f'{sub}@example.org', list(roles))}"}


@pytest.fixture(scope="module")
def fifty_drafts(platform):
    """A page of 50 drafts (some 40 KB of JSON) for an editor to list."""
    author = bearer(f"veel-{uuid.uuid4().hex[:6]}", "member")
    for n in range(50):
        response = requests.post(f"{platform.base_url}/api/v1/publications", headers=author, timeout=10, json={
            "title": f"Wijkgesprek nummer {n} over de speeltuin", "kind": "artikel",
            "summary": "Bewoners van de Rivierenwijk praten over de speeltuin, de bankjes en de verlichting. " * 3})
        assert response.status_code == 201, response.text


def test_a_page_over_a_keep_alive_connection_is_not_slower_than_over_new_ones(platform, fifty_drafts):
    url = f"{platform.base_url}/api/v1/publications"
    params, editor = {"status": "draft", "limit": 50}, bearer("eva", "editor")

    def median_ms(get) -> float:
        times = []
        for _ in range(15):
            started = time.perf_counter()
            response = get()
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and len(response.json()["items"]) == 50
        return statistics.median(times)
    with requests.Session() as session:
        kept = median_ms(lambda: session.get(url, params=params, headers=editor, timeout=10))
    fresh = median_ms(lambda: requests.get(url, params=params, headers=editor, timeout=10))
    # a body that waits for the client's delayed ACK of the headers costs 40 ms a request
    assert kept <= fresh + 5, f"keep-alive {kept:.1f} ms, new connections {fresh:.1f} ms"


@pytest.mark.parametrize("path", ["/api/v1/taxonomy", "/api/v1/activities", "/api/v1/publications?q=wijk",
                                  "/api/v1/openapi.json"])
def test_an_anonymous_public_read_carries_a_strong_etag_and_a_repeat_is_304(platform, path):
    first = requests.get(platform.base_url + path, timeout=10)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/"), "strong"
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    assert "stale-while-revalidate=" in first.headers["Cache-Control"]
    assert "Authorization" in first.headers["Vary"]
    again = requests.get(platform.base_url + path, headers={"If-None-Match": etag}, timeout=10)
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    other = requests.get(platform.base_url + path, headers={"If-None-Match": '"not-this-one"'}, timeout=10)
    assert other.status_code == 200 and other.content == first.content


def test_a_published_publication_is_public_until_someone_signs_in(platform):
    author = bearer(f"auteur-{uuid.uuid4().hex[:6]}", "member")
    base = f"{platform.base_url}/api/v1/publications"
    draft = requests.post(base, headers=author, timeout=10,
                          json={"title": "Buurtbudget in Lombok", "kind": "artikel"}).json()
    requests.post(f"{base}/{draft['id']}/submit", headers=author, timeout=10).raise_for_status()
    requests.post(f"{base}/{draft['id']}/review", headers=bearer("eva", "editor"), timeout=10,
                  json={"decision": "publish"}).raise_for_status()
    anonymous = requests.get(f"{base}/{draft['slug']}", timeout=10)
    assert anonymous.headers["Cache-Control"].startswith("public")
    signed_in = requests.get(f"{base}/{draft['slug']}", headers=author, timeout=10)
    assert signed_in.status_code == 200 and "version" in signed_in.json(), "the author sees more"
    assert signed_in.headers["Cache-Control"] == "private, no-store" and "ETag" not in signed_in.headers
    with_cookie = requests.get(f"{base}/{draft['slug']}", headers={"Cookie": "sessie=1"}, timeout=10)
    assert with_cookie.headers["Cache-Control"] == "private, no-store"


def test_writes_errors_and_personal_reads_are_kept_by_no_cache(platform):
    member = bearer(f"lid-{uuid.uuid4().hex[:6]}", "member")
    created = requests.post(f"{platform.base_url}/api/v1/publications", headers=member, timeout=10,
                            json={"title": "Een nieuw concept", "kind": "artikel"})
    missing = requests.get(f"{platform.base_url}/api/v1/publications/bestaat-niet", timeout=10)
    queue = requests.get(f"{platform.base_url}/api/v1/review-queue", headers=bearer("eva", "editor"), timeout=10)
    for response in (created, missing, queue):
        assert response.headers["Cache-Control"] == "private, no-store", response.request.url
        assert "ETag" not in response.headers
    assert (created.status_code, missing.status_code, queue.status_code) == (201, 404, 200)
