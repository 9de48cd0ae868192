"""Registration and organiser rules of the activity calendar, with no broker and no database."""
from datetime import UTC, datetime, timedelta

import pytest
from activities import domain, registering
from activities import events as activity_events
from wijkwijzer.cloudevents import EventData
from wijkwijzer.errors import Conflict, Forbidden, Invalid

pytestmark = pytest.mark.unit

NOW = datetime(2030, 5, 1, 10, 0, tzinfo=UTC)
ORGANISER = {"sub": "noor", "name": "Noor Bakker", "roles": ["organiser"], "organisation": "lpb"}
FIELDS = {
    "title": "Werkbezoek Overvecht", "description": "Langs bewonersinitiatieven.", "kind": "werkbezoek",
    "starts_at": "2030-05-12T13:30:00+02:00", "ends_at": "2030-05-12T17:00:00+02:00",
    "capacity": 2, "location": {"name": "Buurthuis De Boog", "address": "Zamenhofdreef 1", "municipality": "Utrecht"},
}
JOSE = {"name": "José Smit-Öztürk", "email": "Jose.Smit@Voorbeeld.NL"}
FATIMA = {"sub": "fatima", "name": "Fatima El Idrissi", "email": "fatima@voorbeeld.nl", "roles": ["member"]}


def activity(**fields) -> dict:
    doc, _ = domain.new_activity({**FIELDS, **fields}, ORGANISER, NOW)
    return doc


# -- who manages ----------------------------------------------------------------------------------

def test_an_organiser_schedules_for_their_own_organisation_and_an_admin_for_any():
    assert activity()["organisation"] == "lpb"   # left out: the organiser's own
    with pytest.raises(Forbidden):
        domain.new_activity({**FIELDS, "organisation": "ccv"}, ORGANISER, NOW)
    with pytest.raises(Forbidden):
        domain.new_activity(FIELDS, {"sub": "anna", "roles": ["member"]}, NOW)
    with pytest.raises(Forbidden):   # no organisation in the token
        domain.new_activity({**FIELDS, "organisation": "lpb"}, {"sub": "x", "roles": ["organiser"]}, NOW)
    doc, _ = domain.new_activity({**FIELDS, "organisation": "ccv"}, {"sub": "beheer", "roles": ["admin"]}, NOW)
    assert doc["organisation"] == "ccv"
    assert domain.may_manage("lpb", ORGANISER) and not domain.may_manage("ccv", ORGANISER)
    assert not domain.may_manage(None, ORGANISER) and domain.may_manage(None, {"roles": ["admin"]})


# -- changes --------------------------------------------------------------------------------------

def test_a_change_raises_the_sequence_and_is_announced_and_no_change_is_nothing():
    doc = activity()
    change = domain.update(doc, {"title": "Werkbezoek Overvecht (verplaatst)", "capacity": 5}, ORGANISER, NOW)
    assert change.set["sequence"] == 1 and change.set["capacity"] == 5
    [event] = change.events
    assert isinstance(event, activity_events.ActivityUpdated) and event.sequence == 1 and event.capacity == 5
    assert domain.update(doc, {"title": doc["title"]}, ORGANISER, NOW).set == {}


def test_a_change_is_checked_as_a_whole_and_capacity_stays_above_the_confirmed():
    doc = {**activity(), "confirmed": 2}
    with pytest.raises(Invalid) as bad:
        domain.update(doc, {"ends_at": "2030-05-12T12:00:00+02:00", "organisation": "ccv"}, ORGANISER, NOW)
    assert [e["field"] for e in bad.value.args[1]] == ["organisation", "ends_at"]
    with pytest.raises(Conflict, match="De capaciteit kan niet lager dan 2: er zijn al 2 bevestigde inschrijvingen"):
        domain.update(doc, {"capacity": 1}, ORGANISER, NOW)
    assert domain.update(doc, {"capacity": 2}, ORGANISER, NOW).requires == {}   # unchanged
    assert domain.update(doc, {"capacity": 3}, ORGANISER, NOW).requires == {"confirmed": {"$lte": 3}}
    assert domain.update(doc, {"capacity": None}, ORGANISER, NOW).set["capacity"] is None
    with pytest.raises(Conflict, match="intussen gewijzigd"):
        domain.update(doc, {"capacity": 4}, ORGANISER, NOW, based_on=7)
    with pytest.raises(Invalid):   # the deadline after the start
        domain.update(doc, {"registration_deadline": "2030-05-13T10:00:00+02:00"}, ORGANISER, NOW)


def test_cancelling_needs_a_reason_once_and_before_the_end():
    doc = activity()
    change = domain.cancel(doc, "  De spreker is ziek ", ORGANISER, NOW)
    assert change.set["status"] == "cancelled" and change.set["cancel_reason"] == "De spreker is ziek"
    assert change.set["places"] == [] and change.requires == {"roster": 0}
    with pytest.raises(Invalid):
        domain.cancel(doc, "", ORGANISER, NOW)
    with pytest.raises(Conflict, match="al geannuleerd"):
        domain.cancel({**doc, "status": "cancelled"}, "Nogmaals", ORGANISER, NOW)
    with pytest.raises(Conflict, match="al voorbij"):
        domain.cancel(doc, "Te laat", ORGANISER, NOW + timedelta(days=30))
    assert domain.status_of(doc, NOW + timedelta(days=30)) == "completed"


# -- registering ----------------------------------------------------------------------------------

def test_an_anonymous_registration_gets_a_token_of_which_only_the_hash_is_stored():
    doc, token = registering.new_registration(activity(), JOSE, None, NOW)
    assert len(token) == 43 and token not in str(doc)
    assert doc["token_hash"] == registering.token_hash(token) and doc["email"] == "jose.smit@voorbeeld.nl"
    assert doc["status"] == "pending" and doc["holder"].endswith("/jose.smit@voorbeeld.nl")
    assert registering.is_registrant(doc, token, None)
    assert not registering.is_registrant(doc, token[:-1] + ("A" if token[-1] != "A" else "B"), None)
    assert not registering.is_registrant(doc, None, FATIMA)
    _, second = registering.new_registration(activity(), JOSE, None, NOW)
    assert second != token


def test_a_member_registers_with_the_name_and_address_of_their_token():
    doc, token = registering.new_registration(activity(), {}, FATIMA, NOW)
    assert token is None and doc["token_hash"] is None
    assert (doc["name"], doc["email"], doc["member"]) == ("Fatima El Idrissi", "fatima@voorbeeld.nl", "fatima")
    assert registering.is_registrant(doc, None, FATIMA)
    assert not registering.is_registrant(doc, None, {**FATIMA, "sub": "iemand"})
    with pytest.raises(Invalid):
        registering.new_registration(activity(), {}, {"sub": "x", "name": "X", "email": None}, NOW)


@pytest.mark.parametrize("fields, message", [
    ({"registration_deadline": "2030-05-01T09:00:00+02:00"},
     "De inschrijving is gesloten: de deadline was 1 mei 2030 om 09:00."),
    ({"starts_at": "2030-05-01T11:00:00+02:00", "ends_at": "2030-05-01T13:00:00+02:00"},
     "De activiteit is al begonnen; inschrijven kan niet meer."),
    ({"status": "cancelled"}, "De activiteit is geannuleerd; inschrijven kan niet meer."),
])
def test_closed_registration_says_why_in_dutch(fields, message):
    doc = activity(**{k: v for k, v in fields.items() if k != "status"})
    doc["status"] = fields.get("status", doc["status"])
    with pytest.raises(Conflict) as closed:
        registering.new_registration(doc, JOSE, None, NOW)
    assert str(closed.value) == message


def test_placements_first_a_free_place_then_the_waitlist_and_reminders_once_sent():
    doc = activity()
    registration, _ = registering.new_registration(doc, JOSE, None, NOW)
    tries = registering.placements(doc, registration, NOW)
    assert [(t.status, t.condition) for t in tries] == [("confirmed", "free"), ("waitlisted", "full"),
                                                        ("waitlisted", "queue")]
    assert [type(e).__name__ for e in tries[0].events] == ["RegistrationConfirmed"]
    full = {**doc, "confirmed": 2, "places": ["a", "b"]}
    assert [t.condition for t in registering.placements(full, registration, NOW)] == ["full", "queue", "free"]
    reminded = {**doc, "reminded_for": doc["starts_at"]}
    assert [type(e).__name__ for e in registering.placements(reminded, registration, NOW)[0].events] == [
        "RegistrationConfirmed", "ActivityReminderDue"]


def test_the_first_waiting_is_promoted_while_places_are_free_and_before_the_start():
    doc = {**activity(), "places": ["a", "b"], "confirmed": 2, "waitlist": ["c", "d"], "waiting": 2}
    assert registering.next_to_promote(doc, NOW) is None
    assert registering.next_to_promote({**doc, "capacity": 3}, NOW) == "c"
    assert registering.next_to_promote({**doc, "capacity": None}, NOW) == "c"
    assert registering.next_to_promote({**doc, "capacity": 3}, doc["starts_at"]) is None
    assert registering.next_to_promote({**doc, "capacity": 3, "status": "cancelled"}, NOW) is None
    assert registering.position(doc, "d") == 2 and registering.position(doc, "a") is None


@pytest.mark.parametrize("status, held, wanted", [
    ("pending", "places", "confirmed"), ("pending", "waitlist", "waitlisted"), ("pending", None, None),
    ("waitlisted", "places", "confirmed"), ("confirmed", "places", None), ("attended", "places", None),
    ("confirmed", None, "cancelled"), ("waitlisted", None, "cancelled"), ("cancelled", None, None),
])
def test_a_registration_mirrors_the_places_of_its_activity(status, held, wanted):
    doc = {**activity(), "places": ["r"] if held == "places" else [], "waitlist": ["r"] if held == "waitlist" else []}
    assert registering.settled({"_id": "r", "status": status}, doc) == wanted


def test_a_reminder_has_one_id_per_registration_and_start():
    doc = activity()
    registration, _ = registering.new_registration(doc, JOSE, None, NOW)
    one, two = (registering.reminder(doc, registration) for _ in range(2))
    assert registering.event_id(one) == registering.event_id(two) is not None
    moved = registering.reminder({**doc, "starts_at": doc["starts_at"] + timedelta(days=1)}, registration)
    assert registering.event_id(moved) != registering.event_id(one)
    assert registering.event_id(registering.placements(doc, registration, NOW)[0].events[0]) is None


# -- what public events carry ---------------------------------------------------------------------

def _public_models() -> list[type[EventData]]:
    return [m for m in vars(activity_events).values()
            if isinstance(m, type) and issubclass(m, EventData) and "event_type" in vars(m) and m.public]


def test_every_public_event_carries_no_names_addresses_or_tokens():
    assert {m.event_type for m in _public_models()} == {"activity.scheduled", "activity.updated", "activity.cancelled"}
    personal = {"name", "email", "member", "token", "organiser", "address", "location_address", "note",
                "cancel_reason", "registration_id"}
    for model in _public_models():
        assert not personal & set(model.model_fields), model.event_type
    doc = activity()
    registration, token = registering.new_registration(doc, JOSE, None, NOW)
    doc = {**doc, "places": [registration["_id"]], "confirmed": 1}
    made = [domain.scheduled(doc), *domain.update(doc, {"capacity": 3}, ORGANISER, NOW).events,
            *domain.cancel(doc, "Noor Bakker is ziek", ORGANISER, NOW).events]
    assert {type(e) for e in made} == set(_public_models())
    for event in made:
        text = event.model_dump_json()
        for secret in ("José", "jose.smit", token, "Noor", "noor", "Zamenhofdreef", registration["_id"]):
            assert secret not in text, (event.event_type, secret)


def test_no_event_carries_a_token():
    doc = activity()
    registration, token = registering.new_registration(doc, JOSE, None, NOW)
    everything = [*registering.placements(doc, registration, NOW)[0].events,
                  *registering.placements(doc, registration, NOW)[1].events,
                  *registering.promoted(doc, registration, NOW),
                  registering.departed(doc, registration, NOW, "places"), registering.reminder(doc, registration)]
    for event in everything:
        assert token not in event.model_dump_json() and registration["token_hash"] not in event.model_dump_json()
