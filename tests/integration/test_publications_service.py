"""The publications service in nameko containers on the real broker and MongoDB-wire server:
lifecycle with its events, pending revisions, flags, Q&A drafts, the review-date timer, search."""
import time
from datetime import UTC, datetime, timedelta

import eventlet
import pymongo
import pytest
from nameko.containers import ServiceContainer
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_hook
from publications import drafts, reindex
from publications.service import PublicationsService
from wijkwijzer.errors import Conflict, Forbidden, NotFound

from tests.support import EventTap, eventually

pytestmark = pytest.mark.integration

ANNA = {"sub": "anna", "name": "Anna de Vries", "roles": ["member"]}
BRAM = {"sub": "bram", "name": "Bram", "roles": ["member"]}
EVA = {"sub": "eva", "name": "Eva", "roles": ["editor"]}
DRAFT = {"title": "Buurtpreventie in de Schilderswijk", "summary": "Wat bewoners zelf doen",
         "body": "## Aanpak\n\nDe wijkagenda's van **bewoners**.", "kind": "praktijkvoorbeeld",
         "topics": ["veiligheid"], "organisation": "ccv"}


def start(config, replicas=1):
    containers = [ServiceContainer(PublicationsService, dict(config)) for _ in range(replicas)]
    for container in containers:
        container.start()
    return containers


@pytest.fixture
def service(service_config):
    [container] = start({**service_config, "REVIEW_DUE_INTERVAL": 3600})
    yield container
    container.stop()


@pytest.fixture
def tap(service_config):
    tap = EventTap(service_config["AMQP_URI"], "publications")
    yield tap
    tap.close()


def call(container, method, *args):
    with entrypoint_hook(container, method) as hook:
        return hook(*args)


def published(service, **fields):
    draft = call(service, "create_draft", {**DRAFT, **fields}, ANNA)
    call(service, "submit", draft["id"], ANNA)
    return call(service, "review", draft["id"], "publish", None, EVA)


def test_the_whole_lifecycle_with_its_history_and_events(service, tap, service_config):
    public = EventTap(service_config["AMQP_URI"], "public")
    draft = call(service, "create_draft", DRAFT, ANNA)
    assert "<strong>bewoners</strong>" in draft["body_html"]
    with pytest.raises(NotFound):
        call(service, "get", draft["id"], None)
    call(service, "submit", draft["id"], ANNA)
    sent_back = call(service, "review", draft["id"], "request_changes", "Voeg een bron toe", EVA)
    assert sent_back["status"] == "changes_requested"
    call(service, "edit", draft["id"], {"links": [{"title": "CCV", "url": "https://hetccv.nl"}]}, ANNA)
    call(service, "submit", draft["id"], ANNA)
    live = call(service, "review", draft["id"], "publish", "Mooi", EVA)
    assert live["status"] == "published" and live["published_at"][-6:] in ("+01:00", "+02:00")
    assert call(service, "get", live["slug"], None)["title"] == DRAFT["title"]
    with pytest.raises(Conflict):
        call(service, "submit", draft["id"], ANNA)
    withdrawn = call(service, "withdraw", draft["id"], "Verouderd", ANNA)
    assert withdrawn["status"] == "withdrawn"
    with pytest.raises(NotFound):
        call(service, "get", draft["id"], None)

    history = call(service, "history", draft["id"], EVA)["history"]
    assert [(h["action"], h["by"]) for h in history] == [
        ("created", "anna"), ("submitted", "anna"), ("changes_requested", "eva"), ("edited", "anna"),
        ("submitted", "anna"), ("published", "eva"), ("withdrawn", "anna")]
    assert history[2]["note"] == "Voeg een bron toe"
    with pytest.raises(NotFound):
        call(service, "history", draft["id"], BRAM)   # withdrawn: a stranger may not know of it

    expected = ["publication.submitted", "publication.changes_requested", "publication.submitted",
                "publication.published", "publication.withdrawn"]
    arrived = eventually(lambda: tap.types(draft["id"]) if len(tap.types(draft["id"])) >= 12 else None,
                         what="twelve events")
    assert [t for t in arrived if t != "publication.changed"] == expected
    assert arrived.count("publication.changed") == 7, "every write tells the read models"
    # the public stream carries the public ones only
    assert eventually(lambda: public.types(draft["id"]) if len(public.types(draft["id"])) >= 4 else None,
                      what="public events") == [e for e in expected if e != "publication.changes_requested"]
    public.close()


def test_a_published_edit_waits_as_a_revision_until_an_editor_approves_it(service, tap):
    live = published(service)
    pending = call(service, "edit", live["id"], {"title": "Buurtpreventie, herzien"}, ANNA)
    assert pending["title"] == DRAFT["title"] and pending["revision"]["status"] == "pending"
    assert call(service, "get", live["id"], None)["title"] == DRAFT["title"], "readers see the published text"
    with pytest.raises(Forbidden):
        call(service, "history", live["id"], BRAM)    # published, but not his
    queue = call(service, "review_queue", ["revision"], None, 20, None)
    assert [(i["id"], i["queue"]) for i in queue["items"]] == [(live["id"], ["revision"])]
    approved = call(service, "review", live["id"], "publish", None, EVA)
    assert approved["title"] == "Buurtpreventie, herzien" and approved["revision"] is None
    assert call(service, "get", live["id"], None)["title"] == "Buurtpreventie, herzien"
    assert eventually(lambda: "publication.updated" in tap.types(live["id"]), what="updated event")
    found = eventually(lambda: call(service, "search", {"q": "herzien"}, None)["items"],
                       what="the approved text in search")
    assert [i["id"] for i in found] == [live["id"]], "search finds the approved text"


def test_three_open_flags_hide_a_publication_until_an_editor_keeps_it(service):
    live = published(service)
    readers = [BRAM, {"address": "192.0.2.7"}, {"sub": "chris", "roles": ["member"]}]
    for reader in readers:
        flag = call(service, "flag", live["id"], "Dit klopt niet meer", reader)
        if reader is BRAM:
            with pytest.raises(Conflict):
                call(service, "flag", live["id"], "Nog een keer", BRAM)   # one open flag each
    assert flag["open_flags"] == 3 and flag["hidden"] is True
    with pytest.raises(NotFound):
        call(service, "get", live["id"], None)
    eventually(lambda: call(service, "search", {"q": "buurtpreventie"}, None)["total"] == 0,
               what="the hidden publication out of search")
    assert call(service, "search", {"q": "buurtpreventie"}, EVA)["total"] == 1, "editors still find it"
    assert call(service, "review_queue", ["flagged"], None, 20, None)["items"][0]["id"] == live["id"]
    call(service, "review", live["id"], "publish", "Klopt wel", EVA)
    assert call(service, "get", live["id"], None)["id"] == live["id"]


def test_concurrent_flags_are_all_counted(service, service_config):
    live = published(service)

    def flag(n):   # over real RPC, each reader on a connection of its own (entrypoint_hook is not for this)
        with ServiceRpcProxy("publications", service_config) as publications:
            try:
                return publications.flag(live["id"], "Onjuist", {"sub": f"r{n}"})
            except NotFound:
                return None   # hidden by three flags before this reader loaded it
    stored = [r for r in eventlet.GreenPool(12).imap(flag, range(12)) if r is not None]
    assert len(stored) >= 3
    # exact once every flag request has answered: whoever stored its count last had counted all
    doc = call(service, "get", live["id"], EVA)
    assert doc["open_flags"] == len(stored) == max(r["open_flags"] for r in stored)
    assert doc["hidden"] is True and len(doc["flags"]) == len(stored)


def test_an_answered_question_becomes_one_submission_for_editors(service, service_config):
    question = {"question_id": "q-42", "title": "Hoe organiseer ik een buurtbarbecue?",
                "body": "Bel mij op 06-12345678 of mail piet@example.nl", "answer": "Vraag de gemeente om een "
                "vergunning en begin klein.", "topics": ["ontmoeting"], "focus_area": "rotterdam-zuid",
                "asker": {"name": "Piet Puk", "email": "piet@example.nl"}}
    dispatch = event_dispatcher({"AMQP_URI": service_config["AMQP_URI"]})

    def send(event_id):
        dispatch("helpdesk", "question.answered_with_consent", {
            "specversion": "1.0", "id": event_id, "source": "/wijkwijzer/helpdesk",
            "type": "nl.wijkwijzer.question.answered_with_consent", "time": "2026-11-27T12:00:00Z",
            "subject": "q-42", "datacontenttype": "application/json", "data": question})
    send("e-1")
    send("e-1")   # redelivered
    send("e-2")   # the helpdesk raised it twice
    items = eventually(lambda: call(service, "review_queue", ["submitted"], None, 20, None)["items"] or None,
                       what="Q&A submission")
    db = pymongo.MongoClient(service_config["MONGODB_URI"])[service_config["MONGODB_DATABASE"]]
    eventually(lambda: db.processed_events.count_documents({}) >= 2, what="both events handled")
    assert len(call(service, "review_queue", ["submitted"], None, 20, None)["items"]) == 1
    doc = call(service, "get", items[0]["id"], EVA)
    assert doc["kind"] == "vraag-en-antwoord" and doc["topics"] == ["ontmoeting"]
    assert "vergunning" in doc["body"] and "piet" not in str(doc).lower() and "06-1234" not in str(doc)


def test_the_review_date_timer_in_two_replicas_tells_editors_once(service_config, monkeypatch):
    db = pymongo.MongoClient(service_config["MONGODB_URI"], tz_aware=True)[service_config["MONGODB_DATABASE"]]
    now = datetime.now(UTC)
    due = [drafts.imported({**DRAFT, "title": f"Verlopen {n}"}, ANNA, now - timedelta(days=800)) for n in range(8)]
    for doc in due:
        doc["review_due"] = (now - timedelta(days=1)).date().isoformat()
    later = drafts.imported({**DRAFT, "title": "Nog goed"}, ANNA, now)
    db.publications.insert_many([*due, later])
    monkeypatch.setattr(reindex, "PROGRESS_EVERY", 4)
    counted: list[int] = []
    reindex.reindex(db, counted.append)   # as after an import: notes their review dates in the calendar
    assert counted == [4, 8], "the command's progress, as it goes"
    tap = EventTap(service_config["AMQP_URI"], "publications", "publication.review_due")
    replicas = start({**service_config, "REVIEW_DUE_INTERVAL": 0.2}, replicas=2)
    try:
        eventually(lambda: len(tap.events()) >= len(due) or None, what="review-date notices")
        eventually(lambda: db.publications.count_documents({"due_for_review": True}) == len(due) or None,
                   what="all due publications queued")
        time.sleep(1.5)   # several more sweeps of both replicas: nothing more may be sent
        notices = tap.events()
        assert sorted(e["subject"] for e in notices) == sorted(d["_id"] for d in due), "one notice each"
        assert all(e["data"]["organisation"] == "ccv" for e in notices)
        queue = call(replicas[0], "review_queue", ["review_due"], None, 50, None)["items"]
        assert {i["id"] for i in queue} == {d["_id"] for d in due}
    finally:
        for container in replicas:
            container.stop()
        tap.close()
