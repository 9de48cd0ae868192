"""nameko entrypoints of the publications service (the kennisbank).

Each entrypoint loads the publication, asks a rule in domain.py what changes, and
has storage write the change and its events in one update; the outbox then
publishes the events. `viewer` and `actor` are the caller's token claims
(`sub`, `name`, `roles`) as the gateway passes them, None for anonymous readers.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from nameko.dependency_providers import Config
from wijkwijzer import pages
from wijkwijzer.cloudevents import envelope
from wijkwijzer.consumer import event_consumer
from wijkwijzer.errors import EXPECTED, Conflict, Forbidden, NotFound
from wijkwijzer.logs import CorrelationId
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.outbox import Outbox
from wijkwijzer.ping import Health
from wijkwijzer.rpc import rpc
from wijkwijzer.timers import configured_timer

from . import domain, search, storage
from .storage import Flags, Publications
from .views import history_view, publication_view

log = logging.getLogger(__name__)

REVIEW_DUE_INTERVAL = "REVIEW_DUE_INTERVAL"        # seconds between review-date sweeps
FLAG_SYNC_INTERVAL = "FLAG_SYNC_INTERVAL"          # seconds between checks of flag counts
SEARCH_REPAIR_INTERVAL = "SEARCH_REPAIR_INTERVAL"  # seconds between looks for unindexed writes
REVIEW_PERIOD_DAYS = "REVIEW_PERIOD_DAYS"          # default time from publication to review
REVIEW_DUE_CLAIM_STALE_S = 300                     # a notice claim this old was left by a dead replica
FLAG_SYNC_ATTEMPTS = 10                            # flags at the same moment: recount until it holds


class PublicationsService:
    name = "publications"

    db = MongoDatabase(storage.INDEXES)
    health = Health(storage.COLLECTION)
    outbox = Outbox(storage.COLLECTION, storage.FLAGS)
    correlation_id = CorrelationId()
    config = Config()

    def _review_period_days(self) -> int:
        return int(self.config.get(REVIEW_PERIOD_DAYS, domain.REVIEW_PERIOD_DAYS))

    def _apply(self, publications: Publications, doc: dict, change: domain.Change,
               event_id: str | None = None) -> dict:
        events = [envelope(self.name, data, subject=doc["_id"], correlation_id=self.correlation_id,
                           event_id=event_id) for data in change.events]
        updated = publications.apply(doc, change, events)
        if events:
            self.outbox.send(storage.COLLECTION, doc["_id"], events)
        if change.resolves_flags:
            Flags(self.db).resolve(doc["_id"], change.resolves_flags)
        for event in events:
            log.info("publication %s: %s (event %s)", doc["_id"], event.routing_key, event.id)
        return updated

    @rpc
    def ping(self) -> dict:
        return self.health.report()

    @rpc(expected_exceptions=EXPECTED)
    def create_draft(self, fields: dict, author: dict, idempotency_key: str | None = None) -> dict:
        doc, created = Publications(self.db).insert(
            domain.new_draft(fields, author, datetime.now(UTC), idempotency_key))
        if created:
            log.info("draft %s created by %s", doc["_id"], author["sub"])
        return publication_view(doc, domain.capacities(doc, author))

    @rpc(expected_exceptions=EXPECTED)
    def get(self, id_or_slug: str, viewer: dict | None = None) -> dict:
        doc = Publications(self.db).find(id_or_slug)
        capacities = domain.check_visible(doc, viewer)
        return publication_view(doc, capacities, Flags(self.db).of(doc["_id"]) if capacities else [])

    @rpc(expected_exceptions=EXPECTED)
    def history(self, publication_id: str, viewer: dict) -> dict:
        """Every transition (who, when, note): for its author and editors."""
        doc = Publications(self.db).find(publication_id)
        if not domain.capacities(doc, viewer):
            if domain.may_view(doc, viewer):
                raise Forbidden("only the author and editors see the history")
            raise NotFound(f"no publication {publication_id!r}")
        return history_view(doc)

    def _act(self, publication_id: str, actor: dict, rule: Callable[[dict, datetime], domain.Change]) -> dict:
        """Load the publication, write what `rule(doc, now)` changes, show the result to `actor`."""
        publications = Publications(self.db)
        doc = publications.find(publication_id)
        updated = self._apply(publications, doc, rule(doc, datetime.now(UTC)))
        return publication_view(updated, domain.capacities(updated, actor))

    @rpc(expected_exceptions=EXPECTED)
    def edit(self, publication_id: str, fields: dict, actor: dict) -> dict:
        return self._act(publication_id, actor, lambda doc, now: domain.edit(doc, fields, actor, now))

    @rpc(expected_exceptions=EXPECTED)
    def submit(self, publication_id: str, actor: dict) -> dict:
        return self._act(publication_id, actor, lambda doc, now: domain.submit(doc, actor, now))

    @rpc(expected_exceptions=EXPECTED)
    def review(self, publication_id: str, decision: str, note: str | None, actor: dict) -> dict:
        period = self._review_period_days()
        return self._act(publication_id, actor,
                         lambda doc, now: domain.review(doc, decision, note, actor, now, period))

    @rpc(expected_exceptions=EXPECTED)
    def withdraw(self, publication_id: str, note: str | None, actor: dict) -> dict:
        return self._act(publication_id, actor, lambda doc, now: domain.withdraw(doc, actor, note, now))

    @rpc(expected_exceptions=EXPECTED)
    def flag(self, publication_id: str, reason: str, reporter: dict) -> dict:
        """A reader's flag. `reporter`: the claims of a signed-in reader, or {"address": ...}
        for an anonymous one."""
        publications, flags = Publications(self.db), Flags(self.db)
        doc = publications.find(publication_id)
        new = domain.flag(doc, reason, reporter, datetime.now(UTC))
        # the flag and its event are one insert; the count in the event is as seen just before
        event = envelope(self.name, domain.flagged(doc, new, flags.count_open(doc["_id"]) + 1),
                         subject=doc["_id"], correlation_id=self.correlation_id)
        flags.insert(new, [event])
        self.outbox.send(storage.FLAGS, new["_id"], [event])
        doc, open_flags = self._count_flags(publications, flags, doc)
        log.info("publication %s flagged (%d open)", doc["_id"], open_flags)
        return {"id": new["_id"], "publication_id": doc["_id"], "reason": new["reason"], "status": new["status"],
                "open_flags": open_flags, "hidden": domain.hides(doc, open_flags)}

    def _count_flags(self, publications: Publications, flags: Flags, doc: dict) -> tuple[dict, int]:
        """Bring the publication's `open_flags` and `hidden` in line with its open flags.

        Readers flag at the same moment, and an update of one document can lose to a
        concurrent one on FerretDB (no isolation), so count, write, and read back until the
        stored count is the current one: whoever writes last has counted every flag before it."""
        for _ in range(FLAG_SYNC_ATTEMPTS):
            open_flags = flags.count_open(doc["_id"])
            change = domain.flags_counted(doc, open_flags, datetime.now(UTC))
            if change is None:
                return doc, open_flags
            try:
                self._apply(publications, doc, change)
            except Conflict:
                pass   # changed meanwhile: read it again and recount
            doc = publications.find(doc["_id"])
        raise Conflict("the publication changed too often meanwhile; try again")

    @rpc(expected_exceptions=EXPECTED)
    def search(self, params: dict, viewer: dict | None = None) -> dict:
        """Full-text search with filters and facets (see search.py); the helpdesk asks it
        with `match="any"` for publications related to a question."""
        return search.search(Publications(self.db).index, params, viewer)

    @rpc(expected_exceptions=EXPECTED)
    def review_queue(self, reasons: list[str] | None = None, organisations: list[str] | None = None,
                     limit: int = pages.DEFAULT_LIMIT, cursor: str | None = None) -> dict:
        return search.review_queue(Publications(self.db), reasons or [], organisations or [],
                                   pages.limit_of(limit), cursor)

    @event_consumer("helpdesk", "question.answered_with_consent")
    def on_question_answered_with_consent(self, event: dict) -> None:
        """A question the asker let us publish becomes a `vraag-en-antwoord` submission for
        editors. Keyed by question id: a redelivered event finds the first one."""
        doc, created = Publications(self.db).insert(domain.question_draft(event["data"], datetime.now(UTC)))
        log.info("question %s: %s vraag-en-antwoord %s", event["data"].get("question_id"),
                 "created" if created else "already had", doc["_id"])

    @configured_timer(FLAG_SYNC_INTERVAL, 60)
    def reconcile_flag_counts(self) -> None:
        """Bring every publication's open-flag count (and so whether it is hidden) in line with
        its open flags. The flag request does this itself; this sweep repairs what it could not
        see: on FerretDB a count taken while other readers flag the same publication can miss
        their flags for a moment (seen in the tests), and a replica can die between storing a
        flag and counting. Idempotent, so every replica may run it."""
        publications, flags = Publications(self.db), Flags(self.db)
        counts = flags.open_counts()
        # read from the flags, not by a query on the publications: that reads every publication
        # on FerretDB, at 100,000 for about 70 s, and this runs every minute
        for doc in publications.some(flags.publication_ids()):
            if doc["open_flags"] != counts.get(doc["_id"], 0):
                try:
                    self._count_flags(publications, flags, doc)
                except Conflict:
                    continue   # edited meanwhile: the next sweep

    @configured_timer(SEARCH_REPAIR_INTERVAL, 15)
    def repair_search_index(self) -> None:
        """Index the publications whose writer could not (the index stayed locked, say by a
        rebuild) or died between its write and indexing. Idempotent, so every replica may."""
        repaired = Publications(self.db).index.repair()
        if repaired:
            log.info("search index: %d publication(s) indexed by repair", repaired)

    @configured_timer(REVIEW_DUE_INTERVAL, 300)
    def tell_editors_of_review_dates(self) -> None:
        """Put publications whose review date passed in the review queue and tell their editors,
        once per review date, whichever replica gets there first."""
        publications = Publications(self.db)
        now = datetime.now(UTC)
        for doc in publications.due_for_review(domain.today(now)):
            change = domain.review_due_passed(doc, now)
            key = f"{doc['_id']}/{doc['review_due']}"
            if change is None or not publications.claim_review_due_notice(key, now, REVIEW_DUE_CLAIM_STALE_S):
                continue
            try:
                self._apply(publications, doc, change, event_id=domain.review_due_event_id(doc))
            except Conflict:
                publications.release_review_due_notice(key)   # edited meanwhile: the next sweep
