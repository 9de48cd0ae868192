"""Queues exist before producers publish (events.md): the deploy step
`python -m wijkwijzer.topology` declares every consumer's durable queues on a fresh broker,
so an event published before any consumer ever ran waits for it instead of being dropped."""
from datetime import UTC, datetime

import pytest
from nameko.standalone.events import event_dispatcher
from notifications.service import NotificationsService
from publications.events import PublicationSubmitted
from wijkwijzer.amqp import DEAD_LETTER_QUEUE
from wijkwijzer.cloudevents import envelope

from tests.reliability.harness import call, run_module
from tests.support import eventually

pytestmark = pytest.mark.reliability

QUEUE = "evt-publications-publication.submitted--notifications.on_publication_submitted"


def test_the_deploy_step_declares_queues_that_keep_events_until_the_consumer_starts(
        containers, service_config, broker):
    assert broker.queue(QUEUE) is None, "a fresh vhost"
    done = run_module("wijkwijzer.topology", "publications.service:PublicationsService",
                      "notifications.service:NotificationsService", amqp_uri=broker.amqp_uri)
    assert f"declared queue {QUEUE}" in done.stdout

    queue = broker.queue(QUEUE)
    assert queue["durable"] and not queue["auto_delete"]
    assert {(b["source"], b["routing_key"]) for b in broker.bindings(QUEUE)} >= {
        ("publications.events", "publication.submitted")}
    # one retry queue per delay (EVENT_MAX_RETRIES 3, EVENT_RETRY_DELAY_MS 1000 by default), each
    # with the delay as its TTL and the consumer queue as where expired messages go
    for delay in (1000, 2000, 4000):
        retry = broker.queue(f"{QUEUE}.retry.{delay}ms")
        assert retry["durable"] and f"declared queue {QUEUE}.retry.{delay}ms" in done.stdout
        assert retry["arguments"] == {"x-message-ttl": delay, "x-dead-letter-exchange": "",
                                      "x-dead-letter-routing-key": QUEUE}
    assert broker.queue(f"{QUEUE}.retry") is None, "the single retry queue of older versions is not made"
    assert broker.queue(DEAD_LETTER_QUEUE)["durable"]
    exchange = broker.exchange("publications.events")
    assert exchange["type"] == "topic" and exchange["durable"] and not exchange["auto_delete"]

    # published before any service ever ran on this broker
    now = datetime.now(UTC)
    event = envelope("publications", PublicationSubmitted(
        id="pub-early", slug="pub-early", title="Vroege vogels", kind="praktijkvoorbeeld",
        topics=["veiligheid"], audiences=[], focus_areas=[], organisation=None, submitted_at=now,
    ), subject="pub-early")
    event_dispatcher(service_config)("publications", event.routing_key, event.model_dump(mode="json"))
    eventually(lambda: broker.depth(QUEUE) == (1, 0), what="the event waiting in the queue")

    notifications = containers(NotificationsService)
    log = eventually(lambda: call(notifications, "event_log", "pub-early"), what="the event handled")
    assert [entry["event_id"] for entry in log] == [event.id]
