"""Where a failed event waits out its backoff: one queue per delay, the delay on the queue."""
import pytest
from wijkwijzer import amqp
from wijkwijzer.mongo import _difference, index_name

pytestmark = pytest.mark.unit


def test_each_retry_has_a_queue_of_its_own_delay_that_leads_back_to_the_consumer_queue():
    queues = amqp.retry_queues("evt-a-b--c.d", 1000, 3)
    assert [q.name for q in queues] == ["evt-a-b--c.d.retry.1000ms", "evt-a-b--c.d.retry.2000ms",
                                        "evt-a-b--c.d.retry.4000ms"]
    assert [q.queue_arguments["x-message-ttl"] for q in queues] == [1000, 2000, 4000]
    assert all(q.durable and q.queue_arguments["x-dead-letter-exchange"] == ""
               and q.queue_arguments["x-dead-letter-routing-key"] == "evt-a-b--c.d" for q in queues)
    # another setting gets other queues: arguments of an existing queue cannot change
    assert {q.name for q in amqp.retry_queues("evt-a-b--c.d", 200, 3)}.isdisjoint(q.name for q in queues)
    assert amqp.retry_queues("q", 1000, 0) == []
    assert amqp.legacy_retry_queue("q").name == "q.retry"


def test_an_existing_index_is_compared_by_its_keys_and_uniqueness():
    keys = [("author.sub", 1), ("idempotency_key", 1)]
    assert index_name(keys, {"unique": True}) == "author.sub_1_idempotency_key_1"
    assert index_name(keys, {"name": "by_author"}) == "by_author"
    same = {"key": [("author.sub", 1.0), ("idempotency_key", 1)], "unique": True, "v": 2}
    assert _difference(same, keys, {"unique": True}) is None
    assert _difference(same, keys, {}) == "unique True instead of False"
    assert _difference({"key": [("author.sub", -1), ("idempotency_key", 1)]}, keys, {}).startswith("keys")
