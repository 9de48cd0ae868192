"""Requests per second through the front door and straight to the gateway, and the keep-alive cost.

    bash bench/gateway.sh [--seconds 10] [--connections 16]

1. starts the whole platform as processes (tests/platform.py: a RabbitMQ vhost and databases of
   its own, removed afterwards) and the front door (nginx, deploy/frontdoor.sh) in front of it;
2. publishes 60 generated Dutch publications (tests/content.py);
3. with wrk (`--connections` connections, 2 threads, `--seconds` per row) measures: `/healthz`
   of the gateway; an anonymous public search, list (activities) and get (one publication)
   through the front door (its cache warm) and straight to the gateway; a signed-in search both
   ways (the front door passes it through);
4. times a page of 50 items 30 times over one keep-alive connection and over new connections;
5. prints the table and the goal: anonymous public reads through the front door at least as many
   per second as the gateway's `/healthz`.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests
from gateway.tokens import mint

from bench.harness import own_platform, say
from tests.content import Corpus
from tests.platform import JWT_SECRET
from tests.support import FrontDoor


def bearer(sub: str, role: str) -> dict:
    return {"Authorization": f"Bearer {mint(JWT_SECRET, sub, sub.title(), f'{sub}@example.org', [role])}"}


def wrk(url: str, seconds: int, connections: int, headers: dict | None = None) -> tuple[float, str, str]:
    """(requests/s, p50, p99) of one wrk run."""
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    for name, value in (headers or {}).items():
        args[1:1] = ["-H", f"{name}: {value}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.MULTILINE))
    if "Non-2xx" in out:
        raise SystemExit(f"wrk saw errors on {url}:\n{out}")
    return rate, latency.get("50", "?"), latency.get("99", "?")


def publish(base: str, corpus: Corpus, count: int) -> list[dict]:
    author, editor = bearer("bench-auteur", "member"), bearer("bench-redactie", "editor")
    made = []
    for i in range(count):
        draft = requests.post(f"{base}/api/v1/publications", json=corpus.publication(i)[0], headers=author,
                              timeout=30).json()
        requests.post(f"{base}/api/v1/publications/{draft['id']}/submit", headers=author, timeout=30)
        made.append(requests.post(f"{base}/api/v1/publications/{draft['id']}/review", headers=editor,
                                  json={"decision": "publish"}, timeout=30).json())
    return made


def page_latency(url: str, headers: dict) -> tuple[float, float]:
    """Median ms of a 50-item page: over one keep-alive connection, and over a new one each time."""
    def median(get) -> float:
        times = []
        for _ in range(30):
            started = time.perf_counter()
            assert len(get().json()["items"]) == 50
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)
    with requests.Session() as session:
        kept = median(lambda: session.get(url, headers=headers, timeout=30))
    return kept, median(lambda: requests.get(url, headers=headers, timeout=30))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bash bench/gateway.sh", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)
    with own_platform("gateway") as (running, _, _):
        door = FrontDoor(Path(tempfile.mkdtemp(prefix="bench-front-door-")), f"127.0.0.1:{running.port}")
        try:
            say("starting the front door")
            door.run("up")
            made = publish(running.base_url, Corpus(seed=3, anchor=datetime.now(UTC)), 60)
            member = bearer("bench-lezer", "member")
            reads = {"anonymous search": "/api/v1/publications?q=bewoners+wijk",
                     "anonymous list": "/api/v1/activities",
                     "anonymous get": f"/api/v1/publications/{made[0]['slug']}"}
            rows = [("GET /healthz", "gateway", *wrk(running.base_url + "/healthz", args.seconds, args.connections))]
            for name, path in reads.items():
                for via, base in (("front door", door.base_url), ("gateway", running.base_url)):
                    requests.get(base + path, timeout=30).raise_for_status()   # warm
                    rows.append((name, via, *wrk(base + path, args.seconds, args.connections)))
            for via, base in (("front door", door.base_url), ("gateway", running.base_url)):
                rows.append(("signed-in search", via, *wrk(base + reads["anonymous search"], args.seconds,
                                                            args.connections, member)))
            kept, fresh = page_latency(f"{running.base_url}/api/v1/publications?limit=50", member)

            print(f"wrk: 2 threads, {args.connections} connections, {args.seconds} s per row; {os.cpu_count()} cores")
            print(f"{'request':22} {'via':12} {'requests/s':>12} {'p50':>9} {'p99':>9}")
            for name, via, rate, p50, p99 in rows:
                print(f"{name:22} {via:12} {rate:12.0f} {p50:>9} {p99:>9}")
            healthz = rows[0][2]
            front = [rate for name, via, rate, _, _ in rows if name.startswith("anonymous") and via == "front door"]
            ratio = min(front) / healthz
            print(f"page of 50 items, median of 30: keep-alive {kept:.1f} ms, new connection each {fresh:.1f} ms")
            print(f"goal: anonymous public reads through the front door >= 1.0 x /healthz: "
                  f"{'MET' if ratio >= 1 else 'NOT MET'} (the slowest is {ratio:.1f} x)")
        finally:
            door.run("down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
