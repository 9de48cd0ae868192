"""Reminders 24 hours before the start, with two replicas of the events service sweeping and a
restart in between: each confirmed registrant's `activity.reminder_due` once, nobody else's."""
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from activities.reminders import COLLECTION
from activities.service import EventsService
from nameko.standalone.rpc import ClusterRpcProxy

from tests.support import EventTap, Replicas, eventually

pytestmark = pytest.mark.integration

NOOR = {"sub": "noor", "name": "Noor Bakker", "roles": ["organiser"], "organisation": "lpb"}
PEOPLE = [("Fatima El Idrissi", "fatima"), ("José Smit-Öztürk", "jose"), ("Daan de Jong", "daan"),
          ("Aïcha Benali", "aicha"), ("Sven Jansen", "sven")]


@pytest.fixture
def replicas(service_config):
    """`start()` runs one more replica; `stop(replica)` stops one; all are stopped at the end."""
    config = {**service_config, "REMINDER_INTERVAL": 0.3, "OUTBOX_RELAY_INTERVAL": 0.3, "EVENT_RETRY_DELAY_MS": 100}
    replicas = Replicas(EventsService, config)
    yield replicas
    replicas.stop_all()


def activity_due_in(rpc, seconds: float, capacity: int) -> dict:
    """An activity whose reminders fall due `seconds` from now (it starts 24 hours after that)."""
    starts = datetime.now(UTC) + timedelta(hours=24, seconds=seconds)
    return rpc.events.schedule({
        "title": "Intervisie wijkprofessionals", "description": "Casussen uit de wijk bespreken.",
        "kind": "intervisie", "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "capacity": capacity, "location": {"name": "Wijkcentrum Noord", "address": "Dorpsstraat 12",
                                           "municipality": "Leeuwarden"}}, NOOR)


def register(rpc, activity: dict, people) -> list[dict]:
    return [rpc.events.register(activity["id"], {"name": name, "email": f"{mail}@voorbeeld.nl"})
            for name, mail in people]


def test_each_confirmed_registrant_is_reminded_once_across_replicas_and_a_restart(replicas, service_config):
    first, second = replicas.start(), replicas.start()
    tap = EventTap(service_config["AMQP_URI"], "events", "activity.reminder_due")
    with ClusterRpcProxy({"AMQP_URI": service_config["AMQP_URI"]}, timeout=30) as rpc:
        soon = activity_due_in(rpc, 5, capacity=3)
        registered = register(rpc, soon, PEOPLE[:4])
        confirmed = [r for r in registered if r["status"] == "confirmed"]
        assert len(confirmed) == 3

        replicas.stop(first)     # a restart before the reminders fall due
        third = replicas.start()

        def reminded(activity_id):
            return [e for e in tap.events() if e["data"]["activity_id"] == activity_id]

        eventually(lambda: len(reminded(soon["id"])) >= 3, timeout=30, what="three reminders")
        events = reminded(soon["id"])
        assert sorted(e["data"]["registration_id"] for e in events) == sorted(r["id"] for r in confirmed)
        assert {e["data"]["email"] for e in events} == {"fatima@voorbeeld.nl", "jose@voorbeeld.nl",
                                                        "daan@voorbeeld.nl"}
        assert events[0]["subject"] == soon["id"] and events[0]["data"]["location_name"] == "Wijkcentrum Noord"

        # a place that frees up after the reminders went out: the promoted registrant is told at once
        rpc.events.cancel_registration(soon["id"], confirmed[0]["id"], confirmed[0]["token"])
        eventually(lambda: len(reminded(soon["id"])) >= 4, timeout=15, what="the promoted registrant's reminder")

        # both replicas restart; a second activity falls due after that
        replicas.stop(second)
        replicas.stop(third)
        replicas.start()
        replicas.start()
        later = activity_due_in(rpc, 3, capacity=5)
        register(rpc, later, PEOPLE[3:])
        eventually(lambda: len(reminded(later["id"])) >= 2, timeout=30, what="the second activity's reminders")
        eventually(lambda: _swept_past(service_config), timeout=10, what="the sweeps to move on")

    per_registration = Counter(e["data"]["registration_id"] for e in tap.events())
    assert len(per_registration) == 6 and set(per_registration.values()) == {1}, per_registration
    assert len({e["id"] for e in tap.events()}) == 6
    tap.close()


def _swept_past(config) -> bool:
    """The reminder calendar holds nothing that is due: every sweep after this one reads a document
    or two and finds nothing to send (what the test above has seen would stay the same)."""
    import pymongo

    with pymongo.MongoClient(config["MONGODB_URI"]) as client:
        hours = client[config["MONGODB_DATABASE"]][COLLECTION]
        return all(not doc.get("activities") for doc in hours.find({"_id": {"$ne": "swept"}}))
