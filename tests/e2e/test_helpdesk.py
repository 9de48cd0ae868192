"""The vraagbaak over HTTP as each caller meets it: anonymous and signed-in askers, wijkwijzen,
admins. Asking and routing, the thread both ways, decline and timeout reroutes, answer, close
and reopen, the pool, related publications (and none, but the question accepted, while the
kennisbank is down), events as a partner sees them; every answer held to the OpenAPI document."""
import uuid

import pytest
from gateway.tokens import mint

from tests.platform import JWT_SECRET
from tests.support import Api, EventTap, eventually

pytestmark = pytest.mark.e2e

def bearer(sub, name, *roles, email=None):
    return {"Authorization": f"Bearer {mint(JWT_SECRET, sub, name, email, list(roles))}"}


BEHEER = bearer("beheer", "Beheer", "admin")
FATIMA = bearer("fatima", "Fatima El Idrissi", "member", email="fatima@voorbeeld.nl")


@pytest.fixture(scope="module")
def api(platform):
    return Api(platform.base_url)


def roster(api, place, *names, topics=("armoede",), capacity=3):
    """Wijkwijzen for a place of this test's own; their tokens. Each test asks about a topic of its
    own too, so no other test's wijkwijze fits its questions, and no other test's questions theirs."""
    tokens = {}
    for name in names:
        sub = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:6]}"
        api("PUT", f"/wijkwijzen/{sub}", BEHEER, json={"name": name, "email": f"{sub}@voorbeeld.nl",
                                                       "topics": list(topics), "regions": [place],
                                                       "capacity": capacity})
        tokens[sub] = bearer(sub, name, "wijkwijze")
    return tokens


def a_place():
    return f"Vraagdorp {uuid.uuid4().hex[:6]}"


def question(place, topic="armoede", **fields):
    return {"title": "Hoe helpen we gezinnen die niet rondkomen?", "topics": [topic], "municipality": place,
            "body": "In onze straat zien we steeds meer gezinnen die hulp nodig hebben.", **fields}


def test_ask_anonymously_then_thread_answer_close_and_reopen(api, platform):
    public = EventTap(platform.infra["AMQP_URI"], "public", "nl.wijkwijzer.question.#")
    place = a_place()
    [(sanne, sanne_token)] = roster(api, place, "Sanne Bakker").items()
    asked = api("POST", "/questions", None, 201, json=question(place, email="jose@voorbeeld.nl",
                                                                 consent_to_publish=False))
    assert len(asked["token"]) == 43 and asked["status"] == "assigned" and asked["assignee"]["sub"] == sanne
    assert asked["asker"] == {"member": False, "name": None, "email": "jose@voorbeeld.nl"}
    assert isinstance(asked["related_publications"], list)
    qid, token = asked["id"], asked["token"]
    [step] = [h for h in asked["history"] if h["action"] == "assigned"]
    assert step["rule"] == "topic_and_region" and step["to"] == sanne

    # the wijkwijze opens it (picked up) and writes; the asker answers with the token
    seen = api("GET", f"/questions/{qid}", sanne_token)
    assert seen["viewer_role"] == "assignee" and seen["picked_up_at"] and "email" not in seen["asker"]
    api("POST", f"/questions/{qid}/messages", sanne_token, 201,
        json={"body": "Gaat het om **huur** of om boodschappen? <script>alert(1)</script>"})
    thread = api("POST", f"/questions/{qid}/messages", None, 201, params={"token": token},
                 json={"body": "Vooral om de huur en de energierekening."})["messages"]
    assert [(m["author_role"], m["kind"]) for m in thread] == [("wijkwijze", "message"), ("asker", "message")]
    assert "<strong>huur</strong>" in thread[0]["body_html"] and "<script>" not in thread[0]["body_html"]
    assert thread[0]["author_name"] == "Sanne Bakker"
    api("POST", f"/questions/{qid}/messages", None, 401, json={"body": "Zonder token"})
    api("POST", f"/questions/{qid}/messages", FATIMA, 404, json={"body": "Ik lees mee"})
    api("POST", f"/questions/{qid}/messages", None, 422, params={"token": token}, json={"body": ""})

    answered = api("POST", f"/questions/{qid}/answer", sanne_token,
                   json={"body": "Neem contact op met de schuldhulp van de gemeente; die helpt ook met de huur."})
    assert answered["status"] == "answered" and answered["first_response_at"] and answered["answered_at"]
    api("POST", f"/questions/{qid}/answer", sanne_token, 409, json={"body": "Nog eens"})
    assert api("GET", "/wijkwijzen?limit=100", BEHEER)["items"]   # the roster, for admins
    load = {w["sub"]: w["open_questions"] for w in api("GET", "/wijkwijzen?limit=100", BEHEER)["items"]}
    assert load[sanne] == 0

    closed = api("POST", f"/questions/{qid}/close", None, params={"token": token})
    assert closed["status"] == "closed"
    api("POST", f"/questions/{qid}/close", None, 409, params={"token": token})
    api("POST", f"/questions/{qid}/messages", sanne_token, 409, json={"body": "Nog iets"})
    reopened = api("POST", f"/questions/{qid}/reopen", None, params={"token": token})
    assert reopened["status"] == "reopened" and reopened["assignee"]["sub"] == sanne
    mine = api("GET", "/questions?assigned_to=me", sanne_token)["items"]
    assert [q["id"] for q in mine] == [qid]
    again = api("POST", f"/questions/{qid}/answer", sanne_token, json={"body": "Aanvulling: ook de voedselbank."})
    assert again["status"] == "answered"
    assert [h["action"] for h in again["history"]] == ["asked", "assigned", "picked_up", "answered", "closed",
                                                        "reopened", "answered"]
    api("POST", f"/questions/{qid}/reopen", BEHEER)   # admins may too
    api("POST", f"/questions/{qid}/close", BEHEER)

    def seen_publicly():
        events = [e for e in public.events() if e["subject"] == qid]
        return events if {"nl.wijkwijzer.question.asked", "nl.wijkwijzer.question.closed"} <= \
            {e["type"] for e in events} else None
    events = eventually(seen_publicly, what="the public question events")
    assert {e["type"].removeprefix("nl.wijkwijzer.") for e in events} == {
        "question.asked", "question.answered", "question.closed"}   # nothing internal on the public stream
    for event in events:
        assert "jose" not in str(event).lower() and "huur" not in str(event) and "gezinnen" not in str(event)
        assert set(event["data"]) >= {"question_id", "topics", "municipality"}
    public.close()


def test_a_member_asks_signed_in_and_a_decline_goes_elsewhere_never_back(api):
    place = a_place()
    wijkwijzen = roster(api, place, "Anna de Vries", "Bram Yilmaz", topics=("werk-en-inkomen",))
    asked = api("POST", "/questions", FATIMA, 201, json=question(place, "werk-en-inkomen"))
    assert "token" not in asked and asked["asker"] == {"member": True, "name": "Fatima El Idrissi",
                                                       "email": "fatima@voorbeeld.nl"}
    first = asked["assignee"]["sub"]
    second = next(sub for sub in wijkwijzen if sub != first)
    api("GET", f"/questions/{asked['id']}", wijkwijzen[first])   # picked up: no timeout meanwhile
    api("POST", f"/questions/{asked['id']}/decline", wijkwijzen[second], 404, json={"reason": "Niet de mijne"})
    receipt = api("POST", f"/questions/{asked['id']}/decline", wijkwijzen[first],
                  json={"reason": "Ik ken deze gemeente niet goed genoeg."})
    assert receipt["id"] == asked["id"]
    api("GET", f"/questions/{asked['id']}", wijkwijzen[first], 404)   # no longer theirs to see
    api("GET", f"/questions/{asked['id']}", wijkwijzen[second])
    moved = api("GET", f"/questions/{asked['id']}", FATIMA)
    assert moved["assignee"]["sub"] == second
    assert [h["action"] for h in moved["history"]] == ["asked", "assigned", "picked_up", "declined", "assigned",
                                                        "picked_up"]
    assert moved["history"][3]["note"] == "Ik ken deze gemeente niet goed genoeg."
    api("POST", f"/questions/{asked['id']}/decline", wijkwijzen[second], json={"reason": "Geen tijd."})
    pooled = api("GET", f"/questions/{asked['id']}", FATIMA)
    assert pooled["pooled"] and pooled["assignee"] is None and pooled["status"] == "new"
    # the pool: every wijkwijze on the roster sees it, and one who answers takes it
    outsider = bearer("pool-kees", "Kees Smit", "wijkwijze")
    api("GET", f"/questions/{asked['id']}", outsider, 404)   # a wijkwijze role, but not on the roster
    [(dirk, dirk_token)] = roster(api, a_place(), "Dirk Jansen", topics=("jeugd",)).items()
    pool = api("GET", "/questions?assigned_to=pool&limit=100", dirk_token)["items"]
    assert asked["id"] in [q["id"] for q in pool]
    assert api("GET", f"/questions/{asked['id']}", dirk_token)["viewer_role"] == "pool"
    taken = api("POST", f"/questions/{asked['id']}/answer", dirk_token, json={"body": "Ik pak hem op: ..."})
    assert taken["assignee"]["sub"] == dirk and taken["status"] == "answered" and not taken["pooled"]
    api("GET", "/questions?assigned_to=all", dirk_token, 403)
    assert api("GET", "/questions?assigned_to=all&status=answered&limit=100", BEHEER)["items"]


def test_not_picked_up_in_time_goes_to_the_next_wijkwijze(api):
    place = a_place()
    wijkwijzen = roster(api, place, "Eline van der Berg", "Joris Mulder", topics=("wonen",))
    asked = api("POST", "/questions", None, 201, json=question(place, "wonen", email="vrager@voorbeeld.nl"))
    first = asked["assignee"]["sub"]
    token = asked["token"]
    def rerouted():   # between the timeout and the next assignment the question has no assignee
        q = api("GET", f"/questions/{asked['id']}", None, params={"token": token})
        return (q["assignee"] or {}).get("sub") not in (None, first) and q
    moved = eventually(rerouted, timeout=30, what="the timeout reroute")
    assert [h["action"] for h in moved["history"]] == ["asked", "assigned", "timeout", "assigned"]
    second = moved["assignee"]["sub"]
    assert second in wijkwijzen and second != first
    api("GET", f"/questions/{asked['id']}", wijkwijzen[second])   # picked up: it stays


def test_related_publications_and_a_question_accepted_while_the_kennisbank_is_down(api, platform):
    word = f"buurtkas{uuid.uuid4().hex[:6]}"
    author = bearer("auteur-vb", "Auteur", "member")
    editor = bearer("redactie-vb", "Redactie", "editor")
    draft = api("POST", "/publications", author, 201, json={
        "title": f"De {word} in de praktijk", "kind": "praktijkvoorbeeld", "topics": ["armoede"],
        "summary": "Hoe bewoners samen een buurtkas beheren.", "body": f"Een {word} helpt gezinnen."})
    api("POST", f"/publications/{draft['id']}/submit", author)
    api("POST", f"/publications/{draft['id']}/review", editor, json={"decision": "publish"})
    related = eventually(lambda: api("GET", "/questions/related", params={"q": f"Werkt een {word} ook hier?"})
                         ["items"], what="the related publication")
    assert related[0]["id"] == draft["id"] and related[0]["slug"] == draft["slug"]
    place = a_place()
    roster(api, place, "Chantal Ramdin", topics=("gezondheid",))
    asked = api("POST", "/questions", None, 201, json=question(place, "gezondheid", email="a@voorbeeld.nl",
                                                                 title=f"Hoe start je een {word}?"))
    assert draft["id"] in [p["id"] for p in asked["related_publications"]]

    platform.stop("publications")
    try:
        down = api("POST", "/questions", None, 201, json=question(place, "gezondheid", email="b@voorbeeld.nl",
                                                                    title=f"Hoe start je een {word}?"))
        assert down["related_publications"] == [] and down["status"] == "assigned"
        assert api("GET", "/questions/related", params={"q": word})["items"] == []
    finally:
        platform.start("publications")
        platform.wait_ready()


def test_bad_input_is_refused_and_changes_nothing(api):
    place = a_place()
    [sanne_token] = roster(api, place, "Sanne Bakker", topics=("onderwijs",)).values()
    for body, field in [(question(place), "email"), (question(place, email="x@voorbeeld.nl", topics=[]), "topics"),
                        (question(place, email="x@voorbeeld.nl", topics=["voetbal"]), "topics.0"),
                        (question(place, email="x@voorbeeld.nl", focus_area="delft-west"), "fields"),
                        (question(place, email="x@voorbeeld.nl", asker="iemand"), "asker")]:
        problem = api("POST", "/questions", None, 422, json=body)
        assert field in [e["field"] for e in problem["errors"]], problem
    api("PUT", "/wijkwijzen/iemand", BEHEER, 422, json={"name": "Iemand", "email": "i@voorbeeld.nl", "capacity": 2,
                                                        "regions": ["mars-noord"]})
    api("PUT", "/wijkwijzen/iemand", BEHEER, 422, json={"name": "Iemand", "email": "i@voorbeeld.nl", "capacity": -1})
    api("GET", "/questions?cursor=bm90LWEtY3Vyc29y", sanne_token, 422)
    api("GET", "/questions?status=weg", sanne_token, 422)
    api("GET", "/questions/related", None, 422)
    api("GET", "/questions/not-an-id", sanne_token, 404)
    api("GET", "/wijkwijzen?limit=0", BEHEER, 422)
    assert api("GET", "/questions?assigned_to=me", sanne_token)["items"] == []
