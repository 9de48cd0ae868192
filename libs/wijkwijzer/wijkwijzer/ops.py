"""The operations endpoints of a service process: `/healthz`, `/readyz` and `/metrics` on OPS_ADDRESS.

Kubernetes probes and Prometheus scrape this port, never the public one (docs/operations.md):

- `/healthz` (liveness): 200 while the process runs and its nameko container has not died. It
  asks neither the broker nor the database: a broker outage must not restart every pod.
- `/readyz` (readiness): 200 when every check passes, else 503; the JSON body says what each
  check found: `broker` (reachable), `consumers` (every queue this process consumes from has a
  live consumer here, and the broker counts one), `database` and `workers` (the service's
  Health, the checks its `ping` RPC reports: wijkwijzer.ping).
- `/metrics`: the process's metrics (wijkwijzer.metrics) in Prometheus's text format.

A service declares it in one line, `ops = Operations()`, beside its Health. It times every RPC
and event-handler worker (`worker_setup`/`worker_result` see each worker's entrypoint and
exception) and reads at each scrape the outbox backlog and, through one broker look reused
for BROKER_LOOK_TTL seconds, the dead letters and the service's retry backlog. It serves on a
socket of its own with eventlet's WSGI server: nameko's WebServer is the gateway's public port.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable

import eventlet
import eventlet.wsgi
import pymongo
from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.messaging import QueueConsumer
from nameko.rpc import Rpc
from prometheus_client import make_wsgi_app
from prometheus_client.core import GaugeMetricFamily
from werkzeug.wrappers import Response

from wijkwijzer import amqp, metrics, outbox
from wijkwijzer import config as cfg
from wijkwijzer.extensions import sibling
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.ping import Health

log = logging.getLogger(__name__)

BROKER_LOOK_TTL = 5.0   # seconds one look at the queues answers scrapes and probes: no hammering the broker


def address(value: str) -> tuple[str, int]:
    """("host", port) of "host:port"."""
    host, _, port = str(value).rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"OPS_ADDRESS must be host:port, not {value!r}")
    return host, int(port)


class Cached:
    """`read()`'s answer, or its failure, reused for `ttl` seconds."""

    def __init__(self, read: Callable[[], object], ttl: float, clock: Callable[[], float] = time.monotonic):
        self.read, self.ttl, self.clock = read, ttl, clock
        self._at: float | None = None
        self._value, self._error = None, None

    def __call__(self):
        now = self.clock()
        if self._at is None or now - self._at >= self.ttl:
            try:
                self._value, self._error = self.read(), None
            except Exception as exc:  # noqa: BLE001 (remembered: the next callers hear it too)
                self._value, self._error = None, f"{type(exc).__name__}: {exc}"
            self._at = now
        if self._error is not None:
            raise ConnectionError(self._error)
        return self._value


def unattached_queues(container) -> list[str]:
    """The queues this process should consume from but has no live consumer on right now: its
    QueueConsumer has not started, or a consumer's channel closed with its broker connection
    (kombu then reconnects and builds new consumers). Reads nameko 2.14's QueueConsumer
    (`_providers`, `_consumers`, `_consumers_ready`: nameko is pinned)."""
    missing = []
    for extension in container.subextensions:
        if not isinstance(extension, QueueConsumer):
            continue
        started = extension._consumers_ready.ready()
        for provider in list(extension._providers):
            channel = getattr(extension._consumers.get(provider), "channel", None)
            if not (started and channel is not None and getattr(channel, "is_open", False)
                    and channel.connection is not None):
                missing.append(provider.queue.name)
    return missing


def consumed_queues(container) -> list[str]:
    """The durable queues this process consumes from (RPC and event handlers; not the private
    reply queue of an RPC proxy, which no other connection may look at)."""
    return sorted({provider.queue.name for extension in container.subextensions
                   if isinstance(extension, QueueConsumer) for provider in list(extension._providers)
                   if provider.queue.durable and not provider.queue.exclusive})


def rpc_outcome(entrypoint, exc_info) -> str:
    if exc_info is None:
        return "success"
    return "refused" if isinstance(exc_info[1], entrypoint.expected_exceptions) else "error"


class Operations(DependencyProvider):
    def setup(self) -> None:
        config = self.container.config
        self.host, self.port = address(cfg.get(config, cfg.OPS_ADDRESS))
        self.amqp_uri = config[cfg.AMQP_URI]
        self.health = sibling(self.container, Health, "Operations")
        self.database = sibling(self.container, MongoDatabase, "Operations")
        self.has_outbox = any(isinstance(d, outbox.Outbox) for d in self.container.dependencies)
        consumers = [e for e in self.container.entrypoints if hasattr(e, "retry_queues")]   # EventConsumers
        self.metrics = metrics.of(self.container)
        for entrypoint in self.container.entrypoints:
            if isinstance(entrypoint, Rpc):
                self.metrics.known_rpc(entrypoint.method_name)
        self.queues = Cached(self._look_at_queues, BROKER_LOOK_TTL)
        if self.has_outbox:
            self.metrics.read_at_scrape(self._outbox_gauge)
        if consumers:   # a service with event consumers: their retry queues and the shared dead letters
            self.metrics.read_at_scrape(self._queue_gauges)
        self._serve_metrics = make_wsgi_app(self.metrics.registry)
        self._started: dict = {}
        self._socket = self._server = None
        self.address: str | None = None

    def start(self) -> None:
        self._socket = eventlet.listen((self.host, self.port))
        host, port = self._socket.getsockname()[:2]
        self.address = f"{host}:{port}"
        self._server = self.container.spawn_managed_thread(
            lambda: eventlet.wsgi.server(self._socket, self.wsgi_app, log_output=False), identifier="ops endpoints")
        log.info("operations endpoints (/healthz, /readyz, /metrics) on http://%s", self.address)

    def stop(self) -> None:
        if self._server is not None:
            self._server.kill()
            self._server = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    kill = stop

    # -- timing workers ----------------------------------------------------------------------------

    def worker_setup(self, worker_ctx) -> None:
        self._started[worker_ctx] = time.monotonic()

    def worker_result(self, worker_ctx, result=None, exc_info=None) -> None:
        started = self._started.pop(worker_ctx, None)
        if started is None:
            return
        seconds, entrypoint = time.monotonic() - started, worker_ctx.entrypoint
        if isinstance(entrypoint, Rpc):
            self.metrics.rpc_call(entrypoint.method_name, rpc_outcome(entrypoint, exc_info), seconds)
        elif isinstance(entrypoint, EventHandler):   # its outcome is counted where it is settled (consumer.py)
            self.metrics.handler_ran(entrypoint.method_name, seconds)

    def worker_teardown(self, worker_ctx) -> None:
        self._started.pop(worker_ctx, None)

    # -- checks ------------------------------------------------------------------------------------

    def liveness(self) -> tuple[int, dict]:
        if self.container._died.ready() or self.container._being_killed:
            return 503, {"service": self.container.service_name, "status": "dead"}
        return 200, {"service": self.container.service_name, "status": "ok"}

    def readiness(self) -> tuple[int, dict]:
        checks: dict[str, str | None] = {"broker": None, "consumers": None}
        missing = unattached_queues(self.container)
        try:
            depths = self.queues()
        except ConnectionError as exc:
            checks["broker"] = f"broker unreachable: {exc}"
        else:
            missing += [name for name in consumed_queues(self.container)
                        if (depths.get(name) or (0, 0))[1] == 0 and name not in missing]
        if missing:
            checks["consumers"] = f"no consumer on {', '.join(sorted(missing))}"
        checks.update(self.health.checks())
        ready = not any(checks.values())
        return (200 if ready else 503), {"service": self.container.service_name,
                                         "status": "ready" if ready else "not ready",
                                         "checks": {name: problem or "ok" for name, problem in checks.items()}}

    # -- gauges read at scrape time ----------------------------------------------------------------

    def _retry_queues(self) -> list[str]:
        # asked when needed: the entrypoints are set up beside this provider, not before it
        return sorted(q.name for e in self.container.entrypoints if hasattr(e, "retry_queues")
                      for q in e.retry_queues())

    def _look_at_queues(self) -> dict:
        names = consumed_queues(self.container) + self._retry_queues() + [amqp.DEAD_LETTER_QUEUE]
        return amqp.queue_depths(self.amqp_uri, names)

    def _outbox_gauge(self) -> Iterable[GaugeMetricFamily]:
        with pymongo.timeout(self.health.read_timeout):
            waiting = outbox.backlog(self.database.get_dependency(None))
        gauge = GaugeMetricFamily("wijkwijzer_outbox_backlog", "Events stored but not yet confirmed published",
                                  labels=["service"])
        gauge.add_metric([self.container.service_name], waiting)
        yield gauge

    def _queue_gauges(self) -> Iterable[GaugeMetricFamily]:
        depths, service = self.queues(), self.container.service_name
        dead = GaugeMetricFamily("wijkwijzer_dead_letters", "Messages in the shared dead-letter queue",
                                 labels=["service"])
        dead.add_metric([service], (depths.get(amqp.DEAD_LETTER_QUEUE) or (0, 0))[0])
        retry = GaugeMetricFamily("wijkwijzer_retry_backlog", "Messages waiting out their backoff in a retry queue",
                                  labels=["service", "queue"])
        for name in self._retry_queues():
            retry.add_metric([service, name], (depths.get(name) or (0, 0))[0])
        return [dead, retry]

    # -- HTTP --------------------------------------------------------------------------------------

    def wsgi_app(self, environ, start_response):
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD"):
            response = _json(405, {"detail": "only GET"})
        elif path == "/metrics":
            return self._serve_metrics(environ, start_response)
        elif path == "/healthz":
            response = _json(*self.liveness())
        elif path == "/readyz":
            response = _json(*self.readiness())
        else:
            response = _json(404, {"detail": "the operations port serves /healthz, /readyz and /metrics"})
        return response(environ, start_response)


def _json(status: int, body: dict) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
