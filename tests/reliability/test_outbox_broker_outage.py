"""No event lost between the database and the broker (events.md), with the real broker down,
and the outbox relay safe with N replicas (one claims the work at a time, nothing goes out twice)."""
import time
from datetime import UTC, datetime, timedelta

import pytest
from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange
from notifications.service import NotificationsService
from publications.events import PublicationSubmitted
from publications.service import PublicationsService
from wijkwijzer import claims, outbox
from wijkwijzer.cloudevents import envelope

from tests.reliability.harness import call
from tests.support import Broker, amqp_answers, eventually

pytestmark = pytest.mark.reliability

AUTHOR = {"sub": "u-anna", "name": "Anna de Vries", "roles": ["member"]}
DRAFT = {"title": "Buurtpreventie in de Schilderswijk", "summary": "Wat werkt",
         "kind": "praktijkvoorbeeld", "topics": ["veiligheid"]}
OBSERVER = "reliability-observer"


@pytest.fixture
def broker(own_rabbit):
    """The tests of this module stop the broker: their vhost is on a RabbitMQ node of their own."""
    broker = Broker(own_rabbit.infra, "wijkwijzer-outbox")
    broker.create()
    yield broker
    broker.delete()


def observe_submitted(broker, config: dict) -> None:
    """A durable queue of our own bound to publications.events, as a partner would have."""
    queue = Queue(OBSERVER, exchange=get_event_exchange("publications", config),
                  routing_key="publication.submitted", durable=True)
    with Connection(broker.amqp_uri) as connection:
        queue(connection.channel()).declare()


def test_a_submit_while_the_broker_is_down_is_published_when_it_is_back(
        containers, service_config, db, broker, own_rabbit):
    observe_submitted(broker, service_config)
    publications = containers(PublicationsService)
    notifications = containers(NotificationsService)

    with own_rabbit.stopped():
        assert not amqp_answers(broker.amqp_uri), "the broker is really down"
        draft = call(publications, "create_draft", DRAFT, AUTHOR)
        submitted = call(publications, "submit", draft["id"], AUTHOR)
        assert submitted["status"] == "submitted", "the write is accepted without the broker"
        stored = db.publications.find_one({"_id": draft["id"]})["outbox"]
        assert [entry["routing_key"] for entry in stored] == ["publication.changed", "publication.submitted",
                                                              "publication.changed"]
        pending = [entry for entry in stored if entry["routing_key"] == "publication.submitted"]
        assert db[outbox.PENDING].find_one({"_id": f"publications/{draft['id']}"}), "marked for the relay"

    # The writer's grace (outbox.WRITER_GRACE) passes, then a relay sweep publishes it.
    grace = outbox.WRITER_GRACE.total_seconds()
    log = eventually(lambda: call(notifications, "event_log", draft["id"]), timeout=grace + 30,
                     what="the event at notifications")
    assert [entry["event_id"] for entry in log] == [pending[0]["id"]]
    eventually(lambda: db.publications.find_one({"_id": draft["id"]})["outbox"] == [],
               what="the outbox emptied after the confirm")
    eventually(lambda: db[outbox.PENDING].count_documents({}) == 0, what="the relay's marks cleared")
    received = broker.drain(OBSERVER)
    assert {body["id"] for body in received} == {pending[0]["id"]}, "a partner's queue got it too"


def left_behind(number: int, now: datetime) -> tuple[dict, dict]:
    """A submitted publication whose writer died before publishing, and the mark it left for the
    relay, long due."""
    doc_id = f"left-behind-{number}"
    event = envelope("publications", PublicationSubmitted(
        id=doc_id, slug=doc_id, title=f"Left behind {number}", kind="praktijkvoorbeeld",
        topics=["veiligheid"], audiences=[], focus_areas=[], organisation=None, submitted_at=now,
    ), subject=doc_id)
    return ({"_id": doc_id, "slug": doc_id, "status": "submitted", "version": 2, **outbox.fields([event])},
            {"_id": f"publications/{doc_id}", "collection": "publications", "doc_id": doc_id, "token": "dead",
             "due": now - timedelta(minutes=5)})


def test_two_relays_publish_each_left_behind_event_once(containers, service_config, db, broker):
    """Both replicas sweep; one at a time holds the relay's claim, so nothing goes out twice and
    nothing is left behind: no mark, no claim."""
    observe_submitted(broker, service_config)
    relays = [containers(PublicationsService) for _ in range(2)]  # two replicas, one database
    assert all(r.config["OUTBOX_RELAY_INTERVAL"] == 0.5 for r in relays)

    now = datetime.now(UTC)
    docs, marks = zip(*[left_behind(n, now) for n in range(20)], strict=True)  # many: both sweeps overlap
    db.publications.insert_many(docs)
    db[outbox.PENDING].insert_many(marks)
    expected = {doc["outbox"][0]["id"] for doc in docs}

    eventually(lambda: db.publications.count_documents({"outbox.0": {"$exists": True}}) == 0,
               what="every outbox emptied")
    time.sleep(4 * 0.5)  # a few more relay sweeps of both replicas: nothing may be published again
    received = [body["id"] for body in broker.drain(OBSERVER)]
    assert sorted(received) == sorted(expected), "each left-behind event published exactly once"
    assert db[outbox.PENDING].count_documents({}) == 0
    eventually(lambda: db[claims.COLLECTION].count_documents({}) == 0, what="no claim left behind")
