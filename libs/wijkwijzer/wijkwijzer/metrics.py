"""The Prometheus metrics of a service process (docs/operations.md lists each one).

Each service container keeps its metrics in a CollectorRegistry of its own, not
prometheus_client's global one, so that tests running several containers in one interpreter
see each container's numbers apart. `of(container)` is that container's `Metrics`: the ops
endpoints (wijkwijzer.ops) serve it, and the extensions that know an outcome (the event
consumer, the gateway's HTTP app) count into it. Every metric has a `service` label.

Gauges that describe the world outside the process (the outbox backlog, queue depths) are
read when Prometheus scrapes (`read_at_scrape`), so they are never stale; a reader that fails
(the broker is away) leaves its gauges out of that scrape rather than failing it.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client.metrics_core import Metric

log = logging.getLogger(__name__)

# the `_created` series double every counter and histogram and say nothing we use
disable_created_metrics()

RPC_OUTCOMES = ("success", "refused", "error")   # refused: an expected error (NotFound, Conflict, ...)
EVENT_OUTCOMES = ("success", "retry", "dead-letter", "duplicate-skipped", "requeued")

# the image's version (deploy/images/python.Dockerfile sets it from `deploy/images.sh --version`)
VERSION_VARIABLE = "WIJKWIJZER_VERSION"

_ATTRIBUTE = "wijkwijzer_metrics"   # where a container keeps its Metrics (extensions see it through a proxy)


class Metrics:
    def __init__(self, service: str):
        self.service = service
        self.registry = CollectorRegistry()
        r = self.registry
        # which build this process runs, always 1: during a rolling update the replicas of both versions show
        Gauge("wijkwijzer_build_info", "The version of the image this process runs (WIJKWIJZER_VERSION)",
              ["service", "version"], registry=r).labels(service, os.environ.get(VERSION_VARIABLE) or "dev").set(1)
        self._rpc_calls = Counter("wijkwijzer_rpc_calls", "RPC calls handled, by method and outcome",
                                  ["service", "method", "outcome"], registry=r)
        self._rpc_seconds = Histogram("wijkwijzer_rpc_duration_seconds", "Time an RPC worker ran, by method",
                                      ["service", "method"], registry=r)
        self._event_runs = Counter("wijkwijzer_event_handler_runs",
                                   "Events settled by a handler, by handler and outcome",
                                   ["service", "handler", "outcome"], registry=r)
        self._event_seconds = Histogram("wijkwijzer_event_handler_duration_seconds",
                                        "Time an event handler's worker ran (one batch for a batch handler)",
                                        ["service", "handler"], registry=r)
        self._http_requests = Counter("wijkwijzer_http_requests", "HTTP requests answered, by route and status",
                                      ["service", "route", "status"], registry=r)
        self._http_seconds = Histogram("wijkwijzer_http_request_duration_seconds",
                                       "Time from a request's arrival to its answer, by route",
                                       ["service", "route"], registry=r)

    # Known methods and handlers start at zero, so their series exist before the first call.
    def known_rpc(self, method: str) -> None:
        for outcome in RPC_OUTCOMES:
            self._rpc_calls.labels(self.service, method, outcome)
        self._rpc_seconds.labels(self.service, method)

    def known_handler(self, handler: str) -> None:
        for outcome in EVENT_OUTCOMES:
            self._event_runs.labels(self.service, handler, outcome)
        self._event_seconds.labels(self.service, handler)

    def rpc_call(self, method: str, outcome: str, seconds: float) -> None:
        self._rpc_calls.labels(self.service, method, outcome).inc()
        self._rpc_seconds.labels(self.service, method).observe(seconds)

    def handler_ran(self, handler: str, seconds: float) -> None:
        self._event_seconds.labels(self.service, handler).observe(seconds)

    def event_settled(self, handler: str, outcome: str) -> None:
        self._event_runs.labels(self.service, handler, outcome).inc()

    def http_request(self, route: str, status: int, seconds: float) -> None:
        self._http_requests.labels(self.service, route, str(status)).inc()
        self._http_seconds.labels(self.service, route).observe(seconds)

    def read_at_scrape(self, read: Callable[[], Iterable[Metric]]) -> None:
        """Add gauges that `read()` builds afresh at every scrape."""
        self.registry.register(_ReadAtScrape(read))


class _ReadAtScrape:
    def __init__(self, read: Callable[[], Iterable[Metric]]):
        self.read = read

    def describe(self) -> list:
        return []   # not known before reading; the registry then does not call collect() at register

    def collect(self) -> Iterable[Metric]:
        try:
            return list(self.read())
        except Exception as exc:  # noqa: BLE001 (what cannot be read now is left out of this scrape)
            log.debug("metrics not read at this scrape: %s", exc)
            return []


def of(container) -> Metrics:
    """The metrics of a service container, made on first use."""
    metrics = getattr(container, _ATTRIBUTE, None)
    if metrics is None:
        metrics = Metrics(container.service_name)
        setattr(container, _ATTRIBUTE, metrics)
    return metrics
