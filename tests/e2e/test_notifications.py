"""Notifications over HTTP as a member would use them: follows and preferences, the mail that
arrives (at the platform's own SMTP server), the delivery log, and the unsubscribe link."""
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from gateway.tokens import mint
from icalendar import Calendar

from tests.e2e.test_helpdesk import a_place, question, roster
from tests.platform import JWT_SECRET, WEB_BASE_URL
from tests.support import Documented, eventually

pytestmark = pytest.mark.e2e


def bearer(sub, name, email, *roles, organisation=None):
    token = mint(JWT_SECRET, sub, name, email, list(roles), organisation=organisation)
    return {"Authorization": f"Bearer {token}"}


EVA = bearer("eva", "Eva Ünal", "eva@voorbeeld.nl", "editor")
NOOR = bearer("noor", "Noor Bakker", "noor@voorbeeld.nl", "organiser", organisation="lpb")


class Api:
    def __init__(self, base_url):
        self.base = f"{base_url}/api/v1"
        self.documented = Documented(base_url)

    def __call__(self, method, path, who=None, expect=200, **kwargs):
        response = requests.request(method, self.base + path, headers=who or {}, timeout=15, **kwargs)
        assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        self.documented.check(response)
        return response.json()


@pytest.fixture(scope="module")
def api(platform):
    return Api(platform.base_url)


def member():
    sub = f"lid-{uuid.uuid4().hex[:8]}"
    return sub, bearer(sub, "Zoë van den Heuvel", f"{sub}@voorbeeld.nl", "member")


def mails_to(platform, address):
    return [m for m in platform.mail.messages() if m["To"].addresses[0].addr_spec == address]


def test_follows_and_preferences_refuse_bad_input_and_change_nothing(api):
    _, who = member()
    assert api("GET", "/me/follows", who) == {"topics": [], "focus_areas": [], "organisations": [],
                                              "activities": [], "questions": [], "frequency": "immediate"}
    for body in ({"topics": ["geen-onderwerp"]}, {"topics": "veiligheid"}, {"frequency": "soms"},
                 {"onbekend": True}, {"activities": ["../x"]}, {"topics": ["veiligheid"] * 51}):
        problem = api("PUT", "/me/follows", who, 422, json=body)
        assert problem["errors"], body
    api("PUT", "/me/follows", who, 415, data="topics=veiligheid")
    assert api("GET", "/me/follows", who)["topics"] == []

    for kinds in ({"registration_confirmed": "off"}, {"geen_soort": "off"}, {"activity_reminder": "weekly"}):
        problem = api("PUT", "/me/preferences", who, 422, json={"kinds": kinds})
        assert problem["errors"][0]["field"].startswith("kinds"), kinds
    prefs = api("GET", "/me/preferences", who)
    assert all(k["frequency"] == "immediate" for k in prefs["kinds"])
    assert {k["kind"] for k in prefs["kinds"] if k["critical"]} >= {"registration_confirmed", "activity_cancelled"}

    follows = api("PUT", "/me/follows", who, json={"topics": ["veiligheid", "armoede"], "focus_areas": [],
                                                   "frequency": "weekly"})
    assert follows["topics"] == ["veiligheid", "armoede"] and follows["frequency"] == "weekly"
    api("GET", "/me/notifications?limit=0", who, 422)
    api("GET", "/me/notifications?cursor=bm90LWEtY3Vyc29y", who, 422)
    assert api("GET", "/me/notifications", who) == {"items": [], "next_cursor": None}


def test_a_member_who_registers_gets_the_confirmation_with_the_invitation_and_sees_it_logged(api, platform):
    sub, who = member()
    starts = (datetime.now(UTC) + timedelta(days=14)).replace(second=0, microsecond=0)
    activity = api("POST", "/activities", NOOR, 201, json={
        "title": "Buurtgesprek Tarwewijk", "description": "Wat vinden bewoners van hun straat?",
        "kind": "netwerkbijeenkomst", "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(), "capacity": 20,
        "location": {"name": "Wijkcentrum De Tarwewijk", "address": "Mijnsherenlaan 5", "municipality": "Rotterdam"}})
    api("POST", f"/activities/{activity['id']}/registrations", who, 201)

    [mail] = eventually(lambda: mails_to(platform, f"{sub}@voorbeeld.nl"), timeout=30, what="the confirmation")
    assert mail["Subject"] == "Aanmelding bevestigd: Buurtgesprek Tarwewijk"
    assert f"{WEB_BASE_URL}/activiteiten/{activity['id']}" in mail.get_body(("plain",)).get_content()
    [ics] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    [event] = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Buurtgesprek Tarwewijk"

    log = eventually(lambda: (page := api("GET", "/me/notifications", who))["items"]
                     and page["items"][0]["state"] == "sent" and page, what="the log says sent")
    [entry] = log["items"]
    assert entry["kind"] == "registration_confirmed" and entry["email"] == f"{sub}@voorbeeld.nl"
    assert entry["attempts"] == 1 and entry["sent_at"]


def test_a_follower_unsubscribes_with_the_link_in_the_mail(api, platform):
    sub, who = member()
    api("PUT", "/me/follows", who, json={"organisations": ["movisie"]})
    author = bearer(f"auteur-{sub}", "Sanne Jansen", "sanne@voorbeeld.nl", "member")
    draft = api("POST", "/publications", author, 201, json={
        "title": "Armoede in de wijk bespreekbaar maken", "summary": "Tien lessen uit Tilburg-Noord.",
        "kind": "praktijkvoorbeeld", "topics": ["armoede"], "organisation": "movisie"})
    api("POST", f"/publications/{draft['id']}/submit", author)
    api("POST", f"/publications/{draft['id']}/review", EVA, json={"decision": "publish"})

    [mail] = eventually(lambda: mails_to(platform, f"{sub}@voorbeeld.nl"), timeout=30, what="the mail")
    assert mail["Subject"] == "Nieuwe publicatie: Armoede in de wijk bespreekbaar maken"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail["List-Unsubscribe"].strip("<>")
    assert link.startswith(f"{WEB_BASE_URL}/api/v1/unsubscribe?token=")
    here = link.replace(WEB_BASE_URL, platform.base_url)

    page = requests.get(here, timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Afmelden" in page.text and 'method="post"' in page.text and "Nieuwe publicaties" in page.text
    assert api("GET", "/me/preferences", who)["kinds"][0]["frequency"] == "immediate", "GET changes nothing"

    # what a mail program does (RFC 8058): POST the form body to the link
    done = requests.post(here, data={"List-Unsubscribe": "One-Click"}, timeout=10)
    assert done.status_code == 200 and "U bent afgemeld" in done.text
    kinds = {k["kind"]: k["frequency"] for k in api("GET", "/me/preferences", who)["kinds"]}
    assert kinds["publication_published"] == "off" and kinds["registration_confirmed"] == "immediate"
    assert requests.post(here, timeout=10).status_code == 200, "again, with no body: the same"
    bad = requests.post(here.replace("token=", "token=x"), timeout=10)
    assert bad.status_code == 422 and bad.headers["Content-Type"].startswith("application/problem+json")


def test_a_question_asked_anonymously_mails_the_wijkwijze_and_its_answer_the_asker(api, platform):
    """Through the gateway: the helpdesk's events reach the notifications service, its mail the
    platform's SMTP server (the topic is this test's own, the place too: no other wijkwijze fits)."""
    place = a_place()
    [(sanne, sanne_token)] = roster(api, place, "Sanne Bakker", topics=("ontmoeting",)).items()
    asker = f"vrager-{uuid.uuid4().hex[:8]}@voorbeeld.nl"
    asked = api("POST", "/questions", None, 201, json=question(place, "ontmoeting", email=asker))
    qid = asked["id"]
    assert asked["assignee"]["sub"] == sanne

    def about(mails):   # only this question's (another test's question could fit Sanne by topic)
        return [m for m in mails if qid in m.get_body(preferencelist=("plain",)).get_content()]

    [assigned] = eventually(lambda: about(mails_to(platform, f"{sanne}@voorbeeld.nl")), timeout=30,
                            what="the wijkwijze's assignment mail")
    assert assigned["Subject"].strip() == "Vraag voor u: Hoe helpen we gezinnen die niet rondkomen?"
    assert assigned["List-Unsubscribe"] is None
    text = assigned.get_body(preferencelist=("plain",)).get_content()
    assert f"{WEB_BASE_URL}/vragen/{qid}" in text and "Eerste reactie vóór" in text

    api("POST", f"/questions/{qid}/answer", sanne_token,
        json={"body": "Kijk eens bij het buurthuis: elke dinsdag koffie."})
    [answered] = eventually(lambda: mails_to(platform, asker), timeout=30, what="the asker's mail")
    assert answered["Subject"].strip() == "Uw vraag is beantwoord" and answered["List-Unsubscribe"] is None
    text = answered.get_body(preferencelist=("plain",)).get_content()
    assert f"{WEB_BASE_URL}/vragen/{qid}" in text and "gebruik de link uit de bevestiging" in text
    assert asked["token"] not in text
