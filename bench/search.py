"""Publication search latency as the kennisbank grows: 1,000 -> 10,000 -> 100,000 publications.

    bash bench/search.sh [sizes...] [--samples N] [--samples-100k N] [--budget S] [--seed N] [--keep] [--database NAME] [--quick]

    bash bench/search.sh                    # sizes 1000 10000 100000
    bash bench/search.sh 1000 5000          # other sizes
    bash bench/search.sh --quick            # sizes 200 1000, 5 samples: checks the harness in minutes

What it does, in order:

1. starts the publications service and the gateway as processes (`nameko run`, as
   deploy/platform.sh and tests/platform.py do) in a RabbitMQ vhost of their own, on a fresh
   database `bench_search_<random>`; they create their indexes on the empty collection at start;
2. grows the collection to each size by inserting only the difference: seeded Dutch-like
   publications built by `publications.drafts.imported` (published, with their search terms),
   inserted with pymongo `insert_many` in batches of 1,000, then rebuilds the search index
   (`SearchIndex.rebuild`, what `python -m publications.reindex` runs after an import);
3. at each size times three kinds of query (one term, three terms, one term with a topic and a
   kind filter) over two paths: the `publications.search` RPC, and `GET /api/v1/publications`
   through the gateway; two warm-up calls, then the samples, rotating over a few queries per
   kind so that no cache answers every sample. A row stops early once it has run `--budget`
   seconds (300), after at least one timed call, and a call slower than a twentieth of that
   needs no warm-up: where every search reads the whole collection (the local FerretDB), one
   call at 100,000 takes many minutes, and the run must still end;
4. prints one table (p50, p95, hits), the growth of p95 from the smallest to the largest size,
   whether p95 < 50 ms at 100,000 on the RPC path, and the machine it ran on;
5. stops the processes and drops the databases and the vhost (`--keep` keeps the database).

Percentiles are nearest-rank: p95 of n samples is the ceil(0.95 n)-th fastest, so with 10 samples
it is the slowest one. Progress goes to stderr, the results to stdout.
"""
from __future__ import annotations

import argparse
import itertools
import logging
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pymongo
import requests

from tests.content import Corpus  # the same generated Dutch publications as the tests use
from tests.platform import free_port, service_list  # the processes and vhosts as the e2e tests run them
from tests.support import Broker

with warnings.catch_warnings():
    # nameko 2.14 (a fixed choice) runs on eventlet, which warns at import that it is deprecated
    warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")
    from nameko.exceptions import RemoteError, RpcTimeout
    from nameko.standalone.rpc import ClusterRpcProxy
    from publications import storage
    from publications.drafts import imported
    from publications.index import SearchIndex

ROOT = Path(__file__).resolve().parents[1]
NAMEKO = Path(sys.executable).with_name("nameko")
COLLECTION = storage.COLLECTION
BATCH = 1000
WARMUP = 2
LIMIT = 20
GOAL_MS, GOAL_SIZE = 50.0, 100_000
# The local MongoDB-wire server scans the collection for a search: at 100,000 publications one
# call can take minutes. It is measured, not cut off, by the gateway's RPC deadline or ours.
RPC_TIMEOUT = 1800
AUTHOR = {"sub": "bench", "name": "Bench"}

# -- the queries ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    q: str
    topic: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()

    def params(self) -> dict:
        """The RPC's params; for the gateway, requests repeats a list (topic=a&topic=b) as the API wants."""
        params: dict = {"q": self.q, "limit": LIMIT}
        if self.topic:
            params["topic"] = list(self.topic)
        if self.kind:
            params["kind"] = list(self.kind)
        return params

    def __str__(self) -> str:
        filters = "".join(f" {name}={','.join(v)}" for name, v in (("topic", self.topic), ("kind", self.kind)) if v)
        return f"q={self.q!r}{filters}"


def query_kinds(corpus: Corpus) -> dict[str, list[Query]]:
    """A few queries per kind, from frequent to rarer words, so the samples do not all hit one
    cached answer; a kind's p50/p95 is over its queries together."""
    topics = corpus.common("topics", 3)
    kinds = corpus.common("publication_kinds", 3)
    return {
        "single-term": [Query("bewoners"), Query("armoede"), Query("ondermijning"), Query("coöperatie")],
        "multi-term": [Query("veiligheid jongeren buurt"), Query("armoede gezinnen wijk"),
                       Query("participatie bewoners gemeente"), Query("ontmoeting ouderen buurthuis")],
        "filtered": [Query("wijk", (topics[0],), (kinds[0],)), Query("buurt", (topics[1],), (kinds[0],)),
                     Query("wijk", (topics[2],), (kinds[1],)), Query("jongeren", (topics[0],), (kinds[2],))],
    }


# -- the processes --------------------------------------------------------------------------------

def service_target(name: str) -> tuple[str, str]:
    """(directory, module:Class) of a process in deploy/services.list."""
    return next((d, t) for n, d, t in service_list() if n == name)


@dataclass
class Services:
    """The publications service and the gateway, each a `nameko run` in a session of its own."""

    amqp_uri: str
    mongodb_uri: str
    database: str
    log_dir: Path
    port: int = field(default_factory=free_port)
    # the gateway refuses to start without one; nobody needs a token to search
    jwt_secret: str = field(default_factory=lambda: f"bench-search-{uuid.uuid4().hex}{uuid.uuid4().hex}")
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, name: str) -> dict[str, str]:
        return {
            **os.environ,
            "AMQP_URI": self.amqp_uri,
            "MONGODB_URI": self.mongodb_uri,
            # the gateway keeps its rate-limit counters in a database of its own
            "MONGODB_DATABASE": self.database if name == "publications" else f"{self.database}_{name}",
            "GATEWAY_ADDRESS": f"127.0.0.1:{self.port}",
            "JWT_SECRET": self.jwt_secret,
            "RPC_TIMEOUT": str(RPC_TIMEOUT),
            # both processes run on this machine: each its own operations port (wijkwijzer.ops)
            "OPS_ADDRESS": f"127.0.0.1:{free_port()}",
        }

    def log(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def start(self) -> None:
        for name in ("publications", "gateway"):
            directory, target = service_target(name)
            with open(self.log(name), "ab") as out:
                self.processes[name] = subprocess.Popen(
                    [str(NAMEKO), "run", "--config", "config.yaml", target],
                    cwd=ROOT / directory, env=self.env(name), stdin=subprocess.DEVNULL,
                    stdout=out, stderr=subprocess.STDOUT,
                    # a session of its own: stopping it stops everything it started, and Ctrl-C
                    # in the terminal reaches only us, so we stop the services in order
                    start_new_session=True,
                )

    def wait_ready(self, timeout: float = 90) -> None:
        """Until `publications.ping` answers over RPC and the gateway's /healthz answers (not
        /readyz: it wants all four services, and only two run here)."""
        deadline = time.monotonic() + timeout
        pinged = healthy = False
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            self.check_running()
            try:
                if not pinged:
                    with ClusterRpcProxy({"AMQP_URI": self.amqp_uri}, timeout=3) as rpc:
                        pinged = rpc.publications.ping()["status"] == "ok"
                if not healthy:
                    healthy = requests.get(f"{self.base_url}/healthz", timeout=3).status_code == 200
            except Exception as exc:  # noqa: BLE001 (any failure means: not yet)
                last_error = exc
            if pinged and healthy:
                return
            time.sleep(0.3)
        raise RuntimeError(f"not ready in {timeout:g}s (ping: {pinged}, healthz: {healthy}, last error: "
                           f"{last_error!r}); logs in {self.log_dir}")

    def check_running(self) -> None:
        exited = [name for name, p in self.processes.items() if p.poll() is not None]
        if exited:
            tail = self.log(exited[0]).read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{exited[0]} exited (log {self.log(exited[0])}):\n{tail}")

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            process = self.processes.pop(name)
            if process.poll() is not None:
                continue
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_for_indexes(collection, timeout: float = 30) -> list[str]:
    """The names of the collection's indexes once all of the service's search indexes exist: the
    service creates them as it starts, and a ping may answer before that has finished."""
    wanted = {tuple(keys) for keys, _ in storage.INDEXES[COLLECTION]}
    deadline = time.monotonic() + timeout
    while True:
        found = collection.index_information()
        missing = wanted - {tuple((key, int(order)) for key, order in info["key"]) for info in found.values()}
        if not missing:
            return sorted(found)
        if time.monotonic() > deadline:
            raise RuntimeError(f"the service did not create the indexes {sorted(missing)} in {timeout:g}s")
        time.sleep(0.3)


# -- loading --------------------------------------------------------------------------------------

@dataclass
class Load:
    size: int
    added: int
    build_s: float   # generating the fields and `imported` (terms, HTML)
    insert_s: float
    index_s: float   # rebuilding the search index over all `size`

    def __str__(self) -> str:
        total = self.build_s + self.insert_s
        return (f"loaded {self.size:>9,} (+{self.added:,}) in {total:6.1f} s: build {self.build_s:.1f} s, "
                f"insert {self.insert_s:.1f} s ({self.added / max(total, 1e-9):,.0f} publications/s); "
                f"search index rebuilt in {self.index_s:.1f} s")


def grow(collection, corpus: Corpus, have: int, size: int) -> Load:
    """Insert publications have..size-1 of the corpus, BATCH at a time."""
    build = insert = 0.0
    counting = sys.stderr.isatty()   # a count that rewrites its line, for a terminal only
    for start in range(have, size, BATCH):
        t0 = time.perf_counter()
        batch = map(corpus.publication, range(start, min(start + BATCH, size)))
        docs = [imported(fields, AUTHOR, now) for fields, now in batch]
        t1 = time.perf_counter()
        collection.insert_many(docs)
        t2 = time.perf_counter()
        build, insert = build + t1 - t0, insert + t2 - t1
        if counting:
            progress(f"\r  loading {start + len(docs):,} / {size:,}", end="")
    if counting:
        progress("\r\033[K", end="")
    t0 = time.perf_counter()
    if size > have or SearchIndex(collection.database, COLLECTION).generation() == 0:
        SearchIndex(collection.database, COLLECTION).rebuild()
    return Load(size, size - have, build, insert, time.perf_counter() - t0)


# -- measuring ------------------------------------------------------------------------------------

class SearchFailed(RuntimeError):
    pass


# What ends one row but not the run: the service refused or failed the search, or took too long.
MEASURE_ERRORS = (SearchFailed, RemoteError, RpcTimeout, requests.RequestException)


def percentile(samples: list[float], p: float) -> float:
    """Nearest rank: the smallest sample with at least p % of the samples at or below it."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(p / 100 * len(ordered)), 1) - 1]


@dataclass
class Row:
    size: int
    kind: str
    path: str
    ms: list[float] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)   # str(query) -> total hits
    error: str | None = None

    @property
    def p50(self) -> float | None:
        return percentile(self.ms, 50) if self.ms else None

    @property
    def p95(self) -> float | None:
        return percentile(self.ms, 95) if self.ms else None

    def hits(self) -> str:
        if not self.totals:
            return "-"
        low, high = min(self.totals.values()), max(self.totals.values())
        return f"{low:,}" if low == high else f"{low:,}–{high:,}"

    def __str__(self) -> str:
        def ms(value: float | None) -> str:
            return "-" if value is None else f"{value:.1f}"
        outcome = f"failed: {self.error}" if self.error else self.hits()
        return (f"{self.size:>9,}  {self.kind:<12} {self.path:<8} {len(self.ms):>3} "
                f"{ms(self.p50):>9} {ms(self.p95):>9}  {outcome}")


def measure(row: Row, search: Callable[[Query], dict], queries: list[Query], samples: int, budget: float) -> Row:
    """WARMUP untimed calls, then `samples` timed ones, rotating over the queries.

    A row stops early once it has run `budget` seconds (after at least one timed call), so that a
    server taking minutes per search still finishes the run; `len(row.ms)` is the sample count.
    Warm-ups absorb first-call costs (connections, caches), which are noise once a call takes
    over a twentieth of the budget: such a call is a sample, and the warm-up is over.
    """
    started = time.monotonic()
    try:
        for i in itertools.count():
            if len(row.ms) == samples or (time.monotonic() - started > budget and row.ms):
                break
            query = queries[i % len(queries)]
            t0 = time.perf_counter()
            answer = search(query)
            elapsed = time.perf_counter() - t0
            if not is_search_answer(answer):
                raise SearchFailed(f"{query}: not a search answer: {str(answer)[:200]}")
            row.totals[str(query)] = answer["total"]
            if i >= WARMUP or row.ms or elapsed > budget / 20:
                row.ms.append(elapsed * 1000)
    except MEASURE_ERRORS as exc:
        row.error = f"{type(exc).__name__}: {exc}"[:300]
    return row


def is_search_answer(answer) -> bool:
    return isinstance(answer, dict) and isinstance(answer.get("total"), int) and isinstance(answer.get("items"), list)


def gateway_search(session: requests.Session, base_url: str) -> Callable[[Query], dict]:
    def search(query: Query) -> dict:
        response = session.get(f"{base_url}/api/v1/publications", params=query.params(), timeout=RPC_TIMEOUT + 30)
        if response.status_code != 200:
            raise SearchFailed(f"{query}: HTTP {response.status_code} {response.text[:200]}")
        return response.json()
    return search


def rpc_search(rpc) -> Callable[[Query], dict]:
    def search(query: Query) -> dict:
        return rpc.publications.search(query.params(), None)
    return search


# -- reporting ------------------------------------------------------------------------------------

def progress(message: str, end: str = "\n") -> None:
    print(message, end=end, file=sys.stderr, flush=True)


def machine_facts(client: pymongo.MongoClient, vhost: str) -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown cpu")
    build = client.admin.command("buildInfo")
    server = f"MongoDB {build.get('version')}"
    if "ferretdbVersion" in build:
        server = f"FerretDB {build['ferretdbVersion']} (reports MongoDB {build.get('version')})"
    nproc = len(os.sched_getaffinity(0))   # what nproc prints: the cores this process may use
    return [
        f"machine: {nproc} cores (nproc), {cpu}, Python {platform.python_version()}, {platform.system()}",
        f"MongoDB-wire server: {server}",
        f"RabbitMQ vhost: {vhost}",
    ]


def report(rows: list[Row], loads: list[Load], facts: list[str], indexes: list[str], budget: float) -> None:
    print()
    for line in facts:
        print(line)
    print(f"indexes on {COLLECTION}: {', '.join(indexes)}")
    for load in loads:
        print(load)
    print()
    print(f"{'size':>9}  {'query kind':<12} {'path':<8} {'n':>3} {'p50 ms':>9} {'p95 ms':>9}  total hits")
    for row in rows:
        print(row)
    print(f"n: timed calls, after {WARMUP} warm-up calls (none when a call takes over {budget / 20:g} s);"
          f" fewer when a row ran past its budget of {budget:g} s.\n"
          "p50/p95: nearest rank (so p95 of fewer than 20 samples is the slowest one).")
    _mismatches(rows)
    _growth(rows)
    _goal(rows)


def _mismatches(rows: list[Row]) -> None:
    """Both paths ask the same queries of the same data: their totals must agree."""
    by_key = {(r.size, r.kind, r.path): r for r in rows}
    for row in rows:
        other = by_key.get((row.size, row.kind, "gateway"))
        if row.path == "rpc" and other:
            differ = [q for q in row.totals if q in other.totals and row.totals[q] != other.totals[q]]
            for query in differ:
                print(f"! {row.size:,} {query}: total {row.totals[query]:,} over RPC, {other.totals[query]:,} via the gateway")


def _growth(rows: list[Row]) -> None:
    sizes = sorted({r.size for r in rows})
    if len(sizes) < 2:
        return
    smallest, largest = sizes[0], sizes[-1]
    print(f"\ngrowth of p95 from {smallest:,} to {largest:,} publications (x{largest / smallest:g} data):")
    first = {(r.kind, r.path): r for r in rows if r.size == smallest}
    for row in (r for r in rows if r.size == largest):
        before = first.get((row.kind, row.path))
        if before and before.p95 and row.p95:
            print(f"  {row.kind:<12} {row.path:<8} {before.p95:9.1f} -> {row.p95:9.1f} ms  x{row.p95 / before.p95:.1f}")
        else:
            print(f"  {row.kind:<12} {row.path:<8} not measured at both sizes")


def _goal(rows: list[Row]) -> None:
    goal = f"goal p95 < {GOAL_MS:g} ms at {GOAL_SIZE:,} publications on the RPC path"
    at_goal = [r for r in rows if r.size == GOAL_SIZE and r.path == "rpc"]
    if not at_goal:
        print(f"\n{goal}: not measured (largest size {max((r.size for r in rows), default=0):,})")
        return
    # every kind measured at the smallest size must be in, or an interrupted run could pass
    kinds = {r.kind for r in rows if r.path == "rpc"}
    met = {r.kind for r in at_goal} == kinds and all(r.p95 is not None and r.p95 < GOAL_MS for r in at_goal)
    detail = ", ".join(f"{r.kind} {'failed' if r.p95 is None else f'{r.p95:.1f} ms'}" for r in at_goal)
    print(f"\n{goal}: {'MET' if met else 'NOT MET'} ({detail})")


# -- the run --------------------------------------------------------------------------------------

def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bash bench/search.sh", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("positional_sizes", nargs="*", type=int, metavar="size",
                        help="collection sizes (default 1000 10000 100000)")
    parser.add_argument("--sizes", nargs="+", type=int, help="the same as the positional sizes")
    parser.add_argument("--samples", type=int, help="timed calls per row (default 30)")
    parser.add_argument("--samples-100k", type=int, help="timed calls per row at 100,000 and more (default 10)")
    parser.add_argument("--budget", type=float, default=300,
                        help="seconds per row after which it takes no more samples (default 300)")
    parser.add_argument("--seed", type=int, default=31, help="corpus seed (default 31)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--database", help="a database kept by --keep (same --seed): grow it instead of a new "
                                           "one, skipping the sizes it is past; kept afterwards")
    parser.add_argument("--quick", action="store_true", help="sizes 200 1000, 5 samples: a check of the harness")
    args = parser.parse_args(argv)
    args.keep = args.keep or bool(args.database)
    quick = args.quick
    args.sizes = sorted(set(args.sizes or args.positional_sizes or ([200, 1000] if quick else [1000, 10000, 100000])))
    args.samples = args.samples or (5 if quick else 30)
    args.samples_100k = args.samples_100k or (5 if quick else 10)
    if args.sizes[0] < 1 or args.samples < 1 or args.samples_100k < 1 or args.budget <= 0:
        parser.error("sizes, samples and the budget must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    amqp_uri, mongodb_uri = os.environ.get("AMQP_URI"), os.environ.get("MONGODB_URI")
    if not amqp_uri or not mongodb_uri:
        sys.exit("AMQP_URI and MONGODB_URI must be set; run this through bash bench/search.sh")
    # Ctrl-C raises KeyboardInterrupt; make a plain `kill` unwind through the same `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # py-amqp warns when a publisher confirm arrives as a proxy closes, which the readiness
    # polling does on every try while the service is not yet listening
    logging.getLogger("amqp").setLevel(logging.ERROR)

    run_id = uuid.uuid4().hex[:8]
    database = args.database or f"bench_search_{run_id}"
    client = pymongo.MongoClient(mongodb_uri, tz_aware=True)
    management = f"http://{urllib.parse.urlparse(amqp_uri).hostname or '127.0.0.1'}:15672"
    vhost = Broker({"AMQP_URI": amqp_uri, "MANAGEMENT_URL": os.environ.get("RABBITMQ_MANAGEMENT_URL", management)},
                   f"bench-search-{run_id}")
    try:
        vhost.create()
    except requests.RequestException as exc:
        progress(f"no vhost of its own ({exc}); using the default vhost: stop any platform running "
                 "there first (bash deploy/platform.sh down), or it answers some of the calls")
        vhost = None
    log_dir = Path(tempfile.mkdtemp(prefix="bench-search-"))
    services = Services(vhost.amqp_uri if vhost else amqp_uri, mongodb_uri, database, log_dir)
    corpus = Corpus(args.seed, anchor=datetime.now(UTC))
    rows: list[Row] = []
    loads: list[Load] = []
    finished = False
    try:
        progress(f"database {database}, logs in {log_dir}")
        # before loading: the services create their indexes on the empty collection at start
        services.start()
        services.wait_ready()
        collection = client[database][COLLECTION]
        indexes = wait_for_indexes(collection)
        facts = machine_facts(client, vhost.vhost if vhost else "/ (default)")
        try:
            with ClusterRpcProxy({"AMQP_URI": services.amqp_uri}, timeout=RPC_TIMEOUT) as rpc, \
                    requests.Session() as session:
                paths = {"rpc": rpc_search(rpc), "gateway": gateway_search(session, services.base_url)}
                have = collection.estimated_document_count()   # more than 0 in a kept --database
                for size in args.sizes:
                    if have > size:
                        progress(f"{database} holds {have:,} publications: size {size:,} skipped")
                        continue
                    loads.append(grow(collection, corpus, have, size))
                    have = size
                    progress(str(loads[-1]))
                    samples = args.samples_100k if size >= 100_000 else args.samples
                    for kind, queries in query_kinds(corpus).items():
                        for path, search in paths.items():
                            services.check_running()
                            rows.append(measure(Row(size, kind, path), search, queries, samples, args.budget))
                            progress(f"  {rows[-1]}")
        except BaseException:
            # a run of an hour stopped by Ctrl-C or by a failure (the broker restarted) still
            # shows what it measured
            report(rows, loads, facts, indexes, args.budget)
            print("\nstopped early: the table ends where the run stopped", flush=True)
            raise
        report(rows, loads, facts, indexes, args.budget)
        finished = True
        return 0
    finally:
        clean_up(services, vhost, client, database, args.keep)
        if finished and not args.keep:
            shutil.rmtree(log_dir, ignore_errors=True)
        else:
            progress(f"the services' logs are in {log_dir}")


def clean_up(services: Services, vhost: Broker | None, client: pymongo.MongoClient, database: str,
             keep: bool) -> None:
    """Every step is tried, whatever failed before it: a broker that went away must not leave the
    services running or the database behind."""
    # A second Ctrl-C (impatience, or uv passing the first one on) would cut this short and
    # leave a service running; it takes seconds.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    steps = [("stop the services", services.stop),
             ("drop the gateway's database", lambda: client.drop_database(f"{database}_gateway"))]
    if vhost:
        steps.append((f"delete the vhost {vhost.vhost}", vhost.delete))
    if keep:
        progress(f"kept database {database} (drop it with: db.getSiblingDB('{database}').dropDatabase())")
    else:
        steps.append((f"drop the database {database}", lambda: client.drop_database(database)))
    for what, step in steps:
        try:
            step()
        except Exception as exc:  # noqa: BLE001 (reported, and the other steps still run)
            progress(f"could not {what}: {exc!r}")
    client.close()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)   # the partial table is printed and everything is cleaned up; no traceback
