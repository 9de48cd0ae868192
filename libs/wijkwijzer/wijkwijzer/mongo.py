"""MongoDB dependency provider: one client per service container.

The client is built once in `setup`, the service's indexes are created in
`start` (so a fresh database is ready before the first worker), and the client
is closed in `stop` and `kill`. The indexes a service needs are declared once, as
the `indexes` of its extensions (this provider's, the outbox's): the service
creates them when it starts and `wijkwijzer-migrate` as a deploy step, both with
`ensure_indexes`, which only ever adds. Workers get the service's own database: a
service never reads another's (docs/database.md).

When the database fails, `outage` says what that means to the caller: the RPC
entrypoint (wijkwijzer.rpc) answers with it instead of the driver's error. A worker
that could not reach the server (server selection timed out: nothing was sent) and
sent no write before wrote nothing (DatabaseUnavailable, 503 at the gateway); a
failure once something was sent may have changed data (DatabaseInterrupted, 504).

Config keys (nameko YAML, `${VAR:default}`): MONGODB_URI, MONGODB_DATABASE,
MONGODB_TIMEOUT_MS (how long an operation waits for a reachable server),
MONGODB_SOCKET_TIMEOUT_MS (how long it waits for the server's answer).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pymongo
from nameko.extensions import DependencyProvider
from pymongo import monitoring
from pymongo.database import Database
from pymongo.errors import ConnectionFailure, PyMongoError, ServerSelectionTimeoutError, WaitQueueTimeoutError

from wijkwijzer import config as cfg
from wijkwijzer.errors import DatabaseInterrupted, DatabaseUnavailable, ServiceError

# collection -> list of (keys, options) as pymongo's create_index takes them
IndexSpec = Mapping[str, Sequence[tuple[list[tuple[str, int]], dict]]]

# No command of the failed operation left the process: no server, or no free connection.
NOTHING_SENT = (ServerSelectionTimeoutError, WaitQueueTimeoutError)
# Commands that only read; any other (insert, update, delete, findAndModify, index builds, ...)
# may change data once sent.
READS = frozenset({"find", "getMore", "aggregate", "count", "distinct", "listIndexes", "listCollections",
                   "listDatabases", "ping", "hello", "isMaster", "ismaster", "buildInfo", "killCursors",
                   "endSessions", "dbStats", "collStats", "explain"})


log = logging.getLogger(__name__)


@dataclass
class IndexReport:
    """What `ensure_indexes` did, as `<collection>.<index name>`."""
    created: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)   # with what differs


def index_name(keys: Sequence[tuple[str, int]], options: Mapping) -> str:
    """The index's name: the one given, else MongoDB's default (`field_direction_...`)."""
    return options.get("name") or "_".join(f"{name}_{direction}" for name, direction in keys)


def _difference(existing: Mapping, keys: Sequence[tuple[str, int]], options: Mapping) -> str | None:
    """How an existing index differs from the wanted one, None when it does not."""
    have = [(name, int(direction) if isinstance(direction, int | float) else direction)
            for name, direction in existing["key"]]
    if have != [(name, direction) for name, direction in keys]:
        return f"keys {have} instead of {list(keys)}"
    for option in {"unique"} | set(options) - {"name", "background"}:
        want, got = options.get(option, False), existing.get(option, False)
        if (bool(want) != bool(got)) if option in ("unique", "sparse") else want != got:
            return f"{option} {got!r} instead of {want!r}"
    return None


def ensure_indexes(db: Database, indexes: IndexSpec, progress: Callable[[str], None] | None = None) -> IndexReport:
    """Create the indexes that are missing. Never drops or changes one: during a rolling update the
    old and the new version run side by side, so an index one of them no longer declares stays,
    and one whose name exists with another definition (keys, uniqueness) is reported, left as it
    is, for an operator to decide on. `progress` hears of each index as it is handled."""
    report = IndexReport()
    for collection, specs in indexes.items():
        existing = db[collection].index_information()
        for keys, options in specs:
            name = index_name(keys, options)
            where = f"{db.name}.{collection}.{name}"
            if name not in existing:
                db[collection].create_index(keys, **options)
                report.created.append(where)
                outcome = "created"
            elif difference := _difference(existing[name], keys, options):
                report.conflicts.append(f"{where}: {difference}")
                outcome = f"left as it is, it differs: {difference}"
            else:
                report.present.append(where)
                outcome = "present"
            if progress:
                progress(f"index {where} {outcome}")
    return report


def declared_indexes(extensions: Iterable[object]) -> dict[str, list]:
    """The indexes the given extensions of a service (its dependency providers) declare as their
    `indexes`, merged per collection."""
    merged: dict[str, list] = {}
    for extension in extensions:
        for collection, specs in (getattr(extension, "indexes", None) or {}).items():
            merged.setdefault(collection, []).extend(specs)
    return merged


def is_outage(exc: BaseException) -> bool:
    """Is this the database being unreachable, failing or too slow (not a bad command)?"""
    return isinstance(exc, ConnectionFailure) or (isinstance(exc, PyMongoError) and exc.timeout)


class WritesSent(monitoring.CommandListener):
    """Whether the current worker has sent a command that may change data.

    pymongo calls listeners in the green thread that sends the command, which is the
    worker's own (threading.local is per green thread under eventlet); a write the
    worker hands to another green thread is not seen. Outside a worker: unknown, so True."""

    def __init__(self):
        self._worker = threading.local()

    def begin(self) -> None:
        self._worker.wrote = False

    def end(self) -> None:
        self._worker.__dict__.pop("wrote", None)

    def wrote(self) -> bool:
        return getattr(self._worker, "wrote", True)

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name not in READS and hasattr(self._worker, "wrote"):
            self._worker.wrote = True

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


class MongoDatabase(DependencyProvider):
    def __init__(self, indexes: IndexSpec | None = None):
        self.indexes = indexes or {}
        self.client: pymongo.MongoClient | None = None
        self.writes = WritesSent()
        self._before_close: list[Callable[[], None]] = []

    def before_close(self, finish: Callable[[], None]) -> None:
        """Run `finish()` when the service stops, before the client closes. nameko stops all
        dependency providers at once, so an extension whose own threads still write (the webhook
        senders) would otherwise find the client closed under them."""
        self._before_close.append(finish)

    def setup(self) -> None:
        config = self.container.config
        self.client = pymongo.MongoClient(
            config[cfg.MONGODB_URI],
            # an unreachable server fails the operation, so the caller hears it in time
            serverSelectionTimeoutMS=int(cfg.get(config, cfg.MONGODB_TIMEOUT_MS)),
            # a server that hangs (not one that is down) would hold the worker for good
            socketTimeoutMS=int(cfg.get(config, cfg.MONGODB_SOCKET_TIMEOUT_MS)),
            appname=self.container.service_name,
            tz_aware=True,  # datetimes come back as UTC-aware, as they went in
            event_listeners=[self.writes],
        )
        self.database_name = config.get(cfg.MONGODB_DATABASE, self.container.service_name)

    def start(self) -> None:
        # every index the service's extensions declare, the outbox's too (one place, one way)
        report = ensure_indexes(self.client[self.database_name], declared_indexes(self.container.dependencies))
        for conflict in report.conflicts:
            log.warning("index %s; left as it is (wijkwijzer-migrate reports it too)", conflict)

    def stop(self) -> None:
        for finish in self._before_close:
            finish()
        self._close()

    def kill(self) -> None:
        self._close()

    def _close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def get_dependency(self, worker_ctx) -> Database:
        return self.client[self.database_name]

    def worker_setup(self, worker_ctx) -> None:
        self.writes.begin()

    def worker_teardown(self, worker_ctx) -> None:
        self.writes.end()

    def outage(self, exc: BaseException) -> ServiceError | None:
        """The error to answer the current worker's caller with when `exc` is a database
        outage (see the module's doc), None for any other exception."""
        service = self.container.service_name
        if isinstance(exc, NOTHING_SENT) and not self.writes.wrote():
            return DatabaseUnavailable(f"the {service} service cannot reach its database; nothing was changed")
        if is_outage(exc):
            return DatabaseInterrupted(f"the {service} service's database failed while carrying out the request; "
                                       "it may have been carried out: retry with the same Idempotency-Key")
        return None
