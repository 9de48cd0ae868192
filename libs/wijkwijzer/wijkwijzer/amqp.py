"""Small AMQP helpers shared by the consumer entrypoint, topology and dead-letter commands."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import kombu.serialization
from kombu import Connection, Exchange, Queue

DEAD_LETTER_QUEUE = "wijkwijzer.dead-letters"
# Every public event (events.md: no personal data) is published here too, for partners to bind
# their queues to: a CloudEvent in the AMQP binding's structured mode (structured_cloudevent).
PUBLIC_EXCHANGE = "wijkwijzer.public"
# The content type of a structured-mode CloudEvent in JSON (CloudEvents AMQP binding, 3.2).
CLOUDEVENTS_JSON = "application/cloudevents+json"
CLOUDEVENTS_SERIALIZER = "cloudevents"   # kombu's name for it (register_cloudevents_content_type)

# Headers our consumer puts on retried and dead-lettered messages.
RETRIES_HEADER = "wijkwijzer-retries"
QUEUE_HEADER = "wijkwijzer-queue"        # the consumer queue a dead letter came from
ERROR_HEADER = "wijkwijzer-error"
DEAD_AT_HEADER = "wijkwijzer-dead-lettered-at"


def dead_letter_queue() -> Queue:
    return Queue(DEAD_LETTER_QUEUE, durable=True)


def public_exchange() -> Exchange:
    return Exchange(PUBLIC_EXCHANGE, type="topic", durable=True)


def structured_cloudevent(event: dict[str, Any]) -> dict[str, Any]:
    """How a CloudEvent (its JSON form) goes on the public exchange: the whole event as the
    UTF-8 JSON body, `application/cloudevents+json`, the event id as the message id (a partner
    may deduplicate on either), and the CloudEvents `type` as the routing key, so a partner binds
    `nl.wijkwijzer.publication.*` or `nl.wijkwijzer.#` without knowing our nameko routing keys.
    Keyword arguments for nameko's `Publisher.publish` (persistent is its default)."""
    return {"payload": json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
            "routing_key": event["type"], "content_type": CLOUDEVENTS_JSON, "content_encoding": "utf-8",
            "message_id": event["id"]}


def register_cloudevents_content_type() -> None:
    """Let kombu decode (and encode) `application/cloudevents+json` bodies as JSON; idempotent."""
    kombu.serialization.register(CLOUDEVENTS_SERIALIZER, encoder=json.dumps, decoder=json.loads,
                                 content_type=CLOUDEVENTS_JSON, content_encoding="utf-8")


def retry_delays_ms(first_ms: int, max_retries: int) -> list[int]:
    """The backoff before each retry: EVENT_RETRY_DELAY_MS, doubled per retry."""
    return [first_ms * 2 ** retry for retry in range(max_retries)]


def retry_queue(consumer_queue: str, delay_ms: int) -> Queue:
    """Where a failed message waits `delay_ms` before the broker dead-letters it straight back
    into the consumer queue. One queue per delay, the TTL on the queue: RabbitMQ expires messages
    only at a queue's head, so in one queue of mixed per-message TTLs a 1 s retry waited behind a
    4 s one. Named by the delay, not the attempt: queue arguments cannot change once a queue
    exists (PRECONDITION_FAILED), so another EVENT_RETRY_DELAY_MS gets queues of its own, and
    replicas with the old setting keep theirs during a rolling update."""
    return Queue(f"{consumer_queue}.retry.{delay_ms}ms", durable=True, queue_arguments={
        "x-message-ttl": delay_ms,
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": consumer_queue,
    })


def retry_queues(consumer_queue: str, first_ms: int, max_retries: int) -> list[Queue]:
    """The retry queue of each retry in turn (the first waits in the first)."""
    return [retry_queue(consumer_queue, delay) for delay in retry_delays_ms(first_ms, max_retries)]


def legacy_retry_queue(consumer_queue: str) -> Queue:
    """The one retry queue per consumer of versions before per-delay retry queues, where each
    message carried its own TTL. It needs no consumer: the broker still moves what expires in it
    back to the consumer queue, so replicas of such a version may go on publishing to it during a
    rolling update. Nothing declares it any more; `wijkwijzer-topology --prune-legacy` deletes it
    once it is empty and no such replica runs."""
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


def queue_depths(amqp_uri: str, names: Iterable[str], timeout: float = 2) -> dict[str, tuple[int, int] | None]:
    """(messages ready, consumers) of each named queue, from a passive declare (which creates
    nothing); None for a queue that does not exist. Raises when the broker cannot be reached."""
    found: dict[str, tuple[int, int] | None] = {}
    with Connection(amqp_uri, connect_timeout=timeout) as connection:
        channel = connection.channel()
        for name in names:
            try:
                _, messages, consumers = channel.queue_declare(name, passive=True)
                found[name] = (messages, consumers)
            except connection.channel_errors:   # 404: the broker closed the channel with it
                found[name] = None
                channel = connection.channel()
    return found
