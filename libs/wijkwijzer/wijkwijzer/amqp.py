"""Small AMQP helpers shared by the consumer entrypoint, topology and dead-letter commands."""
from __future__ import annotations

from collections.abc import Iterable

from kombu import Connection, Exchange, Queue

DEAD_LETTER_QUEUE = "wijkwijzer.dead-letters"
# Every public event (events.md: no personal data) is published here too, with its
# `<entity>.<action>` routing key, for partners to bind their queues to.
PUBLIC_EXCHANGE = "wijkwijzer.public"

# Headers our consumer puts on retried and dead-lettered messages.
RETRIES_HEADER = "wijkwijzer-retries"
QUEUE_HEADER = "wijkwijzer-queue"        # the consumer queue a dead letter came from
ERROR_HEADER = "wijkwijzer-error"
DEAD_AT_HEADER = "wijkwijzer-dead-lettered-at"


def dead_letter_queue() -> Queue:
    return Queue(DEAD_LETTER_QUEUE, durable=True)


def public_exchange() -> Exchange:
    return Exchange(PUBLIC_EXCHANGE, type="topic", durable=True)


def retry_queue(consumer_queue: str) -> Queue:
    """Where a failed message waits out its backoff: when its per-message TTL
    expires the broker dead-letters it straight back into the consumer queue."""
    return Queue(f"{consumer_queue}.retry", durable=True, queue_arguments={
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": consumer_queue,
    })


def declare(amqp_uri: str, entities: Iterable[Exchange | Queue]) -> None:
    """Declare exchanges and queues (with their bindings); idempotent."""
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        for entity in entities:
            entity(channel).declare()
