"""Questions routed per second through the gateway, and whether every load stayed exact.

    bash bench/questions.sh [--questions 400] [--clients 32] [--rosters 20 200] [--capacity 10]

1. starts the whole platform as processes (tests/platform.py: every service and the gateway, in
   a RabbitMQ vhost and databases of their own, removed afterwards), with one helpdesk service;
2. for each roster size: an admin puts that many wijkwijzen on the roster (each knows 2 to 4
   topics and covers 1 to 3 focus areas, drawn with a fixed seed; `--capacity` open questions
   each), then `--clients` visitors at once ask `--questions` realistic Dutch questions
   (tests/content.py) anonymously through the gateway; each is routed (or pooled) before its 201;
3. starts a second helpdesk service beside the first and does it all again;
4. counts in the database, after each run: questions assigned and pooled, wijkwijzen over
   capacity, and load counts that disagree with the questions they hold (both must be 0).

A run starts from an empty roster and no questions (the bench's own database). Percentiles are
nearest-rank. Progress goes to stderr, the table to stdout.
"""
from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from datetime import UTC, datetime

import pymongo
import requests
from gateway.tokens import mint
from wijkwijzer import taxonomy

from bench.harness import another_replica, at_once, own_platform, percentile, print_table, say
from tests.content import Corpus
from tests.platform import JWT_SECRET

ADMIN = {"Authorization": f"Bearer {mint(JWT_SECRET, 'bench-beheer', 'Beheer', None, ['admin'])}"}
NAMES = ["Fatima El Idrissi", "José Smit-Öztürk", "Daan de Jong", "Aïcha Benali", "Eline van der Berg",
         "Mohamed Bouzid", "Anouk Visser", "Chantal Ramdin", "Joris Mulder", "Sven Jansen"]


def fill_roster(base: str, size: int, capacity: int, seed: int) -> None:
    rng = random.Random(seed)
    loaded = taxonomy.load()
    topics, areas = loaded.slugs("topics"), loaded.slugs("focus_areas")
    session = requests.Session()
    for i in range(size):
        name = f"{NAMES[i % len(NAMES)]} {i}"
        response = session.put(f"{base}/wijkwijzen/bench-{seed}-{i}", headers=ADMIN, timeout=30, json={
            "name": name, "email": f"wijkwijze.{i}@voorbeeld.nl", "capacity": capacity,
            "topics": rng.sample(topics, rng.randint(2, 4)), "regions": rng.sample(areas, rng.randint(1, 3))})
        response.raise_for_status()


def ask_all(base: str, total: int, clients: int, seed: int) -> tuple[list[float], list, float]:
    """`total` questions by `clients` visitors at once: (seconds of each, (status code, routed to a
    wijkwijze or the pool) of each, wall seconds)."""
    corpus = Corpus(seed=seed, anchor=datetime.now(UTC))
    return at_once(total, clients, lambda session, i: session.post(
        f"{base}/questions", json={**corpus.question(i), "email": f"vrager.{seed}.{i}@voorbeeld.nl"}, timeout=60),
        lambda response: "pooled" if response.json()["pooled"] else "assigned")


def loads(db) -> tuple[int, int, int, int]:
    """(assigned, pooled, wijkwijzen over capacity, load counts that disagree with the questions),
    counted in the database."""
    held = Counter(q["assignee"] for q in db.questions.find({"assignee": {"$ne": None}}, {"assignee": 1}))
    over = wrong = 0
    for entry in db.wijkwijzen.find():
        over += entry["open_count"] > entry["capacity"]
        wrong += not (entry["open_count"] == len(entry["open"]) == held[entry["_id"]])
    return sum(held.values()), db.questions.count_documents({"pooled": True}), over, wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bash bench/questions.sh", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=400, help="questions per run")
    parser.add_argument("--clients", type=int, default=32, help="visitors asking at once")
    parser.add_argument("--rosters", type=int, nargs="+", default=[20, 200], help="roster sizes")
    parser.add_argument("--capacity", type=int, default=10, help="open questions per wijkwijze")
    args = parser.parse_args(argv)

    rows = []
    # the questions stay assigned through the run: no assignment timeout meanwhile; and the gateway
    # waits for an answer as in production (RPC_TIMEOUT 5 s), not the test suite's 3 s
    settings = {"helpdesk": {"ASSIGNMENT_TIMEOUT": "86400"}, "gateway": {"RPC_TIMEOUT": "5"}}
    with own_platform("questions", settings) as (running, vhost, infra):
        base = f"{running.base_url}/api/v1"
        db = pymongo.MongoClient(infra["MONGODB_URI"], tz_aware=True)[running.database("helpdesk")]
        for replicas in (1, 2):
            if replicas == 2:
                another_replica(running, vhost, "helpdesk")
            for size in args.rosters:
                for collection in ("wijkwijzen", "questions", "deadlines"):   # a fresh start, indexes kept
                    db[collection].delete_many({})
                seed = replicas * 1000 + size
                fill_roster(base, size, args.capacity, seed)
                say(f"{replicas} helpdesk service(s), {size} wijkwijzen of {args.capacity} open questions: "
                    f"{args.questions} questions by {args.clients} visitors at once")
                times, outcomes, wall = ask_all(base, args.questions, args.clients, seed)
                errors = [o for o in outcomes if o[0] != 201]
                assigned, pooled, over, wrong = loads(db)
                rows.append((replicas, size, args.questions, f"{wall:.1f}", f"{args.questions / wall:.1f}",
                             f"{percentile(times, 50) * 1000:.0f}", f"{percentile(times, 95) * 1000:.0f}",
                             assigned, pooled, size * args.capacity, over, wrong, len(errors)))
                if errors:
                    say(f"  not asked: {errors[:3]}")
        print_table(infra, args.clients, ("helpdesk", "wijkwijzen", "questions", "seconds", "questions/s", "p50 ms",
                                          "p95 ms", "assigned", "pooled", "places", "over capacity", "loads wrong",
                                          "errors"), rows)
        print(f"over capacity or wrong loads in all runs: {sum(r[10] + r[11] for r in rows)} (must be 0)")
    return 1 if any(r[10] or r[11] or r[12] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
