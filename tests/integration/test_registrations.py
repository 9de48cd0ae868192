"""Registrations against two running replicas of the events service (real broker, real database),
called over real RPC at the same moment: capacity holds, the waitlist keeps arrival order, and
every promotion happens exactly once; what a process that died half-way left undone is finished."""
import csv
import io
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pymongo
import pytest
from activities import registering
from activities.events import RegistrationCancelled, RegistrationRequested
from activities.service import EventsService
from activities.storage import Activities, Registrations
from nameko.containers import ServiceContainer
from nameko.standalone.rpc import ClusterRpcProxy
from wijkwijzer import outbox
from wijkwijzer.cloudevents import envelope
from wijkwijzer.errors import Conflict, Forbidden, Invalid

from tests.support import EventTap, eventually

pytestmark = pytest.mark.integration

ADMIN = {"sub": "beheer", "name": "Beheer", "roles": ["admin"]}
ORGANISER = {"sub": "noor", "name": "Noor Bakker", "roles": ["organiser"], "organisation": "lpb"}
OTHER_ORGANISER = {"sub": "kees", "name": "Kees de Vries", "roles": ["organiser"], "organisation": "ccv"}
NAMES = ["Fatima El Idrissi", "José Smit-Öztürk", "Daan de Jong", "Eline van der Berg", "Mohamed Bouzid",
         "Anouk Visser", "Sven Jansen", "Aïcha Benali", "Joris Mulder", "Chantal Ramdin"]


@pytest.fixture(scope="module")
def replicas(config):
    """Two replicas of the events service on one database and one broker vhost."""
    config = {**config, "OUTBOX_RELAY_INTERVAL": 0.3, "EVENT_RETRY_DELAY_MS": 100, "REMINDER_INTERVAL": 3600,
              "max_workers": 20}
    containers = [ServiceContainer(EventsService, dict(config)) for _ in range(2)]
    for container in containers:
        container.start()
    yield containers
    for container in containers:
        container.stop()


@pytest.fixture(scope="module")
def rpc(config, replicas):
    with ClusterRpcProxy({"AMQP_URI": config["AMQP_URI"]}, timeout=30) as proxy:
        yield proxy.events


@pytest.fixture(scope="module")
def db(config):
    with pymongo.MongoClient(config["MONGODB_URI"], tz_aware=True) as client:
        yield client[config["MONGODB_DATABASE"]]


def activity(rpc, capacity=10, starts_in=timedelta(days=20), **fields):
    starts = datetime.now(UTC) + starts_in
    return rpc.schedule({
        "title": "Leerbijeenkomst: samen werken aan veilige buurten",
        "description": "Bewoners, wijkagenten en professionals leren van elkaars aanpak.",
        "kind": "leerbijeenkomst", "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(), "topics": ["veiligheid"],
        "organisation": "lpb", "capacity": capacity,
        "location": {"name": "Wijkcentrum De Leeuw", "address": "Amstelstraat 4", "municipality": "Utrecht"},
        **fields}, ORGANISER)


def person(i: int) -> dict:
    name = f"{NAMES[i % len(NAMES)]} {i}"
    return {"name": name, "email": f"deelnemer.{i}@voorbeeld.nl"}


def own(config, method, *args):
    """A call over an RPC connection of its own (a proxy serves one caller at a time)."""
    def call():
        with ClusterRpcProxy({"AMQP_URI": config["AMQP_URI"]}, timeout=30) as proxy:
            return getattr(proxy.events, method)(*args)
    return call


def at_once(calls):
    """Run the calls at the same moment, each over its own RPC connection (so the broker
    hands them to both replicas side by side); returns each result or exception, in order."""
    def run(call):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 (returned to the test)
            return exc
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_fifty_at_once_for_ten_places_then_cancellations_and_more_capacity(rpc, config, db):
    promoted_tap = EventTap(config["AMQP_URI"], "events", "registration.promoted")
    event = activity(rpc, capacity=10)

    answers = at_once([own(config, "register", event["id"], person(i)) for i in range(50)])
    assert not [a for a in answers if isinstance(a, Exception)], answers
    confirmed = [a for a in answers if a["status"] == "confirmed"]
    waitlisted = [a for a in answers if a["status"] == "waitlisted"]
    assert (len(confirmed), len(waitlisted)) == (10, 40)
    assert all(a["token"] for a in answers) and len({a["token"] for a in answers}) == 50

    # arrival order: the first ten to arrive hold the places, the rest wait in the order they came
    assert sorted(a["arrival"] for a in confirmed) == list(range(1, 11))
    waiting = sorted(waitlisted, key=lambda a: a["arrival"])
    assert [a["arrival"] for a in waiting] == list(range(11, 51))
    assert [rpc.registration(event["id"], a["id"], a["token"])["position"] for a in waiting] == list(range(1, 41))
    stored = Activities(db).find(event["id"])
    assert (stored["confirmed"], len(stored["places"]), stored["waiting"]) == (10, 10, 40)
    assert stored["waitlist"] == [a["id"] for a in waiting]
    shown = rpc.get(event["id"])
    assert (shown["places_left"], shown["waitlisted"]) == (0, 40)

    # three cancel at once: exactly the next three get their places, each once
    leaving = confirmed[:3]
    results = at_once([own(config, "cancel_registration", event["id"], a["id"], a["token"]) for a in leaving])
    assert [r["status"] for r in results] == ["cancelled"] * 3
    first_three = {a["id"] for a in waiting[:3]}
    eventually(lambda: {r["id"] for r in _listed(rpc, event["id"], "confirmed")} >= first_three,
               what="the first three on the waitlist to be confirmed")
    stored = Activities(db).find(event["id"])
    assert stored["confirmed"] == 10 and stored["waitlist"] == [a["id"] for a in waiting[3:]]
    assert set(stored["places"]) == ({a["id"] for a in confirmed[3:]} | first_three)

    # two more places: the next two
    rpc.update(event["id"], {"capacity": 12}, ORGANISER)
    next_two = {a["id"] for a in waiting[3:5]}
    eventually(lambda: {r["id"] for r in _listed(rpc, event["id"], "confirmed")} >= next_two,
               what="the next two on the waitlist to be confirmed")
    stored = Activities(db).find(event["id"])
    assert (stored["confirmed"], stored["waiting"]) == (12, 35)
    assert rpc.registration(event["id"], waiting[5]["id"], waiting[5]["token"])["position"] == 1

    eventually(lambda: len(promoted_tap.events()) >= 5, what="5 promotions")
    ids = [e["data"]["registration_id"] for e in promoted_tap.events() if e["data"]["activity_id"] == event["id"]]
    assert sorted(ids) == sorted(first_three | next_two), "each promoted once, nobody else"
    promoted_tap.close()

    # what the registrations say matches who holds the places
    statuses = {r["id"]: r["status"] for r in _listed(rpc, event["id"])}
    assert sum(s == "confirmed" for s in statuses.values()) == 12
    assert sum(s == "waitlisted" for s in statuses.values()) == 35
    assert sum(s == "cancelled" for s in statuses.values()) == 3


def _listed(rpc, activity_id, *statuses):
    items, cursor = [], None
    while True:
        page = rpc.registrations(activity_id, ADMIN, list(statuses) or None, 100, cursor)
        items += page["items"]
        if not (cursor := page["next_cursor"]):
            return items


def test_one_registration_per_address_members_and_tokens(rpc):
    event = activity(rpc, capacity=1)
    anonymous = rpc.register(event["id"], {"name": "José Smit-Öztürk", "email": "Jose.Smit@Voorbeeld.nl"})
    assert anonymous["status"] == "confirmed" and anonymous["email"] == "jose.smit@voorbeeld.nl"
    with pytest.raises(Conflict, match="al ingeschreven"):
        rpc.register(event["id"], {"name": "José", "email": "jose.smit@voorbeeld.NL"})
    member = {"sub": "fatima", "name": "Fatima El Idrissi", "email": "fatima@voorbeeld.nl", "roles": ["member"]}
    theirs = rpc.register(event["id"], {}, member)
    assert theirs["status"] == "waitlisted" and theirs["position"] == 1 and "token" not in theirs
    assert rpc.registration(event["id"], theirs["id"], None, member)["member"] is True

    # only the registrant: by token (compared in constant time) or as the member
    for token, who in ((None, None), ("x" * 43, None), (anonymous["token"], None),
                       (None, {"sub": "iemand-anders", "roles": ["member"]})):
        if token == anonymous["token"]:
            continue
        with pytest.raises(Forbidden):
            rpc.registration(event["id"], anonymous["id"], token, who)
    with pytest.raises(Forbidden):
        rpc.cancel_registration(event["id"], theirs["id"], anonymous["token"])

    # a cancelled registration frees the address, and its place goes to the member who waited
    rpc.cancel_registration(event["id"], anonymous["id"], anonymous["token"])
    assert rpc.cancel_registration(event["id"], anonymous["id"], anonymous["token"])["status"] == "cancelled"
    assert rpc.registration(event["id"], theirs["id"], None, member)["status"] == "confirmed"
    again = rpc.register(event["id"], {"name": "José Smit-Öztürk", "email": "jose.smit@voorbeeld.nl"})
    assert again["status"] == "waitlisted"

    with pytest.raises(Invalid) as bad:
        rpc.register(event["id"], {"name": "", "email": "geen-adres"})
    assert [e["field"] for e in bad.value.args[1]] == ["name", "email"]


def test_closed_registration_is_a_conflict_in_plain_dutch(rpc):
    deadline = datetime.now(UTC) + timedelta(seconds=1)
    event = activity(rpc, registration_deadline=deadline.isoformat())
    eventually(lambda: datetime.now(UTC) > deadline + timedelta(milliseconds=50), what="the deadline")
    with pytest.raises(Conflict, match=r"De inschrijving is gesloten: de deadline was \d+ \w+ \d{4} om \d\d:\d\d"):
        rpc.register(event["id"], person(1))

    cancelled = activity(rpc)
    registered = rpc.register(cancelled["id"], person(2))
    with pytest.raises(Forbidden):
        rpc.cancel(cancelled["id"], "De spreker is ziek", OTHER_ORGANISER)
    shown = rpc.cancel(cancelled["id"], "De spreker is ziek", ORGANISER)
    assert shown["status"] == "cancelled" and shown["sequence"] == 1 and shown["cancel_reason"] == "De spreker is ziek"
    assert rpc.registration(cancelled["id"], registered["id"], registered["token"])["status"] == "cancelled"
    with pytest.raises(Conflict, match="geannuleerd"):
        rpc.register(cancelled["id"], person(3))
    with pytest.raises(Conflict, match="al geannuleerd"):
        rpc.cancel(cancelled["id"], "Nog een keer", ADMIN)


def test_organisers_manage_their_own_organisations_activities_only(rpc):
    with pytest.raises(Forbidden):
        activity(rpc, organisation="ccv")   # Noor organises for lpb
    event = activity(rpc, capacity=2)
    with pytest.raises(Forbidden):
        rpc.update(event["id"], {"title": "Anders"}, OTHER_ORGANISER)
    with pytest.raises(Forbidden):
        rpc.registrations(event["id"], OTHER_ORGANISER)
    changed = rpc.update(event["id"], {"title": "Leerbijeenkomst (nieuwe datum volgt)"}, ADMIN)
    assert (changed["version"], changed["sequence"]) == (2, 1)
    assert rpc.update(event["id"], {"title": changed["title"]}, ORGANISER)["sequence"] == 1   # no change
    with pytest.raises(Conflict, match="intussen gewijzigd"):
        rpc.update(event["id"], {"title": "Oude versie"}, ORGANISER, 1)

    for i in range(2):
        rpc.register(event["id"], person(10 + i))
    with pytest.raises(Conflict, match="De capaciteit kan niet lager dan 2"):
        rpc.update(event["id"], {"capacity": 1}, ORGANISER)
    with pytest.raises(Invalid):
        rpc.update(event["id"], {"organisation": "ccv"}, ORGANISER)


def test_attendance_and_the_csv_export(rpc):
    event = activity(rpc, capacity=1)
    there = rpc.register(event["id"], {"name": "=HYPERLINK(\"http://evil\")", "email": "a@voorbeeld.nl"})
    waiting = rpc.register(event["id"], {"name": "José Smit-Öztürk", "email": "jose@voorbeeld.nl"})
    with pytest.raises(Conflict, match="bevestigde plaats"):
        rpc.mark_attended(event["id"], waiting["id"], ORGANISER)
    with pytest.raises(Forbidden):
        rpc.mark_attended(event["id"], there["id"], OTHER_ORGANISER)
    assert rpc.mark_attended(event["id"], there["id"], ORGANISER)["status"] == "attended"
    assert rpc.mark_attended(event["id"], there["id"], ORGANISER)["status"] == "attended"
    with pytest.raises(Conflict, match="aanwezigheid"):
        rpc.cancel_registration(event["id"], there["id"], there["token"])

    text = rpc.registrations_csv(event["id"], ORGANISER)
    assert text.startswith("\ufeffNaam;E-mailadres;Status;Plaats op wachtlijst")
    assert text.count("\r\n") == 3 and text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[1][:5] == ["'=HYPERLINK(\"http://evil\")", "a@voorbeeld.nl", "aanwezig", "", "1"]   # text, not a formula
    assert rows[2][:5] == ["José Smit-Öztürk", "jose@voorbeeld.nl", "wachtlijst", "1", "2"]


def test_a_registration_whose_request_died_is_placed_by_the_relay_and_consumer(rpc, db, config):
    """As if the process died right after storing the registration: its `registration.requested`
    event is left in the outbox, the relay publishes it, and a replica places it."""
    event = activity(rpc, capacity=5)
    stored = Activities(db).find(event["id"])
    doc, _ = registering.new_registration(stored, person(30), None, datetime.now(UTC))
    requested = envelope("events", RegistrationRequested(registration_id=doc["_id"], activity_id=event["id"]),
                         subject=doc["_id"])
    db[outbox.PENDING].insert_one({"_id": f"registrations/{doc['_id']}", "collection": "registrations",
                                   "doc_id": doc["_id"], "token": "died", "due": datetime.now(UTC)})
    Registrations(db).insert(doc, [requested])
    placed = eventually(lambda: (Registrations(db).get(doc["_id"]) or {}).get("status") == "confirmed",
                        what="the relay and the consumer to place the registration")
    assert placed and Activities(db).find(event["id"])["places"] == [doc["_id"]]


def test_a_place_freed_by_a_process_that_died_before_promoting_is_promoted(rpc, db):
    """As if the process died right after the cancellation's write: the place is free and the
    first on the waitlist has not been promoted. The service's consumer of its own
    `registration.cancelled` promotes them."""
    event = activity(rpc, capacity=1)
    holder = rpc.register(event["id"], person(40))
    first, second = (rpc.register(event["id"], person(41 + i)) for i in range(2))
    stored = Activities(db).find(event["id"])
    leaving = Registrations(db).get(holder["id"])
    cancelled = envelope("events", registering.departed(stored, leaving, datetime.now(UTC), "places"),
                         subject=holder["id"])
    db[outbox.PENDING].insert_one({"_id": f"activities/{event['id']}", "collection": "activities",
                                   "doc_id": event["id"], "token": "died", "due": datetime.now(UTC)})
    assert Activities(db).leave(stored, holder["id"], "places", [cancelled])
    eventually(lambda: rpc.registration(event["id"], first["id"], first["token"])["status"] == "confirmed",
               what="the first on the waitlist to be promoted")
    assert rpc.registration(event["id"], holder["id"], holder["token"])["status"] == "cancelled"
    assert rpc.registration(event["id"], second["id"], second["token"])["position"] == 1
    assert isinstance(cancelled.data, RegistrationCancelled)


def test_ids_that_are_not_ours_are_not_found(rpc):
    from wijkwijzer.errors import NotFound

    event = activity(rpc)
    for unknown in (uuid.uuid4().hex, "../../etc", {"$ne": None}, None):
        with pytest.raises(NotFound):
            rpc.registration(event["id"], unknown, "token")


def test_an_activity_stored_before_registrations_existed_takes_registrations(rpc, db):
    event = activity(rpc, capacity=1)
    legacy = db.activities.find_one({"_id": event["id"]})
    for field in ("places", "waitlist", "confirmed", "waiting", "arrivals", "roster", "sequence",
                  "registration_deadline", "reminded_for"):
        legacy.pop(field)
    legacy["_id"] = uuid.uuid4().hex
    legacy["idempotency_key"] = legacy["_id"]
    db.activities.insert_one(legacy)
    assert rpc.get(legacy["_id"])["sequence"] == 0
    assert rpc.register(legacy["_id"], person(50))["status"] == "confirmed"
    assert rpc.register(legacy["_id"], person(51))["status"] == "waitlisted"


def test_a_registration_whose_activity_closed_before_its_place_is_cancelled(rpc, db):
    """The activity is cancelled between a registration's check and its place: the registration
    gets no place and is cancelled, so its address is free and nothing waits for it."""
    from activities.places import Places

    event = activity(rpc, capacity=3)
    doc, _ = registering.new_registration(Activities(db).find(event["id"]), person(60), None, datetime.now(UTC))
    Registrations(db).insert(doc, [])
    rpc.cancel(event["id"], "De zaal is dicht", ORGANISER)
    with pytest.raises(Conflict, match="geannuleerd"):
        Places(db, outbox=None, wrap=None).place(doc, datetime.now(UTC))   # fails before any write
    assert Registrations(db).get(doc["_id"])["status"] == "cancelled"
    assert Activities(db).find(event["id"])["places"] == []


def test_the_same_call_delivered_again_finishes_its_registration_with_a_new_token(rpc, db):
    """The broker delivers a call again when the process that took it died: the second delivery
    finds the registration the first stored (pending, or placed) and answers it, with a token that
    replaces the one whose answer never left. Another call for the address is still a 409."""
    event = activity(rpc, capacity=5)
    first = rpc.register(event["id"], person(70), None, "attempt-1")
    again = rpc.register(event["id"], person(70), None, "attempt-1")
    assert again["id"] == first["id"] and again["status"] == "confirmed" and again["token"] != first["token"]
    assert rpc.registration(event["id"], first["id"], again["token"])["status"] == "confirmed"
    with pytest.raises(Forbidden):
        rpc.registration(event["id"], first["id"], first["token"])
    with pytest.raises(Conflict, match="al ingeschreven"):
        rpc.register(event["id"], person(70), None, "attempt-2")

    # the first delivery died right after storing it: the second places it
    doc, _ = registering.new_registration(Activities(db).find(event["id"]), person(71), None, datetime.now(UTC),
                                          "attempt-3")
    Registrations(db).insert(doc, [])
    placed = rpc.register(event["id"], person(71), None, "attempt-3")
    assert (placed["id"], placed["status"]) == (doc["_id"], "confirmed")
    assert Activities(db).find(event["id"])["confirmed"] == 2


def test_a_registration_placed_by_a_process_that_died_before_mirroring_it_gets_a_number(rpc, db):
    """As if the process died right after the activity's write: the activity holds the
    registration, its document still says pending and has no arrival number. The call delivered
    again mirrors it with the next number, so the organisers' list (in arrival order) shows it."""
    event = activity(rpc, capacity=5)
    before = rpc.register(event["id"], person(80))
    doc, _ = registering.new_registration(Activities(db).find(event["id"]), person(81), None, datetime.now(UTC),
                                          "attempt-81")
    Registrations(db).insert(doc, [])
    stored = Activities(db).find(event["id"])
    assert Activities(db).place(stored, doc["_id"], registering.FREE, [])
    after = rpc.register(event["id"], person(82))
    again = rpc.register(event["id"], person(81), None, "attempt-81")
    assert (again["id"], again["status"]) == (doc["_id"], "confirmed")
    assert again["arrival"] > after["arrival"] > before["arrival"]
    listed = rpc.registrations(event["id"], ORGANISER, None, 2, None)
    rest = rpc.registrations(event["id"], ORGANISER, None, 2, listed["next_cursor"])
    assert [r["id"] for r in listed["items"] + rest["items"]] == [before["id"], after["id"], doc["_id"]]
