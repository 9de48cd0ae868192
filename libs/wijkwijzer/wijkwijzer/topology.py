"""Declare the broker topology of the given services: `python -m wijkwijzer.topology`.

nameko drops an event that no queue is bound to, so on a fresh broker every
consumer queue must exist before any producer publishes. Each service declares
its own queues when it starts; this command declares all of them at once as a
deploy step, from the same entrypoint definitions:

    AMQP_URI=amqp://... python -m wijkwijzer.topology publications.service:PublicationsService ...
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from kombu import Exchange, Queue
from nameko.containers import ServiceContainer
from nameko.standalone.events import get_event_exchange

from wijkwijzer import amqp
from wijkwijzer.consumer import EventConsumer


def load_service(path: str) -> type:
    module_name, _, class_name = path.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def declarations(service_cls: type, amqp_uri: str) -> list[Exchange | Queue]:
    config = {"AMQP_URI": amqp_uri, "MONGODB_URI": "mongodb://unused"}
    container = ServiceContainer(service_cls, config)
    found: list[Exchange | Queue] = [get_event_exchange(container.service_name, config)]
    for entrypoint in container.entrypoints:
        if isinstance(entrypoint, EventConsumer):
            entrypoint.setup()  # computes its queues; opens no connection
            found.extend(entrypoint.declarations())
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wijkwijzer.topology", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("services", nargs="+", metavar="module:ServiceClass")
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI"))
    args = parser.parse_args(argv)
    if not args.amqp_uri:
        parser.error("set AMQP_URI or pass --amqp-uri")
    entities = [amqp.dead_letter_queue(), amqp.public_exchange()]
    for path in args.services:
        entities.extend(declarations(load_service(path), args.amqp_uri))
    amqp.declare(args.amqp_uri, entities)
    for entity in entities:
        kind = "exchange" if isinstance(entity, Exchange) else "queue"
        print(f"declared {kind} {entity.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
