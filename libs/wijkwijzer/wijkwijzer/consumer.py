"""`event_consumer`: nameko's event handler made safe for the guarantees of events.md.

nameko 2.14 acks a message whose worker raised, which loses it. This
entrypoint instead:

- skips an event whose id the processed-event ledger already holds for this
  consumer (a redelivery or a duplicate publish), and records the id after the
  handler succeeded, so an event is handled once in effect. Copies of one event
  that arrive together (both within the prefetch window) would both pass the
  ledger check before either is recorded, so a copy whose id is being handled
  in this process waits for that outcome and checks the ledger again;
- on failure republishes the message, with publisher confirms, to the
  consumer's retry queue for that retry: one queue per delay (exponential
  backoff), each with the delay as its TTL, so a short retry never waits behind
  a longer one (amqp.retry_queue); the broker moves it back when the TTL
  expires. After EVENT_MAX_RETRIES retries it goes to the shared dead-letter
  queue, where `wijkwijzer-deadletters` lists and replays it. Both publishes
  are mandatory: a queue that is missing refuses the message instead of the
  broker dropping it. The original is acked only after that publish was
  confirmed; if it cannot be, the message is requeued;
- declares its durable queue, retry queues and the dead-letter queue at
  service start (and lists them for `wijkwijzer-topology`);
- counts each event it settles by outcome (success, retry, dead-letter,
  duplicate-skipped, requeued) in the service's metrics (wijkwijzer.metrics).

A message that is being handled when the process dies is unacked, so the
broker redelivers it to another replica. A graceful stop (SIGTERM) lets it be
settled first, on its own connection (wijkwijzer.graceful).

Handlers receive the CloudEvent as a dict and should still make their own
writes idempotent (upsert keyed by event id): a crash between the handler's
write and the ledger record runs the handler again, and two copies handled at
the same moment by two replicas are not serialised. A handler whose writes must
not run in two replicas at once (a read model written by read, change, write)
asks for `single_active=True`: RabbitMQ then delivers the queue to one consumer
at a time, and to another when that one goes away.
"""
from __future__ import annotations

import logging
import traceback
from datetime import UTC, datetime
from functools import partial

from amqp.exceptions import AMQPError
from eventlet.event import Event
from eventlet.queue import LightQueue
from kombu import Exchange, Queue
from kombu.exceptions import OperationalError
from nameko.amqp.publish import Publisher
from nameko.events import EventHandler
from nameko.exceptions import ContainerBeingKilled
from nameko.standalone.events import get_event_exchange

from wijkwijzer import amqp, metrics
from wijkwijzer import config as cfg
from wijkwijzer.extensions import sibling
from wijkwijzer.graceful import GracefulQueueConsumer
from wijkwijzer.ledger import ProcessedEvents
from wijkwijzer.mongo import MongoDatabase

log = logging.getLogger(__name__)

_QUICK_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


class EventConsumer(EventHandler):
    queue_consumer = GracefulQueueConsumer()

    def __init__(self, source_service: str, event_type: str, single_active: bool = False, **kwargs):
        """`single_active`: one replica at a time consumes the queue (RabbitMQ's single active
        consumer), for a handler whose writes must not run side by side in two replicas."""
        super().__init__(source_service, event_type, **kwargs)
        self.single_active = single_active

    def setup(self) -> None:
        super().setup()  # builds self.queue: durable, bound to the source's events exchange
        if self.single_active:
            self.queue.queue_arguments = {**(self.queue.queue_arguments or {}), "x-single-active-consumer": True}
        config = self.container.config
        self.amqp_uri = config[cfg.AMQP_URI]
        self.max_retries = int(cfg.get(config, cfg.EVENT_MAX_RETRIES))
        self.retry_delay_ms = int(cfg.get(config, cfg.EVENT_RETRY_DELAY_MS))
        self.consumer_name = f"{self.container.service_name}.{self.method_name}"
        self._retry_queues = amqp.retry_queues(self.queue.name, self.retry_delay_ms, self.max_retries)
        self.publisher = Publisher(self.amqp_uri, use_confirms=True, retry=True,
                                   retry_policy=_QUICK_RETRY)
        # the processed-event ledger lives in the service's own database
        self.database = sibling(self.container, MongoDatabase, f"event_consumer {self.consumer_name}")
        self._in_flight: dict[str, Event] = {}  # event id -> set when its copy here is settled
        self._stopping = False
        self.metrics = metrics.of(self.container)
        self.metrics.known_handler(self.method_name)

    def declarations(self) -> list[Exchange | Queue]:
        source = get_event_exchange(self.source_service, self.container.config)
        return [source, self.queue, *self._retry_queues, amqp.dead_letter_queue()]

    def retry_queues(self) -> list[Queue]:
        """Where this consumer's failed messages wait out their backoff (the retry backlog):
        the queue of the first retry's delay, then the second's, ..."""
        return list(self._retry_queues)

    def start(self) -> None:
        amqp.declare(self.amqp_uri, self.declarations())
        super().start()

    def stop(self) -> None:
        super().stop()   # cancelled at the broker: nothing more arrives
        self._stopping = True

    def _ledger(self) -> ProcessedEvents:
        return ProcessedEvents(self.database.get_dependency(None))

    def handle_message(self, body, message) -> None:
        # Runs in a thread of its own per delivered message (nameko's QueueConsumer).
        event_id = body.get("id") if isinstance(body, dict) else None
        if event_id is not None:
            # Another copy of this event is being handled here: wait until it is recorded,
            # retried or dead-lettered. No yield between the check and the claim.
            while (settled := self._in_flight.get(event_id)) is not None:
                settled.wait()
            self._in_flight[event_id] = Event()
        try:
            seen = event_id is not None and self._ledger().seen(event_id, self.consumer_name)
        except Exception as exc:  # noqa: BLE001 (database away: let the worker try, retry if it fails)
            log.warning("ledger check failed for %s: %s", event_id, exc)
            seen = False
        if seen:
            log.info("%s: event %s already handled; skipped", self.consumer_name, event_id)
            self.metrics.event_settled(self.method_name, "duplicate-skipped")
            self.queue_consumer.ack_message(message)
            self._release(event_id)
            return
        if self._stopping:
            # It arrived before the consumer was cancelled and waited for the ledger meanwhile: the
            # container may have stopped waiting for workers, so it goes back for the next replica.
            self.queue_consumer.requeue_message(message)
            self._release(event_id)
            return
        self._dispatch(body, message)

    def _dispatch(self, body, message) -> None:
        try:  # nameko's Consumer.handle_message, which would not tell us about the requeue
            self.container.spawn_worker(self, (body,), {},
                                        context_data=self.unpack_message_headers(message),
                                        handle_result=partial(self.handle_result, message))
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)
            self._release(body.get("id") if isinstance(body, dict) else None)

    def _release(self, event_id: str | None) -> None:
        settled = self._in_flight.pop(event_id, None)
        if settled is not None:
            settled.send()

    def handle_message_processed(self, message, result=None, exc_info=None) -> None:
        # Runs in the worker's thread once the handler returned or raised.
        event_id = message.payload.get("id") if isinstance(message.payload, dict) else None
        try:
            self._settle(message, exc_info)
        finally:
            self._release(event_id)

    def _settle(self, message, exc_info) -> None:
        try:
            if exc_info is None:
                event_id = message.payload.get("id") if isinstance(message.payload, dict) else None
                if event_id is not None:
                    self._ledger().record(event_id, self.consumer_name)
                outcome = "success"
            else:
                outcome = self._retry_or_dead_letter(message, exc_info)
        except Exception as exc:  # noqa: BLE001
            # Could not record or re-route it: hand it back rather than lose it.
            log.error("%s: requeueing message after %s", self.consumer_name, exc)
            self.metrics.event_settled(self.method_name, "requeued")
            self._answer(self.queue_consumer.requeue_message, message)
            return
        self.metrics.event_settled(self.method_name, outcome)
        self._answer(self.queue_consumer.ack_message, message)

    def _answer(self, settle, message) -> None:
        """Ack or requeue on the broker. When the connection went away meanwhile (a broker restart),
        the broker gives the message again to whoever consumes next, and the ledger drops what was
        handled: nothing to do. Raised, the error would kill the whole service (nameko)."""
        try:
            settle(message)
        except (OSError, AMQPError, OperationalError) as exc:
            log.warning("%s: the broker connection went away before the message was settled (%s); it comes "
                        "again", self.consumer_name, exc)

    def _retry_or_dead_letter(self, message, exc_info) -> str:
        """Republish a failed message to the retry queue or, after the last retry, the
        dead-letter queue; says which ("retry" or "dead-letter")."""
        headers = dict(message.headers or {})
        retries = int(headers.get(amqp.RETRIES_HEADER, 0))
        error = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()
        properties = {"content_type": message.content_type,
                      "content_encoding": message.content_encoding}
        if retries < self.max_retries:
            headers[amqp.RETRIES_HEADER] = retries + 1
            retry_queue = self._retry_queues[retries]
            log.warning("%s: attempt %d failed (%s); retrying in %.1fs",
                        self.consumer_name, retries + 1, error,
                        retry_queue.queue_arguments["x-message-ttl"] / 1000)
            self.publisher.publish(message.body, exchange="", routing_key=retry_queue.name,
                                   headers=headers, mandatory=True, **properties)
            return "retry"
        else:
            headers.update({
                amqp.QUEUE_HEADER: self.queue.name,
                amqp.ERROR_HEADER: error[:1000],
                amqp.DEAD_AT_HEADER: datetime.now(UTC).isoformat(),
            })
            log.error("%s: giving up after %d attempts (%s); dead-lettered",
                      self.consumer_name, retries + 1, error)
            self.publisher.publish(message.body, exchange="", routing_key=amqp.DEAD_LETTER_QUEUE,
                                   headers=headers, mandatory=True, **properties)
            return "dead-letter"



_STOPPED = object()   # put after the last event when a batch consumer stops


class BatchEventConsumer(EventConsumer):
    """An `EventConsumer` whose handler takes a list of events: those that arrived while its
    previous batch was being handled, at most `batch`. One batch at a time, in one worker, so
    the handler never runs side by side with itself in a replica (with `single_active`, in the
    whole deployment), and waiting events hold no worker. Each event is still acked, retried
    or dead-lettered on its own, after its batch: when the handler raises, every event of the
    batch is retried. For read models that rebuild their entries from the current state, so
    that a batch handled twice, or in another order, changes nothing."""

    def __init__(self, source_service: str, event_type: str, batch: int = 100, **kwargs):
        super().__init__(source_service, event_type, **kwargs)
        self.batch = batch

    def setup(self) -> None:
        super().setup()
        self._waiting: LightQueue = LightQueue()
        self._held: list = []           # events the dispatcher took when it was told to stop
        self._closing = False           # stopping: no new batch
        self._running: Event | None = None   # set when the batch in hand is settled

    def start(self) -> None:
        super().start()
        self.container.spawn_managed_thread(self._dispatch_batches)

    def stop(self) -> None:
        # One writer at a time holds for the last batch too: it is finished and settled before the
        # consumer is cancelled, because with `single_active` the broker hands the queue to the
        # next replica at the cancel, and a batch still running here would write beside its first.
        self._closing = True
        if self._running is not None:
            self._running.wait()
        super().stop()   # cancelled; what still comes from the ledger check is requeued
        # Events that arrived but are in no batch go back to the queue, for the next replica (a
        # batch started now would also run after the container closed the database client).
        waiting = self._held + [self._waiting.get_nowait() for _ in range(self._waiting.qsize())]
        self._held = []
        for body, message in waiting:
            self.queue_consumer.requeue_message(message)
            self._release(body.get("id") if isinstance(body, dict) else None)
        self._waiting.put(_STOPPED)   # wakes the dispatcher if it waits, which ends

    def _dispatch(self, body, message) -> None:
        self._waiting.put((body, message))

    def _dispatch_batches(self) -> None:
        while True:
            first = self._waiting.get()
            if first is _STOPPED:
                return
            batch = [first]
            while len(batch) < self.batch and not self._waiting.empty():
                batch.append(self._waiting.get_nowait())
            if self._closing:   # no batch after the stop began: stop() gives these back
                self._held += batch
                return
            self._running = handled = Event()
            try:
                self.container.spawn_worker(self, ([body for body, _ in batch],), {},
                                            handle_result=partial(self._batch_handled, batch, handled))
            except ContainerBeingKilled:
                for body, message in batch:
                    self.queue_consumer.requeue_message(message)
                    self._release(body.get("id") if isinstance(body, dict) else None)
                handled.send()
                return
            handled.wait()
            self._running = None

    def _batch_handled(self, batch, handled, worker_ctx, result, exc_info):
        try:
            for _, message in batch:
                self.handle_message_processed(message, result, exc_info)
        finally:
            handled.send()
        return result, exc_info


event_consumer = EventConsumer.decorator
event_batch_consumer = BatchEventConsumer.decorator


class PublicEventConsumer(EventConsumer):
    """An `EventConsumer` of the public stream itself (`wijkwijzer.public`), as a partner reads it:
    every public event of every service whose type matches `binding` (AMQP topic syntax over
    the CloudEvents type, e.g. `nl.wijkwijzer.#`), in one queue. Those messages are CloudEvents
    in structured mode (`application/cloudevents+json`), which this consumer also accepts."""

    def __init__(self, binding: str = "#", **kwargs):
        super().__init__(amqp.PUBLIC_EXCHANGE, binding, **kwargs)

    def setup(self) -> None:
        amqp.register_cloudevents_content_type()
        if amqp.CLOUDEVENTS_SERIALIZER not in self.container.accept:
            self.container.accept.append(amqp.CLOUDEVENTS_SERIALIZER)
        super().setup()
        name = f"{self.container.service_name}.{self.method_name}.public"
        self.queue = Queue(name, exchange=amqp.public_exchange(), routing_key=self.event_type, durable=True,
                           queue_arguments=self.queue.queue_arguments)
        self._retry_queues = amqp.retry_queues(name, self.retry_delay_ms, self.max_retries)

    def declarations(self) -> list[Exchange | Queue]:
        return [amqp.public_exchange(), self.queue, *self._retry_queues, amqp.dead_letter_queue()]


public_event_consumer = PublicEventConsumer.decorator
