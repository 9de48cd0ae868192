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
import sys
import uuid
from datetime import UTC, datetime, timedelta

import pymongo
import requests
from gateway.tokens import mint

from bench.harness import another_replica, at_once, own_platform, percentile, print_table, say
from tests.platform import JWT_SECRET

ADMIN = {"Authorization": f"Bearer {mint(JWT_SECRET, 'bench-beheer', 'Beheer', None, ['admin'])}"}
NAMES = ["Fatima El Idrissi", "José Smit-Öztürk", "Daan de Jong", "Aïcha Benali", "Eline van der Berg",
         "Mohamed Bouzid", "Anouk Visser", "Chantal Ramdin", "Joris Mulder", "Sven Jansen"]


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

    return at_once(total, clients, lambda session, i: session.post(
        f"{base}/activities/{activity_ids[i % len(activity_ids)]}/registrations", timeout=60,
        json={"name": f"{NAMES[i % len(NAMES)]} {i}", "email": f"deelnemer.{run}.{i}@voorbeeld.nl"}),
        lambda response: response.json().get("status"))


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

    rows = []
    with own_platform("registrations") as (running, vhost, infra):
        base = f"{running.base_url}/api/v1"
        db = pymongo.MongoClient(infra["MONGODB_URI"], tz_aware=True)[running.database("events")]
        for replicas in (1, 2):
            if replicas == 2:
                another_replica(running, vhost, "events")
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
                rows.append((replicas, scenario, args.registrations, f"{wall:.1f}", f"{args.registrations / wall:.1f}",
                             f"{percentile(times, 50) * 1000:.0f}", f"{percentile(times, 95) * 1000:.0f}", confirmed,
                             waitlisted, capacity * activities, over, disagree, len(errors)))
                if errors:
                    say(f"  not registered: {errors[:3]}")
        print_table(infra, args.clients, ("events", "scenario", "regs", "seconds", "regs/s", "p50 ms", "p95 ms",
                                          "confirmed", "waitlisted", "places", "overbooked", "mismatched", "errors"),
                    rows)
        print(f"overbooking in all runs: {sum(r[10] for r in rows)} (must be 0)")
    return 1 if any(r[10] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
