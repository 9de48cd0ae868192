"""Registrations per second through the gateway, and whether any activity was overbooked.

    bash bench/registrations.sh [--registrations 400] [--clients 32] [--capacity 100] [--activities 40]

1. starts the whole platform as processes (tests/platform.py: every service and the gateway, in
   a RabbitMQ vhost and databases of their own, removed afterwards), with one events service;
2. "one popular activity": `--clients` anonymous visitors at once register `--registrations`
   times in all for one activity of `--capacity` places (every registration claims a place in
   the same document, or joins its waitlist);
3. "spread": as many registrations spread over `--activities` activities, as many places in all;
4. starts a second events service beside the first and does both again on fresh activities;
5. for every activity, counts the confirmed registrations in the database and compares them with
   its capacity (overbooked: more confirmed than places; must be 0), and checks that the
   registrations say what the activity's places say.

Percentiles are nearest-rank. Progress goes to stderr, the table to stdout.
"""
from __future__ import annotations

import argparse
import math
import os
import platform as machine
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pymongo
import requests
from gateway.tokens import mint

from tests.platform import JWT_SECRET, Platform
from tests.support import Broker

ADMIN = {"Authorization": f"Bearer {mint(JWT_SECRET, 'bench-beheer', 'Beheer', None, ['admin'])}"}
NAMES = ["Fatima El Idrissi", "José Smit-Öztürk", "Daan de Jong", "Aïcha Benali", "Eline van der Berg",
         "Mohamed Bouzid", "Anouk Visser", "Chantal Ramdin", "Joris Mulder", "Sven Jansen"]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")


def schedule(base: str, capacity: int, n: int) -> list[str]:
    starts = datetime.now(UTC) + timedelta(days=30)
    ids = []
    for i in range(n):
        response = requests.post(f"{base}/activities", headers=ADMIN, timeout=30, json={
            "title": f"Leerbijeenkomst wijkaanpak {i}", "description": "Van elkaar leren in de wijk.",
            "kind": "leerbijeenkomst", "starts_at": (starts + timedelta(hours=i)).isoformat(),
            "ends_at": (starts + timedelta(hours=i + 2)).isoformat(), "capacity": capacity,
            "organisation": "lpb", "online_url": "https://meet.example.org/wijkaanpak"})
        response.raise_for_status()
        ids.append(response.json()["id"])
    return ids


def register_all(base: str, activity_ids: list[str], total: int, clients: int) -> tuple[list[float], list, float]:
    """`total` registrations by `clients` visitors at once, over the activities in turn:
    (seconds of each, (status code, registration status) of each, wall seconds)."""
    run = uuid.uuid4().hex[:6]

    def client(c: int) -> tuple[list[float], list]:
        session, times, outcomes = requests.Session(), [], []
        for i in range(c, total, clients):
            body = {"name": f"{NAMES[i % len(NAMES)]} {i}", "email": f"deelnemer.{run}.{i}@voorbeeld.nl"}
            started = time.perf_counter()
            response = session.post(f"{base}/activities/{activity_ids[i % len(activity_ids)]}/registrations",
                                    json=body, timeout=60)
            times.append(time.perf_counter() - started)
            outcomes.append((response.status_code,
                             response.json().get("status") if response.status_code == 201 else response.text[:200]))
        return times, outcomes

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(client, range(clients)))
    wall = time.perf_counter() - started
    return [t for r in results for t in r[0]], [o for r in results for o in r[1]], wall


def overbooked(db, activity_ids: list[str]) -> tuple[int, int, int, int]:
    """(confirmed, waitlisted, places taken beyond capacity, registrations that disagree with their
    activity), counted in the database."""
    confirmed = waitlisted = over = disagree = 0
    for activity_id in activity_ids:
        activity = db.activities.find_one({"_id": activity_id})
        held = db.registrations.count_documents({"activity_id": activity_id, "status": "confirmed"})
        waiting = db.registrations.count_documents({"activity_id": activity_id, "status": "waitlisted"})
        confirmed, waitlisted = confirmed + held, waitlisted + waiting
        over += max(0, held - activity["capacity"]) + max(0, len(activity["places"]) - activity["capacity"])
        disagree += abs(held - len(activity["places"])) + abs(waiting - len(activity["waitlist"]))
    return confirmed, waitlisted, over, disagree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bash bench/registrations.sh", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registrations", type=int, default=400, help="registrations per run")
    parser.add_argument("--clients", type=int, default=32, help="visitors registering at once")
    parser.add_argument("--capacity", type=int, default=100, help="places of the popular activity (and in all)")
    parser.add_argument("--activities", type=int, default=40, help="activities of the spread run")
    args = parser.parse_args(argv)

    infra = {"AMQP_URI": os.environ["AMQP_URI"], "MONGODB_URI": os.environ["MONGODB_URI"],
             "MANAGEMENT_URL": "http://127.0.0.1:15672", "TAG": f"bench{uuid.uuid4().hex[:6]}"}
    vhost = Broker(infra, f"bench-registrations-{infra['TAG']}")
    vhost.create()
    running = Platform({**infra, "AMQP_URI": vhost.amqp_uri},
                       Path(tempfile.mkdtemp(prefix="bench-registrations-")))
    rows = []
    try:
        say("starting the platform")
        running.up()
        base = f"{running.base_url}/api/v1"
        db = pymongo.MongoClient(infra["MONGODB_URI"], tz_aware=True)[running.database("events")]
        for replicas in (1, 2):
            if replicas == 2:
                say("starting a second events service")
                running.start("events", replica=2)
                deadline = time.monotonic() + 60
                while (vhost.depth("rpc-events") or (0, 0))[1] < 2:
                    if time.monotonic() > deadline:
                        raise RuntimeError("the second events service did not start")
                    time.sleep(0.2)
            for scenario, activities, capacity in (("one popular activity", 1, args.capacity),
                                                   ("spread", args.activities,
                                                    max(1, args.capacity // args.activities))):
                ids = schedule(base, capacity, activities)
                say(f"{replicas} events service(s), {scenario}: {args.registrations} registrations by "
                    f"{args.clients} visitors at once, {activities} activit{'y' if activities == 1 else 'ies'} "
                    f"of {capacity} places")
                times, outcomes, wall = register_all(base, ids, args.registrations, args.clients)
                errors = [o for o in outcomes if o[0] != 201]
                confirmed, waitlisted, over, disagree = overbooked(db, ids)
                rows.append((replicas, scenario, args.registrations, wall, args.registrations / wall,
                             percentile(times, 50), percentile(times, 95), confirmed, waitlisted,
                             capacity * activities, over, disagree, len(errors)))
                if errors:
                    say(f"  not registered: {errors[:3]}")

        print(f"machine: {machine.node()} {os.cpu_count()} cores, {machine.python_implementation()} "
              f"{machine.python_version()}; MongoDB-wire server {infra['MONGODB_URI']}; through the gateway, "
              f"{args.clients} visitors at once")
        header = ("events", "scenario", "regs", "seconds", "regs/s", "p50 ms", "p95 ms", "confirmed",
                  "waitlisted", "places", "overbooked", "mismatched", "errors")
        print(" | ".join(header))
        print(" | ".join("-" * len(h) for h in header))
        for (replicas, scenario, n, wall, rate, p50, p95, confirmed, waitlisted, places, over, disagree,
             errors) in rows:
            print(f"{replicas} | {scenario} | {n} | {wall:.1f} | {rate:.1f} | {p50 * 1000:.0f} | "
                  f"{p95 * 1000:.0f} | {confirmed} | {waitlisted} | {places} | {over} | {disagree} | {errors}")
        print(f"overbooking in all runs: {sum(r[10] for r in rows)} (must be 0)")
    finally:
        running.down()
        vhost.delete()
    return 1 if any(r[10] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
