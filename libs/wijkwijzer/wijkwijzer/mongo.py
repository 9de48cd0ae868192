"""MongoDB dependency provider: one client per service container.

The client is built once in `setup`, the service's indexes are created in
`start` (so a fresh database is ready before the first worker), and the client
is closed in `stop` and `kill`. Workers get the service's own database: a
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

import threading
from collections.abc import Callable, Mapping, Sequence

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


def ensure_indexes(db: Database, indexes: IndexSpec) -> None:
    """Create the given indexes; a no-op for those that already exist."""
    for collection, specs in indexes.items():
        for keys, options in specs:
            db[collection].create_index(keys, **options)


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
        ensure_indexes(self.client[self.database_name], self.indexes)

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
