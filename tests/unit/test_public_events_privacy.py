"""Public events carry no personal data (events.md), for every public type of every service.

Each public type is built here by the same domain code its service uses, from documents full of
personal data, and the bytes a partner would receive (the structured-mode CloudEvent) must hold
none of it. The public payloads' JSON Schemas are held to a deny-list of field names too, so a
field like `author` on a public event fails here before any value reaches a partner. The public
types are discovered, not listed: a new one fails until it has a builder below.
"""
import json
import re
from datetime import UTC, datetime

import pytest
from activities import domain as activities
from activities import registering
from helpdesk import questions
from publications import domain as publications
from publications import drafts
from wijkwijzer import amqp
from wijkwijzer.cloudevents import envelope, json_schema
from wijkwijzer.schemas import event_models

pytestmark = pytest.mark.unit

MODULES = ["publications.events", "activities.events", "helpdesk.events"]
NOW = datetime(2030, 5, 1, 10, 0, tzinfo=UTC)
LATER = datetime(2030, 5, 2, 15, 45, tzinfo=UTC)

# The catalogue of shared/spec/events.md: these and only these go to partners.
CATALOGUE = {"publication.submitted", "publication.published", "publication.updated", "publication.withdrawn",
             "activity.scheduled", "activity.updated", "activity.cancelled",
             "question.asked", "question.answered", "question.closed"}

# Who the documents below are about. None of these values may reach a partner.
AUTHOR = {"sub": "u-anneke-de-wit-81", "name": "Anneke de Wit-Çelik", "email": "anneke.dewit@buurtmail.nl",
          "roles": ["member"]}
EDITOR = {"sub": "u-redacteur-joël-7", "name": "Joël van der Berg", "email": "joel.vdberg@kennisbank.example",
          "roles": ["editor"]}
ORGANISER = {"sub": "u-organiser-mirjam-43", "name": "Mirjam Öztürk-Bakker", "email": "m.ozturk@lpb.example",
             "roles": ["organiser"], "organisation": "lpb"}
MEMBER_ASKER = {"sub": "u-asker-siham-12", "name": "Siham El Khatib", "email": "siham.elkhatib@voorbeeld.nl",
                "roles": ["member"]}
ANONYMOUS_EMAIL = "jose.smit-overdijk@hotmail.example"
REGISTRANT = {"name": "Wilhelmina Ŧrần-Kuipers", "email": "w.tran.kuipers@ziggo.example"}
WIJKWIJZE = {"sub": "ww-sanne-fräulein-9", "name": "Sanne Fräulein-Dijkstra", "roles": ["wijkwijze"]}
PHONE = "06-12345678"
QUESTION_TITLE = "Mijn buurvrouw Henriëtte krijgt de huur niet meer betaald"
QUESTION_BODY = (f"Henriëtte Jansen (Dorpsstraat 12, 3511 AB) is 83 en durft het niet te vragen. "
                 f"Bel me op {PHONE} of mail {ANONYMOUS_EMAIL}.")
ANSWER = "Beste José, neem contact op met de schuldhulp; Sanne belt u morgen."
PUBLICATION_BODY = f"Anneke de Wit-Çelik ({AUTHOR['email']}, {PHONE}) schreef dit met bewoners van de Boog."
EDITOR_NOTE = "Joël: bron van Anneke nagekeken"
CANCEL_REASON = "Mirjam Öztürk-Bakker is ziek; bel 06-98765432"

PERSONAL = [AUTHOR["sub"], AUTHOR["name"], AUTHOR["email"], "Anneke", "Çelik",
            EDITOR["sub"], EDITOR["name"], EDITOR["email"], "Joël",
            ORGANISER["sub"], ORGANISER["name"], ORGANISER["email"], "Mirjam", "Öztürk",
            MEMBER_ASKER["sub"], MEMBER_ASKER["name"], MEMBER_ASKER["email"], "Siham",
            ANONYMOUS_EMAIL, "José", "jose.smit", REGISTRANT["name"], REGISTRANT["email"], "Wilhelmina",
            WIJKWIJZE["sub"], WIJKWIJZE["name"], "Sanne", "Fräulein",
            PHONE, "06-98765432", "Henriëtte", "Dorpsstraat", "3511 AB", "Zamenhofdreef",
            QUESTION_TITLE, QUESTION_BODY, ANSWER, PUBLICATION_BODY, EDITOR_NOTE, CANCEL_REASON,
            "huur", "schuldhulp", "ziek"]


# -- each public type, as its service builds it ----------------------------------------------------

def _draft() -> dict:
    return drafts.new_draft({"title": "Buurtpreventie met de wijkapp in Overvecht", "kind": "praktijkvoorbeeld",
                             "summary": "Hoe bewoners samen op hun straat letten", "body": PUBLICATION_BODY,
                             "topics": ["veiligheid"], "organisation": "ccv", "authors": [AUTHOR["name"]],
                             "links": [{"title": "Anneke's blog", "url": "https://anneke-de-wit.example/buurt"}]},
                            AUTHOR, NOW)


def _applied(doc: dict, change) -> dict:
    """The document as storage leaves it after a change."""
    return {**doc, **change.set, "history": doc["history"] + change.history, "version": doc["version"] + 1}


def _submitted() -> dict:
    doc = _draft()
    return _applied(doc, publications.submit(doc, AUTHOR, NOW))


def _published() -> dict:
    doc = _submitted()
    return _applied(doc, publications.review(doc, "publish", EDITOR_NOTE, EDITOR, NOW))


def _activity() -> tuple[dict, list, list[str]]:
    """A scheduled activity with a registrant holding a place; its event; the secrets made."""
    doc, event = activities.new_activity({
        "title": "Wijkwandeling Overvecht", "description": f"Met {ORGANISER['name']}; bel {PHONE}",
        "kind": "werkbezoek", "starts_at": "2030-05-12T13:30:00+02:00", "ends_at": "2030-05-12T17:00:00+02:00",
        "capacity": 20, "topics": ["veiligheid"],
        "location": {"name": "Buurthuis De Boog", "address": "Zamenhofdreef 1", "municipality": "Utrecht"},
    }, ORGANISER, NOW)
    registration, token = registering.new_registration(doc, REGISTRANT, None, NOW)
    doc = {**doc, "places": [registration["_id"]], "confirmed": 1, "roster": 1}
    return doc, [event], [token, registration["_id"], registration["token_hash"]]


def _question(asker: dict | None) -> tuple[dict, list[str]]:
    """A question routed to a wijkwijze, who wrote in the thread, as the service leaves it; the
    secrets made (an anonymous asker's token and its hash)."""
    fields = {"title": QUESTION_TITLE, "body": QUESTION_BODY, "topics": ["armoede"], "municipality": "Utrecht",
              "consent_to_publish": True}
    question, token = questions.new_question(fields if asker else {**fields, "email": ANONYMOUS_EMAIL}, asker, NOW, 3)
    question = {**question, "status": questions.ASSIGNED, "assignee": WIJKWIJZE["sub"],
                "assignee_name": WIJKWIJZE["name"], "assigned_at": NOW,
                "messages": [{"id": "m1", "kind": "message", "body": ANSWER, "at": NOW,
                              "author": questions.author(questions.ASSIGNEE, WIJKWIJZE)}]}
    return question, [secret for secret in (token, question["asker"]["token_hash"]) if secret]


def _for_both_askers(build) -> tuple[list, list[str]]:
    """`build(question)`'s events for a question of an anonymous asker and one of a member."""
    made, secrets = [], []
    for asker in (None, MEMBER_ASKER):
        question, made_secrets = _question(asker)
        made += build(question)
        secrets += made_secrets
    return made, secrets


def _activity_change(change) -> tuple[list, list[str]]:
    doc, _, secrets = _activity()
    return change(doc).events, secrets


# How each public type is made: (the events, the secrets the making generated: tokens, ids).
BUILDERS = {
    "publication.submitted": lambda: (publications.submit(_draft(), AUTHOR, NOW).events, []),
    "publication.published": lambda: (
        publications.review(_submitted(), "publish", EDITOR_NOTE, EDITOR, NOW).events, []),
    # an editor's edit of what is published; an author's would wait as a revision
    "publication.updated": lambda: (publications.edit(
        _published(), {"summary": "Bijgewerkt door de redactie", "body": PUBLICATION_BODY + " Aanvulling."},
        EDITOR, LATER).events, []),
    "publication.withdrawn": lambda: (publications.withdraw(_published(), AUTHOR, EDITOR_NOTE, LATER).events, []),
    "activity.scheduled": lambda: _activity()[1:],
    "activity.updated": lambda: _activity_change(
        lambda doc: activities.update(doc, {"capacity": 25, "description": CANCEL_REASON}, ORGANISER, NOW)),
    "activity.cancelled": lambda: _activity_change(
        lambda doc: activities.cancel(doc, CANCEL_REASON, ORGANISER, NOW)),
    "question.asked": lambda: _for_both_askers(lambda question: [questions.asked(question)]),
    "question.answered": lambda: _for_both_askers(
        lambda question: questions.answered(question, ANSWER, WIJKWIJZE["name"], LATER)),
    "question.closed": lambda: _for_both_askers(lambda question: [questions.closed(question, LATER)]),
}
SERVICE = {"publication": "publications", "activity": "events", "question": "helpdesk"}


def public_models() -> list:
    return [model for model in event_models(MODULES) if model.public]


def on_the_wire(data) -> str:
    """The body a partner receives for this payload: the CloudEvent, as the publisher sends it."""
    event = envelope(SERVICE[data.event_type.split(".")[0]], data, subject=getattr(data, "id", None)
                     or data.question_id, correlation_id="req-7f3a", now=LATER)
    return amqp.structured_cloudevent(event.model_dump(mode="json"))["payload"].decode("utf-8")


def test_exactly_the_catalogue_is_public():
    public = {model.event_type for model in public_models()}
    internal = {model.event_type for model in event_models(MODULES) if not model.public}
    assert public == CATALOGUE, "shared/spec/events.md lists the public types; a change there comes first"
    assert not internal & CATALOGUE


@pytest.mark.parametrize("model", public_models(), ids=lambda model: model.event_type)
def test_a_public_event_carries_none_of_the_personal_data_it_was_made_from(model):
    assert model.event_type in BUILDERS, (f"{model.event_type} is public but untested here: add a builder that "
                                          "makes it with its service's domain code")
    made, secrets = BUILDERS[model.event_type]()
    made = [data for data in made if type(data).public]
    assert made and {type(data) for data in made} == {model}, f"the builder made {made}"
    # registrants' and askers' tokens (and their hashes) exist, so their absence below means something
    assert all(secrets) and (secrets or model.event_type.startswith("publication."))
    for data in made:
        wire = on_the_wire(data)
        json.loads(wire)   # really the JSON a partner parses
        leaked = [value for value in PERSONAL + secrets if value.lower() in wire.lower()]
        assert not leaked, f"{model.event_type} carries personal data {leaked}: {wire}"


def test_personal_data_in_a_payload_is_found():
    """The check above can fail: a payload that does carry a name is caught."""
    [data], _ = BUILDERS["publication.published"]()
    wire = on_the_wire(data.model_copy(update={"summary": f"Door {AUTHOR['name']}"}))
    assert AUTHOR["name"].lower() in wire.lower()


# Parts of field names that name a person or hold free text (which may name one).
DENIED = {"email", "mail", "name", "names", "author", "authors", "asker", "organiser", "organizer", "assignee",
          "wijkwijze", "member", "members", "sub", "user", "person", "people", "registrant", "registration",
          "attendee", "contact", "token", "secret", "password", "body", "text", "note", "reason", "answer",
          "message", "messages", "description", "comment", "phone", "telephone", "mobile", "address", "street",
          "postcode", "ip", "by", "editor", "reviewer"}
# Names with a denied part that were looked at and are not about a person.
REVIEWED = {"location_name": "the venue's name (an address is not sent)"}


def property_names(schema) -> set[str]:
    """Every property name anywhere in a JSON Schema (the envelope, the payload and its $defs)."""
    found = set()
    if isinstance(schema, dict):
        found |= set(schema.get("properties", {}))
        for value in schema.values():
            found |= property_names(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= property_names(value)
    return found


def denied(name: str) -> set[str]:
    return set() if name in REVIEWED else DENIED & {part.lower() for part in re.split(r"[_\W]+|(?<=[a-z])(?=[A-Z])", name)}


@pytest.mark.parametrize("model", public_models(), ids=lambda model: model.event_type)
def test_no_public_payload_has_a_field_for_a_person_or_free_text(model):
    bad = {name: sorted(denied(name)) for name in property_names(json_schema(model)) if denied(name)}
    assert not bad, f"{model.event_type} has fields that may hold personal data: {bad}"


def test_the_field_deny_list_catches_a_person():
    assert denied("author") and denied("asker_email") and denied("organiserName") and denied("body")
    assert not denied("location_name") and not denied("organisation") and not denied("title")
