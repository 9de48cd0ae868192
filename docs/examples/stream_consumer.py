"""Read the WijkWijzer public event stream: a partner's example consumer (docs/partners.md).

    pip install "kombu>=5.3" "cloudevents>=2.2"
    export WIJKWIJZER_AMQP_URI='amqp://partner-<slug>:<password>@<host>:5672/<vhost>'
    python stream_consumer.py --queue partner.<slug>.events --bind 'nl.wijkwijzer.#'

It declares your durable queue (named `partner.<slug>.<anything>`: your user may declare no
other), binds it to the topic exchange `wijkwijzer.public` with each binding key, and handles
every message as a CloudEvent: one line per event, acknowledged only after it was handled, so an
event you did not finish comes again. Events arrive at least once: this example drops a repeat
by its id (in memory; keep the ids you handled with your data to survive a restart). Stop it
with Ctrl-C; it reconnects by itself when the connection drops.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from collections import OrderedDict

from cloudevents.core.bindings.rabbitmq import RabbitMQMessage, from_rabbitmq_event
from kombu import Connection, Exchange, Queue, binding
from kombu.mixins import ConsumerMixin

# The platform declares the exchange; your user may only check that it is there (passive).
PUBLIC = Exchange("wijkwijzer.public", type="topic", durable=True, passive=True)
REMEMBERED = 10_000   # event ids kept to recognise a repeat


class StreamConsumer(ConsumerMixin):
    def __init__(self, connection: Connection, queue: Queue):
        self.connection, self.queue = connection, queue
        self.seen: OrderedDict[str, None] = OrderedDict()

    def get_consumers(self, Consumer, channel):
        # on_message: the raw message; kombu's own decoding does not know application/cloudevents+json
        return [Consumer(queues=[self.queue], on_message=self.on_message, prefetch_count=20)]

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        keys = ", ".join(b.routing_key for b in self.queue.bindings)
        print(f"listening on {self.queue.name} ({keys}); Ctrl-C stops", file=sys.stderr, flush=True)

    def on_message(self, message) -> None:
        body = message.body.encode("utf-8") if isinstance(message.body, str) else message.body
        try:
            event = from_rabbitmq_event(RabbitMQMessage(headers=dict(message.headers or {}),
                                                        content_type=message.content_type, body=body))
        except Exception as exc:  # noqa: BLE001 (not a CloudEvent: it would fail again, so drop it)
            print(f"dropped a message that is not a CloudEvent: {exc}", file=sys.stderr, flush=True)
            message.reject()
            return
        if event.get_id() in self.seen:
            message.ack()   # a repeat (at-least-once delivery): handled already
            return
        handle(event)
        self.seen[event.get_id()] = None
        if len(self.seen) > REMEMBERED:
            self.seen.popitem(last=False)
        message.ack()   # only now: a crash before this brings the event back


def handle(event) -> None:
    """Your code goes here. This example prints one line per event."""
    print(f"{event.get_time().isoformat()} {event.get_type()} subject={event.get_subject()} id={event.get_id()}",
          flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uri", default=os.environ.get("WIJKWIJZER_AMQP_URI"),
                        help="your AMQP URI (default: $WIJKWIJZER_AMQP_URI)")
    parser.add_argument("--queue", default=os.environ.get("WIJKWIJZER_QUEUE"),
                        help="your queue, partner.<slug>.<anything> (default: $WIJKWIJZER_QUEUE)")
    parser.add_argument("--bind", action="append", metavar="KEY",
                        help="a binding key, repeatable (default: $WIJKWIJZER_BINDINGS, comma-separated, "
                             "or nl.wijkwijzer.#)")
    args = parser.parse_args(argv)
    if not args.uri or not args.queue:
        parser.error("give --uri and --queue (or set WIJKWIJZER_AMQP_URI and WIJKWIJZER_QUEUE)")
    keys = args.bind or [k.strip() for k in os.environ.get("WIJKWIJZER_BINDINGS", "nl.wijkwijzer.#").split(",")
                         if k.strip()]
    queue = Queue(args.queue, bindings=[binding(PUBLIC, routing_key=key) for key in keys], durable=True,
                  auto_delete=False)
    # SIGTERM (a process manager stopping it) ends it like Ctrl-C; an event being handled at that
    # moment was not acknowledged and comes again
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with Connection(args.uri) as connection:
        consumer = StreamConsumer(connection, queue)
        try:
            consumer.run()
        except KeyboardInterrupt:
            consumer.should_stop = True
            print("stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
