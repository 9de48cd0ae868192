"""Declare the broker topology of the given services: `wijkwijzer-topology`.

nameko drops an event that no queue is bound to, so on a fresh broker every
consumer queue must exist before any producer publishes. Each service declares
its own queues when it starts; this command declares all of them at once as a
deploy step, from the same entrypoint definitions: every service's events
exchange, each consumer's queue (bound to its source), its retry queues (one
per delay, from EVENT_MAX_RETRIES and EVENT_RETRY_DELAY_MS in the environment:
give it the services' own settings), the shared dead-letter queue and the
public exchange. Declaring is idempotent. `wijkwijzer-migrate` does this and
creates the services' database indexes.

`--prune-legacy` deletes each consumer's single `<queue>.retry` of versions
before per-delay retry queues, when it is empty; one that still holds messages
is kept and named (they go back to their consumer queue as their TTL expires:
run it again later). Run it only once no replica of such a version is left:
one would go on publishing its retries there.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable

from amqp.exceptions import NotFound, PreconditionFailed
from kombu import Connection, Exchange, Queue
from nameko.containers import ServiceContainer
from nameko.standalone.events import get_event_exchange

from wijkwijzer import amqp
from wijkwijzer import config as cfg
from wijkwijzer.consumer import EventConsumer

EXAMPLES = """examples:
  AMQP_URI=amqp://... wijkwijzer-topology publications.service:PublicationsService notifications.service:NotificationsService
  AMQP_URI=amqp://... wijkwijzer-topology --prune-legacy $(grep -v '^#' deploy/services.list | awk '{print $3}')
"""


def load_service(path: str) -> type:
    module_name, _, class_name = path.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def service_config(amqp_uri: str, environ: dict[str, str] | None = None) -> dict:
    """The settings that shape a service's topology and database, from the environment (as the
    service's config.yaml reads them), so the deploy step declares what its pods will."""
    environ = os.environ if environ is None else environ
    config = {cfg.AMQP_URI: amqp_uri, cfg.MONGODB_URI: environ.get(cfg.MONGODB_URI, "mongodb://unused")}
    for key in (cfg.EVENT_MAX_RETRIES, cfg.EVENT_RETRY_DELAY_MS, cfg.MONGODB_DATABASE):
        if environ.get(key):
            config[key] = environ[key]
    return config


def consumers(container: ServiceContainer) -> list[EventConsumer]:
    """The service's event consumers, set up (which computes their queues; no connection)."""
    found = [entrypoint for entrypoint in container.entrypoints if isinstance(entrypoint, EventConsumer)]
    for entrypoint in found:
        entrypoint.setup()
    return found


def declarations(service_cls: type, amqp_uri: str, config: dict | None = None) -> list[Exchange | Queue]:
    config = config or service_config(amqp_uri)
    container = ServiceContainer(service_cls, config)
    found: list[Exchange | Queue] = [get_event_exchange(container.service_name, config)]
    for entrypoint in consumers(container):
        found.extend(entrypoint.declarations())
    return found


def legacy_retry_queues(service_cls: type, amqp_uri: str) -> list[str]:
    container = ServiceContainer(service_cls, service_config(amqp_uri))
    return [amqp.legacy_retry_queue(entrypoint.queue.name).name for entrypoint in consumers(container)]


def declare(amqp_uri: str, services: list[type], progress: Callable[[str], None]) -> list[Exchange | Queue]:
    """Declare the topology of `services` (deduplicated), telling `progress` of each entity."""
    entities: dict[tuple[str, str], Exchange | Queue] = {}
    for entity in [amqp.dead_letter_queue(), amqp.public_exchange()]:
        entities[(type(entity).__name__, entity.name)] = entity
    for service_cls in services:
        for entity in declarations(service_cls, amqp_uri):
            entities.setdefault((type(entity).__name__, entity.name), entity)
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        for number, entity in enumerate(entities.values(), 1):
            entity(channel).declare()
            kind = "exchange" if isinstance(entity, Exchange) else "queue"
            progress(f"[{number}/{len(entities)}] declared {kind} {entity.name}")
    return list(entities.values())


def prune_legacy(amqp_uri: str, names: list[str]) -> tuple[list[str], list[tuple[str, int]]]:
    """Delete the empty queues among `names`: (deleted, [(kept, messages waiting)]). A queue
    that does not exist is neither."""
    deleted: list[str] = []
    kept: list[tuple[str, int]] = []
    with Connection(amqp_uri) as connection:
        for name in names:
            channel = connection.channel()   # a refusal closes the channel it came on
            try:
                _, waiting, _ = channel.queue_declare(name, passive=True)
                if waiting:
                    kept.append((name, waiting))
                    continue
                channel.queue_delete(name, if_empty=True)
                deleted.append(name)
            except NotFound:
                continue
            except PreconditionFailed:   # a message arrived between the count and the delete
                kept.append((name, 1))
                continue
            channel.close()
    return deleted, kept


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wijkwijzer-topology", description=__doc__, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("services", nargs="+", metavar="module:ServiceClass",
                        help="the nameko service classes, as in deploy/services.list")
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI"), help="broker (default: $AMQP_URI)")
    parser.add_argument("--prune-legacy", action="store_true",
                        help="then delete each consumer's old single .retry queue when it is empty")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not args.amqp_uri:
        parser().error("set AMQP_URI or pass --amqp-uri")
    services = [load_service(path) for path in args.services]
    declare(args.amqp_uri, services, lambda line: print(line, flush=True))
    if args.prune_legacy:
        names = [name for service_cls in services for name in legacy_retry_queues(service_cls, args.amqp_uri)]
        deleted, kept = prune_legacy(args.amqp_uri, names)
        for name in deleted:
            print(f"deleted legacy queue {name}")
        for name, waiting in kept:
            print(f"kept legacy queue {name}: {waiting} message(s) still waiting; run again later")
    return 0


if __name__ == "__main__":
    sys.exit(main())
