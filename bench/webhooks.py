"""Partner webhook deliveries per second, and the latency from a gateway write to the partner.

    bash bench/webhooks.sh [--burst 1:200,10:100,100:30] [--trickle 1,10] [--trickle-writes 100]
                           [--rate 10] [--clients 16] [--timeout 600]

1. starts the whole platform as processes (tests/platform.py: every service and the gateway, in a
   RabbitMQ vhost and databases of their own, removed afterwards; the retry schedule at 1/1000 of
   its pace, endpoints on loopback admitted) and one partner endpoint, a WebhookReceiver process
   (tests/webhook_receiver.py) that verifies every request with the reference `standardwebhooks`
   library and answers 204;
2. for each case, an admin registers its partners through the gateway (`POST /api/v1/partners`,
   no filters: every public event), each at a path of its own on the receiver, which trusts the
   secret the answer shows once; the partners of the case before are switched off (`PATCH`);
3. members write drafts of a few hundred words of Dutch (tests/content.py) through the gateway;
   untimed;
4. "burst" (`--burst partners:events,...`): `--clients` members at once submit the drafts
   (`POST /publications/<id>/submit`; each submit is one public `publication.submitted` event),
   timed from the first submit until the receiver accepted the last delivery expected;
5. "replay": right after each burst, an admin replays the burst's time range to each of its
   partners at once (`POST /api/v1/partners/<id>/replay`), timed from the first replay request
   until the receiver accepted every event again: the pace of sending alone, where the burst's
   figure also holds the pace of the submits;
6. "trickle" (`--trickle partners,...`): `--trickle-writes` submits by one member at `--rate` a
   second, to as many partners.

For each delivery the receiver accepted: its time (the receiver's `received_at`, this machine's
clock) minus the time the gateway answered the submit of that publication (matched by the
event's `subject`) is its end-to-end latency. Missing: (partner, publication) pairs never
delivered by `--timeout`; duplicates: accepted deliveries with a (path, webhook-id) seen already;
unverified: requests whose signature did not verify. Percentiles are nearest-rank. Progress goes
to stderr, the table to stdout; the exit status is 1 if anything was missing, duplicated or
unverified.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import requests
from gateway.tokens import mint

from bench.harness import own_platform, percentile, print_table, say
from tests.content import Corpus
from tests.platform import JWT_SECRET
from tests.support import WebhookReceiver

ADMIN = {"Authorization": f"Bearer {mint(JWT_SECRET, 'bench-beheer', 'Beheer', None, ['admin'])}"}
AUTHORS = ["Fatima El Idrissi", "José Smit-Öztürk", "Daan de Jong", "Aïcha Benali", "Eline van der Berg",
           "Mohamed Bouzid", "Anouk Visser", "Chantal Ramdin", "Joris Mulder", "Sven Jansen"]
MEMBERS = [{"Authorization": f"Bearer {mint(JWT_SECRET, f'lid-{i}', name, None, ['member'])}"}
           for i, name in enumerate(AUTHORS)]


class Received:
    """The receiver's log (received.jsonl), read on from where it was read last."""

    def __init__(self, receiver: WebhookReceiver):
        self.file = receiver.directory / "received.jsonl"
        self.offset = 0
        self.entries: list[dict] = []

    def read(self) -> list[dict]:
        if self.file.exists():
            with open(self.file, "rb") as log:
                log.seek(self.offset)
                data = log.read()
            complete = data[:data.rfind(b"\n") + 1]   # a line being written waits for the next read
            self.offset += len(complete)
            for line in complete.decode().splitlines():
                entry = json.loads(line)
                entry["subject"] = json.loads(entry["body"]).get("subject")
                del entry["body"], entry["signatures"]
                self.entries.append(entry)
        return self.entries


def register_partners(base: str, receiver: WebhookReceiver, case: str, n: int) -> tuple[list[str], list[str]]:
    """n partners at /<case>/gemeente-<i> on the receiver, its secret trusted: (ids, paths)."""
    ids, paths = [], []
    for i in range(n):
        path = f"/{case}/gemeente-{i}"
        response = requests.post(f"{base}/partners", headers=ADMIN, timeout=30, json={
            "name": f"Gemeente {i} ({case})", "url": receiver.url(path)})
        response.raise_for_status()
        receiver.trust(path, response.json()["secret"])
        ids.append(response.json()["id"])
        paths.append(path)
    return ids, paths


def switch_off(base: str, partner_ids: list[str]) -> None:
    for partner_id in partner_ids:
        requests.patch(f"{base}/partners/{partner_id}", headers=ADMIN, json={"active": False},
                       timeout=30).raise_for_status()


def drafts(base: str, corpus: Corpus, first: int, n: int, clients: int) -> list[tuple[dict, str]]:
    """n drafts (publications first .. first+n-1 of the corpus) by the members in turn:
    [(the author's headers, the publication id)]."""
    def create(i: int) -> tuple[dict, str]:
        fields, _ = corpus.publication(first + i)
        author = MEMBERS[i % len(MEMBERS)]
        response = requests.post(f"{base}/publications", headers=author, json=fields, timeout=60)
        response.raise_for_status()
        return author, response.json()["id"]

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(create, range(n)))


def submit(session: requests.Session, base: str, author: dict, publication_id: str) -> float:
    """Submit one draft; when the gateway answered (time.time())."""
    response = session.post(f"{base}/publications/{publication_id}/submit", headers=author, timeout=60)
    answered = time.time()
    response.raise_for_status()
    return answered


def burst(base: str, written: list[tuple[dict, str]], clients: int) -> tuple[float, dict[str, float]]:
    """Every draft submitted by `clients` members at once: (when the first was sent, answered-at
    per publication id)."""
    answered: dict[str, float] = {}
    lock = threading.Lock()

    def client(c: int) -> None:
        session = requests.Session()
        for author, publication_id in written[c::clients]:
            at = submit(session, base, author, publication_id)
            with lock:
                answered[publication_id] = at

    started = time.time()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    return started, answered


def trickle(base: str, written: list[tuple[dict, str]], rate: float) -> tuple[float, dict[str, float]]:
    """The drafts submitted one by one at `rate` a second."""
    session, answered = requests.Session(), {}
    started = time.time()
    for i, (author, publication_id) in enumerate(written):
        time.sleep(max(0.0, started + i / rate - time.time()))
        answered[publication_id] = submit(session, base, author, publication_id)
    return started, answered


def measure(received: Received, paths: list[str], started: float, answered: dict[str, float],
            timeout: float) -> dict:
    """Wait for every (path, publication) delivery, then count and time them."""
    wanted = {(p, s) for p in paths for s in answered}
    ours = set(paths)
    deadline = time.monotonic() + timeout
    while True:
        entries = [e for e in received.read() if e["path"] in ours]
        got = {(e["path"], e["subject"]) for e in entries if 200 <= e["status"] < 300}
        if wanted <= got or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    time.sleep(1.0)   # anything sent twice has a moment to show up
    entries = [e for e in received.read() if e["path"] in ours]
    accepted = [e for e in entries if 200 <= e["status"] < 300]
    first: dict[tuple[str, str], float] = {}
    for e in accepted:
        key = (e["path"], e["subject"])
        first[key] = min(first.get(key, e["received_at"]), e["received_at"])
    latencies = [first[(p, s)] - answered[s] for (p, s) in wanted if (p, s) in first]
    seen = Counter((e["path"], e["webhook_id"]) for e in accepted)
    return {
        "deliveries": len(accepted),
        "seconds": max((e["received_at"] for e in accepted), default=started) - started,
        "p50": percentile(latencies, 50) * 1000, "p99": percentile(latencies, 99) * 1000,
        "missing": len(wanted - set(first)),
        "duplicates": sum(n - 1 for n in seen.values()),
        "unverified": sum(1 for e in entries if not e["verified"]),
        "other": sum(1 for e in accepted if e["subject"] not in answered),
    }


def replay(base: str, received: Received, ids: list[str], paths: list[str], since: float,
           subjects: set[str], timeout: float) -> dict:
    """Every partner of a burst gets the burst again (its time range, from `since`): deliveries, seconds."""
    window = {"from": datetime.fromtimestamp(since - 1, UTC).isoformat(), "to": datetime.now(UTC).isoformat()}
    started = time.time()

    def ask(partner_id: str) -> None:
        requests.post(f"{base}/partners/{partner_id}/replay", headers=ADMIN, json=window,
                      timeout=60).raise_for_status()

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(ask, ids))
    ours, wanted = set(paths), {(p, s) for p in paths for s in subjects}
    deadline = time.monotonic() + timeout
    while True:
        entries = [e for e in received.read() if e["path"] in ours and e["received_at"] >= started]
        accepted = [e for e in entries if 200 <= e["status"] < 300]
        got = {(e["path"], e["subject"]) for e in accepted}
        if wanted <= got or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    seen = Counter((e["path"], e["webhook_id"]) for e in accepted)
    return {"deliveries": len(accepted),
            "seconds": max((e["received_at"] for e in accepted), default=started) - started,
            "missing": len(wanted - got), "duplicates": sum(n - 1 for n in seen.values()),
            "unverified": sum(1 for e in entries if not e["verified"])}


def cases(text: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in (part.split(":") for part in text.split(",") if part)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bash bench/webhooks.sh", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--burst", type=cases, default=cases("1:200,10:100,100:30"),
                        help="partners:events of each burst (1:200,10:100,100:30)")
    parser.add_argument("--trickle", default="1,10", help="partners of each trickle run (1,10)")
    parser.add_argument("--trickle-writes", type=int, default=100, help="submits of a trickle run (100)")
    parser.add_argument("--rate", type=float, default=10, help="submits a second in a trickle run (10)")
    parser.add_argument("--clients", type=int, default=16, help="members submitting at once in a burst (16)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for a run's deliveries (600)")
    args = parser.parse_args(argv)
    runs = [("burst", p, e) for p, e in args.burst] + \
        [("trickle", int(p), args.trickle_writes) for p in args.trickle.split(",") if p]

    rows = []
    corpus = Corpus(seed=7, anchor=datetime.now(UTC))
    with own_platform("webhooks") as (running, _vhost, infra):
        base = f"{running.base_url}/api/v1"
        receiver = WebhookReceiver(Path(tempfile.mkdtemp(prefix="bench-webhooks-")) / "receiver").start()
        received = Received(receiver)
        try:
            previous: list[str] = []
            written = 0
            for n, (load, partners, events) in enumerate(runs):
                case = f"{load}-{n}"
                switch_off(base, previous)
                previous, paths = register_partners(base, receiver, case, partners)
                say(f"{case}: {partners} partner(s) registered; {events} members' drafts")
                mine = drafts(base, corpus, written, events, args.clients)
                written += events
                say(f"{case}: submitting {events} drafts"
                    + (f" by {args.clients} members at once" if load == "burst" else f" at {args.rate:g}/s"))
                started, answered = burst(base, mine, args.clients) if load == "burst" \
                    else trickle(base, mine, args.rate)
                result = measure(received, paths, started, answered, args.timeout)
                say(f"{case}: {result}")
                rows.append((load, partners, events, result["deliveries"], f"{result['seconds']:.2f}",
                             f"{result['deliveries'] / max(result['seconds'], 1e-9):.1f}",
                             f"{result['p50']:.0f}", f"{result['p99']:.0f}", result["missing"],
                             result["duplicates"], result["unverified"]))
                if load == "burst":
                    say(f"{case}: replaying the burst to its {partners} partner(s)")
                    again = replay(base, received, previous, paths, started, set(answered), args.timeout)
                    say(f"{case} replay: {again}")
                    rows.append(("replay", partners, events, again["deliveries"], f"{again['seconds']:.2f}",
                                 f"{again['deliveries'] / max(again['seconds'], 1e-9):.1f}", "-", "-",
                                 again["missing"], again["duplicates"], again["unverified"]))
        finally:
            receiver.stop()
        print("\nwebhooks: from the gateway's submit to the partner's 204 (WebhookReceiver, signatures verified "
              "with standardwebhooks); one notifications service")
        print_table(infra, args.clients, ("load", "partners", "events", "deliveries", "seconds", "deliveries/s",
                                          "e2e p50 ms", "p99 ms", "missing", "duplicates", "unverified"), rows)
    return 1 if any(r[8] or r[9] or r[10] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
