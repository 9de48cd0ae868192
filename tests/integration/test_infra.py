"""The infrastructure command gives a real broker and a real MongoDB-wire server."""
import uuid

import kombu
import pymongo
import pytest

pytestmark = pytest.mark.integration


def test_mongodb_wire_server_round_trips_documents_and_unique_indexes(infra):
    client = pymongo.MongoClient(infra["MONGODB_URI"], serverSelectionTimeoutMS=5000)
    try:
        db = client[f"test_{uuid.uuid4().hex[:8]}"]
        db.items.create_index("key", unique=True)
        db.items.insert_one({"key": "a", "n": 1})
        with pytest.raises(pymongo.errors.DuplicateKeyError):
            db.items.insert_one({"key": "a", "n": 2})
        # the outbox technique relies on atomic single-document updates
        doc = db.items.find_one_and_update(
            {"key": "a"}, {"$inc": {"n": 1}, "$push": {"outbox": {"id": "e1"}}},
            return_document=pymongo.ReturnDocument.AFTER,
        )
        assert doc["n"] == 2 and doc["outbox"] == [{"id": "e1"}]
        client.drop_database(db.name)
    finally:
        client.close()


def test_broker_delivers_a_persistent_message_through_a_durable_queue(infra):
    name = f"test.{uuid.uuid4().hex[:8]}"
    with kombu.Connection(infra["AMQP_URI"], transport_options={"confirm_publish": True}) as conn:
        queue = kombu.Queue(name, durable=True)
        with conn.Producer() as producer:
            producer.publish({"hello": "wijk"}, routing_key=name, declare=[queue],
                             delivery_mode=2, retry=True)
        received = []
        with conn.Consumer(queue, callbacks=[lambda body, msg: (received.append(body), msg.ack())]):
            conn.drain_events(timeout=5)
        assert received == [{"hello": "wijk"}]
        queue(conn.default_channel).delete()
