"""A rolling update, as Kubernetes does one: two replicas of a service behind the running gateway,
replaced one by one (a new replica started, once its /readyz says 200 an old one stopped with
SIGTERM, then the next) under a steady write load through the gateway. No request fails, and
every write's event reaches its consumers exactly once.

The figures of each run (requests, failures, duration, latency) are printed for the closing note
(run with -s); nothing is asserted about time.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import pymongo
import pytest
import requests

from tests.platform import bearer
from tests.reliability.deployment import Gateway, Writers, about, dutch_name, mails
from tests.support import eventually

pytestmark = pytest.mark.reliability

WRITES_PER_SECOND = 15
SETTLED_BEFORE = 1.5   # seconds of load before the first replacement, and after the last


@dataclass
class Load:
    """Writes started at a steady pace from a pool of clients until `stop()`: unit i is `write(i)`,
    `writes_per_unit` requests."""

    write: Callable[[int], object]
    writes_per_unit: int
    clients: int = 12

    def __post_init__(self):
        self.units: list[Future] = []
        self._stopped = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=self.clients)
        self._pacer = threading.Thread(target=self._pace, daemon=True)

    def start(self) -> Load:
        self.started = time.monotonic()
        self._pacer.start()
        return self

    def _pace(self) -> None:
        interval = self.writes_per_unit / WRITES_PER_SECOND
        due = time.monotonic()
        while not self._stopped.is_set():
            self.units.append(self._pool.submit(self.write, len(self.units)))
            due += interval
            time.sleep(max(0.0, due - time.monotonic()))

    def stop(self) -> tuple[list, float]:
        """Every unit's result, once all have answered, and the seconds the load ran."""
        self._stopped.set()
        self._pacer.join()
        results = [unit.result() for unit in self.units]
        self._pool.shutdown()
        return results, time.monotonic() - self.started


def roll(platform, name: str, during: Load) -> list[str]:
    """Replace the two replicas of `name` one by one while `during` runs; what was done, for the report."""
    steps = []
    replicas, number = [name, f"{name}-2"], 3
    time.sleep(SETTLED_BEFORE)
    for old in list(replicas):
        new = platform.start(name, replica=number)
        number += 1
        began = time.monotonic()
        eventually(lambda key=new: platform.ready(key), timeout=60, interval=0.2, what=f"{new} ready")
        ready = time.monotonic() - began
        process = platform.processes[old]
        platform.stop(old)   # SIGTERM: the consumers are cancelled, the running workers finish
        steps.append(f"{new} ready after {ready:.1f} s; {old} stopped gracefully in "
                     f"{time.monotonic() - began - ready:.1f} s (exit {process.returncode})")
        assert process.returncode == 0, f"{old} did not stop gracefully: exit {process.returncode}"
        replicas.remove(old)
        replicas.append(new)
    time.sleep(SETTLED_BEFORE)
    return steps


@pytest.fixture
def two_replicas(platform, request):
    """Two replicas of the service the test names (`request.param`), and afterwards the platform as it
    was: one process under the service's own name, whatever the test left running stopped."""
    name = request.param
    second = platform.start(name, replica=2)
    eventually(lambda: platform.ready(name) and platform.ready(second), timeout=60, interval=0.2,
               what=f"two replicas of {name}")
    yield name
    if name not in platform.processes:
        platform.start(name)
        eventually(lambda: platform.ready(name), timeout=60, interval=0.2, what=f"{name} back")
    for key in [k for k in platform.processes if k.startswith(f"{name}-")]:
        platform.stop(key)
    platform.wait_ready()


def mongo(platform, service: str):
    client = pymongo.MongoClient(platform.infra["MONGODB_URI"])
    return client, client[platform.database(service)]


def search_total(platform, word: str) -> int:
    response = requests.get(f"{platform.base_url}/api/v1/publications", params={"q": word, "limit": 1}, timeout=30)
    response.raise_for_status()
    return response.json()["total"]


def sent_mails(platform, run: str) -> int:
    client, db = mongo(platform, "notifications")
    with client:
        return db.deliveries.count_documents({"email": {"$regex": run}, "state": "sent"})


class Scenario:
    """The writes of one service's users during its rolling update, and what must have followed
    from them once each: the mails (by what they are about, `about`), and the service's own records."""

    def __init__(self, name: str, writers: Writers):
        self.name, self.writers = name, writers

    def load(self) -> Load:
        w = self.writers
        if self.name == "publications":   # written, submitted, published: told to a follower, found by search
            w.follower()
            return Load(w.publication, writes_per_unit=3)
        if self.name == "helpdesk":       # asked, and opened by the wijkwijze it went to, who is told by mail
            w.roster(6)
            return Load(w.question, writes_per_unit=2)
        self.activity = w.activity(capacity=100_000)
        if self.name == "events":         # registrations placed by the service's consumer, confirmed by mail
            return Load(lambda i: w.registration(self.activity, i)[0], writes_per_unit=1)
        # notifications: members change what they follow (its RPCs) while it mails registrants
        return Load(self._follows_and_registration, writes_per_unit=2)

    def _follows_and_registration(self, i: int) -> tuple[str, str]:
        sub = f"lid-{self.writers.run}-{i}"
        who = bearer(sub, dutch_name(i + 7), "member", email=f"{sub}@voorbeeld.nl")
        self.writers.gateway("set_my_follows", "PUT", "/me/follows", who, json={
            "topics": list(self.writers.corpus.common("topics", 1 + i % 3)), "frequency": "weekly"})
        return self.writers.registration(self.activity, i)[0], sub

    def mails(self, results: list) -> Counter:
        if self.name == "publications":
            return Counter({f"publicaties/{p['slug']}": 1 for p in results})
        if self.name == "helpdesk":
            return Counter({f"vragen/{q['id']}": 1 for q in results})
        if self.name == "events":
            return Counter(dict.fromkeys(results, 1))
        return Counter({address: 1 for address, _ in results})

    def check_records(self, platform, results: list) -> None:
        if self.name == "publications":   # in search once (a second entry would count twice); the
            assert search_total(platform, self.writers.marker) == len(results)   # notifications service
            client, db = mongo(platform, "notifications")                         # recorded each submission once
            with client:
                submitted = Counter(e["subject"] for e in db.event_log.find(
                    {"subject": {"$in": [p["id"] for p in results]}, "type": {"$regex": r"publication\.submitted$"}}))
            assert submitted == Counter({p["id"]: 1 for p in results})
        elif self.name == "helpdesk":     # each question routed once, to one of the run's wijkwijzen
            client, db = mongo(platform, "helpdesk")
            with client:
                questions = list(db.questions.find({"_id": {"$in": [q["id"] for q in results]}}))
            assert len(questions) == len(results)
            assigned = Counter(q["_id"] for q in questions for step in q["history"] if step["action"] == "assigned")
            assert assigned == Counter({q["id"]: 1 for q in results})
        else:                             # the events service placed each registration once
            client, db = mongo(platform, "events")
            with client:
                stored = db.activities.find_one({"_id": self.activity["id"]})
                statuses = Counter(r["status"] for r in db.registrations.find({"activity_id": self.activity["id"]}))
            assert statuses == {"confirmed": len(results)}
            assert stored["confirmed"] == len(stored["places"]) == len(results)
        if self.name == "notifications":  # and kept what each member follows
            client, db = mongo(platform, "notifications")
            with client:
                members = {m["_id"]: m for m in db.members.find({"_id": {"$in": [sub for _, sub in results]}})}
            assert len(members) == len(results)


@pytest.mark.timeout(240)
@pytest.mark.parametrize("two_replicas", ["publications", "events", "helpdesk", "notifications"], indirect=True)
def test_replicas_replaced_one_by_one_under_steady_writes_fail_no_request_and_lose_or_double_no_event(
        platform, two_replicas):
    name = two_replicas
    gateway = Gateway(platform.base_url)
    scenario = Scenario(name, Writers(gateway, seed=23))
    load = scenario.load()
    set_up = len(gateway.answers)
    assert not gateway.failures(), gateway.failures()

    load.start()
    try:
        steps = roll(platform, name, load)
    finally:
        results, seconds = load.stop()
    figures = Gateway(platform.base_url, gateway.answers[set_up:]).figures(seconds)
    print(f"\nrolling update of {name}: " + "; ".join(steps) + f"\n  {figures}")
    assert not gateway.failures(), [(a.what, a.status, a.problem) for a in gateway.failures()]

    # every write's event reached its consumers exactly once
    expected = scenario.mails(results)
    if name == "publications":
        eventually(lambda: search_total(platform, scenario.writers.marker) >= len(results), timeout=60, interval=1,
                   what="every publication in search")
    eventually(lambda: sent_mails(platform, scenario.writers.run) >= len(expected), timeout=90, interval=1,
               what=f"{len(expected)} mails sent")
    time.sleep(2)   # a second copy of anything would be on its way by now
    sent = mails(platform, scenario.writers.run)
    counted = Counter(about(m) for m in sent)
    doubled = {k: n for k, n in counted.items() if n > 1}
    lost = set(expected) - set(counted)
    print(f"  {len(results)} units of writes: {len(sent)} mails, {len(lost)} lost, {len(doubled)} twice")
    assert counted == expected, f"lost {sorted(lost)[:5]}, twice {doubled}"
    scenario.check_records(platform, results)
