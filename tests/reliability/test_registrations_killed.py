"""An events service killed (SIGKILL) in the middle of a burst of registrations and cancellations,
beside a second one: capacity holds throughout, and once the survivor's outbox relay and consumers
have finished what the dead one left, every registration is placed or refused, and what each
registration says agrees with its activity's places."""
import signal
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pymongo
import pytest
import requests
from gateway.tokens import mint
from kombu import Connection

from tests.platform import JWT_SECRET
from tests.support import eventually

pytestmark = pytest.mark.reliability

ADMIN = {"Authorization": f"Bearer {mint(JWT_SECRET, 'beheer', 'Beheer', None, ['admin'])}"}
CAPACITY = 10


def _created(response: requests.Response) -> dict | None:
    return response.json() if response.status_code == 201 else None


def consumers(amqp_uri: str, queue: str) -> int:
    with Connection(amqp_uri, connect_timeout=5) as connection:
        channel = connection.channel()
        _, _, count = channel.queue_declare(queue=queue, passive=True)
        channel.close()
        return count


@pytest.mark.timeout(240)
def test_a_replica_killed_mid_burst_overbooks_nothing_and_loses_nothing(platform):
    base = f"{platform.base_url}/api/v1"
    starts = datetime.now(UTC) + timedelta(days=10)
    key = uuid.uuid4().hex
    # as clients should: a 504 (the gateway cannot know whether the call got through) is tried
    # again with the same Idempotency-Key
    activity = eventually(lambda: _created(requests.post(f"{base}/activities", timeout=10, headers={
        **ADMIN, "Idempotency-Key": key}, json={
        "title": "Netwerkbijeenkomst wijkwerkers", "description": "Kennismaken.", "kind": "netwerkbijeenkomst",
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "organisation": "lsa", "capacity": CAPACITY, "online_url": "https://meet.example.org/netwerk"})),
        what="the activity")
    url = f"{base}/activities/{activity['id']}/registrations"
    run = uuid.uuid4().hex[:6]
    numbers = iter(range(1000))
    first_ten = []   # ten confirmed registrations, whatever else a 504 left waiting
    while len(first_ten) < CAPACITY:
        i = next(numbers)
        placed = _created(requests.post(url, json={"name": f"Deelnemer {i}", "email": f"vast.{run}.{i}@voorbeeld.nl"},
                                        timeout=15))
        if placed and placed["status"] == "confirmed":
            first_ten.append(placed)
    second = platform.start("events", replica=2)
    try:
        eventually(lambda: consumers(platform.infra["AMQP_URI"], "rpc-events") >= 2, timeout=60,
                   what="the second events service")

        def register(i):
            return requests.post(url, json={"name": f"Aïcha Benali {i}", "email": f"{run}.{i}@voorbeeld.nl"},
                                 timeout=15)

        def cancel(registration):
            return requests.delete(f"{url}/{registration['id']}", params={"token": registration["token"]},
                                   timeout=15)

        with ThreadPoolExecutor(max_workers=24) as pool:
            burst = [pool.submit(register, i) for i in range(40)] + [pool.submit(cancel, r) for r in first_ten[:5]]
            time.sleep(0.3)
            platform.stop(second, signal.SIGKILL)   # in the middle of it
            answers = [f.result() for f in burst]
    finally:
        platform.stop(second, signal.SIGKILL)
    # a call the dead process had taken is delivered again to the survivor, which finishes it: no
    # "already registered" for a registration's own request (nor anything but a 504 at worst)
    assert {a.status_code for a in answers} <= {200, 201, 504}, [a.text for a in answers if a.status_code >= 300]

    db = pymongo.MongoClient(platform.infra["MONGODB_URI"], tz_aware=True)[platform.database("events")]

    def settled():
        stored = db.activities.find_one({"_id": activity["id"]})
        registrations = list(db.registrations.find({"activity_id": activity["id"]}))
        if any(r["status"] == "pending" for r in registrations):
            return None   # a request the kill cut off: the relay publishes its registration.requested
        by_status = {s: {r["_id"] for r in registrations if r["status"] == s}
                     for s in ("confirmed", "waitlisted", "cancelled")}
        if by_status["confirmed"] != set(stored["places"]) or by_status["waitlisted"] != set(stored["waitlist"]):
            return None   # a mirror the kill cut off: the consumers of its events finish it
        if stored["waitlist"] and stored["confirmed"] < CAPACITY:
            return None   # a promotion the kill cut off
        return stored, by_status

    killed_at = time.monotonic()
    stored, by_status = eventually(settled, timeout=60, interval=0.5, what="the survivor to finish what was cut off")
    print(f"\nanswers {Counter(a.status_code for a in answers)}; settled {time.monotonic() - killed_at:.1f}s "
          f"after the burst; {len(by_status['waitlisted'])} waiting")
    assert stored["confirmed"] == len(stored["places"]) == CAPACITY, "full, never over"
    assert stored["waiting"] == len(stored["waitlist"])
    created = [a.json() for a in answers if a.status_code == 201]
    for registration in created:   # whatever a client was told was kept
        assert registration["id"] in by_status["confirmed"] | by_status["waitlisted"]
    cancelled = {a.json()["id"] for a in answers if a.status_code == 200}
    assert len(cancelled) + sum(a.status_code == 504 for a in answers) >= 5
    assert cancelled <= by_status["cancelled"]
