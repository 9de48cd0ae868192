"""The notifications service stopped while the platform is in use, then a newer build of it
started: nothing else noticed, and every event that waited is delivered once.

"A newer build" here is the same code started as a new process with another version marker
(`WIJKWIJZER_VERSION`, which the image sets from `deploy/images.sh --version` and the process
reports as `wijkwijzer_build_info`) and its own operations port: what the test proves is what a
deploy of a new version relies on (the events wait in the service's durable queues, nothing
elsewhere depends on the service being up, the new process takes every waiting message once),
not that a changed handler reads old events.
"""
from __future__ import annotations

import time
from collections import Counter

import pytest
import requests
from wijkwijzer.ledger import COLLECTION as LEDGER

from tests.reliability.deployment import Gateway, Writers, about, mails
from tests.reliability.harness import consumer_queue
from tests.support import eventually, sample, scrape

pytestmark = pytest.mark.reliability

NEWER = "2026.12.1-rc1"
PUBLICATIONS, QUESTIONS, REGISTRATIONS = 8, 8, 12
OTHERS = ("publications", "events", "helpdesk", "gateway")
HANDLERS = ("on_publication_submitted", "on_publication_published", "on_question_assigned",
            "on_registration_confirmed")


def readiness(platform) -> tuple[int, dict]:
    response = requests.get(f"{platform.base_url}/readyz", timeout=10)
    return response.status_code, response.json()


@pytest.mark.timeout(180)
def test_notifications_stopped_then_a_newer_build_delivers_every_event_once_and_nothing_else_noticed(platform):
    gateway = Gateway(platform.base_url)
    writers = Writers(gateway, seed=17)
    # what the platform's users set up while everything runs
    follower, _ = writers.follower()
    writers.roster(3)
    activity = writers.activity(capacity=200)
    assert not gateway.failures(), gateway.failures()

    platform.stop("notifications")   # SIGTERM, as a deploy does
    try:
        started = time.monotonic()
        published = [writers.publication(i) for i in range(PUBLICATIONS)]
        questions = [writers.question(i) for i in range(QUESTIONS)]
        registrants = [writers.registration(activity, i)[0] for i in range(REGISTRATIONS)]
        seconds = time.monotonic() - started
        print(f"\nwhile notifications was stopped: {gateway.figures(seconds)}")
        assert not gateway.failures(), [(a.what, a.status, a.problem) for a in gateway.failures()]

        # nothing else noticed: every other process is ready; the gateway's own /readyz names the one away
        assert {key: platform.ready(key) for key in OTHERS} == dict.fromkeys(OTHERS, True)
        status, body = readiness(platform)
        assert status == 503 and body["services"]["notifications"] != "ok"
        assert {name: state for name, state in body["services"].items() if name != "notifications"} == \
            {"publications": "ok", "events": "ok", "helpdesk": "ok"}
        # the events wait in the service's queues
        waiting = platform.broker.depth(consumer_queue("publications", "publication.published", "notifications",
                                                       "on_publication_published"))
        assert waiting is not None and waiting[0] >= PUBLICATIONS and waiting[1] == 0, waiting
        assert mails(platform, writers.run) == []
    finally:
        platform.start("notifications", env={"WIJKWIJZER_VERSION": NEWER})
    eventually(lambda: platform.ready("notifications"), timeout=60, interval=0.3, what="the newer build ready")
    assert sample(scrape(platform.ops["notifications"]), "wijkwijzer_build_info", service="notifications",
                  version=NEWER) == 1
    assert readiness(platform)[0] == 200

    expected = Counter({f"publicaties/{p['slug']}": 1 for p in published})
    expected.update({f"vragen/{q['id']}": 1 for q in questions})
    expected.update(dict.fromkeys(registrants, 1))
    eventually(lambda: set(Counter(about(m) for m in mails(platform, writers.run))) >= set(expected), timeout=60,
               interval=0.5, what="every mail that waited")
    # then the queues are empty, and nothing more comes
    for handler, source, event_type in (("on_publication_published", "publications", "publication.published"),
                                        ("on_question_assigned", "helpdesk", "question.assigned"),
                                        ("on_registration_confirmed", "events", "registration.confirmed")):
        queue = consumer_queue(source, event_type, "notifications", handler)
        eventually(lambda q=queue: platform.broker.depth(q) == (0, 1), timeout=30, what=f"{queue} empty")
    time.sleep(2)
    sent = mails(platform, writers.run)
    assert Counter(about(m) for m in sent) == expected, "each mail exactly once"
    assert len({m["Message-ID"] for m in sent}) == len(sent)
    assert Counter(m["To"].addresses[0].addr_spec for m in sent)[follower] == PUBLICATIONS

    # its own records: each submission recorded once; the ledger holds each event once per handler
    import pymongo

    with pymongo.MongoClient(platform.infra["MONGODB_URI"]) as client:
        db = client[platform.database("notifications")]
        for publication in published:
            assert db.event_log.count_documents({"subject": publication["id"],
                                                 "type": {"$regex": r"publication\.submitted$"}}) == 1
        ledger = Counter(entry["event_id"] for entry in db[LEDGER].find(
            {"consumer": "notifications.on_publication_published"}))
        assert max(ledger.values()) == 1
    samples = scrape(platform.ops["notifications"])
    runs = {handler: {outcome: sample(samples, "wijkwijzer_event_handler_runs_total", service="notifications",
                                      handler=handler, outcome=outcome)
                      for outcome in ("success", "duplicate-skipped", "retry", "dead-letter")} for handler in HANDLERS}
    print(f"the newer build's handlers after catching up: {runs}")
    assert runs["on_publication_published"]["success"] >= PUBLICATIONS
    assert runs["on_registration_confirmed"]["success"] >= REGISTRATIONS
    assert runs["on_question_assigned"]["success"] >= QUESTIONS
    assert all(r["dead-letter"] == 0 for r in runs.values())
