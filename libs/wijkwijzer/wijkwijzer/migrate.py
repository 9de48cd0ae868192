"""Prepare the broker and the databases for a version of the given services: `wijkwijzer-migrate`.

Run it as the deploy step before a version's pods start (a Kubernetes Job, an init container):
it declares the broker topology those services need (as `wijkwijzer-topology`: exchanges,
consumer queues and their bindings, retry queues, the dead-letter queue) and creates the
MongoDB indexes each service declares (the `indexes` of its extensions, the ones the service
itself creates when it starts) in that service's database. Safe to run again and while
another version runs. Index changes only ever add: an index no longer declared is never
dropped (the version still running may need it), and one whose name exists with another
definition is reported and left as it is (`--strict`: exit 1 then, after doing the rest).

Each service's database is MONGODB_DATABASE (or --database) when one service is given,
else the service's name, as in its config.yaml. Give it the services' own
EVENT_MAX_RETRIES and EVENT_RETRY_DELAY_MS (their retry queues are named by the delay).
Progress goes to stderr as it goes, a summary per service to stdout.
"""
from __future__ import annotations

import argparse
import os
import sys

import pymongo
from nameko.containers import ServiceContainer

from wijkwijzer import config as cfg
from wijkwijzer import topology
from wijkwijzer.mongo import IndexReport, declared_indexes, ensure_indexes

EXAMPLES = """examples:
  AMQP_URI=amqp://... MONGODB_URI=mongodb://... MONGODB_DATABASE=publications \\
    wijkwijzer-migrate publications.service:PublicationsService
  AMQP_URI=amqp://... MONGODB_URI=mongodb://... \\
    wijkwijzer-migrate $(grep -v '^#' deploy/services.list | awk '{print $3}')
"""


def progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def migrate_indexes(service_cls: type, mongodb_uri: str, database: str | None) -> tuple[str, IndexReport]:
    """(the database, what was done) for one service's declared indexes."""
    container = ServiceContainer(service_cls, {cfg.AMQP_URI: "amqp://unused", cfg.MONGODB_URI: mongodb_uri})
    name = database or container.service_name
    with pymongo.MongoClient(mongodb_uri, serverSelectionTimeoutMS=10_000, appname="wijkwijzer-migrate") as client:
        return name, ensure_indexes(client[name], declared_indexes(container.dependencies), progress)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wijkwijzer-migrate", description=__doc__, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("services", nargs="+", metavar="module:ServiceClass",
                        help="the nameko service classes, as in deploy/services.list")
    parser.add_argument("--amqp-uri", default=os.environ.get(cfg.AMQP_URI), help="broker (default: $AMQP_URI)")
    parser.add_argument("--mongodb-uri", default=os.environ.get(cfg.MONGODB_URI),
                        help="database server (default: $MONGODB_URI)")
    parser.add_argument("--database", default=os.environ.get(cfg.MONGODB_DATABASE) or None,
                        help="the service's database, one service only (default: $MONGODB_DATABASE, "
                             "else the service's name)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when an index exists with another definition than declared")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not args.amqp_uri or not args.mongodb_uri:
        parser().error("set AMQP_URI and MONGODB_URI, or pass --amqp-uri and --mongodb-uri")
    if args.database and len(args.services) > 1:
        parser().error("a --database (or MONGODB_DATABASE) is for one service; leave it unset for several")
    services = [topology.load_service(path) for path in args.services]
    entities = topology.declare(args.amqp_uri, services, progress)
    print(f"topology: {len(entities)} exchanges and queues declared")
    conflicts = 0
    for service_cls in services:
        database, report = migrate_indexes(service_cls, args.mongodb_uri, args.database)
        conflicts += len(report.conflicts)
        print(f"{database}: {len(report.created)} index(es) created, {len(report.present)} present, "
              f"{len(report.conflicts)} differing (left as they are)")
        for conflict in report.conflicts:
            print(f"  differs: {conflict}")
    return 1 if conflicts and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
