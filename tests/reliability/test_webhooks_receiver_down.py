"""A partner's endpoint down while public events come in, and the notifications service killed
(SIGKILL) in the middle of it: once the endpoint is back, every event arrives, verified, once, by
the time the stored retry schedule says. The retries come from the schedule in the database, not
from workers sleeping in the process that was killed (docs: webhooks.py, "a retry is a time in the
queue")."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from activities.events import ActivityScheduled
from nameko.standalone.rpc import ClusterRpcProxy
from publications.events import PublicationPublished
from wijkwijzer import outbox
from wijkwijzer.cloudevents import envelope

from tests.reliability.harness import ROOT, nameko_processes
from tests.support import eventually

pytestmark = pytest.mark.reliability

# 1/1000 of the real pace: retries 5 ms, 0.3 s, 1.8 s, 7.2 s, 18 s, 36 s after the attempt before;
# the 5 days after which an endpoint is switched off are 7.2 minutes, far beyond this test.
SCALE = 0.001
WEBHOOK_TIMEOUT = 2   # a sender's lease on a delivery it took is 2 x this + 30 s (settings.py)
SLACK = 2.0           # seconds past a due time for a sweep (every 0.1 s) to send it
EVENTS = 30


@pytest.fixture
def notifications(service_config, tmp_path, db):
    """`start()` runs the notifications service as a process of its own; all killed at teardown."""
    with nameko_processes(tmp_path, "notifications", "notifications.service:NotificationsService", {
        **service_config, "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8,::1/128", "WEBHOOK_TIME_SCALE": SCALE,
        "WEBHOOK_INTERVAL": 0.1, "WEBHOOK_TIMEOUT": WEBHOOK_TIMEOUT,
    }, cwd=ROOT / "services" / "notifications") as start:
        yield start


def public_events() -> list[tuple[str, object]]:
    """(publishing service, event): publications and activities, as the two services publish them."""
    events = []
    for n in range(EVENTS):
        if n % 2:
            data = PublicationPublished(
                id=f"pub-{n}", slug=f"buurtpreventie-in-de-schilderswijk-{n}",
                title=f"Buurtpreventie in de Schilderswijk, deel {n}",
                summary="Hoe bewoners, de wijkagent en de woningcorporatie samen één WhatsApp-groep per straat "
                        "opzetten, en wat dat na een jaar opleverde voor het gevoel van veiligheid in de buurt.",
                kind="praktijkvoorbeeld", topics=["veiligheid"], audiences=["bewoners"], focus_areas=[],
                organisation="ccv", published_at=datetime.now(UTC))
            events.append(("publications", envelope("publications", data, subject=data.id)))
        else:
            starts = datetime(2030, 5, 12, 17, tzinfo=UTC) + timedelta(days=n)
            data = ActivityScheduled(
                id=f"act-{n}", title=f"Buurtschouw Oud-Zuid, ronde {n}", kind="bijeenkomst", starts_at=starts,
                ends_at=starts + timedelta(hours=2), location_name="Buurthuis De Pijp", online=False,
                topics=["veiligheid"], focus_areas=[], organisation="ccv", capacity=30)
            events.append(("events", envelope("events", data, subject=data.id)))
    return events


def test_an_endpoint_down_through_a_killed_service_gets_every_event_once_by_the_stored_schedule(
        notifications, receiver, service_config, db):
    amqp_uri = service_config["AMQP_URI"]
    publishers = {name: outbox.EventPublisher(amqp_uri, name, {}) for name in ("publications", "events")}
    events = public_events()
    first_half, second_half = events[:EVENTS // 2], events[EVENTS // 2:]

    first = notifications()
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
        eventually(lambda: _answers(rpc), timeout=60, what="the notifications service")
        partner = rpc.notifications.register_partner({"name": "Gemeente Utrecht, wijkbureau Overvecht",
                                                      "url": receiver.url("/webhooks")})
        receiver.trust("/webhooks", partner["secret"])
        receiver.stop()

        for service, event in first_half:
            publishers[service].publish(outbox.entry(event))
        # every event of the first half failed a few times (its first retries are 5 ms and 0.3 s on)
        eventually(lambda: db.webhook_deliveries.count_documents({"tries": {"$gte": 3}}) == len(first_half),
                   timeout=30, what="three failed attempts of each event of the first half")
        first.kill()          # SIGKILL: no worker of it lives on to retry anything
        first.wait(10)
        killed_at = datetime.now(UTC)
        for service, event in second_half:   # queued in RabbitMQ while nobody consumes
            publishers[service].publish(outbox.entry(event))

        notifications()
        eventually(lambda: _answers(rpc), timeout=60, what="the restarted notifications service")
        eventually(lambda: db.webhook_deliveries.count_documents({"tries": {"$gte": 2}}) == EVENTS,
                   timeout=30, what="failed attempts of every event, after the restart")
        assert not receiver.received(), "nothing reached the endpoint while it was down"

        receiver.start()
        back_at = time.time()
        # when each delivery is due now, as stored: its next retry on the schedule (or, for one the
        # killed process had taken, the end of that sender's lease)
        due = {item["_id"]: item["due"] for item in db.webhook_queue.find({})}
        got = eventually(lambda: len(receiver.delivered()) >= EVENTS and receiver.delivered(), timeout=60,
                         what="every event at the endpoint")
        time.sleep(2)   # anything sent twice has a moment to arrive
        got = receiver.delivered()

        assert sorted(g["event"]["id"] for g in got) == sorted(e.id for _, e in events), "each event once"
        assert len({g["webhook_id"] for g in got}) == len(got) == EVENTS, "no webhook-id twice"
        assert all(r["verified"] for r in receiver.received()), "every request verifies"
        assert all(g["event"] == e.model_dump(mode="json") for g, (_, e) in
                   zip(sorted(got, key=lambda g: g["event"]["id"]), sorted(events, key=lambda x: x[1].id)))

        log = rpc.notifications.partner_deliveries(partner["id"], 100)["items"]
        assert len(log) == EVENTS
        by_event = {g["webhook_id"]: g for g in got}
        for delivery in log:
            item_id = delivery["id"]
            arrived = by_event[delivery["event_id"]]["received_at"]
            allowed = max(due[item_id].replace(tzinfo=UTC).timestamp(), back_at) + SLACK if item_id in due \
                else back_at + SLACK
            assert arrived <= allowed, f"{delivery['event_id']} came {arrived - allowed:.1f} s after its stored time"
            *failed, success = delivery["attempts"]
            assert delivery["state"] == "delivered" and success["status_code"] == 204
            assert len(failed) >= 2 and delivery["tries"] == len(failed) + 1
            assert all(a["status_code"] is None and a["error"] for a in failed), "refused while it was down"
            times = [datetime.fromisoformat(a["at"]) for a in delivery["attempts"]]
            assert times == sorted(times), "the failed attempts before the success"
        first_ids = {e.id for _, e in first_half}
        for delivery in (d for d in log if d["event_id"] in first_ids):
            times = [datetime.fromisoformat(a["at"]) for a in delivery["attempts"]]
            assert times[0] < killed_at < times[-1], "tried before the kill, and again by the new process"
        assert rpc.notifications.partner(partner["id"])["active"], "a few seconds of failure switch nothing off"


def _answers(rpc) -> bool:
    try:
        return rpc.notifications.ping()["status"] == "ok"
    except Exception:  # noqa: BLE001 (not up yet)
        return False
