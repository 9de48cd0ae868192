"""Named claims on the real MongoDB-wire server: one holder at a time, a dead holder's claim taken
over once it expires, nothing left behind."""
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pymongo
import pytest
from wijkwijzer.claims import COLLECTION, Claims

pytestmark = pytest.mark.integration

TTL = timedelta(seconds=30)


@pytest.fixture
def db(service_config):
    with pymongo.MongoClient(service_config["MONGODB_URI"], tz_aware=True) as client:
        yield client[service_config["MONGODB_DATABASE"]]


def test_of_many_replicas_taking_one_claim_at_once_exactly_one_wins(db):
    with ThreadPoolExecutor(max_workers=20) as pool:
        taken = [c for c in pool.map(lambda _: Claims(db).take("outbox-relay", TTL), range(20)) if c is not None]
    assert len(taken) == 1
    taken[0].release()
    assert db[COLLECTION].count_documents({}) == 0, "nothing left behind"
    assert Claims(db).take("outbox-relay", TTL) is not None, "free again"


def test_an_expired_claim_is_taken_over_by_one_taker_and_its_old_holder_knows(db):
    claims = Claims(db)
    dead = claims.take("review-dates", TTL, now=datetime.now(UTC) - 2 * TTL)   # its replica died since
    with ThreadPoolExecutor(max_workers=10) as pool:
        takers = [c for c in pool.map(lambda _: claims.take("review-dates", TTL), range(10)) if c is not None]
    assert len(takers) == 1
    assert not dead.renew(), "the old holder learns it lost the claim"
    dead.release()   # and its release leaves the new holder's claim alone
    assert db[COLLECTION].find_one({"_id": "review-dates"})["owner"] == takers[0].owner
    assert takers[0].renew()


def test_hold_releases_the_claim_also_when_the_work_fails(db):
    with pytest.raises(RuntimeError), Claims(db).hold("digest", TTL) as claim:
        assert claim is not None
        with Claims(db).hold("digest", TTL) as second:
            assert second is None, "held"
        raise RuntimeError("the work failed")
    assert db[COLLECTION].count_documents({}) == 0
