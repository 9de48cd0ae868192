"""Search through the publications service's `search` RPC, on the real MongoDB-wire server:
Dutch normalisation, relevance, filters, facets, visibility and pages while publications arrive."""
from datetime import UTC, datetime, timedelta

import pymongo
import pytest
from nameko.containers import ServiceContainer
from nameko.testing.services import entrypoint_hook
from publications import drafts
from publications.index import SearchIndex
from publications.service import PublicationsService
from publications.storage import COLLECTION
from wijkwijzer.errors import Forbidden, Invalid

pytestmark = pytest.mark.integration

AUTHOR = {"sub": "anna", "name": "Anna"}
EDITOR = {"sub": "eva", "roles": ["editor"]}
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

CORPUS = {
    "agenda": {"title": "Bewoners maken de wijkagenda", "kind": "artikel", "topics": ["rol-van-bewoners"],
               "audiences": ["bewoners"], "organisation": "platform31"},
    "overvecht": {"title": "Veiligheid in Overvecht", "body": "Wat bewoners zelf doen aan veiligheid.",
                  "kind": "praktijkvoorbeeld", "topics": ["veiligheid"], "focus_areas": ["utrecht-overvecht"],
                  "organisation": "ccv", "audiences": ["professionals"]},
    "zuid": {"title": "Handreiking voor Rotterdam-Zuid", "summary": "De Wijkagenda's van Rotterdam-Zuid",
             "body": "Samen werken aan veiligheid in de buurt.",
             "kind": "handreiking", "topics": ["buurtagenda", "veiligheid"], "focus_areas": ["rotterdam-zuid"],
             "audiences": ["gemeenten"]},
    "jeugd": {"title": "Jeugd en ondermijning", "summary": "Onderzoek naar ideeën van jongeren",
              "kind": "onderzoek", "topics": ["jeugd", "ondermijning"], "organisation": "verwey-jonker"},
}


@pytest.fixture(scope="module")
def service(config):
    db = pymongo.MongoClient(config["MONGODB_URI"], tz_aware=True)[config["MONGODB_DATABASE"]]
    docs = {}
    for n, (name, fields) in enumerate(CORPUS.items()):   # "jeugd" is the newest
        docs[name] = drafts.imported(fields, AUTHOR, START + timedelta(days=n))
    draft = drafts.new_draft({"title": "Concept over bewoners", "kind": "artikel"}, AUTHOR, START)
    db.publications.insert_many([*docs.values(), draft])
    SearchIndex(db, COLLECTION).rebuild()   # as after an import
    container = ServiceContainer(PublicationsService, {**config, "REVIEW_DUE_INTERVAL": 3600})
    container.start()
    container.ids = {name: doc["_id"] for name, doc in docs.items()} | {"draft": draft["_id"]}
    container.db = db
    yield container
    container.stop()


def search(service, viewer=None, **params):
    with entrypoint_hook(service, "search") as hook:
        return hook(params, viewer)


def names(service, result):
    by_id = {v: k for k, v in service.ids.items()}
    return [by_id.get(item["id"], item["id"]) for item in result["items"]]


def test_plurals_case_and_apostrophes_are_normalised_and_title_matches_rank_first(service):
    assert names(service, search(service, q="bewoner")) == ["agenda", "overvecht"]
    assert names(service, search(service, q="BEWONERS")) == ["agenda", "overvecht"]
    assert names(service, search(service, q="wijkagenda")) == ["agenda", "zuid"]   # "Wijkagenda's"
    assert names(service, search(service, q="IDEEEN jongere")) == ["jeugd"]          # "ideeën van jongeren"
    assert names(service, search(service, q="veiligheid")) == ["overvecht", "zuid"]  # title tier first
    assert names(service, search(service, q="veiligheid", sort="date")) == ["zuid", "overvecht"]
    assert search(service, q="fietsenstalling")["items"] == []


def test_filters_or_within_and_across(service):
    assert names(service, search(service, topic=["veiligheid", "jeugd"])) == ["jeugd", "zuid", "overvecht"]
    assert names(service, search(service, topic=["veiligheid"], kind=["handreiking"])) == ["zuid"]
    assert names(service, search(service, q="bewoners", organisation=["ccv"])) == ["overvecht"]
    assert names(service, search(service, audience=["gemeenten", "bewoners"])) == ["zuid", "agenda"]
    assert names(service, search(service, focus_area=["utrecht-overvecht"])) == ["overvecht"]


def test_total_and_facets_count_the_whole_result(service):
    result = search(service, limit=1)
    assert result["total"] == 4 and len(result["items"]) == 1 and result["next_cursor"]
    assert result["facets"]["kind"] == {"artikel": 1, "handreiking": 1, "onderzoek": 1, "praktijkvoorbeeld": 1}
    assert result["facets"]["topic"] == {"veiligheid": 2, "buurtagenda": 1, "jeugd": 1, "ondermijning": 1,
                                         "rol-van-bewoners": 1}
    narrowed = search(service, q="veiligheid")
    assert narrowed["total"] == 2 and narrowed["facets"]["topic"] == {"veiligheid": 2, "buurtagenda": 1}


def test_only_editors_see_other_statuses(service):
    assert "draft" not in names(service, search(service, q="bewoners"))
    with pytest.raises(Forbidden):
        search(service, {"sub": "bram", "roles": ["member"]}, status=["draft"])
    assert names(service, search(service, EDITOR, q="bewoners", status=["draft"])) == ["draft"]


def test_bad_searches_name_the_field(service):
    with pytest.raises(Invalid) as bad:
        search(service, topic=["zwemmen"])
    assert bad.value.args[1][0]["field"] == "topic" and "veiligheid" in bad.value.args[1][0]["message"]
    with pytest.raises(Invalid) as bad:
        search(service, cursor="bm90LWEtY3Vyc29y")
    assert bad.value.args[1][0]["field"] == "cursor"
    with pytest.raises(Invalid):
        search(service, limit=0)


def test_related_publications_for_a_question_rank_by_shared_terms(service):
    related = search(service, q="Hoe houden bewoners hun wijk veilig?", match="any", limit=3)
    assert names(service, related)[0] == "overvecht"


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_pages_have_no_duplicates_or_gaps_while_publications_arrive(service, sort):
    db = service.db
    marker = f"parkeerplaats{sort}"
    # half of them have the word in the title (the relevance tier), half only in the body
    initial = [drafts.imported({"title": f"Stuk {n} " + (marker if n % 2 else ""), "body": marker,
                                "kind": "tool"}, AUTHOR, START + timedelta(hours=n % 5)) for n in range(23)]
    db.publications.insert_many(initial)
    SearchIndex(db, COLLECTION).rebuild()
    seen, cursor, pages = [], None, 0
    while True:
        page = search(service, q=marker, sort=sort, limit=4, cursor=cursor)
        seen += [item["id"] for item in page["items"]]
        pages += 1
        # a new matching publication between every two pages, in both tiers, indexed as the
        # service's consumer would
        new = drafts.imported({"title": f"Nieuw {pages} {marker}", "body": marker, "kind": "tool"}, AUTHOR,
                              datetime.now(UTC))
        db.publications.insert_one(new)
        SearchIndex(db, COLLECTION).put([new["_id"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)), "no publication twice"
    assert {d["_id"] for d in initial} <= set(seen), "none of those there at the start missed"
    assert pages >= 6
