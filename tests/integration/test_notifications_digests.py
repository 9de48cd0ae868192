"""Daily and weekly digests with two replicas of the notifications service and a restart: each
member with something new gets one digest per period, grouped by topic, at the configured time on
the Dutch clock; nothing new, no digest; what arrives after the digest waits for the next one."""
from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import eventlet
import pytest
from nameko.containers import ServiceContainer
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy
from notifications.service import NotificationsService
from publications.events import PublicationPublished
from wijkwijzer.cloudevents import envelope

from tests.support import WEB, eventually

pytestmark = pytest.mark.integration

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def published(n: int, topics: list[str], title: str):
    data = PublicationPublished(
        id=f"pub-{n}", slug=f"publicatie-{n}", title=title, summary=f"Samenvatting van “{title}”.",
        kind="praktijkvoorbeeld", topics=topics, audiences=[], focus_areas=[], organisation=None,
        published_at=datetime.now(UTC))
    return envelope("publications", data, subject=data.id)


def test_one_digest_per_member_and_period_with_two_replicas_across_a_restart(service_config, sink):
    due = datetime.now(AMSTERDAM) + timedelta(seconds=10)
    config = {**service_config, "SMTP_PORT": sink.port, "WEB_BASE_URL": WEB,
              "DIGEST_TIME": due.strftime("%H:%M:%S"), "DIGEST_WEEKDAY": WEEKDAYS[due.weekday()],
              "DIGEST_INTERVAL": 0.3, "SEND_INTERVAL": 0.3}
    running = []

    def replica() -> ServiceContainer:
        container = ServiceContainer(NotificationsService, dict(config))
        container.start()
        running.append(container)
        return container

    first, _second = replica(), replica()
    daily = [{"sub": f"dag-{i}", "name": f"Anneloes Çelik {i}", "email": f"dag{i}@voorbeeld.nl"} for i in range(40)]
    weekly = [{"sub": f"week-{i}", "name": f"Jürgen de Wit {i}", "email": f"week{i}@voorbeeld.nl"} for i in range(15)]
    quiet = {"sub": "stil", "name": "Sanne Stil", "email": "stil@voorbeeld.nl"}   # follows what nobody writes on
    now_one = {"sub": "direct", "name": "Daan Direct", "email": "direct@voorbeeld.nl"}
    try:
        with ClusterRpcProxy({"AMQP_URI": service_config["AMQP_URI"]}, timeout=30) as rpc:
            for member in daily:
                rpc.notifications.set_follows(member, {"topics": ["veiligheid", "armoede"], "frequency": "daily"})
            for member in weekly:
                rpc.notifications.set_follows(member, {"topics": ["veiligheid"], "frequency": "weekly"})
            rpc.notifications.set_follows(quiet, {"topics": ["ondermijning"], "frequency": "daily"})
            rpc.notifications.set_follows(now_one, {"topics": ["veiligheid"]})
            dispatch = event_dispatcher(service_config)
            for event in (published(1, ["veiligheid"], "Buurtpreventie in Schiedam-Oost"),
                          published(2, ["armoede", "veiligheid"], "Schuldhulp dichtbij huis"),
                          published(3, ["veiligheid"], "Cameratoezicht en privacy")):
                dispatch("publications", event.routing_key, event.model_dump(mode="json"))
            eventually(lambda: len(sink.messages()) >= 3, timeout=30, what="the immediate member's three mails")
            assert datetime.now(AMSTERDAM) < due, "the items were collected before the digests fell due"
            assert {m["To"].addresses[0].addr_spec for m in sink.messages()} == {"direct@voorbeeld.nl"}

            def digests():
                return [m for m in sink.messages() if m["Subject"].startswith("Uw ")]

            eventually(lambda: len(digests()) >= len(daily) + len(weekly), timeout=60, what="the digests")
            running.remove(first)
            first.stop()          # a restart once the digests are out
            replica()
            late = published(4, ["veiligheid"], "Na het overzicht verschenen")
            dispatch("publications", late.routing_key, late.model_dump(mode="json"))
            eventlet.sleep(3)     # several sweeps of both replicas

            counts = Counter(m["To"].addresses[0].addr_spec for m in digests())
            assert counts == Counter({m["email"]: 1 for m in daily + weekly}), "one digest each, the quiet none"
            mail = next(m for m in digests() if m["To"].addresses[0].addr_spec == "dag0@voorbeeld.nl")
            assert mail["Subject"].startswith("Uw dagelijkse overzicht van WijkWijzer: ")
            assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            text = mail.get_body(("plain",)).get_content()
            # grouped by topic: each item under its first topic, topics in alphabetical order
            assert text.index("== Armoede") < text.index("Schuldhulp dichtbij huis") < text.index("== Veiligheid")
            assert text.index("== Veiligheid") < text.index("Buurtpreventie in Schiedam-Oost")
            assert "Cameratoezicht en privacy" in text and "Na het overzicht verschenen" not in text
            html = mail.get_body(("html",)).get_content()
            assert "https://wijkwijzer.example/publicaties/publicatie-1" in html
            week_mail = next(m for m in digests() if m["To"].addresses[0].addr_spec == "week0@voorbeeld.nl")
            assert week_mail["Subject"].startswith("Uw wekelijkse overzicht van WijkWijzer: week ")
            # the late item waits for tomorrow's digest
            assert "stil@voorbeeld.nl" not in counts
    finally:
        for stopping in [eventlet.spawn(c.stop) for c in running]:
            stopping.wait()
