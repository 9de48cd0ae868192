"""Every service process serves /healthz, /readyz and /metrics on its ops port (wijkwijzer.ops):
the numbers move by what the service really did, on the real broker and database."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pymongo
import pytest
import requests
from kombu import Connection
from nameko.containers import ServiceContainer
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_hook
from publications.service import PublicationsService
from wijkwijzer import outbox
from wijkwijzer.cloudevents import EventData, envelope
from wijkwijzer.consumer import event_consumer
from wijkwijzer.errors import NotFound
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.ops import Operations
from wijkwijzer.ping import Health
from wijkwijzer.rpc import rpc

from tests.support import eventually, sample, scrape

pytestmark = pytest.mark.integration

AUTHOR = {"sub": "u-anna", "name": "Anna de Vries", "roles": ["member"]}
DRAFT = {"title": "Buurtpreventie in de Schilderswijk", "summary": "Wat werkt", "kind": "praktijkvoorbeeld",
         "topics": ["veiligheid"]}


class LampFixed(EventData):
    event_type = "lamp.fixed"

    street: str


class Repairs:
    """A service with one event handler that fails for one street, to see retries and dead letters."""

    name = "ops_repairs"
    db = MongoDatabase()
    health = Health("repairs")
    ops = Operations()

    @rpc(expected_exceptions=NotFound)
    def street(self, name: str) -> dict:
        if name == "nowhere":
            raise NotFound("no such street")
        return {"street": name}

    @event_consumer("ops-source", "lamp.fixed")
    def on_lamp_fixed(self, event: dict) -> None:
        if event["data"]["street"] == "Broken Lane":
            raise RuntimeError("the repair log is unreadable")
        self.db.repairs.insert_one({"_id": event["id"], "street": event["data"]["street"]})


def ops_of(container) -> str:
    return next(d for d in container.dependencies if isinstance(d, Operations)).address


@pytest.fixture
def repairs(service_config):
    config = {**service_config, "EVENT_MAX_RETRIES": 1, "EVENT_RETRY_DELAY_MS": 100}
    container = ServiceContainer(Repairs, config)
    container.start()
    yield container, config
    container.stop()


def publish(config: dict, street: str, event_id: str | None = None) -> str:
    event = envelope("ops-source", LampFixed(street=street), subject=street, event_id=event_id)
    event_dispatcher(config)("ops-source", event.routing_key, event.model_dump(mode="json"))
    return event.id


def runs(samples, outcome: str) -> float:
    return sample(samples, "wijkwijzer_event_handler_runs_total", service="ops_repairs", handler="on_lamp_fixed",
                  outcome=outcome)


def test_rpc_calls_and_handled_retried_dead_lettered_and_duplicate_events_are_counted(repairs):
    container, config = repairs
    ops = ops_of(container)
    before = scrape(ops)

    with entrypoint_hook(container, "street") as street:
        assert street("Dorpsstraat") == {"street": "Dorpsstraat"}
        assert street("Kerkweg") == {"street": "Kerkweg"}
        with pytest.raises(NotFound):
            street("nowhere")
    fixed = publish(config, "Dorpsstraat")
    eventually(lambda: runs(scrape(ops), "success") == runs(before, "success") + 1, what="the handled event")
    publish(config, "Dorpsstraat", event_id=fixed)   # the same event again: the ledger skips it
    publish(config, "Broken Lane")                    # fails, is retried once, then dead-lettered
    after = eventually(lambda: (s := scrape(ops)) and runs(s, "dead-letter") == runs(before, "dead-letter") + 1
                       and runs(s, "duplicate-skipped") == runs(before, "duplicate-skipped") + 1 and s,
                       what="the duplicate skipped and the failing event dead-lettered")

    def moved(name, **labels):
        return sample(after, name, **labels) - sample(before, name, **labels)

    rpc = {"service": "ops_repairs", "method": "street"}
    assert moved("wijkwijzer_rpc_calls_total", **rpc, outcome="success") == 2
    assert moved("wijkwijzer_rpc_calls_total", **rpc, outcome="refused") == 1
    assert moved("wijkwijzer_rpc_calls_total", **rpc, outcome="error") == 0
    assert moved("wijkwijzer_rpc_duration_seconds_count", **rpc) == 3
    assert runs(after, "success") - runs(before, "success") == 1
    assert runs(after, "retry") - runs(before, "retry") == 1
    assert runs(after, "requeued") - runs(before, "requeued") == 0
    # the handler ran for the event that succeeded and for both attempts of the failing one
    assert moved("wijkwijzer_event_handler_duration_seconds_count", service="ops_repairs",
                 handler="on_lamp_fixed") == 3
    # the dead letter is in the shared queue; the gauge reads the broker at most every few seconds
    dead_before = sample(before, "wijkwijzer_dead_letters", service="ops_repairs")
    eventually(lambda: sample(scrape(ops), "wijkwijzer_dead_letters", service="ops_repairs") == dead_before + 1,
               timeout=15, interval=0.5, what="the dead-letter gauge to count the dead letter")


def test_the_retry_backlog_counts_messages_waiting_in_the_service_s_retry_queue(service_config):
    # a long backoff keeps the failed message in the retry queue while the test looks
    config = {**service_config, "EVENT_MAX_RETRIES": 1, "EVENT_RETRY_DELAY_MS": 60_000}
    container = ServiceContainer(Repairs, config)
    container.start()
    try:
        ops = ops_of(container)
        retry_queue = "evt-ops-source-lamp.fixed--ops_repairs.on_lamp_fixed.retry.60000ms"   # its one delay
        assert sample(scrape(ops), "wijkwijzer_retry_backlog", service="ops_repairs", queue=retry_queue) == 0
        publish(config, "Broken Lane")
        eventually(lambda: sample(scrape(ops), "wijkwijzer_retry_backlog", service="ops_repairs",
                                  queue=retry_queue) == 1, timeout=15, interval=0.5, what="the retry backlog")
    finally:
        container.stop()
        with Connection(config["AMQP_URI"]) as connection:   # the minute-long retry must not outlive the test
            connection.channel().queue_purge(retry_queue)


def test_a_healthy_service_is_live_and_ready_with_every_check_named(repairs):
    container, _ = repairs
    ops = ops_of(container)
    assert requests.get(f"http://{ops}/healthz", timeout=5).json() == {"service": "ops_repairs", "status": "ok"}
    ready = eventually(lambda: (r := requests.get(f"http://{ops}/readyz", timeout=5)).status_code == 200 and r,
                       timeout=15, what="/readyz to be 200")
    assert ready.json() == {"service": "ops_repairs", "status": "ready", "checks": {
        "broker": "ok", "consumers": "ok", "database": "ok", "workers": "ok"}}
    assert requests.get(f"http://{ops}/nothing", timeout=5).status_code == 404


def test_the_outbox_backlog_counts_events_not_yet_confirmed_published(service_config):
    container = ServiceContainer(PublicationsService, service_config)
    container.start()
    try:
        ops = ops_of(container)
        with entrypoint_hook(container, "create_draft") as create_draft:
            create_draft(DRAFT, AUTHOR)
        samples = scrape(ops)
        assert sample(samples, "wijkwijzer_outbox_backlog", service="publications") == 0, "published at once"
        assert sample(samples, "wijkwijzer_rpc_calls_total", service="publications", method="create_draft",
                      outcome="success") == 1
        # what a writer that died between its write and its publish leaves: a marked document
        # with two events in its outbox (due far ahead, so the relay leaves it to the test)
        with pymongo.MongoClient(service_config["MONGODB_URI"]) as client:
            db = client[service_config["MONGODB_DATABASE"]]
            doc_id = uuid.uuid4().hex
            db.publications.insert_one({"_id": doc_id, outbox.FIELD: [{"id": "e-1"}, {"id": "e-2"}]})
            db[outbox.PENDING].insert_one({"_id": f"publications/{doc_id}", "collection": "publications",
                                           "doc_id": doc_id, "token": "t",
                                           "due": datetime.now(UTC) + timedelta(days=1)})
        assert sample(scrape(ops), "wijkwijzer_outbox_backlog", service="publications") == 2
        # its queue gauges: the dead letters of the vhost and its consumers' retry queues
        assert ("wijkwijzer_dead_letters", frozenset({"service": "publications"}.items())) in samples
        assert sample(samples, "wijkwijzer_retry_backlog", service="publications",
                      queue="evt-publications-publication.flagged--publications.count_flags.retry.1000ms") == 0
    finally:
        container.stop()


def test_each_container_has_its_own_port_and_its_own_numbers(service_config):
    first, second = ServiceContainer(Repairs, service_config), ServiceContainer(Repairs, service_config)
    first.start()
    second.start()
    try:
        assert ops_of(first) != ops_of(second)
        with entrypoint_hook(first, "street") as street:
            street("Dorpsstraat")
        labels = {"service": "ops_repairs", "method": "street", "outcome": "success"}
        assert sample(scrape(ops_of(first)), "wijkwijzer_rpc_calls_total", **labels) == 1
        assert sample(scrape(ops_of(second)), "wijkwijzer_rpc_calls_total", **labels) == 0
    finally:
        first.stop()
        second.stop()

