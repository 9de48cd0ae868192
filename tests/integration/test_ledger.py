import eventlet
import pymongo
import pytest
from wijkwijzer import ledger

pytestmark = pytest.mark.integration


@pytest.fixture
def db(service_config):
    client = pymongo.MongoClient(service_config["MONGODB_URI"])
    database = client[service_config["MONGODB_DATABASE"]]
    yield database
    client.drop_database(database.name)
    client.close()


def test_an_event_is_recorded_once_per_consumer(db):
    events = ledger.ProcessedEvents(db)
    assert not events.seen("e1", "notifications.record")
    assert events.record("e1", "notifications.record") is True
    assert events.seen("e1", "notifications.record")
    assert events.record("e1", "notifications.record") is False  # redelivery
    # another consumer of the same event keeps its own record
    assert not events.seen("e1", "publications.qa_draft")
    assert events.record("e1", "publications.qa_draft") is True


def test_concurrent_records_of_one_event_let_exactly_one_win(db):
    events = ledger.ProcessedEvents(db)
    pool = eventlet.GreenPool(8)
    results = list(pool.imap(lambda _: events.record("e2", "c"), range(8)))
    assert results.count(True) == 1
    assert db[ledger.COLLECTION].count_documents({"event_id": "e2"}) == 1
