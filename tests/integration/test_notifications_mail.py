"""The notifications service sends Dutch e-mail over SMTP to a real server (aiosmtpd): who is told
what, the headers, both parts, the invitation; preferences and unsubscribe; redelivered events;
an SMTP server that is down for a while."""
from __future__ import annotations

import urllib.parse
from datetime import UTC, datetime, timedelta

import eventlet
import pytest
from activities.service import EventsService
from icalendar import Calendar
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy
from notifications.service import NotificationsService
from publications.events import PublicationChangesRequested, PublicationPublished
from wijkwijzer.cloudevents import envelope

from tests.support import WEB, eventually

pytestmark = pytest.mark.integration

NOOR = {"sub": "noor", "name": "Noor Bakker", "roles": ["organiser"], "organisation": "lpb"}
ZOE = {"sub": "zoe", "name": "Zoë van den Heuvel", "email": "zoe.vandenheuvel@voorbeeld.nl", "roles": ["member"]}
FIRST_NAMES = ["Fatima", "José", "Daan", "Aïcha", "Sven", "Noëlle", "Bram", "Inés", "Thijs", "Séverine",
               "Mehmet", "Anouk", "Björn", "Priya", "Gijs", "Chloë", "Youssef", "Maartje", "Renée", "Joëlle"]
LAST_NAMES = ["de Jong", "El Idrissi", "Smit-Öztürk", "Benali", "Jansen", "van der Meer", "Bakker",
              "Visser", "Çelik", "Mulder", "de Boer", "Peeters", "Dekker", "Brouwer", "Yılmaz"]


def people(n: int) -> list[dict]:
    found = []
    for i in range(n):
        first, last = FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]
        found.append({"sub": f"lid-{i}", "name": f"{first} {last}", "email": f"lid{i}@voorbeeld.nl",
                      "roles": ["member"]})
    return found


@pytest.fixture
def rpc(service_config):
    with ClusterRpcProxy({"AMQP_URI": service_config["AMQP_URI"]}, timeout=30) as proxy:
        yield proxy


def publish(config: dict, source: str, event) -> None:
    event_dispatcher(config)(source, event.routing_key, event.model_dump(mode="json"))


def published(n: int = 1, **fields) -> object:
    now = datetime.now(UTC)
    data = PublicationPublished(**{
        "id": f"pub-{n}", "slug": f"buurtpreventie-{n}", "title": "Buurtpreventie in de Schilderswijk",
        "summary": "Wat bewoners en wijkagent samen bereikten met één WhatsApp-groep per straat.",
        "kind": "praktijkvoorbeeld", "topics": ["veiligheid"], "audiences": [], "focus_areas": [],
        "organisation": "ccv", "published_at": now, **fields})
    return envelope("publications", data, subject=data.id)


def parts(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def to(message) -> str:
    return message["To"].addresses[0].addr_spec


def activity(rpc, capacity: int) -> dict:
    starts = (datetime.now(UTC) + timedelta(days=10)).replace(second=0, microsecond=0)
    return rpc.events.schedule({
        "title": "Werkplaats bewonersinitiatieven", "description": "Samen plannen maken voor de buurt.",
        "kind": "leerbijeenkomst", "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "capacity": capacity, "topics": ["rol-van-bewoners"],
        "location": {"name": "Buurthuis De Kroon", "address": "Kerkstraat 1", "municipality": "Utrecht"}}, NOOR)


def test_registrants_get_confirmation_with_invitation_promotion_and_cancellation(start, sink, rpc):
    start(EventsService)
    start(NotificationsService)
    werkplaats = activity(rpc, capacity=1)
    zoe = rpc.events.register(werkplaats["id"], None, ZOE)
    jose = rpc.events.register(werkplaats["id"], {"name": "José Smit-Öztürk", "email": "jose@voorbeeld.nl"})
    assert (zoe["status"], jose["status"]) == ("confirmed", "waitlisted")
    rpc.events.cancel_registration(werkplaats["id"], zoe["id"], None, ZOE)

    mails = eventually(lambda: len(sink.messages()) >= 3 and sink.messages(), timeout=30, what="three mails")
    by_subject = {m["Subject"]: m for m in mails}
    title = "Werkplaats bewonersinitiatieven"
    confirmed = by_subject[f"Aanmelding bevestigd: {title}"]
    promoted = by_subject[f"Er is een plek voor u: {title}"]
    cancelled = by_subject[f"Aanmelding vervallen: {title}"]
    assert to(confirmed) == to(cancelled) == ZOE["email"]
    assert confirmed["To"].addresses[0].display_name == "Zoë van den Heuvel"
    assert to(promoted) == "jose@voorbeeld.nl", "an anonymous registrant is told too"
    for mail in (confirmed, promoted, cancelled):
        assert mail["From"].addresses[0].addr_spec == "meldingen@wijkwijzer.nl"
        assert mail["Message-ID"].startswith("<") and mail["Message-ID"].endswith("@wijkwijzer.nl>")
        assert abs(mail["Date"].datetime - datetime.now(UTC)) < timedelta(minutes=1)
        assert mail["List-Unsubscribe"] is None, "critical: no unsubscribe"
        text, html = parts(mail)
        assert f"{WEB}/activiteiten/{werkplaats['id']}" in text and f"{WEB}/activiteiten/{werkplaats['id']}" in html
        assert html.lstrip().startswith("<!DOCTYPE html>") and 'lang="nl"' in html
    assert "Beste Zoë van den Heuvel" in parts(confirmed)[0]
    assert "Beste José Smit-Öztürk" in parts(promoted)[1]
    for mail in (confirmed, promoted):
        [ics] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
        assert ics.get_filename() == "uitnodiging.ics"
        calendar = Calendar.from_ical(ics.get_content())
        [event] = calendar.walk("VEVENT")
        assert str(event["SUMMARY"]) == title
        assert event.decoded("DTSTART") == datetime.fromisoformat(werkplaats["starts_at"])
    assert not list(cancelled.iter_attachments())
    assert len(sink.messages()) == 3


def test_followers_of_a_topic_hear_of_a_publication_by_their_preferences_and_can_unsubscribe(
        start, sink, rpc, service_config):
    start(NotificationsService)
    members = people(300)
    for i, member in enumerate(members):
        follows = {"topics": ["veiligheid"]} if i % 3 == 0 else {"organisations": ["ccv"]} if i % 3 == 1 \
            else {"topics": ["armoede"]}
        if i == 3:
            follows["frequency"] = "off"
        rpc.notifications.set_follows(member, follows)
    rpc.notifications.set_preferences(members[6], {"kinds": {"publication_published": "off"}})
    expected = {m["email"] for i, m in enumerate(members) if i % 3 != 2 and i not in (3, 6)}

    publish(service_config, "publications", published(1, focus_areas=[]))
    eventually(lambda: len(sink.messages()) >= len(expected), timeout=60, what="a mail per follower")
    mails = sink.messages()
    assert sorted(to(m) for m in mails) == sorted(expected), "each follower once; off and other topics none"
    mail = next(m for m in mails if to(m) == members[0]["email"])
    assert mail["Subject"] == "Nieuwe publicatie: Buurtpreventie in de Schilderswijk"
    text, html = parts(mail)
    assert f"{WEB}/publicaties/buurtpreventie-1" in text and "één WhatsApp-groep" in html
    unsubscribe = mail["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{WEB}/api/v1/unsubscribe?token=") and unsubscribe.endswith(">")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = urllib.parse.parse_qs(urllib.parse.urlparse(unsubscribe[1:-1]).query)["token"][0]
    assert unsubscribe[1:-1] in text

    # the link: GET shows what it would do, POST does it
    shown = rpc.notifications.unsubscribe_info(token)
    assert shown["unsubscribed"] is False and shown["kind"] == "publication_published"
    assert rpc.notifications.unsubscribe(token)["unsubscribed"] is True
    assert rpc.notifications.unsubscribe(token)["unsubscribed"] is True, "again: the same"
    prefs = {k["kind"]: k["frequency"] for k in rpc.notifications.preferences(members[0])["kinds"]}
    assert prefs["publication_published"] == "off" and prefs["registration_confirmed"] == "immediate"

    before = len(mails)
    publish(service_config, "publications", published(2))
    eventually(lambda: len(sink.messages()) >= before + len(expected) - 1, timeout=60, what="the second round")
    second = sink.messages()[before:]
    assert sorted(to(m) for m in second) == sorted(expected - {members[0]["email"]})


def test_a_redelivered_event_sends_nothing_twice(start, sink, rpc, service_config):
    start(NotificationsService)
    for member in people(5):
        rpc.notifications.set_follows(member, {"topics": ["veiligheid"]})
    event = published(7)
    for _ in range(3):
        publish(service_config, "publications", event)
    eventually(lambda: len(sink.messages()) >= 5, timeout=30, what="five mails")
    eventlet.sleep(2)   # time for any copy to be sent again
    assert sorted(to(m) for m in sink.messages()) == sorted(m["email"] for m in people(5))
    log = rpc.notifications.my_notifications(people(5)[0])
    assert [(d["kind"], d["state"]) for d in log["items"]] == [("publication_published", "sent")]


def test_the_author_hears_the_editors_decision_when_their_address_is_known(start, sink, rpc, service_config):
    start(NotificationsService)
    rpc.notifications.follows(ZOE)   # the member used the site: their token told their address
    now = datetime.now(UTC)
    for sub, n in (("zoe", 1), ("unknown-author", 2)):
        data = PublicationChangesRequested(id=f"pub-{n}", slug=f"wijkaanpak-{n}", title="Wijkaanpak Overvecht",
                                           author_sub=sub, note="Voeg bronnen toe bij de cijfers over 2023.",
                                           revision=False, decided_at=now)
        publish(service_config, "publications", envelope("publications", data, subject=data.id))
    [mail] = eventually(sink.messages, timeout=30, what="the author's mail")
    eventlet.sleep(1)
    assert len(sink.messages()) == 1, "nobody else: the other author's address is unknown"
    assert to(mail) == ZOE["email"]
    assert mail["Subject"] == "Wijzigingen gevraagd voor uw publicatie \u201cWijkaanpak Overvecht\u201d"
    assert "Voeg bronnen toe bij de cijfers over 2023." in parts(mail)[0]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_mail_waits_while_the_smtp_server_is_down_and_the_log_shows_the_attempts(start, sink, rpc, service_config):
    start(NotificationsService, SEND_RETRY_DELAYS="0.5,1,1,2,2,2")
    rpc.notifications.set_follows(ZOE, {"topics": ["veiligheid"]})
    sink.stop()
    publish(service_config, "publications", published(3))

    def log_entry():
        items = rpc.notifications.my_notifications(ZOE)["items"]
        return items and items[0]

    eventually(lambda: (log_entry() or {}).get("attempts", 0) >= 2, timeout=30, what="two failed attempts")
    entry = log_entry()
    assert entry["state"] in ("queued", "sending") and "ConnectionRefusedError" in entry["reason"]
    sink.start()
    [mail] = eventually(sink.messages, timeout=30, what="the mail after the server came back")
    assert to(mail) == ZOE["email"]
    entry = eventually(lambda: log_entry()["state"] == "sent" and log_entry(), what="the log says sent")
    detail = rpc.notifications.delivery(entry["id"])
    outcomes = [a["outcome"] for a in detail["attempt_log"]]
    assert outcomes[-1] == "sent" and set(outcomes[:-1]) == {"failed"} and len(outcomes) >= 3
    assert detail["attempts"] == len(outcomes) and detail["sent_at"]


def test_mail_the_server_never_takes_is_marked_failed_after_the_last_retry(start, sink, rpc, service_config):
    start(NotificationsService, SEND_RETRY_DELAYS="0.2,0.2")
    rpc.notifications.set_follows(ZOE, {"topics": ["veiligheid"]})
    sink.stop()
    publish(service_config, "publications", published(4))
    entry = eventually(lambda: [d for d in rpc.notifications.my_notifications(ZOE)["items"] if d["state"] == "failed"],
                       timeout=30, what="the delivery failed")[0]
    assert entry["attempts"] == 3 and "ConnectionRefusedError" in entry["reason"]
    sink.start()
    eventlet.sleep(1.5)
    assert sink.messages() == [], "a failed delivery is not tried again"
