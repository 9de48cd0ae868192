"""Partner webhooks over HTTP as an admin and a partner would use them: register an endpoint, get
the kennisbank's events signed (verified with the reference `standardwebhooks` library), read the
delivery log, replay, rotate the secret, switch it off; wrong input is a 4xx that changes nothing."""
import time
import uuid

import pytest
from gateway.tokens import mint

from tests.e2e.test_publications import published
from tests.platform import JWT_SECRET
from tests.support import Api, eventually

pytestmark = pytest.mark.e2e

ADMIN = {"Authorization": f"Bearer {mint(JWT_SECRET, 'beheer', 'Beheer', 'beheer@voorbeeld.nl', ['admin'])}"}


@pytest.fixture(scope="module")
def api(platform):
    return Api(platform.base_url)


@pytest.fixture
def partner(api, receiver):
    """A partner for the kennisbank's events about safety, at the test's receiver; switched off
    afterwards, so the shared platform sends it nothing more."""
    made = api("POST", "/partners", ADMIN, 201, json={
        "name": "Gemeente 's-Hertogenbosch — Team Veiligheid", "url": receiver.url("/wijkwijzer"),
        "event_types": ["nl.wijkwijzer.publication.submitted", "nl.wijkwijzer.publication.published"],
        "topics": ["veiligheid"]})
    receiver.trust("/wijkwijzer", made["secret"])
    yield made
    api("PATCH", f"/partners/{made['id']}", ADMIN, json={"active": False})


def of_subject(receiver, subject):
    return [d for d in receiver.delivered("/wijkwijzer") if d["event"]["subject"] == subject]


def test_a_partner_gets_the_kennisbank_events_signed_and_the_admin_sees_and_replays_them(api, receiver, partner):
    assert partner["secret"].startswith("whsec_") and partner["active"]
    assert "secret" not in api("GET", f"/partners/{partner['id']}", ADMIN)
    draft, _ = published(api)
    got = eventually(lambda: len(of_subject(receiver, draft["id"])) == 2 and of_subject(receiver, draft["id"]),
                     what="the submitted and published events")
    assert sorted(g["event"]["type"] for g in got) == ["nl.wijkwijzer.publication.published",
                                                       "nl.wijkwijzer.publication.submitted"]
    assert all(g["verified"] for g in got)
    assert all(g["webhook_id"] == g["event"]["id"] for g in got)
    assert "anna" not in str([g["event"] for g in got]).lower(), "no author in public events"

    log = api("GET", f"/partners/{partner['id']}/deliveries?limit=100", ADMIN)
    mine = [d for d in log["items"] if d["event_id"] in {g["webhook_id"] for g in got}]
    assert len(mine) == 2 and all(d["state"] == "delivered" and d["attempts"][-1]["status_code"] == 204
                                  for d in mine)

    first = api("GET", f"/partners/{partner['id']}/deliveries?limit=1", ADMIN)
    assert first["next_cursor"] and len(first["items"]) == 1
    second = api("GET", f"/partners/{partner['id']}/deliveries?limit=1&cursor={first['next_cursor']}", ADMIN)
    assert second["items"][0]["id"] != first["items"][0]["id"]

    published_id = next(g["webhook_id"] for g in got if g["event"]["type"].endswith("published"))
    assert api("POST", f"/partners/{partner['id']}/replay", ADMIN, 202, json={"event_id": published_id}) == \
        {"events": 1}
    again = eventually(lambda: len(of_subject(receiver, draft["id"])) == 3 and of_subject(receiver, draft["id"]),
                       what="the replay")
    assert again[-1]["webhook_id"] == published_id and again[-1]["verified"]


def test_a_rotated_secret_signs_beside_the_old_one_and_switched_off_gets_nothing(api, receiver, partner):
    rotated = api("POST", f"/partners/{partner['id']}/secret", ADMIN)
    assert rotated["secret"] != partner["secret"] and rotated["previous_secret_valid_until"]
    receiver.trust("/wijkwijzer", rotated["secret"], only=True)
    draft, _ = published(api)
    got = eventually(lambda: len(of_subject(receiver, draft["id"])) == 2 and of_subject(receiver, draft["id"]),
                     what="both events")
    assert all(g["verified"] and g["signatures"].count("v1,") == 2 for g in got)

    off = api("PATCH", f"/partners/{partner['id']}", ADMIN, json={"active": False})
    assert off["active"] is False and off["disabled_reason"] == "switched off by an admin"
    later, _ = published(api)
    time.sleep(2)   # ten times what a delivery takes here
    assert of_subject(receiver, later["id"]) == []
    api("POST", f"/partners/{partner['id']}/replay", ADMIN, 409, json={"event_id": got[0]["webhook_id"]})


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "Gemeente X", "url": "http://169.254.169.254/latest/meta-data/"}, "url"),
    ({"name": "Gemeente X", "url": "https://10.0.0.8/hooks"}, "url"),
    ({"name": "Gemeente X", "url": "gopher://gemeente.example/"}, "url"),
    ({"name": "Gemeente X", "url": "https://gemeente.example/hooks", "event_types": ["nl.wijkwijzer.registration.confirmed"]},
     "event_types"),
    ({"name": "Gemeente X", "url": "https://gemeente.example/hooks", "topics": ["geen-onderwerp"]}, "topics"),
    ({"name": "", "url": "https://gemeente.example/hooks"}, "name"),
    ({"name": "Gemeente X"}, "url"),
    ({"name": "Gemeente X", "url": "https://gemeente.example/hooks", "secret": "mine"}, "secret"),
])
def test_a_partner_with_bad_fields_is_refused_and_nothing_is_registered(api, body, field):
    before = api("GET", "/partners?limit=100", ADMIN)["items"]
    problem = api("POST", "/partners", ADMIN, 422, json=body)
    assert any(e["field"].split(".")[0] == field for e in problem["errors"]), problem
    assert api("GET", "/partners?limit=100", ADMIN)["items"] == before


def test_a_replay_needs_an_event_or_a_range_and_an_existing_partner(api, partner):
    base = f"/partners/{partner['id']}/replay"
    for body in ({}, {"event_id": "e1", "from": "2026-11-01T00:00:00Z"}, {"from": "2026-11-01T00:00:00Z"},
                 {"from": "2026-11-02T00:00:00Z", "to": "2026-11-01T00:00:00Z"}, {"from": "gisteren", "to": "vandaag"}):
        api("POST", base, ADMIN, 422, json=body)
    api("POST", base, ADMIN, 404, json={"event_id": uuid.uuid4().hex})
    api("POST", "/partners/no-such-partner/replay", ADMIN, 404, json={"event_id": "e1"})
    assert api("POST", base, ADMIN, 202, json={"from": "2020-01-01T00:00:00Z", "to": "2020-01-02T00:00:00Z"}) == \
        {"events": 0}
