"""List and replay dead letters: `wijkwijzer-deadletters list|replay` (or `python -m wijkwijzer.deadletters`).

A message lands in the `wijkwijzer.dead-letters` queue when a consumer failed
on it EVENT_MAX_RETRIES + 1 times (consumer.py). Once the fault is fixed, an
operator replays it: it goes back to the consumer queue it came from with its
retry count reset, and the dead letter is removed only after the broker
confirmed the republish. Messages not replayed stay where they are.
Each dead letter is printed as one JSON line on stdout; counts go to stderr as
it goes (every PROGRESS_EVERY dead letters) and at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable

from kombu import Connection
from nameko.amqp.publish import Publisher

from wijkwijzer import amqp

EXAMPLES = """examples:
  AMQP_URI=amqp://... wijkwijzer-deadletters list
  AMQP_URI=amqp://... wijkwijzer-deadletters replay --event-id <id> [--event-id <id> ...]
  AMQP_URI=amqp://... wijkwijzer-deadletters replay --all
"""
PROGRESS_EVERY = 100


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _summary(message) -> dict:
    headers = message.headers or {}
    payload = message.payload if isinstance(message.payload, dict) else {}
    return {
        "event_id": payload.get("id"),
        "type": payload.get("type"),
        "subject": payload.get("subject"),
        "queue": headers.get(amqp.QUEUE_HEADER),
        "attempts": int(headers.get(amqp.RETRIES_HEADER, 0)) + 1,
        "error": headers.get(amqp.ERROR_HEADER),
        "dead_lettered_at": headers.get(amqp.DEAD_AT_HEADER),
    }


def _each_dead_letter(amqp_uri: str, visit: Callable[[object], None]) -> None:
    """Fetch every dead letter unacked and pass it to `visit`; whatever `visit`
    does not ack is returned to the queue when the channel closes."""
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        queue = amqp.dead_letter_queue()(channel)
        queue.declare()
        seen = 0
        while (message := queue.get(no_ack=False)) is not None:
            visit(message)
            seen += 1
            if seen % PROGRESS_EVERY == 0:
                _progress(f"{seen} dead letters read ...")
        channel.close()


def list_dead_letters(amqp_uri: str) -> list[dict]:
    found: list[dict] = []
    _each_dead_letter(amqp_uri, lambda message: found.append(_summary(message)))
    return found


def replay(amqp_uri: str, event_ids: Iterable[str] | None = None) -> list[dict]:
    """Send dead letters (all, or those with the given event ids) back to their queue."""
    wanted = set(event_ids) if event_ids is not None else None
    publisher = Publisher(amqp_uri, use_confirms=True)
    replayed: list[dict] = []

    def visit(message) -> None:
        summary = _summary(message)
        if summary["queue"] is None or (wanted is not None and summary["event_id"] not in wanted):
            return
        headers = {k: v for k, v in (message.headers or {}).items()
                   if k not in (amqp.QUEUE_HEADER, amqp.ERROR_HEADER, amqp.DEAD_AT_HEADER)}
        headers[amqp.RETRIES_HEADER] = 0
        # mandatory: a consumer queue that is gone refuses it, and the dead letter stays
        publisher.publish(message.body, exchange="", routing_key=summary["queue"], headers=headers, mandatory=True,
                          content_type=message.content_type,
                          content_encoding=message.content_encoding)
        message.ack()  # only after the broker confirmed the republish
        replayed.append(summary)
        if len(replayed) % PROGRESS_EVERY == 0:
            _progress(f"{len(replayed)} dead letters replayed ...")

    _each_dead_letter(amqp_uri, visit)
    return replayed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wijkwijzer-deadletters", description=__doc__, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI"),
                        help="broker to use (default: $AMQP_URI)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="print each dead letter as one JSON line")
    rp = sub.add_parser("replay", help="send dead letters back to the queue they came from",
                        description="Send dead letters back to the consumer queue they came from, with "
                                    "their retry count reset; each one is removed once the broker "
                                    "confirmed it. Print each replayed one as a JSON line.")
    which = rp.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="every dead letter")
    which.add_argument("--event-id", action="append", dest="event_ids", metavar="ID",
                       help="the dead letter of this event (the CloudEvent id); repeat for more")
    args = parser.parse_args(argv)
    if not args.amqp_uri:
        parser.error("set AMQP_URI or pass --amqp-uri")

    if args.command == "list":
        rows = list_dead_letters(args.amqp_uri)
    else:
        rows = replay(args.amqp_uri, None if args.all else args.event_ids)
    for row in rows:
        print(json.dumps(row))
    _progress(f"{len(rows)} dead letter(s) {'listed' if args.command == 'list' else 'replayed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
