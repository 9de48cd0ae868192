"""The kennisbank with realistic content over HTTP: articles of 300 to 3,000 words that share
their Dutch vocabulary, written, edited, submitted and published by several authors at once,
then searched. (The second such article once hung the knowledge base for good.)"""
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import requests
from gateway.tokens import mint

from tests.content import Corpus
from tests.platform import JWT_SECRET
from tests.support import eventually

pytestmark = pytest.mark.e2e

AUTHORS = ["chayenne", "daan", "eline", "fatima", "gijs", "hüseyin", "ilse", "joost"]
EDITOR = "eva"
LENGTHS = [300, 3000, 800, 1500]


def bearer(sub: str, role: str) -> dict:
    return {"Authorization": f"Bearer {mint(JWT_SECRET, sub, sub.title(), f'{sub}@example.org', [role])}"}


@pytest.fixture(scope="module")
def http(platform):
    def call(method, path, who, **kwargs) -> requests.Response:
        return requests.request(method, f"{platform.base_url}/api/v1{path}", headers=bearer(*who), timeout=30,
                                **kwargs)
    return call


def at_once(work, items) -> list:
    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(work, items))


def test_many_authors_write_long_articles_at_once_and_all_are_found(http, platform):
    corpus = Corpus(seed=int(uuid.uuid4().int % 10_000), anchor=datetime.now(UTC))
    marker = f"wijkproef{uuid.uuid4().hex[:6]}"   # this test's own word, in every article
    jobs = [(author, i, LENGTHS[(n + i) % len(LENGTHS)]) for n, author in enumerate(AUTHORS) for i in range(2)]

    def write(job):
        author, i, words = job
        fields, _ = corpus.publication(AUTHORS.index(author) * 10 + i, words=words)
        fields["title"] = f"{fields['title'][:150]} {marker} {author}{i}"
        return http("POST", "/publications", (author, "member"), json=fields)
    created = at_once(write, jobs)
    assert [r.status_code for r in created] == [201] * len(jobs), [r.text[:200] for r in created if r.status_code != 201]
    articles = [(job, r.json()) for job, r in zip(jobs, created, strict=True)]
    assert sum(len(a["body"].split()) for _, a in articles) > 20_000

    def edit(item):
        (author, _, _), article = item
        return http("PATCH", f"/publications/{article['id']}", (author, "member"),
                    json={"body": article["body"] + f"\n\nAangevuld door {author.title()}: {marker}herzien."})
    assert {r.status_code for r in at_once(edit, articles)} == {200}

    def submit_and_publish(item):
        (author, _, _), article = item
        submitted = http("POST", f"/publications/{article['id']}/submit", (author, "member"))
        return submitted.status_code, http("POST", f"/publications/{article['id']}/review", (EDITOR, "editor"),
                                           json={"decision": "publish"}).status_code
    assert set(at_once(submit_and_publish, articles)) == {(200, 200)}

    def search(q: str) -> dict:   # as anyone: no token
        response = requests.get(f"{platform.base_url}/api/v1/publications", params={"q": q, "limit": 100},
                                timeout=30)
        assert response.status_code == 200, response.text
        return response.json()
    found = eventually(lambda: (result := search(marker))["total"] == len(jobs) and result, timeout=30,
                       what="every article in search")
    assert {item["id"] for item in found["items"]} == {a["id"] for _, a in articles}
    assert search(f"{marker}herzien")["total"] == len(jobs), "the edited text is what is indexed"
    # each author's own words find their own article first
    (author, i, _), article = articles[5]
    assert [item["id"] for item in search(f"{marker} {author}{i}")["items"]] == [article["id"]]
    assert requests.get(f"{platform.base_url}/readyz", timeout=10).status_code == 200


def test_two_edits_of_one_draft_at_once_never_lose_one(http):
    """Both read the same version; the version check lets one write and refuses the other (409),
    or, when the second read came after the first write, both succeed one after the other."""
    corpus = Corpus(seed=11, anchor=datetime.now(UTC))
    fields, _ = corpus.publication(1, words=1200)
    draft = http("POST", "/publications", ("kees", "member"), json=fields).json()
    successes = 0
    for round_ in range(6):
        statuses = at_once(lambda n, r=round_: http("PATCH", f"/publications/{draft['id']}", ("kees", "member"),
                                                     json={"summary": f"Ronde {r}, versie {n}"}).status_code,
                           [0, 1])
        assert set(statuses) <= {200, 409} and 200 in statuses, statuses
        successes += statuses.count(200)
    stored = http("GET", f"/publications/{draft['id']}", ("kees", "member")).json()
    assert stored["version"] == 1 + successes, "every 200 is one version, none lost"
    history = http("GET", f"/publications/{draft['id']}/history", ("kees", "member")).json()["history"]
    assert len([h for h in history if h["action"] == "edited"]) == successes


def test_two_version_checked_edits_at_once_one_wins_one_is_told(http):
    """Both say which version they edited: one is stored, the other gets 409, in every round."""
    corpus = Corpus(seed=12, anchor=datetime.now(UTC))
    fields, _ = corpus.publication(2, words=900)
    draft = http("POST", "/publications", ("lotte", "member"), json=fields).json()
    for round_ in range(5):
        version = http("GET", f"/publications/{draft['id']}", ("lotte", "member")).json()["version"]
        responses = at_once(lambda n, r=round_, v=version: http(
            "PATCH", f"/publications/{draft['id']}", ("lotte", "member"),
            json={"summary": f"Ronde {r}: de versie van tabblad {n}", "version": v}), [0, 1])
        assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
        refused = next(r for r in responses if r.status_code == 409)
        assert refused.headers["Content-Type"].startswith("application/problem+json")
        assert "reload" in refused.json()["detail"]   # its text is stale: it must see the other edit first
    assert http("GET", f"/publications/{draft['id']}", ("lotte", "member")).json()["version"] == 1 + 5
