"""`SearchIndexer`: the one writer of the search index in a replica, in batches.

The `publication.changed` consumer is the single active consumer of its queue, so one replica
at a time indexes. Within it, up to `max_workers` events are handled side by side; each worker
hands its publication to this writer and waits until it is indexed, so its message is acked
only then (a failure raises in every waiting worker, and the consumer retries their events).
The writer indexes whatever has arrived meanwhile in one batch: publications written together
share most of their words, so a burst of writes costs one pass over those words, not one each.
"""
from __future__ import annotations

import logging
import time

import eventlet
from eventlet.event import Event
from eventlet.queue import LightQueue
from nameko.extensions import DependencyProvider
from wijkwijzer.extensions import sibling
from wijkwijzer.mongo import MongoDatabase

from .index import SearchIndex

log = logging.getLogger(__name__)

BATCH = 100   # publications per batch at most


class SearchIndexer(DependencyProvider):
    def __init__(self, publications: str):
        self.publications = publications

    def setup(self) -> None:
        self.database = sibling(self.container, MongoDatabase, "SearchIndexer")
        self.waiting: LightQueue = LightQueue()
        self._writer = None

    def start(self) -> None:
        self._writer = self.container.spawn_managed_thread(self._write_forever)

    def stop(self) -> None:
        if self._writer is not None:
            self._writer.kill()
            self._writer = None

    kill = stop

    def index(self, publication_id: str) -> None:
        """Returns once the publication is indexed as it is stored now; raises if that failed."""
        done = Event()
        self.waiting.put((publication_id, done))
        done.wait()

    def _write_forever(self) -> None:
        while True:
            batch = [self.waiting.get()]
            while len(batch) < BATCH and not self.waiting.empty():
                batch.append(self.waiting.get_nowait())
            started = time.perf_counter()
            try:
                SearchIndex(self.database.get_dependency(None), self.publications).put(
                    [publication_id for publication_id, _ in batch])
            except Exception as exc:  # noqa: BLE001 (each waiting worker raises it; their events are retried)
                log.warning("search index: a batch of %d publication(s) failed: %s", len(batch), exc)
                for _, done in batch:
                    done.send_exception(exc)
                continue
            log.info("search index: %d publication(s) indexed in %.0f ms", len(batch),
                     (time.perf_counter() - started) * 1000)
            for _, done in batch:
                done.send()
            eventlet.sleep(0)   # let the woken workers ack before the next batch

    def get_dependency(self, worker_ctx) -> SearchIndexer:
        return self
