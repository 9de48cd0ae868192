"""A member's own publications (`GET /me/publications`) and an organisation's own activities
(`GET /me/activities`) over HTTP: several authors and organisers writing at once, more than one
page of each, every item exactly once across the pages, in order, only the caller's own, and every
bad parameter a 422 (never a 500); every answer held to the OpenAPI document."""
import base64
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pymongo
import pytest
from gateway.tokens import mint

from tests.platform import JWT_SECRET
from tests.support import Api

pytestmark = pytest.mark.e2e

TOPICS = ["ontmoeting", "rol-van-bewoners", "veiligheid", "wonen"]
TITLES = ["Ontmoeting in café De Brug", "Coöperatie van bewoners in Overvecht", "Zo maakt de buurt zélf plannen",
          "Wijkgericht werken in Nieuwland-Oost: één aanpak", "Bewonersbudget en de rol van de gemeente"]


def bearer(sub, name, *roles, organisation=None):
    token = mint(JWT_SECRET, sub, name, f"{sub}@voorbeeld.nl", list(roles), organisation=organisation)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def api(platform):
    return Api(platform.base_url)


def pages_of(api, path, who, limit, **params):
    """Every page of a list, followed by its cursors: the pages' items, and how many pages."""
    items, cursor, count = [], None, 0
    while True:
        page = api("GET", path, who, params={**params, "limit": limit, **({"cursor": cursor} if cursor else {})})
        count += 1
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items, count
        assert len(page["items"]) == limit, "only the last page is short"


def moment(text):
    return datetime.fromisoformat(text)


def assert_invalid(api, path, who, params, field):
    problem = api("GET", path, who, 422, params=params)
    assert problem["status"] == 422 and problem["errors"], problem
    assert any(e["field"].split(".")[0] == field for e in problem["errors"]), problem


def forged(position):
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def test_each_author_pages_through_exactly_their_own_publications(api):
    run = uuid.uuid4().hex[:6]
    saskia = bearer(f"saskia-{run}", "Saskia de Vries-Öztürk", "member")
    joost = bearer(f"joost-{run}", "Joost van Dijk", "member")
    nobody = bearer(f"lotte-{run}", "Lotte Jansen", "member")
    editor = bearer(f"redactie-{run}", "Redactie", "editor")

    def create(n_and_who):
        n, who = n_and_who
        body = {"title": f"{TITLES[n % len(TITLES)]} ({n})", "kind": "praktijkvoorbeeld",
                "summary": "Wat bewoners en professionals samen doen.", "topics": [TOPICS[n % len(TOPICS)]],
                "body": "## Aanpak\n\nSamen met de buurt, stap voor stap."}
        return who is saskia, api("POST", "/publications", who, 201, json=body)

    # 60 of Saskia's and 25 of Joost's, written at the same time, interleaved
    work = [(n, saskia) for n in range(60)] + [(n, joost) for n in range(25)]
    work.sort(key=lambda item: (item[0] * 25 // 60 if item[1] is saskia else item[0], item[1] is joost))
    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(create, work))
    hers = [p for mine, p in made if mine]
    his = [p for mine, p in made if not mine]
    assert len(hers) == 60 and len(his) == 25

    # the workflow on some of hers; `acted` ends with the most recently changed
    status = {p["id"]: "draft" for p in hers}
    acted = []

    def act(pid, who, action=None, body=None):
        if action is None:
            api("PATCH", f"/publications/{pid}", who, json=body)
        else:
            api("POST", f"/publications/{pid}/{action}", who, json=body)
        if pid in acted:
            acted.remove(pid)
        acted.append(pid)

    submitted = [p["id"] for p in hers[:12]]
    for pid in submitted:
        act(pid, saskia, "submit")
        status[pid] = "submitted"
    for pid in submitted[:6]:
        act(pid, editor, "review", {"decision": "publish"})
        status[pid] = "published"
    for pid in submitted[6:8]:
        act(pid, editor, "review", {"decision": "request_changes", "note": "Graag een bron erbij."})
        status[pid] = "changes_requested"
    act(submitted[8], editor, "review", {"decision": "reject", "note": "Past niet in de kennisbank."})
    status[submitted[8]] = "rejected"
    act(submitted[0], saskia, "withdraw")
    status[submitted[0]] = "withdrawn"
    act(submitted[1], saskia, None, {"summary": "Bijgewerkt na de bijeenkomst in café De Brug."})
    act(submitted[2], saskia, None, {"title": "Coöperatie van bewoners: één jaar later"})
    act(submitted[2], editor, "review", {"decision": "request_changes", "note": "Titel is te lang."})
    act(hers[40]["id"], saskia, None, {"summary": "Een draft die ze later weer oppakt."})
    revisions = {submitted[1]: "pending", submitted[2]: "changes_requested"}

    listed, count = pages_of(api, "/me/publications", saskia, 7)
    assert count == 9   # 60 in pages of 7
    assert [item["id"] for item in listed].count(hers[0]["id"]) == 1
    assert sorted(item["id"] for item in listed) == sorted(status), "each of hers exactly once, no one else's"
    assert {item["id"]: item["status"] for item in listed} == status
    assert {item["id"]: item["revision"] for item in listed if item["revision"]} == revisions
    order = [(moment(item["updated_at"]), item["id"]) for item in listed]
    assert order == sorted(order, reverse=True), "newest change first"
    assert [item["id"] for item in listed[:len(acted)]] == acted[::-1], "the last changed first"
    revised = next(item for item in listed if item["id"] == submitted[1])   # the published text, not the edit
    assert revised["title"] == "Coöperatie van bewoners in Overvecht (1)"
    assert revised["slug"].startswith("cooperatie-van-bewoners-in-overvecht-1-")

    theirs, count = pages_of(api, "/me/publications", joost, 10)
    assert count == 3 and sorted(i["id"] for i in theirs) == sorted(p["id"] for p in his)
    assert {i["status"] for i in theirs} == {"draft"}
    empty = api("GET", "/me/publications", nobody)
    assert empty == {"items": [], "next_cursor": None}

    # the status filter: one status, or several (repeated)
    drafts, _ = pages_of(api, "/me/publications", saskia, 20, status="draft")
    assert sorted(i["id"] for i in drafts) == sorted(k for k, v in status.items() if v == "draft")
    back, _ = pages_of(api, "/me/publications", saskia, 5, status=["changes_requested", "published"])
    assert sorted(i["id"] for i in back) == sorted(k for k, v in status.items()
                                                  if v in ("changes_requested", "published"))
    assert api("GET", "/me/publications", joost, params={"status": "published"})["items"] == []

    # bad parameters: 422 naming the parameter, never a 500
    for params, field in (({"status": "gepubliceerd"}, "status"), ({"status": ["draft", "concept"]}, "status"),
                          ({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"limit": "tien"}, "limit"),
                          ({"cursor": "geen cursor!"}, "cursor"), ({"cursor": "bm90LWEtY3Vyc29y"}, "cursor"),
                          ({"cursor": forged({"at": 5, "id": "x"})}, "cursor"),
                          ({"cursor": forged({"at": "2026-01-01T10:00:00", "id": "x"})}, "cursor"),
                          ({"cursor": forged({"starts_at": "2026-01-01T10:00:00+01:00", "id": "x"})}, "cursor"),
                          ({"sort": "title"}, "sort")):
        assert_invalid(api, "/me/publications", saskia, params, field)
    api("GET", "/me/publications", None, 401)


def test_each_organiser_pages_through_their_organisations_activities(api, platform):
    run = uuid.uuid4().hex[:6]
    noor = bearer(f"noor-{run}", "Noor Bakker", "organiser", organisation="lsa")
    ruben = bearer(f"ruben-{run}", "Ruben Çelik", "organiser", organisation="lsa")     # a colleague at lsa
    kees = bearer(f"kees-{run}", "Kees de Vries", "organiser", organisation="movisie")
    orphan = bearer(f"wim-{run}", "Wim", "organiser")                                    # names no organisation
    now = datetime.now(UTC).replace(microsecond=0)

    def schedule(n_and_who):
        n, who = n_and_who
        starts = now + timedelta(days=n * 3 - 45, hours=n % 5)   # past ones and upcoming ones
        body = {"title": f"Leerbijeenkomst {TITLES[n % len(TITLES)].lower()} #{n} ({run})", "kind": "leerbijeenkomst",
                "description": "Ervaringen delen over bewonersinitiatieven.", "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(), "topics": ["rol-van-bewoners"],
                "capacity": 2, "location": {"name": "Wijkcentrum De Sluis", "address": "Sluisweg 3",
                                            "municipality": "Tilburg"}}
        return who, api("POST", "/activities", who, 201, json=body)

    work = [(n, noor if n % 2 else ruben) for n in range(30)] + [(n, kees) for n in range(12)]
    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(schedule, work))
    ours = [a for who, a in made if who is not kees]
    theirs = [a for who, a in made if who is kees]

    upcoming = sorted((a for a in ours if moment(a["starts_at"]) > now), key=lambda a: a["starts_at"])
    full, cancelled = upcoming[0], upcoming[1]
    for n, name in enumerate(("Fatima El Idrissi", "Daan de Jong", "Anouk Müller")):
        api("POST", f"/activities/{full['id']}/registrations", None, 201,
            json={"name": name, "email": f"deelnemer{n}-{run}@voorbeeld.nl"})
    api("POST", f"/activities/{cancelled['id']}/cancel", ruben, json={"reason": "De zaal is niet beschikbaar"})

    # every lsa activity in the database (other tests schedule some for lsa too), not one of movisie
    events = pymongo.MongoClient(platform.infra["MONGODB_URI"])[platform.database("events")]
    stored = {doc["_id"] for doc in events.activities.find({"organisation": "lsa"}, {"_id": 1})}
    assert {a["id"] for a in ours} <= stored

    for who in (noor, ruben):   # both organisers of lsa see the same list
        listed, count = pages_of(api, "/me/activities", who, 8)
        ids = [item["id"] for item in listed]
        assert len(ids) == len(set(ids)) and set(ids) == stored, "every lsa activity exactly once"
        assert not {a["id"] for a in theirs} & set(ids)
        starts = [(moment(item["starts_at"]), item["id"]) for item in listed]
        assert starts == sorted(starts, reverse=True), "latest start first"
    assert count >= 4
    by_id = {item["id"]: item for item in listed}
    assert (by_id[full["id"]]["registered"], by_id[full["id"]]["waitlisted"], by_id[full["id"]]["places_left"]) \
        == (2, 1, 0)
    assert by_id[cancelled["id"]]["status"] == "cancelled" and "cancelled_at" in by_id[cancelled["id"]]
    past = [a for a in ours if moment(a["ends_at"]) < now]
    assert past and all(by_id[a["id"]]["status"] == "completed" for a in past)
    assert {by_id[a["id"]]["title"] for a in ours} == {a["title"] for a in ours}

    page = api("GET", "/me/activities", kees, params={"limit": 100})
    assert page["organisation"] == "movisie" and {a["id"] for a in theirs} <= {i["id"] for i in page["items"]}
    assert not {a["id"] for a in ours} & {i["id"] for i in page["items"]}
    assert api("GET", "/me/activities", orphan) == {"organisation": None, "items": [], "next_cursor": None}

    for params, field in (({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"limit": "veel"}, "limit"),
                          ({"cursor": "geen cursor!"}, "cursor"), ({"cursor": "bm90LWEtY3Vyc29y"}, "cursor"),
                          ({"cursor": forged({"starts_at": 5, "id": "x"})}, "cursor"),
                          ({"cursor": forged({"at": "2026-01-01T10:00:00+01:00", "id": "x"})}, "cursor"),
                          ({"status": "cancelled"}, "status")):
        assert_invalid(api, "/me/activities", noor, params, field)
    api("GET", "/me/activities", None, 401)
    api("GET", "/me/activities", bearer(f"fatima-{run}", "Fatima", "member"), 403)
