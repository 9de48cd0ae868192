"""A notifications service killed (SIGKILL) while the SMTP server holds its message: the next
replica sends the message once; none lost, none twice (docs/notifications.md: the at-least-once
boundary). And a replica killed while its consumer queues a large fan-out: every follower gets
one mail."""
from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy
from publications.events import PublicationPublished
from wijkwijzer.cloudevents import envelope

from tests.reliability.harness import ROOT, nameko_processes
from tests.support import WEB, SmtpSink, eventually

pytestmark = pytest.mark.reliability

ZOE = {"sub": "zoe", "name": "Zoë van den Heuvel", "email": "zoe.vandenheuvel@voorbeeld.nl", "roles": ["member"]}


@pytest.fixture
def sink(tmp_path):
    (tmp_path / "smtp").mkdir()
    sink = SmtpSink(tmp_path / "smtp").start()
    yield sink
    sink.release()
    sink.stop()


@pytest.fixture
def replicas(service_config, sink, tmp_path, db):
    """`start()` runs the notifications service as a process of its own; all killed at teardown."""
    with nameko_processes(tmp_path, "notifications", "notifications.service:NotificationsService", {
        **service_config, "SMTP_PORT": sink.port, "SEND_INTERVAL": 0.2, "SEND_LEASE": 3, "SMTP_TIMEOUT": 30,
        "SEND_RETRY_DELAYS": "0.5,1", "WEB_BASE_URL": WEB}, cwd=ROOT / "services" / "notifications") as start:
        yield start


def published(n: int):
    data = PublicationPublished(
        id=f"pub-{n}", slug=f"wijkvisie-{n}", title="Wijkvisie Kanaleneiland", summary="Hoe bewoners meeschreven.",
        kind="praktijkvoorbeeld", topics=["rol-van-bewoners"], audiences=[], focus_areas=[], organisation=None,
        published_at=datetime.now(UTC))
    return envelope("publications", data, subject=data.id)


def test_a_replica_killed_while_the_server_holds_its_message_leaves_it_to_the_next_once(
        replicas, sink, service_config, db):
    first = replicas()
    with ClusterRpcProxy({"AMQP_URI": service_config["AMQP_URI"]}, timeout=30) as rpc:
        eventually(lambda: _answers(rpc), timeout=30, what="the first replica")
        rpc.notifications.set_follows(ZOE, {"topics": ["rol-van-bewoners"]})
        sink.stall()
        event = published(1)
        event_dispatcher(service_config)("publications", event.routing_key, event.model_dump(mode="json"))
        eventually(lambda: db.deliveries.find_one({"state": "sending"}), timeout=30, what="the mail being sent")
        time.sleep(0.5)   # it is at DATA, held by the server
        first.kill()
        first.wait(10)
        sink.release()    # the held message was never accepted: the server answers 451 to nobody

        replicas()
        [mail] = eventually(sink.messages, timeout=30, what="the mail from the next replica")
        assert mail["To"].addresses[0].addr_spec == ZOE["email"]
        time.sleep(3)     # longer than the lease: nothing is sent again
        assert len(sink.messages()) == 1
        [entry] = rpc.notifications.my_notifications(ZOE)["items"]
        assert entry["state"] == "sent"


def test_a_replica_killed_while_it_queues_a_fan_out_leaves_every_follower_one_mail(
        replicas, sink, service_config, db):
    first = replicas()
    members = [{"sub": f"lid-{i}", "name": f"Bewoner {i} van Ĳsselmonde", "email": f"lid{i}@voorbeeld.nl",
                "roles": ["member"]} for i in range(400)]
    with ClusterRpcProxy({"AMQP_URI": service_config["AMQP_URI"]}, timeout=30) as rpc:
        eventually(lambda: _answers(rpc), timeout=30, what="the first replica")
        for member in members:
            rpc.notifications.set_follows(member, {"topics": ["rol-van-bewoners"]})
        event = published(2)
        event_dispatcher(service_config)("publications", event.routing_key, event.model_dump(mode="json"))
        eventually(lambda: db.deliveries.count_documents({}) >= 20, timeout=30, what="the first deliveries")
        first.kill()
        first.wait(10)

        replicas()
        eventually(lambda: len(sink.messages()) >= len(members), timeout=120, what="a mail for every follower")
        time.sleep(3)
        addresses = sorted(m["To"].addresses[0].addr_spec for m in sink.messages())
        assert addresses == sorted(m["email"] for m in members), "each follower exactly once"


def _answers(rpc) -> bool:
    try:
        return rpc.notifications.ping()["status"] == "ok"
    except Exception:  # noqa: BLE001 (not up yet)
        return False
