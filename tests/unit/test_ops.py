"""The pure parts of the operations endpoints (wijkwijzer.ops) and the metrics (wijkwijzer.metrics)."""
from types import SimpleNamespace

import pytest
from eventlet.event import Event
from nameko.messaging import QueueConsumer
from wijkwijzer.errors import NotFound
from wijkwijzer.metrics import Metrics
from wijkwijzer.ops import Cached, address, rpc_outcome, unattached_queues

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("value, expected", [("0.0.0.0:9100", ("0.0.0.0", 9100)),
                                             ("127.0.0.1:0", ("127.0.0.1", 0)), ("[::1]:9100", ("[::1]", 9100))])
def test_the_ops_address_is_host_and_port(value, expected):
    assert address(value) == expected


@pytest.mark.parametrize("value", ["9100", "localhost:", ":9100", "host:port"])
def test_an_ops_address_without_host_and_port_is_refused_at_start(value):
    with pytest.raises(ValueError, match="OPS_ADDRESS must be host:port"):
        address(value)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_look_is_reused_for_its_time_to_live_then_taken_again():
    clock, looks = Clock(), []
    cached = Cached(lambda: looks.append(clock.now) or len(looks), ttl=5, clock=clock)
    assert cached() == 1
    clock.now = 4.9
    assert cached() == 1 and looks == [0.0]
    clock.now = 5.0
    assert cached() == 2 and looks == [0.0, 5.0]


def test_a_failed_look_is_remembered_too_so_an_outage_is_not_asked_about_at_every_scrape():
    clock, tries = Clock(), []

    def look():
        tries.append(clock.now)
        raise ConnectionRefusedError(111, "Connection refused")

    cached = Cached(look, ttl=5, clock=clock)
    for _ in range(3):
        with pytest.raises(ConnectionError, match="ConnectionRefusedError: .*Connection refused"):
            cached()
    assert tries == [0.0]


def test_an_rpc_outcome_tells_a_refusal_from_an_error():
    entrypoint = SimpleNamespace(expected_exceptions=(NotFound,))
    assert rpc_outcome(entrypoint, None) == "success"
    assert rpc_outcome(entrypoint, (NotFound, NotFound("no such thing"), None)) == "refused"
    assert rpc_outcome(entrypoint, (KeyError, KeyError("x"), None)) == "error"


class Channel:
    def __init__(self, is_open=True):
        self.is_open, self.connection = is_open, object() if is_open else None


def queue_consumer(started: bool, consumers: dict) -> QueueConsumer:
    consumer = QueueConsumer.__new__(QueueConsumer)   # what unattached_queues reads of nameko's
    consumer._consumers_ready = Event()
    if started:
        consumer._consumers_ready.send(None)
    consumer._providers = set(consumers)
    consumer._consumers = {p: SimpleNamespace(channel=c) for p, c in consumers.items() if c is not None}
    return consumer


class Provider:
    """Stands in for an entrypoint registered with the QueueConsumer (hashable, as nameko's are)."""

    def __init__(self, queue: str):
        self.queue = SimpleNamespace(name=queue)


def test_queues_are_attached_only_with_a_started_consumer_on_an_open_channel():
    rpc, event, fresh = Provider("rpc-publications"), Provider("evt-a--publications.x"), Provider("evt-b")
    live = queue_consumer(True, {rpc: Channel(), event: Channel(is_open=False), fresh: None})
    assert sorted(unattached_queues(SimpleNamespace(subextensions=[live]))) == ["evt-a--publications.x", "evt-b"]
    starting = queue_consumer(False, {rpc: Channel()})
    assert unattached_queues(SimpleNamespace(subextensions=[starting])) == ["rpc-publications"]
    assert unattached_queues(SimpleNamespace(subextensions=[queue_consumer(True, {rpc: Channel()})])) == []


def test_metrics_of_two_services_do_not_mix_and_known_methods_start_at_zero():
    first, second = Metrics("publications"), Metrics("publications")
    first.known_rpc("get")
    first.rpc_call("get", "refused", 0.01)
    labels = {"service": "publications", "method": "get"}
    assert first.registry.get_sample_value("wijkwijzer_rpc_calls_total", {**labels, "outcome": "refused"}) == 1
    assert first.registry.get_sample_value("wijkwijzer_rpc_calls_total", {**labels, "outcome": "success"}) == 0
    assert second.registry.get_sample_value("wijkwijzer_rpc_calls_total", {**labels, "outcome": "refused"}) is None


def test_gauges_that_cannot_be_read_are_left_out_of_the_scrape_not_failing_it():
    from prometheus_client import generate_latest

    metrics = Metrics("notifications")

    def broker_away():
        raise ConnectionError("broker unreachable")

    metrics.read_at_scrape(broker_away)
    metrics.http_request("get_publication", 200, 0.02)
    text = generate_latest(metrics.registry).decode()
    assert 'wijkwijzer_http_requests_total{route="get_publication",service="notifications",status="200"} 1.0' \
        in text


@pytest.mark.parametrize("version, shown", [("2026.11.30-1", "2026.11.30-1"), (None, "dev"), ("", "dev")])
def test_the_build_info_names_the_image_version_the_process_runs(monkeypatch, version, shown):
    if version is None:
        monkeypatch.delenv("WIJKWIJZER_VERSION", raising=False)
    else:
        monkeypatch.setenv("WIJKWIJZER_VERSION", version)
    metrics = Metrics("events")
    assert metrics.registry.get_sample_value("wijkwijzer_build_info", {"service": "events", "version": shown}) == 1
