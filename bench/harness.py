"""What the throughput benchmarks share: their own platform, a second replica, percentiles, the table.

    with own_platform("questions") as (running, vhost, infra):
        ...                                   # running.base_url, running.database("helpdesk")
        another_replica(running, vhost, "helpdesk")
        print_table(header, rows)

The platform is tests/platform.py's (every service and the gateway as processes) in a RabbitMQ
vhost and databases of its own, removed afterwards, so a platform from deploy/platform.sh may
keep running. Progress goes to stderr (`say`), tables to stdout.
"""
from __future__ import annotations

import contextlib
import math
import os
import platform as machine
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

from tests.platform import Platform, platform_in_vhost
from tests.support import Broker


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")


@contextlib.contextmanager
def own_platform(name: str, env_of: dict | None = None) -> Iterator[tuple[Platform, Broker, dict]]:
    """The whole platform, up, in a vhost and databases of its own (`env_of`: a service's extra
    environment); down and removed afterwards."""
    infra = {"AMQP_URI": os.environ["AMQP_URI"], "MONGODB_URI": os.environ["MONGODB_URI"],
             "MANAGEMENT_URL": "http://127.0.0.1:15672", "TAG": f"bench{uuid.uuid4().hex[:6]}"}
    say("starting the platform")
    vhost_name = f"bench-{name}-{infra['TAG']}"
    with platform_in_vhost(infra, vhost_name, Path(tempfile.mkdtemp(prefix=f"bench-{name}-")), env_of) as running:
        yield running, Broker(infra, vhost_name), infra


def another_replica(running: Platform, vhost: Broker, service: str) -> None:
    """Start a second process of `service` and wait until it takes calls."""
    say(f"starting a second {service} service")
    running.start(service, replica=2)
    deadline = time.monotonic() + 60
    while (vhost.depth(f"rpc-{service}") or (0, 0))[1] < 2:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the second {service} service did not start")
        time.sleep(0.2)


def print_table(infra: dict, clients: int, header: tuple[str, ...], rows: list[tuple]) -> None:
    """The machine, then a Markdown table of `rows` (already formatted cells)."""
    print(f"machine: {machine.node()} {os.cpu_count()} cores, {machine.python_implementation()} "
          f"{machine.python_version()}; MongoDB-wire server {infra['MONGODB_URI']}; through the gateway, "
          f"{clients} clients at once")
    print(" | ".join(header))
    print(" | ".join("-" * len(h) for h in header))
    for row in rows:
        print(" | ".join(str(cell) for cell in row))


def at_once(total: int, clients: int, send: Callable[[requests.Session, int], requests.Response],
            outcome: Callable[[requests.Response], Any]) -> tuple[list[float], list, float]:
    """Requests 0 .. total-1 sent by `clients` clients at once (`send(session, i)`), each client
    its own keep-alive session: (seconds of each, (status code, `outcome` of a success or the start
    of the error) of each, wall seconds)."""
    def client(c: int) -> tuple[list[float], list]:
        session, times, outcomes = requests.Session(), [], []
        for i in range(c, total, clients):
            started = time.perf_counter()
            response = send(session, i)
            times.append(time.perf_counter() - started)
            outcomes.append((response.status_code, outcome(response) if response.ok else response.text[:200]))
        return times, outcomes

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(client, range(clients)))
    wall = time.perf_counter() - started
    return [t for r in results for t in r[0]], [o for r in results for o in r[1]], wall
