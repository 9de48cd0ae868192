"""Kennisbank writes under a burst of authors, and how soon a write shows in search.

    bash bench/writes.sh [--authors 16] [--pairs 15] [--words 300] [--visible 10]

1. starts the whole platform as processes (tests/platform.py: every service and the gateway,
   in a RabbitMQ vhost and databases of their own, removed afterwards);
2. `--visible` times, on the idle platform, one create at a time: from the 201 until an
   anonymous search for the new publication's own word finds it (polled every 10 ms);
3. the burst: `--authors` authors at once, each doing `--pairs` create + submit pairs of
   publications of `--words` words (tests/content.py), one after the other, over HTTP;
   prints pairs per second and p50/p95 of each write and of each pair;
4. counts the `publication.submitted` events a partner's queue received: every one, none twice;
5. waits until search has caught up with the burst and says how long that took.

Percentiles are nearest-rank. Progress goes to stderr, the results to stdout.
"""
from __future__ import annotations

import argparse
import os
import platform as machine
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import requests
from gateway.tokens import mint

from bench.harness import own_platform, percentile, say
from tests.content import Corpus
from tests.platform import JWT_SECRET
from tests.support import EventTap


def bearer(sub: str, role: str = "member") -> dict:
    return {"Authorization": f"Bearer {mint(JWT_SECRET, sub, sub.title(), f'{sub}@example.org', [role])}"}


EDITOR = bearer("eva", "editor")


class Kennisbank:
    def __init__(self, base_url: str, corpus: Corpus, words: int):
        self.base, self.corpus, self.words = f"{base_url}/api/v1", corpus, words
        self.numbers = iter(range(10**9))

    def create(self, session: requests.Session, author: str, word: str = "") -> tuple[dict, float]:
        fields, _ = self.corpus.publication(next(self.numbers), words=self.words)
        fields["title"] = f"{fields['title'][:150]} {word}".strip()
        started = time.perf_counter()
        response = session.post(f"{self.base}/publications", json=fields, headers=bearer(author), timeout=60)
        took = time.perf_counter() - started
        response.raise_for_status()
        return response.json(), took

    def submit(self, session: requests.Session, author: str, publication_id: str) -> float:
        started = time.perf_counter()
        response = session.post(f"{self.base}/publications/{publication_id}/submit", headers=bearer(author),
                                timeout=60)
        took = time.perf_counter() - started
        response.raise_for_status()
        return took

    def found(self, session: requests.Session, status: str, word: str | None = None) -> int:
        """How many publications in `status` (with `word`) an editor's search finds."""
        params = {"status": status, "limit": 1, **({"q": word} if word else {})}
        response = session.get(f"{self.base}/publications", params=params, headers=EDITOR, timeout=60)
        response.raise_for_status()
        return response.json()["total"]


def visible_after(kennisbank: Kennisbank, samples: int) -> list[float]:
    """Seconds from a create's 201 until search finds the draft (editors search drafts by status)."""
    session, times = requests.Session(), []
    for _ in range(samples):
        word = f"proef{uuid.uuid4().hex[:8]}"
        kennisbank.create(session, "bench-solo", word)
        answered = time.perf_counter()
        while kennisbank.found(session, "draft", word) == 0:
            time.sleep(0.01)
        times.append(time.perf_counter() - answered)
        time.sleep(0.2)
    return times


def burst(kennisbank: Kennisbank, authors: int, pairs: int) -> tuple[list[float], list[float], float]:
    """(each write's seconds, each pair's seconds, wall seconds)."""
    def author(n: int) -> tuple[list[float], list[float]]:
        session, writes, pair_times = requests.Session(), [], []
        for _ in range(pairs):
            doc, created = kennisbank.create(session, f"auteur-{n}")
            submitted = kennisbank.submit(session, f"auteur-{n}", doc["id"])
            writes += [created, submitted]
            pair_times.append(created + submitted)
        return writes, pair_times
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=authors) as pool:
        results = list(pool.map(author, range(authors)))
    wall = time.perf_counter() - started
    return [w for r in results for w in r[0]], [p for r in results for p in r[1]], wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bash bench/writes.sh", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--authors", type=int, default=16)
    parser.add_argument("--pairs", type=int, default=15, help="create + submit pairs per author")
    parser.add_argument("--words", type=int, default=300, help="words per publication's body")
    parser.add_argument("--visible", type=int, default=10, help="samples of the time until a write is in search")
    args = parser.parse_args(argv)

    with own_platform("writes") as (running, vhost, infra):
        tap = EventTap(vhost.amqp_uri, "publications", "publication.submitted")
        kennisbank = Kennisbank(running.base_url, Corpus(seed=5, anchor=datetime.now(UTC)), args.words)
        say(f"timing {args.visible} writes until search finds them, one at a time")
        visible = visible_after(kennisbank, args.visible)
        say(f"burst: {args.authors} authors x {args.pairs} create+submit pairs of {args.words}-word publications")
        writes, pair_times, wall = burst(kennisbank, args.authors, args.pairs)
        caught_up_from = time.perf_counter()
        total = args.authors * args.pairs
        while kennisbank.found(requests.Session(), "submitted") < total \
                and time.perf_counter() - caught_up_from < 600:
            time.sleep(0.05)
        caught_up = time.perf_counter() - caught_up_from
        deadline = time.time() + 60
        while len(tap.events()) < total and time.time() < deadline:
            time.sleep(0.2)
        ids = [e["id"] for e in tap.events()]
        tap.close()

        ms = lambda s: f"{s * 1000:8.1f} ms"
        print(f"machine: {machine.node()} {os.cpu_count()} cores, {machine.python_implementation()} "
              f"{machine.python_version()}; MongoDB-wire server {infra['MONGODB_URI']}")
        print(f"write visible in search, idle platform ({len(visible)} samples): p50 {ms(percentile(visible, 50))}"
              f"  p95 {ms(percentile(visible, 95))}")
        print(f"burst of {args.authors} authors, {total} create+submit pairs ({len(writes)} writes), "
              f"{args.words}-word bodies:")
        print(f"  pairs per second          {total / wall:8.1f}")
        print(f"  each write                p50 {ms(percentile(writes, 50))}  p95 {ms(percentile(writes, 95))}")
        print(f"  each pair                 p50 {ms(percentile(pair_times, 50))}  p95 {ms(percentile(pair_times, 95))}")
        print(f"  search caught up with the burst {caught_up:.1f} s after its last write")
        print(f"  publication.submitted at a partner's queue: {len(ids)} of {total}, "
              f"{len(ids) - len(set(ids))} twice")
    return 0


if __name__ == "__main__":
    sys.exit(main())
