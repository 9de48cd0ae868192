"""MongoDB dependency provider: one client per service container.

The client is built once in `setup`, the service's indexes are created in
`start` (so a fresh database is ready before the first worker), and the client
is closed in `stop` and `kill`. Workers get the service's own database: a
service never reads another's (docs/database.md).

Config keys (nameko YAML, `${VAR:default}`): MONGODB_URI, MONGODB_DATABASE.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import pymongo
from nameko.extensions import DependencyProvider
from pymongo.database import Database

# collection -> list of (keys, options) as pymongo's create_index takes them
IndexSpec = Mapping[str, Sequence[tuple[list[tuple[str, int]], dict]]]


def ensure_indexes(db: Database, indexes: IndexSpec) -> None:
    """Create the given indexes; a no-op for those that already exist."""
    for collection, specs in indexes.items():
        for keys, options in specs:
            db[collection].create_index(keys, **options)


class MongoDatabase(DependencyProvider):
    def __init__(self, indexes: IndexSpec | None = None):
        self.indexes = indexes or {}
        self.client: pymongo.MongoClient | None = None

    def setup(self) -> None:
        config = self.container.config
        self.client = pymongo.MongoClient(
            config["MONGODB_URI"],
            serverSelectionTimeoutMS=int(config.get("MONGODB_TIMEOUT_MS", 5000)),
            appname=self.container.service_name,
            tz_aware=True,  # datetimes come back as UTC-aware, as they went in
        )
        self.database_name = config.get("MONGODB_DATABASE", self.container.service_name)

    def start(self) -> None:
        ensure_indexes(self.client[self.database_name], self.indexes)

    def stop(self) -> None:
        self._close()

    def kill(self) -> None:
        self._close()

    def _close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def get_dependency(self, worker_ctx) -> Database:
        return self.client[self.database_name]
