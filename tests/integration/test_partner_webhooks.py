"""Partner webhooks against a real endpoint: a receiver in a process of its own that verifies every
delivery with the reference `standardwebhooks` library. Public events come in as the services
publish them (wijkwijzer.outbox's publisher, onto `wijkwijzer.public`), in a vhost of the module's
own; the schedule runs at a thousandth of its real pace (WEBHOOK_TIME_SCALE)."""
from __future__ import annotations

import socket
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pymongo
import pytest
from activities.events import ActivityCancelled, ActivityScheduled
from nameko.standalone.rpc import ClusterRpcProxy
from notifications.service import NotificationsService
from publications.events import PublicationPublished, PublicationWithdrawn
from wijkwijzer import outbox
from wijkwijzer.cloudevents import envelope
from wijkwijzer.errors import Conflict, Invalid, NotFound

from tests.support import Broker, Replicas, eventually

pytestmark = pytest.mark.integration

LOOPBACK = "127.0.0.0/8,::1/128"
ADMIN = "beheer@wijkwijzer.example"


@pytest.fixture
def vhost(infra):
    broker = Broker(infra, f"{infra['VHOST']}-webhooks-{uuid.uuid4().hex[:6]}")
    broker.create()
    yield broker
    broker.delete()


@pytest.fixture
def webhook_config(service_config, vhost, sink):
    return {**service_config, "AMQP_URI": vhost.amqp_uri, "SMTP_PORT": sink.port, "ADMIN_EMAILS": ADMIN,
            "WEBHOOK_ALLOWED_NETWORKS": LOOPBACK, "WEBHOOK_TIME_SCALE": 0.001, "WEBHOOK_INTERVAL": 0.1,
            "SEND_INTERVAL": 0.2, "EVENT_RETRY_DELAY_MS": 100, "OUTBOX_RELAY_INTERVAL": 0.3}


@pytest.fixture
def replicas(webhook_config):
    running = Replicas(NotificationsService, webhook_config)
    yield running
    running.stop_all()


@pytest.fixture
def rpc(webhook_config):
    with ClusterRpcProxy({"AMQP_URI": webhook_config["AMQP_URI"]}, timeout=30) as proxy:
        yield proxy


@pytest.fixture
def publisher(webhook_config):
    publishers = {}

    def publish(service: str, event) -> None:
        if service not in publishers:
            publishers[service] = outbox.EventPublisher(webhook_config["AMQP_URI"], service, {})
        publishers[service].publish(outbox.entry(event))

    return publish


def published(n: int, topics=("veiligheid",), focus_areas=()) -> object:
    data = PublicationPublished(
        id=f"pub-{n}", slug=f"buurtpreventie-in-de-schilderswijk-{n}", title="Buurtpreventie in de Schilderswijk",
        summary="Hoe bewoners, de wijkagent en de woningcorporatie samen één WhatsApp-groep per straat opzetten, "
                "en wat dat na een jaar opleverde voor het gevoel van veiligheid in de buurt.",
        kind="praktijkvoorbeeld", topics=list(topics), audiences=["bewoners"], focus_areas=list(focus_areas),
        organisation="ccv", published_at=datetime.now(UTC))
    return envelope("publications", data, subject=data.id, correlation_id=f"req-{n}")


def register(rpc, receiver, path: str, **filters) -> dict:
    partner = rpc.notifications.register_partner({"name": f"Gemeente {path.strip('/')}", "url": receiver.url(path),
                                                   **filters})
    receiver.trust(path, partner["secret"])
    return partner


def test_a_delivery_is_signed_as_standard_webhooks_says_and_filters_decide_who_gets_it(replicas, rpc, receiver,
                                                                                       publisher, sink):
    replicas.start()
    everything = register(rpc, receiver, "/alles")
    register(rpc, receiver, "/veiligheid", topics=["veiligheid"])
    greenery = register(rpc, receiver, "/groen", topics=["verduurzaming"])
    activities = register(rpc, receiver, "/agenda", event_types=["nl.wijkwijzer.activity.scheduled"])
    assert everything["secret"].startswith("whsec_") and "secret" not in rpc.notifications.partner(everything["id"])

    event = published(1)
    publisher("publications", event)
    [got] = eventually(lambda: receiver.delivered("/alles"), what="the delivery")
    assert got["verified"], "the reference library verifies the signature"
    assert got["webhook_id"] == event.id
    assert got["content_type"].startswith("application/cloudevents+json")
    assert got["event"] == event.model_dump(mode="json")
    eventually(lambda: receiver.delivered("/veiligheid"), what="the topic partner's delivery")

    # a withdrawal carries no topics: it reaches those who got the publication, by what it was about
    gone = envelope("publications", PublicationWithdrawn(id="pub-1", slug=event.data.slug,
                                                         withdrawn_at=datetime.now(UTC)), subject="pub-1")
    publisher("publications", gone)
    eventually(lambda: len(receiver.delivered("/veiligheid")) == 2, what="the withdrawal")
    time.sleep(1)
    assert receiver.received("/groen") == [] and receiver.received("/agenda") == []

    log = rpc.notifications.partner_deliveries(everything["id"])
    assert [d["event_type"] for d in log["items"]] == ["nl.wijkwijzer.publication.withdrawn",
                                                       "nl.wijkwijzer.publication.published"]
    first = log["items"][1]
    assert first["state"] == "delivered" and first["event_id"] == event.id and first["tries"] == 1
    assert [a["status_code"] for a in first["attempts"]] == [204] and first["attempts"][0]["latency_ms"] >= 0
    assert rpc.notifications.partner_deliveries(greenery["id"])["items"] == []
    assert rpc.notifications.partner_deliveries(activities["id"])["items"] == []


def test_a_receiver_that_fails_three_times_then_succeeds_gets_the_event_once_more_not_more(replicas, rpc,
                                                                                            receiver, publisher):
    replicas.start()
    partner = register(rpc, receiver, "/hooks")
    receiver.script("/hooks", [500, 502, [503, {}]])
    event = published(2)
    publisher("publications", event)
    eventually(lambda: receiver.delivered("/hooks"), timeout=30, what="the fourth attempt")
    time.sleep(3)   # past where the schedule's next attempts would fall at this scale
    requests_seen = receiver.received("/hooks")
    assert [r["status"] for r in requests_seen] == [500, 502, 503, 204]
    assert {r["webhook_id"] for r in requests_seen} == {event.id}, "the same webhook-id on every retry"
    assert all(r["verified"] for r in requests_seen)
    assert len({r["body"] for r in requests_seen}) == 1, "the same body on every retry"
    [delivery] = rpc.notifications.partner_deliveries(partner["id"])["items"]
    assert delivery["state"] == "delivered" and delivery["tries"] == 4
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 502, 503, 204]
    assert rpc.notifications.partner(partner["id"])["failing_since"] is None, "a success clears it"


def test_retry_after_on_429_is_honoured_and_a_redirect_is_not_followed(replicas, rpc, receiver, publisher):
    replicas.start()
    register(rpc, receiver, "/druk")
    receiver.script("/druk", [[429, {"Retry-After": "2"}]])
    register(rpc, receiver, "/verhuisd")
    receiver.script("/verhuisd", [[302, {"Location": receiver.url("/elders")}]])
    publisher("publications", published(3))
    eventually(lambda: receiver.delivered("/druk") and receiver.delivered("/verhuisd"), timeout=30,
               what="both deliveries")
    first, second = receiver.received("/druk")
    assert second["received_at"] - first["received_at"] >= 1.9, "waited for Retry-After, not the 5 ms of the scale"
    assert [r["status"] for r in receiver.received("/verhuisd")] == [302, 204]
    assert receiver.received("/elders") == [], "redirects are not followed"


def test_410_switches_the_endpoint_off_and_tells_the_admins(replicas, rpc, receiver, publisher, sink):
    replicas.start()
    partner = register(rpc, receiver, "/weg")
    receiver.script("/weg", [410])
    publisher("publications", published(4))
    off = eventually(lambda: (p := rpc.notifications.partner(partner["id"]))["active"] is False and p,
                     what="the endpoint switched off")
    assert "410" in off["disabled_reason"]
    [mail] = eventually(sink.messages, what="the admin's mail")
    assert mail["To"].addresses[0].addr_spec == ADMIN and mail["Subject"].strip() == "Webhook uitgeschakeld: Gemeente weg"

    publisher("publications", published(5))
    time.sleep(1.5)
    assert len(receiver.received("/weg")) == 1, "nothing more goes to a switched-off endpoint"
    with pytest.raises(Conflict):
        rpc.notifications.replay_to_partner(partner["id"], {"event_id": published(5).id})

    # switched on again, the admin sends what it missed
    rpc.notifications.change_partner(partner["id"], {"active": True})
    start = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    replayed = rpc.notifications.replay_to_partner(partner["id"], {"from": start, "to": datetime.now(UTC).isoformat()})
    assert replayed["events"] == 2
    got = eventually(lambda: len(receiver.delivered("/weg")) == 2 and receiver.delivered("/weg"),
                     what="the replayed events")
    assert {g["event"]["subject"] for g in got} == {"pub-4", "pub-5"}


def test_a_replay_delivers_again_under_the_same_webhook_id(replicas, rpc, receiver, publisher):
    replicas.start()
    partner = register(rpc, receiver, "/opnieuw")
    event = published(6)
    publisher("publications", event)
    eventually(lambda: receiver.delivered("/opnieuw"), what="the delivery")
    assert rpc.notifications.replay_to_partner(partner["id"], {"event_id": event.id}) == {"events": 1}
    first, again = eventually(lambda: len(receiver.delivered("/opnieuw")) == 2 and receiver.delivered("/opnieuw"),
                              what="the replay")
    assert first["webhook_id"] == again["webhook_id"] == event.id and again["verified"]
    assert first["body"] == again["body"]
    with pytest.raises(Invalid):
        rpc.notifications.replay_to_partner(partner["id"], {"event_id": event.id, "from": "2026-01-01T00:00:00Z"})


def test_a_rotated_secret_and_the_old_one_both_sign_during_the_overlap(replicas, rpc, receiver, publisher):
    replicas.start()
    partner = register(rpc, receiver, "/draai")
    rotated = rpc.notifications.rotate_partner_secret(partner["id"])
    assert rotated["secret"] != partner["secret"] and rotated["previous_secret_valid_until"]
    publisher("publications", published(7))
    [got] = eventually(lambda: receiver.delivered("/draai"), what="the delivery")
    assert len(got["signatures"].split(" ")) == 2, "both secrets sign during the overlap"
    receiver.trust("/draai", rotated["secret"], only=True)   # the partner switched to the new secret
    publisher("publications", published(8))
    eventually(lambda: len(receiver.delivered("/draai")) == 2, what="the second delivery")
    assert all(r["verified"] for r in receiver.received("/draai"))


def test_endpoints_on_private_addresses_are_refused_at_registration_and_at_delivery(
        replicas, rpc, receiver, publisher, webhook_config):
    replicas.start()
    for url in ("http://169.254.169.254/latest/meta-data/", "https://10.1.2.3/hooks", "http://[::ffff:192.168.1.1]/x",
                "https://[fd00:ec2::254]/", "ftp://gemeente.example/hooks", "https://user:pw@127.0.0.1/x"):
        with pytest.raises(Invalid) as refused:
            rpc.notifications.register_partner({"name": "Kwaadwillend", "url": url})
        assert [error["field"] for error in refused.value.args[1]] == ["url"], url
    assert rpc.notifications.partners()["items"] == [], "nothing registered"
    partner = register(rpc, receiver, "/lokaal")   # loopback: admitted by this config's allow-list

    # the same service without the allow-list: the address is checked again when connecting
    replicas.stop_all()
    strict = Replicas(NotificationsService, {**webhook_config, "WEBHOOK_ALLOWED_NETWORKS": ""})
    strict.start()
    try:
        publisher("publications", published(9))
        delivery = eventually(lambda: (items := rpc.notifications.partner_deliveries(partner["id"])["items"])
                              and items[0]["attempts"] and items[0], what="the refused attempt")
        assert delivery["attempts"][0]["status_code"] is None
        assert delivery["attempts"][0]["error"].startswith("refused: ")
        assert receiver.received("/lokaal") == []
    finally:
        strict.stop_all()


def test_two_replicas_send_each_event_to_each_partner_once(replicas, rpc, receiver, publisher):
    replicas.start()
    replicas.start()
    paths = [f"/gemeente-{n}" for n in range(5)]
    for path in paths:
        register(rpc, receiver, path)
    events = []
    for n in range(30):
        scheduled = ActivityScheduled(
            id=f"act-{n}", title=f"Buurtschouw Oud-Zuid, ronde {n}", kind="bijeenkomst",
            starts_at=datetime(2030, 5, 12, 17, tzinfo=UTC), ends_at=datetime(2030, 5, 12, 19, tzinfo=UTC),
            location_name="Buurthuis De Pijp", online=False, topics=["veiligheid"], focus_areas=[],
            organisation="ccv", capacity=30)
        events.append(envelope("events", scheduled, subject=scheduled.id))
    events.append(envelope("events", ActivityCancelled(id="act-0", title="Buurtschouw Oud-Zuid, ronde 0",
                                                       starts_at=datetime(2030, 5, 12, 17, tzinfo=UTC), sequence=1,
                                                       cancelled_at=datetime.now(UTC)), subject="act-0"))
    for event in events:
        publisher("events", event)
        publisher("events", event)   # published twice (allowed by events.md): still one delivery
    eventually(lambda: len(receiver.delivered()) >= len(paths) * len(events), timeout=60, what="every delivery")
    time.sleep(1)
    got = receiver.delivered()
    assert len(got) == len(paths) * len(events)
    assert {(g["path"], g["webhook_id"]) for g in got} == {(p, e.id) for p in paths for e in events}
    assert all(g["verified"] for g in got)


def test_an_endpoint_failing_for_five_days_is_switched_off(replicas, rpc, receiver, publisher, webhook_config, sink):
    """At 1/50,000 of the real pace: five days are 8.6 s, the whole schedule of one event 5.4 s."""
    replicas.stop_all()
    fast = Replicas(NotificationsService, {**webhook_config, "WEBHOOK_TIME_SCALE": 0.00002})
    fast.start()
    try:
        partner = register(rpc, receiver, "/stuk")
        receiver.script("/stuk", [500] * 1000)
        deadline = time.monotonic() + 40
        n = 0
        while rpc.notifications.partner(partner["id"])["active"] and time.monotonic() < deadline:
            publisher("publications", published(100 + n))
            n += 1
            time.sleep(1)
        off = rpc.notifications.partner(partner["id"])
        assert not off["active"] and off["disabled_reason"].startswith("no delivery succeeded since")
        assert n >= 8, "not before five (scaled) days"
        eventually(lambda: any(m["Subject"].strip() == "Webhook uitgeschakeld: Gemeente stuk" for m in sink.messages()),
                   what="the admin's mail")
        failed = rpc.notifications.partner_deliveries(partner["id"], 100)["items"]
        assert failed and all(d["state"] in ("failed", "pending") for d in failed)
    finally:
        fast.stop_all()


def test_public_events_and_the_delivery_log_are_kept_for_webhook_keep_days(rpc, receiver, publisher, webhook_config):
    short = Replicas(NotificationsService, {**webhook_config, "WEBHOOK_KEEP_DAYS": 3 / 86400,   # 3 s
                                            "WEBHOOK_RETENTION_INTERVAL": 0.5})
    short.start()
    try:
        partner = register(rpc, receiver, "/kort")
        event = published(200)
        publisher("publications", event)
        eventually(lambda: receiver.delivered("/kort"), what="the delivery")
        assert rpc.notifications.partner_deliveries(partner["id"])["items"]
        eventually(lambda: not rpc.notifications.partner_deliveries(partner["id"])["items"], timeout=15,
                   what="the delivery log to forget it")
        with pytest.raises(NotFound):
            rpc.notifications.replay_to_partner(partner["id"], {"event_id": event.id})
    finally:
        short.stop_all()


def test_a_slow_partner_holds_up_no_other(rpc, receiver, publisher, webhook_config):
    """Two deliveries at most in flight to one partner, a sweep of five: the slow partner's backlog
    of 20 (2 s each) does not hide the quick partner's deliveries behind it."""
    narrow = Replicas(NotificationsService, {**webhook_config, "WEBHOOK_PER_PARTNER": 2, "WEBHOOK_BATCH": 5})
    narrow.start()
    try:
        register(rpc, receiver, "/traag")
        receiver.script("/traag", {"*": [204, {}, 2]})
        register(rpc, receiver, "/vlot")
        for n in range(20):
            publisher("publications", published(300 + n))
        eventually(lambda: len(receiver.delivered("/vlot")) == 20, timeout=30, what="the quick partner's 20")
        assert len(receiver.delivered("/traag")) < 10, "the quick partner did not wait behind the slow one's backlog"
    finally:
        narrow.stop_all()


def test_a_partner_that_never_answers_holds_up_no_other_even_with_a_backlog_beyond_a_sweep(
        replicas, rpc, receiver, publisher, webhook_config):
    """A sweep takes the oldest due deliveries; a slow partner's backlog, longer than a sweep's
    batch and all at its in-flight limit, must not fill every batch and starve the others."""
    replicas.stop_all()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(128)    # connections are taken by the kernel and never answered
    small = Replicas(NotificationsService, {**webhook_config, "WEBHOOK_TIMEOUT": 1, "WEBHOOK_PER_PARTNER": 2,
                                            "WEBHOOK_BATCH": 10, "WEBHOOK_TIME_SCALE": 1})
    small.start()
    try:
        slow = rpc.notifications.register_partner({"name": "Gemeente Traag",
                                                   "url": f"http://127.0.0.1:{silent.getsockname()[1]}/hooks"})
        register(rpc, receiver, "/vlot")
        events = [published(200 + n) for n in range(30)]
        for event in events:
            publisher("publications", event)
        # the slow one times out two at a time, one second each: 15 s for its first attempts;
        # the other gets all 30 long before
        eventually(lambda: len(receiver.delivered("/vlot")) == len(events), timeout=6,
                   what="every event at the quick partner while the slow one holds its backlog")
        tried = [d for d in rpc.notifications.partner_deliveries(slow["id"], 100)["items"] if d["tries"]]
        assert len(tried) < len(events), "the slow partner still has a backlog"
    finally:
        small.stop_all()
        silent.close()


def test_a_service_stopped_while_a_delivery_is_in_flight_records_how_it_ended(
        replicas, rpc, publisher, webhook_config):
    """A graceful stop (a rolling deploy) lets a delivery being sent finish and records it, rather
    than leave it taken until the lease ends and send it to the partner a second time."""
    replicas.stop_all()
    arrived = threading.Event()

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            arrived.set()
            time.sleep(1.5)   # the service is told to stop meanwhile
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    running = Replicas(NotificationsService, {**webhook_config, "WEBHOOK_TIMEOUT": 5})
    running.start()
    try:
        partner = rpc.notifications.register_partner({"name": "Gemeente Langzaam",
                                                      "url": f"http://127.0.0.1:{server.server_port}/hooks"})
        publisher("publications", published(300))
        assert arrived.wait(20), "the delivery reached the endpoint"
        running.stop_all()   # while the endpoint still holds the request
        with pymongo.MongoClient(webhook_config["MONGODB_URI"]) as client:
            db = client[webhook_config["MONGODB_DATABASE"]]
            [delivery] = db.webhook_deliveries.find({"partner_id": partner["id"]})
            assert delivery["state"] == "delivered" and [a["status_code"] for a in delivery["attempts"]] == [204]
            assert db.webhook_queue.count_documents({}) == 0, "nothing left to send again"
    finally:
        running.stop_all()
        server.shutdown()
