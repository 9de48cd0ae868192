"""The kennisbank driven over HTTP as each role would: the lifecycle, pending revisions, flags,
the Q&A draft, search with filters, facets and pages; events as a partner sees them."""
import uuid

import pytest
from gateway.tokens import mint

from tests.platform import JWT_SECRET
from tests.support import Api, EventTap, eventually

pytestmark = pytest.mark.e2e


def bearer(sub, *roles):
    return {"Authorization": f"Bearer {mint(JWT_SECRET, sub, sub.title(), f'{sub}@example.org', list(roles))}"}


ANNA, BRAM, EVA = bearer("anna", "member"), bearer("bram", "member"), bearer("eva", "editor")


@pytest.fixture(scope="module")
def api(platform):
    return Api(platform.base_url)


def new_publication(api, **fields):
    word = uuid.uuid4().hex[:8]   # every test's own search word, so tests do not see each other's data
    body = {"title": f"Buurtpreventie {word}", "summary": "Wat bewoners zelf doen", "kind": "praktijkvoorbeeld",
            "topics": ["veiligheid"], "organisation": "ccv", "body": "## Aanpak\n\n<script>alert(1)</script>",
            **fields}
    return api("POST", "/publications", ANNA, 201, json=body), word


def published(api, **fields):
    draft, word = new_publication(api, **fields)
    api("POST", f"/publications/{draft['id']}/submit", ANNA)
    api("POST", f"/publications/{draft['id']}/review", EVA, json={"decision": "publish"})
    return draft, word


def test_the_lifecycle_as_author_editor_and_reader(api, platform):
    public = EventTap(platform.infra["AMQP_URI"], "public")
    draft, word = new_publication(api)
    pid = draft["id"]
    assert "<script" not in draft["body_html"] and "<h2>Aanpak</h2>" in draft["body_html"]
    api("GET", f"/publications/{pid}", None, 404)
    api("POST", f"/publications/{pid}/submit", BRAM, 404)          # not his: he may not know of it
    api("POST", f"/publications/{pid}/submit", EVA, 403)           # an editor is not its author
    api("POST", f"/publications/{pid}/submit", ANNA)
    api("PATCH", f"/publications/{pid}", ANNA, 409, json={"summary": "Anders"})   # waits for an editor
    queue = api("GET", "/review-queue?reason=submitted&limit=100", EVA)
    assert pid in [item["id"] for item in queue["items"]]
    api("GET", "/review-queue", ANNA, 403)
    api("POST", f"/publications/{pid}/review", EVA, 422, json={"decision": "reject"})   # no note
    api("POST", f"/publications/{pid}/review", EVA, json={"decision": "request_changes", "note": "Bron?"})
    api("PATCH", f"/publications/{pid}", ANNA, json={"links": [{"title": "CCV", "url": "https://hetccv.nl"}]})
    api("POST", f"/publications/{pid}/submit", ANNA)
    live = api("POST", f"/publications/{pid}/review", EVA, json={"decision": "publish", "note": "Goed"})
    assert live["status"] == "published"
    assert api("GET", f"/publications/{live['slug']}")["links"][0]["url"] == "https://hetccv.nl"
    api("POST", f"/publications/{pid}/review", EVA, 409, json={"decision": "publish"})   # nothing waits
    history = api("GET", f"/publications/{pid}/history", ANNA)["history"]
    assert [h["action"] for h in history] == ["created", "submitted", "changes_requested", "edited",
                                              "submitted", "published"]
    api("GET", f"/publications/{pid}/history", BRAM, 403)
    api("POST", f"/publications/{pid}/withdraw", BRAM, 403)
    api("POST", f"/publications/{pid}/withdraw", ANNA)             # no body needed
    api("GET", f"/publications/{pid}", None, 404)
    api("POST", f"/publications/{pid}/withdraw", ANNA, 409)
    eventually(lambda: api("GET", f"/publications?q={word}")["total"] == 0, what="out of search once indexed")

    types = eventually(lambda: t if len(t := public.types(pid)) >= 4 else None, what="public events")
    assert types == ["publication.submitted", "publication.submitted", "publication.published",
                     "publication.withdrawn"]
    assert all("anna" not in str(e["data"]) for e in public.events()), "no personal data on the public stream"
    public.close()


def test_a_published_edit_stays_pending_until_an_editor_approves(api):
    draft, word = published(api)
    pid = draft["id"]
    pending = api("PATCH", f"/publications/{pid}", ANNA, json={"title": f"Herzien {word}", "summary": "Nieuw"})
    assert pending["revision"]["status"] == "pending" and pending["title"] == draft["title"]
    assert api("GET", f"/publications/{pid}")["title"] == draft["title"]
    assert "revision" not in api("GET", f"/publications/{pid}"), "readers see no workflow state"
    queue = api("GET", "/review-queue?reason=revision&limit=100", EVA)
    assert pid in [item["id"] for item in queue["items"]]
    api("POST", f"/publications/{pid}/review", EVA, json={"decision": "publish"})
    assert api("GET", f"/publications/{pid}")["title"] == f"Herzien {word}"
    found = eventually(lambda: api("GET", f"/publications?q=herzien+{word}")["items"], what="the revision in search")
    assert [i["id"] for i in found] == [pid]


def test_three_flags_hide_it_until_an_editor_keeps_it(api):
    draft, word = published(api)
    pid = draft["id"]
    api("POST", f"/publications/{pid}/flags", None, 201, json={"reason": "Dit klopt niet"})
    api("POST", f"/publications/{pid}/flags", None, 409, json={"reason": "Nog steeds niet"})   # same address
    api("POST", f"/publications/{pid}/flags", BRAM, 201, json={"reason": "Verouderd"})
    api("POST", f"/publications/{pid}/flags", BRAM, 422, json={"reason": ""})
    third = api("POST", f"/publications/{pid}/flags", bearer("chris", "member"), 201, json={"reason": "Onjuist"})
    assert third["hidden"] is True and third["open_flags"] == 3
    api("GET", f"/publications/{pid}", None, 404)
    eventually(lambda: api("GET", f"/publications?q={word}")["total"] == 0, what="out of search once indexed")
    seen_by_editor = api("GET", f"/publications/{pid}", EVA)
    assert len(seen_by_editor["flags"]) == 3 and seen_by_editor["hidden"] is True
    assert "reporter" not in api("GET", f"/publications/{pid}", ANNA)["flags"][0], "authors see why, not who"
    assert pid in [i["id"] for i in api("GET", "/review-queue?reason=flagged&limit=100", EVA)["items"]]
    api("POST", f"/publications/{pid}/review", EVA, json={"decision": "publish", "note": "Klopt wel"})
    assert api("GET", f"/publications/{pid}")["id"] == pid


def test_search_filters_facets_and_pages_while_publications_arrive(api):
    word = uuid.uuid4().hex[:8]
    made = []
    for n in range(9):
        draft, _ = published(api, title=f"Wijkagenda's {word} {n}", topics=["veiligheid"] if n % 3 else ["jeugd"],
                             kind="artikel" if n % 2 else "tool")
        made.append(draft["id"])
    found = eventually(lambda: (result := api("GET", f"/publications?q=wijkagenda+{word}&limit=100"))["total"] == 9
                       and result, what="all nine in search")
    assert found["facets"]["topic"] == {"veiligheid": 6, "jeugd": 3}
    assert found["facets"]["kind"] == {"tool": 5, "artikel": 4}
    either = api("GET", f"/publications?q={word}&topic=jeugd&topic=veiligheid&kind=tool")
    assert either["total"] == 5
    api("GET", f"/publications?q={word}&topic=zwemmen", None, 422)
    api("GET", f"/publications?q={word}&status=draft", ANNA, 403)
    api("GET", f"/publications?q={word}&sort=random", None, 422)
    api("GET", f"/publications?q={word}&cursor=bm9wZQ", None, 422)

    seen, cursor = [], None
    while True:
        page = api("GET", f"/publications?q={word}&limit=2&sort=date" + (f"&cursor={cursor}" if cursor else ""))
        seen += [i["id"] for i in page["items"]]
        published(api, title=f"Later {word}")   # arrives between pages
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) and set(made) <= set(seen)


def test_an_answered_question_becomes_a_draft_for_editors_without_personal_data(api):
    """The real flow: asked with consent in the vraagbaak, answered by a wijkwijze; the helpdesk's
    `question.answered_with_consent` becomes a Q&A for editors with no one's name or address."""
    place = f"Kennisdorp {uuid.uuid4().hex[:6]}"
    beheer = bearer("beheer", "admin")
    sanne = {"Authorization": f"Bearer {mint(JWT_SECRET, 'sanne-kb', 'Sanne Bakker', None, ['wijkwijze'])}"}
    api("PUT", "/wijkwijzen/sanne-kb", beheer, json={"name": "Sanne Bakker", "email": "sanne@voorbeeld.nl",
                                                    "topics": ["ontmoeting"], "regions": [place], "capacity": 3})
    fatima = {"Authorization": f"Bearer {mint(JWT_SECRET, 'fatima-kb', 'Fatima El Idrissi', 'fatima@voorbeeld.nl', ['member'])}"}
    asked = api("POST", "/questions", fatima, 201, json={
        "title": f"Mag onze buurtbarbecue op straat? {place}", "topics": ["ontmoeting"], "municipality": place,
        "body": "Ik ben Fatima El Idrissi (06-12345678, fatima@voorbeeld.nl) van de Dorpsstraat 12, 2801 AB. "
                "Wij willen in juni een barbecue op straat houden.", "consent_to_publish": True})
    assert asked["assignee"]["sub"] == "sanne-kb"
    api("POST", f"/questions/{asked['id']}/answer", sanne, json={
        "body": "Beste Fatima, vraag een evenementenvergunning aan bij de gemeente. Groet, Sanne Bakker"})

    def drafted():
        items = api("GET", "/publications?status=submitted&kind=vraag-en-antwoord&limit=100", EVA)["items"]
        return [i for i in items if place in i["title"]] or None
    [item] = eventually(drafted, what="the Q&A draft")
    doc = api("GET", f"/publications/{item['id']}", EVA)
    assert "evenementenvergunning" in doc["body_html"] and doc["kind"] == "vraag-en-antwoord"
    text = str(doc)
    for personal in ("Fatima", "Idrissi", "Sanne", "Bakker", "06-12345678", "fatima@", "Dorpsstraat 12", "2801 AB"):
        assert personal not in text, personal
    assert doc["status"] == "submitted" and doc["authors"] == ["Vraagbaak"]
    api("POST", f"/publications/{item['id']}/review", EVA, json={"decision": "publish"})
    assert api("GET", f"/publications/{item['id']}")["status"] == "published"
