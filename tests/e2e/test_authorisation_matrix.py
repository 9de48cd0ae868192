"""Every route x every kind of caller gets the status the route table promises."""
import re
import uuid

import pytest
import requests
from gateway.routes import ROLES, ROUTES
from gateway.tokens import mint

from tests.platform import JWT_SECRET
from tests.support import Documented

pytestmark = pytest.mark.e2e

CALLERS = ("anonymous", *ROLES)
DRAFT = {"title": "Rondje door de wijk", "kind": "praktijkvoorbeeld", "topics": ["ontmoeting"]}

EDITORS_ONLY = {"editor": None, "admin": None, "*": 403}   # None: the status given for editors
ACTIVITY = {"title": "Netwerkbijeenkomst wijkaanpak", "description": "Kennismaken en ervaringen delen.",
            "kind": "netwerkbijeenkomst", "starts_at": "2031-03-12T15:00:00+01:00",
            "ends_at": "2031-03-12T17:00:00+01:00", "organisation": "lpb",
            "online_url": "https://meet.example.org/wijkaanpak"}
NOBODY = "/api/v1/activities/no-such-activity/registrations/no-such-registration"
QUESTION = {"title": "Hoe houden we de buurtapp veilig?", "body": "Er wordt veel gedeeld in de buurtapp.",
            "topics": ["veiligheid"], "municipality": "Matrixdorp", "email": "matrix@voorbeeld.nl"}
NO_QUESTION = "/api/v1/questions/0123456789abcdef0123456789abcdef"
# capacity 0, no topics or regions: on the roster, but never routed a question
ROSTER_ENTRY = {"name": "Matrix Wijkwijze", "email": "matrix@voorbeeld.nl", "capacity": 0}
# nothing listens there: no event goes to it in this module anyway (no partner is registered by filter)
PARTNER = {"name": "Gemeente Matrixdorp", "url": "http://127.0.0.1:9/matrix",
           "event_types": ["nl.wijkwijzer.activity.cancelled"]}
NO_PARTNER = "/api/v1/partners/no-such-partner"


def editors_only(status: int) -> dict:
    return {**EDITORS_ONLY, "editor": status, "admin": status}


def only(role: str, status: int) -> dict:
    """Callers with `role` and admins get `status`; the other roles 403."""
    return {role: status, "admin": status, "*": 403}


def organisers_only(status: int) -> dict:
    """Organisers (this matrix's token names no organisation, so none of theirs) and admins."""
    return {"organiser": status, "admin": status, "*": 403}


# route -> (request path, json body, status for anonymous, status for a signed-in role: one for
# every role, or per role with "*" for the rest)
EXPECTED = {
    "healthz": ("/healthz", None, 200, 200),
    "readyz": ("/readyz", None, 200, 200),
    "openapi": ("/api/v1/openapi.json", None, 200, 200),
    "docs": ("/api/docs", None, 200, 200),
    "docs_script": ("/api/docs/docs.js", None, 200, 200),
    "docs_style": ("/api/docs/docs.css", None, 200, 200),
    "get_taxonomy": ("/api/v1/taxonomy", None, 200, 200),
    "list_activities": ("/api/v1/activities", None, 200, 200),
    # an organiser whose token names no organisation schedules for none: only the admin may
    "schedule_activity": ("/api/v1/activities", ACTIVITY, 401, {"organiser": 403, "admin": 201, "*": 403}),
    "get_activity": ("/api/v1/activities/no-such-activity", None, 404, 404),
    "activity_ics": ("/api/v1/activities/no-such-activity.ics", None, 404, 404),
    "update_activity": ("/api/v1/activities/no-such-activity", {"title": "Nieuwe titel"}, 401, organisers_only(404)),
    "cancel_activity": ("/api/v1/activities/no-such-activity/cancel", {"reason": "Zieke spreker"}, 401,
                        organisers_only(404)),
    # this matrix's token names no organisation: an empty list that says so
    "my_activities": ("/api/v1/me/activities", None, 401, organisers_only(200)),
    "calendar_feed": ("/api/v1/calendar.ics?topic=veiligheid", None, 200, 200),
    "register": ("/api/v1/activities/no-such-activity/registrations",
                 {"name": "Fatima El Idrissi", "email": "fatima@voorbeeld.nl"}, 404, 404),
    "list_registrations": ("/api/v1/activities/no-such-activity/registrations", None, 401, organisers_only(404)),
    # the registrant: signed in, or with the token; anonymous without a token is not one
    "get_registration": (NOBODY, None, 401, 404),
    "cancel_registration": (NOBODY, None, 401, 404),
    "mark_attended": (f"{NOBODY}/attended", None, 401, organisers_only(404)),
    "create_publication": ("/api/v1/publications", DRAFT, 401, 201),
    "get_publication": ("/api/v1/publications/no-such-publication", None, 404, 404),
    "submit_publication": ("/api/v1/publications/no-such-publication/submit", None, 401, 404),
    "list_publications": ("/api/v1/publications?q=bewoners", None, 200, 200),
    "update_publication": ("/api/v1/publications/no-such-publication", {"title": "Nieuwe titel"}, 401, 404),
    "review_publication": ("/api/v1/publications/no-such-publication/review", {"decision": "publish"}, 401,
                           editors_only(404)),
    "withdraw_publication": ("/api/v1/publications/no-such-publication/withdraw", None, 401, 404),
    "flag_publication": ("/api/v1/publications/no-such-publication/flags", {"reason": "Klopt niet"}, 404, 404),
    "publication_history": ("/api/v1/publications/no-such-publication/history", None, 401, 404),
    "review_queue": ("/api/v1/review-queue", None, 401, editors_only(200)),
    "my_publications": ("/api/v1/me/publications", None, 401, 200),
    "ask_question": ("/api/v1/questions", QUESTION, 201, 201),
    "related_publications": ("/api/v1/questions/related?q=buurtapp", None, 200, 200),
    # the matrix's wijkwijze is on no roster: no pool for them
    "list_questions": ("/api/v1/questions?assigned_to=me", None, 401, only("wijkwijze", 200)),
    # the asker: signed in, or with the token; anonymous without a token is not one
    "get_question": (NO_QUESTION, None, 401, 404),
    "post_message": (f"{NO_QUESTION}/messages", {"body": "Nog een vraag"}, 401, 404),
    "answer_question": (f"{NO_QUESTION}/answer", {"body": "Het antwoord"}, 401, only("wijkwijze", 404)),
    "decline_question": (f"{NO_QUESTION}/decline", {"reason": "Niet mijn terrein"}, 401, only("wijkwijze", 404)),
    "close_question": (f"{NO_QUESTION}/close", None, 401, 404),
    "reopen_question": (f"{NO_QUESTION}/reopen", None, 401, 404),
    "put_wijkwijze": ("/api/v1/wijkwijzen/matrix-roster-entry", ROSTER_ENTRY, 401, only("admin", 200)),
    "list_wijkwijzen": ("/api/v1/wijkwijzen", None, 401, only("admin", 200)),
    "my_follows": ("/api/v1/me/follows", None, 401, 200),
    "set_my_follows": ("/api/v1/me/follows", {"topics": ["veiligheid"], "frequency": "weekly"}, 401, 200),
    "my_preferences": ("/api/v1/me/preferences", None, 401, 200),
    "set_my_preferences": ("/api/v1/me/preferences", {"kinds": {"activity_reminder": "off"}}, 401, 200),
    "my_notifications": ("/api/v1/me/notifications", None, 401, 200),
    "register_partner": ("/api/v1/partners", PARTNER, 401, only("admin", 201)),
    "list_partners": ("/api/v1/partners", None, 401, only("admin", 200)),
    "get_partner": (NO_PARTNER, None, 401, only("admin", 404)),
    "change_partner": (NO_PARTNER, {"name": "Gemeente Elders"}, 401, only("admin", 404)),
    "rotate_partner_secret": (f"{NO_PARTNER}/secret", None, 401, only("admin", 404)),
    "partner_deliveries": (f"{NO_PARTNER}/deliveries", None, 401, only("admin", 404)),
    "replay_to_partner": (f"{NO_PARTNER}/replay", {"event_id": "no-such-event"}, 401, only("admin", 404)),
    # a token that is not one of ours: the same for everyone
    "unsubscribe_page": ("/api/v1/unsubscribe?token=not-a-token-of-ours", None, 422, 422),
    "unsubscribe": ("/api/v1/unsubscribe?token=not-a-token-of-ours", None, 422, 422),
}


def test_every_route_is_in_the_matrix():
    assert set(EXPECTED) == set(ROUTES)


@pytest.fixture(scope="module")
def documented(platform):
    return Documented(platform.base_url)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_route_by_caller(platform, documented, name, caller):
    path, body, anonymous, signed_in = EXPECTED[name]
    headers = {}
    if caller != "anonymous":
        headers["Authorization"] = f"Bearer {mint(JWT_SECRET, f'matrix-{caller}', roles=[caller])}"
    response = requests.request(ROUTES[name].method, platform.base_url + path, json=body, headers=headers,
                                timeout=10)
    if caller == "anonymous":
        expected = anonymous
    elif isinstance(signed_in, dict):
        expected = signed_in.get(caller, signed_in["*"])
    else:
        expected = signed_in
    assert response.status_code == expected, response.text
    documented.check(response)   # the answer, or the problem, as the OpenAPI document describes it


def test_the_openapi_document_is_valid_and_the_docs_page_works_offline(platform):
    from openapi_spec_validator import validate

    document = requests.get(f"{platform.base_url}/api/v1/openapi.json", timeout=5).json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert {op["operationId"] for ops in document["paths"].values() for op in ops.values()} == set(ROUTES)
    page = requests.get(f"{platform.base_url}/api/docs", timeout=5)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "/api/v1/openapi.json" in page.text and "https://" not in page.text and "//cdn" not in page.text
    # no inline code: the script and stylesheet come from the gateway (its CSP allows nothing else)
    assert "<script>" not in page.text and "<style" not in page.text and not re.search(r"\son\w+=", page.text)
    for asset, kind in (("docs.js", "text/javascript"), ("docs.css", "text/css")):
        assert f'"/api/docs/{asset}"' in page.text
        served = requests.get(f"{platform.base_url}/api/docs/{asset}", timeout=5)
        assert served.status_code == 200 and served.headers["Content-Type"].startswith(kind)
        assert "https://" not in served.text


def caller_headers(caller: str) -> dict:
    if caller == "anonymous":
        return {}
    return {"Authorization": f"Bearer {mint(JWT_SECRET, f'matrix-{caller}', roles=[caller])}"}


def test_a_question_is_private_to_every_other_caller(platform, documented):
    """Only its asker, its wijkwijze and admins see a question; to everyone else, of every role,
    it does not exist: 404 on the question, its thread and history, and every action on it."""
    base = platform.base_url + "/api/v1"
    admin = caller_headers("admin")
    owner = {"Authorization": f"Bearer {mint(JWT_SECRET, 'matrix-owner', roles=['wijkwijze'])}"}
    place = f"Privacydorp {uuid.uuid4().hex[:6]}"
    entry = {"name": "Olga Eigenaar", "email": "olga@voorbeeld.nl", "topics": ["ondermijning"], "regions": [place],
             "capacity": 5}
    assert requests.put(f"{base}/wijkwijzen/matrix-owner", json=entry, headers=admin, timeout=10).status_code == 200
    asked = requests.post(f"{base}/questions", timeout=10, json={
        **QUESTION, "topics": ["ondermijning"], "municipality": place}).json()
    assert asked["assignee"]["sub"] == "matrix-owner"
    path, token = f"{base}/questions/{asked['id']}", asked["token"]
    assert requests.get(path, headers=owner, timeout=10).status_code == 200   # picked up: it stays with them
    actions = [("GET", "", None), ("POST", "/messages", {"body": "Mag ik meelezen?"}), ("POST", "/close", None),
               ("POST", "/reopen", None), ("POST", "/answer", {"body": "Zo zit het."}),
               ("POST", "/decline", {"reason": "Niet voor mij"})]
    for caller in CALLERS:
        if caller == "admin":
            continue
        for method, tail, body in actions:
            role_gated = tail in ("/answer", "/decline")
            response = requests.request(method, path + tail, json=body, headers=caller_headers(caller), timeout=10,
                                        params={"token": "x" * 43} if caller == "anonymous" and not role_gated else None)
            expected = 401 if caller == "anonymous" and role_gated else \
                403 if role_gated and caller != "wijkwijze" else 404
            assert response.status_code == expected, (caller, method, tail, response.text)
            documented.check(response)
    for who, params in ((admin, None), (owner, None), ({}, {"token": token})):
        seen = requests.get(path, headers=who, params=params, timeout=10)
        assert seen.status_code == 200 and seen.json()["history"][0]["action"] == "asked"
