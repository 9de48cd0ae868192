"""The events service in a nameko container against the real broker and database."""
import uuid
from datetime import UTC, datetime, timedelta

import pymongo
import pytest
from activities.service import EventsService
from kombu import Connection, Exchange, Queue
from nameko.containers import ServiceContainer
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_hook
from wijkwijzer.errors import Invalid, NotFound

from tests.support import eventually

pytestmark = pytest.mark.integration

ORGANISER = {"sub": "u-organiser", "name": "Fatima el Amrani", "roles": ["organiser"], "organisation": "lpb"}
FIELDS = {
    "title": "Werkbezoek Overvecht: samen de buurtagenda maken",
    "description": "Een middag met bewoners en de gemeente over de buurtagenda.",
    "kind": "werkbezoek",
    "starts_at": "2030-05-12T13:30:00+02:00",
    "ends_at": "2030-05-12T17:00:00+02:00",
    "topics": ["buurtagenda"],
    "focus_areas": ["utrecht-overvecht"],
    "organisation": "lpb",
    "capacity": 25,
    "location": {"name": "Buurthuis De Boog", "address": "Zamenhofdreef 1", "municipality": "Utrecht"},
}


@pytest.fixture(scope="module")
def events(config):
    """One running service for the whole module: starting one takes most of a test's time."""
    container = ServiceContainer(EventsService, dict(config))
    container.start()
    yield container
    container.stop()


@pytest.fixture(scope="module")
def activities(config):
    with pymongo.MongoClient(config["MONGODB_URI"]) as client:
        yield client[config["MONGODB_DATABASE"]].activities


@pytest.fixture
def published(config):
    """A queue of our own bound to the service's events exchange, as a partner would bind one;
    yields a function that waits for the next `activity.*` message and returns its body."""
    with Connection(config["AMQP_URI"]) as connection:
        exchange = Exchange("events.events", type="topic", durable=True)
        queue = Queue(f"test-activities-{uuid.uuid4().hex[:8]}", exchange, routing_key="activity.*",
                      exclusive=True, auto_delete=True)(connection.channel())
        queue.declare()

        def next_event() -> dict:
            return eventually(lambda: queue.get(no_ack=True), timeout=10, what="an activity event").payload

        yield next_event


def call(container, method, *args, context=None):
    with entrypoint_hook(container, method, context_data=context) as hook:
        return hook(*args)


def test_a_scheduled_activity_is_announced_on_the_broker(events, published, activities):
    activity = call(events, "schedule", FIELDS, ORGANISER, None, context={"correlation_id": "req-42"})
    assert activity["status"] == "scheduled"
    assert activity["starts_at"] == "2030-05-12T13:30:00+02:00"  # stored in UTC, shown on the Dutch clock
    assert activity["organiser"] == {"sub": "u-organiser", "name": "Fatima el Amrani"}
    assert "outbox" not in activity and "idempotency_key" not in activity

    event = published()
    assert (event["type"], event["source"], event["subject"]) == (
        "nl.wijkwijzer.activity.scheduled", "/wijkwijzer/events", activity["id"])
    assert event["correlationid"] == "req-42"
    assert event["data"] == {
        "id": activity["id"], "title": FIELDS["title"], "kind": "werkbezoek",
        "starts_at": "2030-05-12T11:30:00Z", "ends_at": "2030-05-12T15:00:00Z",
        "location_name": "Buurthuis De Boog", "online": False,
        "topics": ["buurtagenda"], "focus_areas": ["utrecht-overvecht"],
        "organisation": "lpb", "capacity": 25,
    }
    assert activities.find_one({"_id": activity["id"]})["outbox"] == [], "confirmed events are cleared"


def test_a_repeated_request_creates_nothing_new(events, published, activities):
    key = f"form-{uuid.uuid4().hex}"
    first = call(events, "schedule", FIELDS, ORGANISER, key)
    assert published()["subject"] == first["id"]

    again = call(events, "schedule", {**FIELDS, "title": "Dubbel verstuurd"}, ORGANISER, key)
    assert again == first
    assert activities.count_documents({"idempotency_key": key}) == 1

    # another organiser's key is their own
    other = call(events, "schedule", FIELDS, {"sub": "u-other", "name": "Joost", "roles": ["admin"]}, key)
    assert other["id"] != first["id"]
    # events of one publisher arrive in order: the next one is the other organiser's, not a repeat
    assert published()["subject"] == other["id"]

    # without a key every request is a new activity
    one, two = (call(events, "schedule", FIELDS, ORGANISER) for _ in range(2))
    assert one["id"] != two["id"]


def test_upcoming_lists_future_activities_soonest_first(events):
    now = datetime.now(UTC)

    def at(days: float) -> dict:
        start = now + timedelta(days=days)
        fields = {**FIELDS, "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()}
        return call(events, "schedule", fields, ORGANISER)

    later, past, soon, middle = at(9), at(-1), at(1), at(4)
    ours = {later["id"], past["id"], soon["id"], middle["id"]}

    upcoming = call(events, "upcoming", 100)["items"]
    assert [a["id"] for a in upcoming if a["id"] in ours] == [soon["id"], middle["id"], later["id"]]
    starts = [datetime.fromisoformat(a["starts_at"]) for a in upcoming]
    assert starts == sorted(starts) and all(start >= now for start in starts)
    assert call(events, "upcoming", 1)["items"] == upcoming[:1]
    with pytest.raises(Invalid) as bad:
        call(events, "upcoming", 0)
    assert bad.value.args[1][0]["field"] == "limit"


def test_pages_have_no_duplicates_or_gaps_while_activities_are_added(events):
    start = datetime.now(UTC) + timedelta(days=30)
    same_time = {**FIELDS, "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}
    ours = [call(events, "schedule", same_time, ORGANISER)["id"] for _ in range(5)]   # ties on starts_at
    seen, cursor = [], None
    while True:
        page = call(events, "upcoming", 2, cursor)
        seen += [a["id"] for a in page["items"]]
        if len(seen) == 2:   # an activity added before the current position appears nowhere later
            call(events, "schedule", {**FIELDS, "starts_at": datetime.now(UTC).isoformat(),
                                      "ends_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()},
                 ORGANISER)
        if not (cursor := page["next_cursor"]):
            break
    assert len(seen) == len(set(seen))
    assert [i for i in seen if i in ours] == sorted(ours)
    with pytest.raises(Invalid) as bad:
        call(events, "upcoming", 2, "not-a-cursor")
    assert bad.value.args[1][0]["field"] == "cursor"


def test_get_finds_an_activity_and_nothing_else(events):
    activity = call(events, "schedule", FIELDS, ORGANISER)
    assert call(events, "get", activity["id"]) == activity
    for unknown in (uuid.uuid4().hex, "not-an-id", {"$ne": None}, None):
        with pytest.raises(NotFound):
            call(events, "get", unknown)


def test_an_invalid_activity_is_refused_and_not_stored(events, activities):
    before = activities.count_documents({})
    with pytest.raises(Invalid) as bad:
        call(events, "schedule", {**FIELDS, "kind": "borrel", "capacity": 0}, ORGANISER)
    assert [e["field"] for e in bad.value.args[1]] == ["kind", "capacity"]
    assert activities.count_documents({}) == before


def test_over_real_rpc_times_are_strings_and_errors_keep_their_type(events, config):
    with ClusterRpcProxy({"AMQP_URI": config["AMQP_URI"]}, timeout=10) as rpc:
        activity = rpc.events.schedule(FIELDS, ORGANISER)
        assert rpc.events.get(activity["id"])["ends_at"] == "2030-05-12T17:00:00+02:00"
        with pytest.raises(Invalid) as bad:
            rpc.events.schedule({**FIELDS, "starts_at": "2030-05-12T13:30:00"}, ORGANISER)
        assert bad.value.args[1] == [{"field": "starts_at", "message": "Input should have timezone info"}]
        with pytest.raises(NotFound):
            rpc.events.get(uuid.uuid4().hex)


def test_ping_reports_the_database(events):
    assert call(events, "ping") == {"service": "events", "status": "ok", "problems": []}
