"""The API's answers as the OpenAPI document describes them: the schemas the gateway ships are
generated from the services' answer models and current, the document is valid, and what the
services' views make of realistic stored documents fits the schemas clients read."""
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from activities import domain as activity_domain
from activities import registering as activity_registering
from activities.views import activities_page, activity_view, registration_view, registrations_page
from gateway.models import Health, Readiness
from gateway.openapi import answer_schemas, document
from gateway.routes import ROUTES
from jsonschema import Draft202012Validator
from publications import domain, drafts, flagging, search
from publications.index import Snapshot, card_of, keys_of
from publications.storage import LISTED
from publications.views import flag_received, history_view, publication_view
from pydantic import ValidationError
from pyroaring import BitMap, FrozenBitMap
from wijkwijzer import pages, taxonomy
from wijkwijzer.responses import file_name, render, shown

from tests.content import Corpus

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "gateway" / "gateway" / "responses"
MODULES = ["publications.responses", "activities.responses", "helpdesk.responses", "notifications.responses"]
REGENERATE = "python -m wijkwijzer.responses --out gateway/gateway/responses " + " ".join(MODULES)

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
ANNA = {"sub": "anna", "name": "Anna", "roles": ["member"]}
EVA = {"sub": "eva", "name": "Eva", "roles": ["editor"]}
READERS = [{"sub": f"reader-{i}", "name": None, "roles": ["member"]} for i in range(3)]


def fits(name: str, value) -> None:
    """`value` fits the schema `name` as the OpenAPI document gives it to clients."""
    root = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": document()["components"]["schemas"]}}
    Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(value)


# -- the document ---------------------------------------------------------------------------------

def test_the_shipped_schemas_are_current_and_none_is_stale():
    assert {file_name(m) for m in MODULES} == {p.name for p in SHIPPED.glob("*.json")}, REGENERATE
    for module in MODULES:
        assert (SHIPPED / file_name(module)).read_text() == render(module), REGENERATE


def test_the_document_is_valid_openapi_and_every_answer_has_a_schema():
    from openapi_spec_validator import validate

    validate(document())
    for name, route in ROUTES.items():
        path = next(p for p, ops in document()["paths"].items() if ops.get(route.method.lower(), {})
                    .get("operationId") == name)
        success = document()["paths"][path][route.method.lower()]["responses"][str(route.status)]
        schema = success["content"][route.content_type]["schema"]
        if name == "openapi" or route.content_type != "application/json":   # the document, the page, iCalendar
            assert "$ref" not in schema
        else:
            assert schema == {"$ref": f"#/components/schemas/{route.response}"}, name
        for other in route.also:   # the same answer as text, by Accept (CSV)
            assert success["content"][other]["schema"] == {"type": "string"}, name
    # not ready is a report too, not a problem
    assert "application/json" in document()["paths"]["/readyz"]["get"]["responses"]["503"]["content"]


def test_times_are_date_time_strings_and_optional_extras_are_not_required():
    publication = answer_schemas()["Publication"]
    assert publication["properties"]["created_at"] == {"type": "string", "format": "date-time",
                                                       "title": "Created At"}
    assert {"author", "revision", "version", "flags"}.isdisjoint(publication["required"])
    assert "default" not in publication["properties"]["author"]
    assert answer_schemas()["SearchPage"]["required"] == ["items", "next_cursor", "total", "facets"]


# -- publications -----------------------------------------------------------------------------------

def corpus_publications(n: int = 12) -> list[dict]:
    """Published publications as `drafts.imported` stores them, from the tests' Dutch corpus; a few
    with links, one without an organisation, one with a helpdesk question's submission."""
    corpus = Corpus(seed=11, anchor=NOW)
    docs = []
    for i in range(n):
        fields, published_at = corpus.publication(i)
        if i % 3 == 0:
            fields["links"] = [{"title": "Meer lezen", "url": f"https://example.org/{i}"}]
        docs.append(drafts.imported(fields, ANNA, published_at))
    return docs


def applied(doc: dict, change: domain.Change) -> dict:
    """The document as storage leaves it after the change."""
    return {**doc, **change.set, "history": doc["history"] + change.history, "version": doc["version"] + 1}


def flags_of(doc: dict) -> list[dict]:
    """Three readers' flags, the first one decided, as the flags collection holds them."""
    flags = [flagging.flag(doc, f"Klopt niet ({i})", reader, NOW + timedelta(minutes=i))
             for i, reader in enumerate(READERS)]
    flags[0]["status"] = "dismissed"
    flags.append(flagging.flag(doc, "Verouderd", {"address": "192.0.2.7"}, NOW))
    return [{k: v for k, v in flag.items() if k != "open_key"} for flag in flags]   # as Flags.of reads them


def in_the_workflow(doc: dict) -> dict:
    """A published publication with a pending revision by its author and open flags."""
    doc = applied(doc, domain.edit(doc, {"title": "Een nieuwe titel", "review_due": None}, ANNA, NOW))
    return applied(doc, flagging.flags_counted(doc, 3, NOW))


def test_a_publication_as_anyone_its_author_and_an_editor_see_it_fits_the_schema():
    published = corpus_publications()[0]
    flags, doc = flags_of(published), in_the_workflow(published)
    anyone = publication_view(doc, set())
    fits("Publication", anyone)
    assert {"author", "revision", "version", "flags", "queue"}.isdisjoint(anyone)
    author = publication_view(doc, domain.capacities(doc, ANNA), flags)
    fits("Publication", author)
    assert author["revision"]["fields"]["title"] == "Een nieuwe titel"
    assert {"id", "reporter"}.isdisjoint(author["flags"][0])
    editor = publication_view(doc, domain.capacities(doc, EVA), flags)
    fits("Publication", editor)
    assert editor["flags"][-1]["reporter"].startswith("address:")
    assert editor["queue"] == ["revision", "flagged"] and editor["hidden"] is True


def test_every_step_of_the_workflow_answers_a_publication_that_fits():
    doc = drafts.new_draft({"title": "Wijkagenda's in Overvecht", "kind": "praktijkvoorbeeld"}, ANNA, NOW)
    fits("Publication", publication_view(doc, domain.capacities(doc, ANNA)))   # as create_draft answers
    for actor, change in [(ANNA, lambda d: domain.submit(d, ANNA, NOW)),
                          (EVA, lambda d: domain.review(d, "request_changes", "Meer bronnen", EVA, NOW)),
                          (ANNA, lambda d: domain.edit(d, {"summary": "Nu met bronnen"}, ANNA, NOW, d["version"])),
                          (ANNA, lambda d: domain.submit(d, ANNA, NOW)),
                          (EVA, lambda d: domain.review(d, "publish", None, EVA, NOW)),
                          (ANNA, lambda d: domain.withdraw(d, ANNA, "Achterhaald", NOW))]:
        doc = applied(doc, change(doc))
        fits("Publication", publication_view(doc, domain.capacities(doc, actor)))
    history = history_view(doc)
    fits("PublicationHistory", history)
    assert [entry["action"] for entry in history["history"]][-1] == "withdrawn"


def test_a_question_answered_with_consent_becomes_a_submission_that_fits():
    doc = drafts.question_draft({
        "question_id": "q1", "title": "Wie ruimt het zwerfafval op?", "body": "Bel 06-12345678",
        "answer": "De gemeente, na een melding.", "topics": ["veiligheid"], "focus_area": "arnhem-oost",
        "answered_at": NOW.isoformat()}, NOW)
    fits("Publication", publication_view(doc, domain.capacities(doc, EVA)))


def test_a_readers_flag_answer_fits():
    doc = corpus_publications(1)[0]
    flag = flagging.flag(doc, "Dit klopt niet meer", {"address": "192.0.2.7"}, NOW)
    answer = flag_received(flag, 1, flagging.hides(doc, 1))
    fits("FlagReceived", answer)
    assert answer == {"id": flag["_id"], "publication_id": doc["_id"], "reason": "Dit klopt niet meer",
                      "status": "open", "open_flags": 1, "hidden": False}


class MemoryIndex:
    """The search index's reading side over documents in memory: numbered in listing order, a
    bitmap per key, a card per number, as SearchIndex.put stores them."""

    def __init__(self, docs: list[dict]):
        ordered = sorted(docs, key=lambda d: (d["listed_at"], d["_id"]))
        self.card = {n: card_of(doc) for n, doc in enumerate(ordered, 1)}
        self.bitmaps: dict[str, BitMap] = {}
        for n, doc in enumerate(ordered, 1):
            for key in keys_of(doc):
                self.bitmaps.setdefault(key, BitMap()).add(n)

    def read(self, terms, fields) -> Snapshot:
        return Snapshot(self, 1, {key: FrozenBitMap(bits) for key, bits in self.bitmaps.items()})

    def cards(self, snapshot, numbers) -> list[dict]:
        cards = [dict(self.card[n]) for n in numbers]
        for card in cards:
            card["_id"] = card.pop("publication_id")
        return cards


def test_search_pages_as_anyone_an_editor_and_the_helpdesk_get_them_fit():
    docs = corpus_publications()
    docs[1] = in_the_workflow(docs[1])
    docs.append(drafts.new_draft({"title": "Nog een concept over de wijk", "kind": "praktijkvoorbeeld"}, ANNA, NOW))
    index = MemoryIndex(docs)
    first = search.search(index, {"q": "wijk bewoners", "limit": 3}, None)
    fits("SearchPage", first)
    assert first["next_cursor"] and first["total"] > 3 and set(first["facets"]) == {"topic", "kind"}
    fits("SearchPage", search.search(index, {"q": "wijk bewoners", "cursor": first["next_cursor"]}, None))
    editors = search.search(index, {"status": ["published", "draft"], "sort": "date"}, EVA)
    fits("SearchPage", editors)
    assert {"queue", "hidden"} <= set(editors["items"][0])
    related = search.search(index, {"q": "zwerfafval in de buurt", "match": "any", "limit": 5}, None)
    fits("SearchPage", related)
    empty = search.search(index, {"q": "onvindbaarwoord"}, None)
    fits("SearchPage", empty)
    assert empty == {"items": [], "next_cursor": None, "total": 0, "facets": {"topic": {}, "kind": {}}}


class MemoryPublications:
    def __init__(self, docs: list[dict]):
        self.docs = docs

    def matching(self, query, sort, batch):
        found = [d for d in self.docs if set(d["queue"]) & set(query["queue"]["$in"])]
        found.sort(key=lambda d: (d["created_at"], d["_id"]))
        return [{k: v for k, v in d.items() if k in LISTED or k == "_id"} for d in found]


def test_review_queue_pages_fit():
    docs = corpus_publications(5)
    docs[0], docs[3] = in_the_workflow(docs[0]), in_the_workflow(docs[3])
    submitted = drafts.new_draft({"title": "Graag een blik erop", "kind": "praktijkvoorbeeld"}, ANNA, NOW)
    docs.append(applied(submitted, domain.submit(submitted, ANNA, NOW)))
    first = search.review_queue(MemoryPublications(docs), [], [], 2, None)
    fits("ReviewQueuePage", first)
    rest = search.review_queue(MemoryPublications(docs), [], [], 2, first["next_cursor"])
    fits("ReviewQueuePage", rest)
    assert [len(first["items"]), len(rest["items"]), rest["next_cursor"]] == [2, 1, None]


def test_a_view_that_drifts_from_the_model_is_refused_not_sent():
    doc = corpus_publications(1)[0]
    with pytest.raises(ValidationError, match="draft_notes"):   # a new stored field nobody described
        publication_view({**doc, "draft_notes": "intern"}, set())
    with pytest.raises(ValidationError, match="created_at"):    # a time without an offset
        publication_view({**doc, "created_at": "2026-11-27T12:00:00"}, set())


# -- activities, reference data, health ------------------------------------------------------------

def activity(i: int, **fields) -> dict:
    doc, _ = activity_domain.new_activity({
        "title": f"Buurtcafé {i}", "description": "Koffie en gesprek met de wijkagent", "kind": "leerbijeenkomst",
        "starts_at": (NOW + timedelta(days=i)).isoformat(), "ends_at": (NOW + timedelta(days=i, hours=2)).isoformat(),
        "topics": ["ontmoeting"], **fields}, {"sub": "olga", "name": "Olga", "roles": ["admin"]}, NOW)
    return doc


def test_activities_and_their_pages_fit():
    docs = [activity(1, location={"name": "Buurthuis", "address": "Dorpsstraat 1", "municipality": "Utrecht"}),
            activity(2, online_url="https://meet.example.org/wijk", capacity=30, organisation=None),
            activity(3, online_url="https://meet.example.org/x",
                     location={"name": "Bieb", "address": "Plein 2", "municipality": "Utrecht"})]
    fits("Activity", activity_view(docs[0], NOW))
    page = activities_page(pages.page(docs, 2, lambda d: {"starts_at": d["starts_at"], "id": d["_id"]}), NOW)
    fits("ActivitiesPage", page)
    assert page["next_cursor"] and page["items"][0]["starts_at"].endswith("+01:00")
    fits("ActivitiesPage", activities_page(pages.page([], 20, lambda d: {}), NOW))
    cancelled = {**docs[1], "status": "cancelled", "cancel_reason": "De spreker is ziek", "cancelled_at": NOW}
    shown_cancelled = activity_view(cancelled, NOW)
    fits("Activity", shown_cancelled)
    assert shown_cancelled["status"] == "cancelled" and shown_cancelled["cancel_reason"] == "De spreker is ziek"
    assert "cancel_reason" not in activity_view(docs[1], NOW)
    fits("Activity", activity_view(docs[0], NOW + timedelta(days=30)))   # completed


def test_registrations_and_their_pages_fit():
    doc = {**activity(4, capacity=1, location={"name": "Buurthuis", "address": "Dorpsstraat 1",
                                               "municipality": "Utrecht"})}
    first, token = activity_registering.new_registration(doc, {"name": "José Smit-Öztürk",
                                                               "email": "Jose@Example.nl"}, None, NOW)
    second, none = activity_registering.new_registration(
        doc, None, {"sub": "fatima", "name": "Fatima El Idrissi", "email": "fatima@example.nl"}, NOW)
    assert token and none is None
    doc = {**doc, "places": [first["_id"]], "waitlist": [second["_id"]], "confirmed": 1, "waiting": 1}
    first = {**first, "status": "confirmed", "arrival": 1, "confirmed_at": NOW}
    second = {**second, "status": "waitlisted", "arrival": 2, "waitlisted_at": NOW}
    new = registration_view(first, doc, token)
    fits("NewRegistration", new)
    assert new["token"] == token and new["email"] == "jose@example.nl" and new["position"] is None
    waiting = registration_view(second, doc)
    fits("Registration", waiting)
    assert waiting["position"] == 1 and waiting["member"] is True and "token" not in waiting
    fits("RegistrationsPage", registrations_page({"items": [first, second], "next_cursor": None}, doc))


def test_the_taxonomy_and_health_answers_fit():
    fits("Taxonomy", taxonomy.load().model_dump(mode="json"))
    fits("Health", shown(Health, {"status": "ok"}))
    fits("Readiness", shown(Readiness, {"status": "not ready",
                                               "services": {"publications": "ok", "events": "timed out"}}))


def test_the_shipped_files_are_json_schemas_by_name():
    for path in SHIPPED.glob("*.json"):
        for name, schema in json.loads(path.read_text()).items():
            Draft202012Validator.check_schema(schema)
            assert schema["title"] == name


def test_questions_the_roster_and_their_pages_fit():
    from helpdesk import questions, roster, threads
    from helpdesk import views as helpdesk_views

    doc, token = questions.new_question({"title": "Hoe starten we een buurtpreventieteam?", "topics": ["veiligheid"],
                                         "body": "Wij willen de straat **veiliger** maken.", "municipality": "gouda",
                                         "email": "jose@example.nl", "consent_to_publish": True}, None, NOW, 2)
    message = threads.message("Gaat het om inbraken?", questions.author("assignee", {"sub": "sanne", "name": "Sanne"}),
                              "message", NOW)
    doc.update(status="assigned", assignee="sanne", assignee_name="Sanne", assigned_at=NOW, pickup_due=NOW,
               messages=[message], history=[*doc["history"], questions.history_entry(
                   NOW, "assigned", None, to="sanne", rule="topic", note="onderwerp past")])
    new = helpdesk_views.new_question_view(doc, "asker", token, [{"id": "p1", "slug": "p-1", "title": "Buurtpreventie",
                                                                 "summary": "", "kind": "handreiking"}])
    fits("NewQuestion", new)
    assert new["token"] == token and new["asker"]["email"] == "jose@example.nl"
    seen = helpdesk_views.question_view(doc, "assignee")
    fits("Question", seen)
    assert "email" not in seen["asker"] and "token_hash" not in str(seen) and "region_keys" not in seen
    fits("QuestionsPage", helpdesk_views.questions_page({"items": [doc], "next_cursor": "abc"}))
    fits("RelatedPublications", helpdesk_views.related_page([]))
    entry = {"_id": "sanne", **roster.roster_entry("sanne", {"name": "Sanne", "email": "s@example.nl", "capacity": 2}),
             "open": [doc["_id"]], "open_count": 1, "last_assigned_at": NOW, "created_at": NOW, "updated_at": NOW,
             "name_key": "sanne"}
    fits("WijkwijzenPage", helpdesk_views.wijkwijzen_page({"items": [entry], "next_cursor": None}))
    assert helpdesk_views.wijkwijze_view(entry)["open_questions"] == 1
