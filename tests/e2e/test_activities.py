"""The activity calendar over HTTP as each kind of caller meets it: anonymous visitors, members,
organisers of the activity's organisation and of another, admins. Registrations, the token link,
the CSV export, iCalendar with conditional GETs, and every refusal, held to the OpenAPI document."""
import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from activities.domain import MONTHS
from gateway.tokens import mint
from icalendar import Calendar

from tests.platform import JWT_SECRET
from tests.support import Api, eventually

pytestmark = pytest.mark.e2e


def bearer(sub, name, *roles, organisation=None, email=None):
    token = mint(JWT_SECRET, sub, name, email, list(roles), organisation=organisation)
    return {"Authorization": f"Bearer {token}"}


NOOR = bearer("noor", "Noor Bakker", "organiser", organisation="lpb")          # organises for lpb
KEES = bearer("kees", "Kees de Vries", "organiser", organisation="ccv")        # organises for another
ADMIN = bearer("beheer", "Beheer", "admin")
FATIMA = bearer("fatima", "Fatima El Idrissi", "member", email="fatima@voorbeeld.nl")
ANYONE = {}


@pytest.fixture(scope="module")
def api(platform):
    return Api(platform.base_url)


def new_activity(api, who=NOOR, days=14, **fields):
    starts = (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)
    body = {"title": "Leerbijeenkomst buurtbemiddeling", "kind": "leerbijeenkomst",
            "description": "Hoe bemiddelaars en bewoners samen burenruzies oplossen.",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "topics": ["veiligheid"], "focus_areas": ["utrecht-overvecht"], "capacity": 2,
            "location": {"name": "Buurthuis De Boog", "address": "Zamenhofdreef 1", "municipality": "Utrecht"},
            **fields}
    return api("POST", "/activities", who, 201, json=body)


def test_who_may_schedule_change_and_cancel(api):
    body = {"title": "Werkbezoek", "kind": "werkbezoek", "description": "Langs initiatieven.",
            "starts_at": "2031-04-01T10:00:00+02:00", "ends_at": "2031-04-01T12:00:00+02:00",
            "online_url": "https://meet.example.org/werkbezoek"}
    api("POST", "/activities", ANYONE, 401, json=body)
    api("POST", "/activities", FATIMA, 403, json=body)
    api("POST", "/activities", KEES, 403, json={**body, "organisation": "lpb"})   # not his organisation
    activity = new_activity(api)
    assert activity["organisation"] == "lpb" and activity["sequence"] == 0 and activity["registration_open"]
    api("PATCH", f"/activities/{activity['id']}", KEES, 403, json={"title": "Overgenomen"})
    api("PATCH", f"/activities/{activity['id']}", FATIMA, 403, json={"title": "Overgenomen"})
    api("PATCH", f"/activities/{activity['id']}", ANYONE, 401, json={"title": "Overgenomen"})
    changed = api("PATCH", f"/activities/{activity['id']}", NOOR, json={"title": "Buurtbemiddeling in de praktijk"})
    assert (changed["sequence"], changed["version"]) == (1, 2)
    stale = api("PATCH", f"/activities/{activity['id']}", ADMIN, 409, json={"capacity": 5, "version": 1})
    assert "intussen gewijzigd" in stale["detail"]
    bad = api("PATCH", f"/activities/{activity['id']}", NOOR, 422, json={"ends_at": "2020-01-01T10:00:00+01:00"})
    assert bad["errors"][0]["field"] == "ends_at"
    api("POST", f"/activities/{activity['id']}/cancel", KEES, 403, json={"reason": "Geen zin"})
    api("POST", f"/activities/{activity['id']}/cancel", NOOR, 422, json={})
    cancelled = api("POST", f"/activities/{activity['id']}/cancel", ADMIN, json={"reason": "De zaal is niet beschikbaar"})
    assert cancelled["status"] == "cancelled" and cancelled["sequence"] == 2
    again = api("POST", f"/activities/{activity['id']}/cancel", NOOR, 409, json={"reason": "Nogmaals"})
    assert again["detail"] == "De activiteit is al geannuleerd."
    closed = api("POST", f"/activities/{activity['id']}/registrations", ANYONE, 409,
                 json={"name": "Daan de Jong", "email": "daan@voorbeeld.nl"})
    assert closed["detail"] == "De activiteit is geannuleerd; inschrijven kan niet meer."


def test_a_registration_asked_again_with_its_idempotency_key_is_the_same_with_a_new_token(api):
    """A client that never saw its answer (a 504) asks again with its Idempotency-Key: the same
    registration, with a new token in place of the lost one."""
    aid = new_activity(api)["id"]
    key = {"Idempotency-Key": uuid.uuid4().hex}
    lieke = api("POST", f"/activities/{aid}/registrations", ANYONE, 201, headers=key,
                json={"name": "Lieke Doğan", "email": "lieke@voorbeeld.nl"})
    again = api("POST", f"/activities/{aid}/registrations", ANYONE, 201, headers=key,
                json={"name": "Lieke Doğan", "email": "lieke@voorbeeld.nl"})
    assert (again["id"], again["status"]) == (lieke["id"], lieke["status"]) and again["token"] != lieke["token"]
    link = f"/activities/{aid}/registrations/{lieke['id']}"
    api("GET", link, ANYONE, 403, params={"token": lieke["token"]})
    assert api("GET", link, ANYONE, 200, params={"token": again["token"]})["name"] == "Lieke Doğan"
    api("POST", f"/activities/{aid}/registrations", ANYONE, 409, headers={"Idempotency-Key": uuid.uuid4().hex},
        json={"name": "Lieke", "email": "lieke@voorbeeld.nl"})
    api("DELETE", link, ANYONE, 200, params={"token": again["token"]})
    api("POST", f"/activities/{aid}/registrations", ANYONE, 422, headers={"Idempotency-Key": "k" * 201},
        json={"name": "Lange Sleutel", "email": "sleutel@voorbeeld.nl"})


def test_registering_the_token_link_the_waitlist_and_the_organisers_view(api):
    activity = new_activity(api)
    aid = activity["id"]
    jose = api("POST", f"/activities/{aid}/registrations", ANYONE, 201,
               json={"name": "José Smit-Öztürk", "email": "jose@voorbeeld.nl"})
    assert jose["status"] == "confirmed" and len(jose["token"]) == 43
    twice = api("POST", f"/activities/{aid}/registrations", ANYONE, 409,
                json={"name": "José", "email": "JOSE@voorbeeld.nl"})
    assert twice["detail"] == "Dit e-mailadres is al ingeschreven voor deze activiteit."
    missing = api("POST", f"/activities/{aid}/registrations", ANYONE, 422, json={"name": "Zonder adres"})
    assert [e["field"] for e in missing["errors"]] == ["email"]
    typo = api("POST", f"/activities/{aid}/registrations", ANYONE, 422, json={"name": "Typo", "email": "typo.voorbeeld.nl"})
    assert typo["errors"] == [{"field": "email", "message": "an e-mail address, e.g. naam@example.nl"}]
    fatima = api("POST", f"/activities/{aid}/registrations", FATIMA, 201)   # name and address from her token
    assert fatima["status"] == "confirmed" and fatima["member"] and "token" not in fatima
    daan = api("POST", f"/activities/{aid}/registrations", ANYONE, 201,
               json={"name": "Daan de Jong", "email": "daan@voorbeeld.nl"})
    assert (daan["status"], daan["position"]) == ("waitlisted", 1)
    shown = api("GET", f"/activities/{aid}")
    assert (shown["places_left"], shown["waitlisted"]) == (0, 1)

    # the token link: the registrant sees and cancels; nobody else does
    path = f"/activities/{aid}/registrations/{jose['id']}"
    assert api("GET", path, params={"token": jose["token"]})["status"] == "confirmed"
    api("GET", path, ANYONE, 401)
    api("GET", path, params={"token": daan["token"]}, expect=403)
    api("GET", path, FATIMA, 403)
    api("DELETE", path, ANYONE, 403, params={"token": daan["token"]})
    assert api("GET", f"/activities/{aid}/registrations/{fatima['id']}", FATIMA)["status"] == "confirmed"

    # organisers of the activity's organisation, and admins, see everyone; nobody else
    api("GET", f"/activities/{aid}/registrations", KEES, 403)
    api("GET", f"/activities/{aid}/registrations", FATIMA, 403)
    api("GET", f"/activities/{aid}/registrations", ANYONE, 401)
    listed = api("GET", f"/activities/{aid}/registrations", NOOR)["items"]
    assert [(r["name"], r["status"]) for r in listed] == [
        ("José Smit-Öztürk", "confirmed"), ("Fatima El Idrissi", "confirmed"), ("Daan de Jong", "waitlisted")]
    waiting = api("GET", f"/activities/{aid}/registrations", ADMIN, params={"status": "waitlisted"})["items"]
    assert [r["id"] for r in waiting] == [daan["id"]]

    # a cancellation gives the place to the first who waits
    assert api("DELETE", path, params={"token": jose["token"]})["status"] == "cancelled"
    assert api("GET", f"/activities/{aid}/registrations/{daan['id']}",
               params={"token": daan["token"]})["status"] == "confirmed"

    # attendance: the organiser of it, for a confirmed registrant
    api("POST", f"/activities/{aid}/registrations/{daan['id']}/attended", KEES, 403)
    api("POST", f"/activities/{aid}/registrations/{daan['id']}/attended", FATIMA, 403)
    api("POST", f"{path}/attended", NOOR, 409)   # cancelled
    assert api("POST", f"/activities/{aid}/registrations/{daan['id']}/attended", NOOR)["status"] == "attended"

    # the export: a spreadsheet program opens it with the accents right
    export = api.raw("GET", f"/activities/{aid}/registrations", NOOR, headers={"Accept": "text/csv"})
    assert export.status_code == 200 and export.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert export.headers["Cache-Control"] == "private, no-store"
    assert export.content.startswith(b"\xef\xbb\xbfNaam;E-mailadres;Status")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert [(r[0], r[2]) for r in rows[1:]] == [("José Smit-Öztürk", "geannuleerd"),
                                                ("Fatima El Idrissi", "bevestigd"), ("Daan de Jong", "aanwezig")]
    assert api.raw("GET", f"/activities/{aid}/registrations", KEES, headers={"Accept": "text/csv"}).status_code == 403


def test_registration_closes_at_the_deadline_with_a_dutch_reason(api):
    deadline = (datetime.now(UTC) + timedelta(seconds=2)).replace(microsecond=0) + timedelta(seconds=1)
    activity = new_activity(api, registration_deadline=deadline.isoformat())
    eventually(lambda: datetime.now(UTC) > deadline, what="the deadline")
    closed = api("POST", f"/activities/{activity['id']}/registrations", ANYONE, 409,
                 json={"name": "Aïcha Benali", "email": "aicha@voorbeeld.nl"})
    at = deadline.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert closed["detail"] == f"De inschrijving is gesloten: de deadline was {at.day} {MONTHS[at.month - 1]} " \
                               f"{at.year} om {at:%H:%M}."


def test_icalendar_for_one_activity_and_the_feed_with_conditional_gets(api):
    activity = new_activity(api, organisation="lpb", topics=["buurtagenda"], days=40)
    other = new_activity(api, who=KEES, topics=["armoede"], days=41)
    one = api("GET", f"/activities/{activity['id']}.ics")
    assert one.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert one.headers["Cache-Control"].startswith("public") and one.headers["ETag"]
    [event] = Calendar.from_ical(one.content).walk("VEVENT")
    assert str(event["UID"]) == f"{activity['id']}@wijkwijzer.nl" and int(event["SEQUENCE"]) == 0
    assert str(event["URL"]).endswith(f"/activiteiten/{activity['id']}")
    unchanged = api.raw("GET", f"/activities/{activity['id']}.ics", headers={"If-None-Match": one.headers["ETag"]})
    assert unchanged.status_code == 304

    feed = api("GET", "/calendar.ics", params={"organisation": "lpb", "topic": "buurtagenda"})
    uids = {str(e["UID"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")}
    assert f"{activity['id']}@wijkwijzer.nl" in uids and f"{other['id']}@wijkwijzer.nl" not in uids
    assert api.raw("GET", "/calendar.ics", headers={"If-None-Match": feed.headers["ETag"]},
                   params={"organisation": "lpb", "topic": "buurtagenda"}).status_code == 304
    api("GET", "/calendar.ics", params={"organisation": "gemeente-nergens"}, expect=422)

    # a change makes a new body: the subscribed program fetches it, and sees the cancellation
    api("POST", f"/activities/{activity['id']}/cancel", NOOR, json={"reason": "Te weinig aanmeldingen"})
    changed = api.raw("GET", "/calendar.ics", headers={"If-None-Match": feed.headers["ETag"]},
                      params={"organisation": "lpb", "topic": "buurtagenda"})
    assert changed.status_code == 200
    [event] = [e for e in Calendar.from_ical(changed.content).walk("VEVENT")
               if str(e["UID"]) == f"{activity['id']}@wijkwijzer.nl"]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    api("GET", "/activities/no-such-activity.ics", expect=404)


def test_the_list_filters_and_a_date_range(api):
    activity = new_activity(api, days=60, kind="training", audiences=["bewoners"], focus_areas=["arnhem-oost"])
    day = datetime.fromisoformat(activity["starts_at"]).date().isoformat()
    found = api("GET", "/activities", params={"from": day, "to": day, "kind": ["training", "webinar"],
                                              "focus_area": "arnhem-oost", "audience": "bewoners"})
    assert [a["id"] for a in found["items"]] == [activity["id"]]
    none = api("GET", "/activities", params={"from": day, "to": day, "kind": "webinar"})
    assert none["items"] == []
    bad = api("GET", "/activities", params={"from": "2031-05-02", "to": "2031-05-01"}, expect=422)
    assert bad["errors"][0]["field"] == "to"
    for nonsense in ("morgen", "0.5", "1700000000", "0002-02-25"):   # not a Unix time, nor the year 2
        api("GET", "/activities", params={"from": nonsense}, expect=422)
    # /activities/{id}.ics is a route of its own: a PATCH there is not a PATCH of an activity
    refused = requests.patch(f"{api.base}/activities/{activity['id']}.ics", headers=NOOR, json={"title": "Anders"},
                             timeout=10)
    assert refused.status_code == 405 and sorted(refused.headers["Allow"].split(", ")) == ["GET", "HEAD"]
