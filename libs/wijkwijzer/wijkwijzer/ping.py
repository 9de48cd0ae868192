"""What every service's `ping` RPC answers, and the command container health checks run.

A service is healthy when it can read its own database in time and none of its workers
has been busy for longer than its callers wait (RPC_TIMEOUT): a ping that merely answers
says nothing about a database that hangs, or about requests stuck behind it. `Health`
finds out when pinged, by the gateway's `/readyz`, by the container health check and by the
process's own `/readyz` (wijkwijzer.ops):

- a real read (a lookup by `_id` in one of the service's collections) within
  HEALTH_READ_TIMEOUT seconds;
- the workers of RPCs and event handlers busy for more than RPC_TIMEOUT seconds.
  Timers are left out: a sweep may rightly take longer than a request.

A change of state is logged once when it starts (with what is wrong) and once when it
clears, however often the service is pinged meanwhile.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections import Counter

import pymongo
from nameko.extensions import DependencyProvider
from nameko.timer import Timer
from pymongo.errors import PyMongoError, ServerSelectionTimeoutError

from wijkwijzer import config as cfg
from wijkwijzer.extensions import sibling
from wijkwijzer.mongo import MongoDatabase

log = logging.getLogger(__name__)

PROBE_ID = "wijkwijzer-health-check"   # no such document: the lookup still reads the collection


class Health(DependencyProvider):
    """`self.health.report()`: {"service", "status": "ok" | "not ready", "problems": [...]}."""

    def __init__(self, collection: str):
        self.collection = collection

    def setup(self) -> None:
        config = self.container.config
        self.read_timeout = float(cfg.get(config, cfg.HEALTH_READ_TIMEOUT))
        self.deadline = float(cfg.get(config, cfg.RPC_TIMEOUT))
        self.database = sibling(self.container, MongoDatabase, "Health")
        self.busy: dict = {}          # worker context -> when it started (monotonic)
        self.unhealthy = False

    def worker_setup(self, worker_ctx) -> None:
        if not isinstance(worker_ctx.entrypoint, Timer):
            self.busy[worker_ctx] = time.monotonic()

    def worker_teardown(self, worker_ctx) -> None:
        self.busy.pop(worker_ctx, None)

    def get_dependency(self, worker_ctx) -> Health:
        return self

    def report(self) -> dict:
        problems = [problem for problem in self.checks().values() if problem]
        return {"service": self.container.service_name, "status": "not ready" if problems else "ok",
                "problems": problems}

    def checks(self) -> dict[str, str | None]:
        """What is wrong, by check ("database", "workers"), None where nothing is: for `report`
        and for the readiness endpoint of wijkwijzer.ops. A change of state is logged once."""
        found = {"database": self._read(), "workers": self._stuck()}
        self._log_change([problem for problem in found.values() if problem])
        return found

    def _read(self) -> str | None:
        """What is wrong with reading the service's database, None when nothing is."""
        try:
            with pymongo.timeout(self.read_timeout):
                self.database.get_dependency(None)[self.collection].find_one({"_id": PROBE_ID})
        except ServerSelectionTimeoutError:
            return f"database unreachable: no server answered within {self.read_timeout:g}s"
        except PyMongoError as exc:
            if exc.timeout:
                return f"database read timed out after {self.read_timeout:g}s"
            return f"database read failed: {type(exc).__name__}"
        return None

    def _stuck(self) -> str | None:
        """The workers busy for longer than callers wait, by entrypoint, None when there are none."""
        now = time.monotonic()
        ages = sorted(((now - started, worker_ctx) for worker_ctx, started in list(self.busy.items())
                       if now - started > self.deadline), key=lambda item: -item[0])
        if not ages:
            return None
        names = Counter(f"{w.service_name}.{w.entrypoint.method_name}" for _, w in ages)
        listed = ", ".join(name if n == 1 else f"{name} ({n})" for name, n in names.most_common())
        workers = "worker" if len(ages) == 1 else "workers"
        return (f"{len(ages)} {workers} busy for more than {self.deadline:g}s: {listed} "
                f"(longest {ages[0][0]:.0f}s)")

    def _log_change(self, problems: list[str]) -> None:
        # flip the state before logging: nothing between reading and setting it yields, so
        # pings at the same moment log the change once
        was_unhealthy, self.unhealthy = self.unhealthy, bool(problems)
        if problems and not was_unhealthy:
            log.warning("%s is not healthy: %s", self.container.service_name, "; ".join(problems))
        elif was_unhealthy and not problems:
            log.info("%s is healthy again", self.container.service_name)


PING_HELP = """Ask a service, through the broker, whether it is healthy: its `ping` RPC reads the
service's database and looks for stuck workers (any replica answers). Exit 0 when it answers
healthy (its report on stdout), 1 when it does not answer in time or reports problems (on
stderr). The container images' health check."""

PING_EXAMPLES = """examples:
  AMQP_URI=amqp://... wijkwijzer-ping publications
  AMQP_URI=amqp://... wijkwijzer-ping notifications --timeout 2
"""


def main(argv: list[str] | None = None) -> int:
    """`wijkwijzer-ping <service>` (or `python -m wijkwijzer.ping`): exit 0 when the service
    answers its ping healthy."""
    from nameko.standalone.rpc import ClusterRpcProxy

    parser = argparse.ArgumentParser(prog="wijkwijzer-ping", description=PING_HELP, epilog=PING_EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("service", help="the service's nameko name: publications, events, helpdesk, "
                                        "notifications, gateway")
    parser.add_argument("--timeout", type=float, default=5, help="seconds to wait for the answer (default 5)")
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI"), help="broker (default: $AMQP_URI)")
    args = parser.parse_args(argv)
    if not args.amqp_uri:
        parser.error("set AMQP_URI or pass --amqp-uri")
    try:
        with ClusterRpcProxy({"AMQP_URI": args.amqp_uri}, timeout=args.timeout) as rpc:
            report = getattr(rpc, args.service).ping()
    except Exception as exc:  # noqa: BLE001 (any failure means not healthy)
        print(f"{args.service}: not healthy: {exc!r}", file=sys.stderr)
        return 1
    print(report)
    if report.get("status") != "ok":
        print(f"{args.service}: not healthy: {'; '.join(report.get('problems') or [])}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
