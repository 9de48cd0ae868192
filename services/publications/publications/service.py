"""nameko entrypoints of the publications service (the kennisbank).

Each entrypoint loads the publication, asks a rule (domain.py, drafts.py, flagging.py) what
changes, and has storage write the change and its events in one update; the outbox then
publishes the events. Every write also sends `publication.changed`, which this service consumes
itself to keep its read models (the search index, the review calendar) current. `viewer` and
`actor` are the caller's token claims (`sub`, `name`, `roles`) as the gateway passes them, None
for anonymous readers.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from nameko.dependency_providers import Config
from wijkwijzer import pages
from wijkwijzer.claims import Claims
from wijkwijzer.cloudevents import envelope
from wijkwijzer.consumer import event_batch_consumer, event_consumer
from wijkwijzer.errors import EXPECTED, Conflict, Forbidden, NotFound
from wijkwijzer.logs import CorrelationId
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.ops import Operations
from wijkwijzer.outbox import Outbox
from wijkwijzer.ping import Health
from wijkwijzer.rpc import rpc
from wijkwijzer.timers import configured_timer

from . import authored, domain, drafts, flagging, search, storage
from .index import SearchIndex
from .review_dates import ReviewCalendar
from .storage import Flags, Publications
from .views import flag_received, history_view, publication_view
from .workflow import PUBLISHED

log = logging.getLogger(__name__)

REVIEW_DUE_INTERVAL = "REVIEW_DUE_INTERVAL"        # seconds between review-date sweeps
REVIEW_PERIOD_DAYS = "REVIEW_PERIOD_DAYS"          # default time from publication to review
REVIEW_DUE_CLAIM = timedelta(minutes=5)            # a sweep renews it for every publication it handles
FLAG_COUNT_ATTEMPTS = 5                            # edits of the publication meanwhile: count again


@contextmanager
def _as_asked(id_or_slug: str) -> Iterator[None]:
    """A publication the caller may not see is not found under the id or slug they asked for:
    the rules name it by its stored id, which the caller did not send and may not learn."""
    try:
        yield
    except NotFound:
        raise NotFound(f"no publication {id_or_slug!r}") from None


class PublicationsService:
    name = "publications"

    db = MongoDatabase(storage.INDEXES)
    health = Health(storage.COLLECTION)
    ops = Operations()   # /healthz, /readyz and /metrics on OPS_ADDRESS
    outbox = Outbox()
    correlation_id = CorrelationId()
    config = Config()

    def _review_period_days(self) -> int:
        return int(self.config.get(REVIEW_PERIOD_DAYS, domain.REVIEW_PERIOD_DAYS))

    def _events(self, data: list, subject: str, event_id: str | None = None) -> list:
        return [envelope(self.name, item, subject=subject, correlation_id=self.correlation_id, event_id=event_id)
                for item in data]

    def _insert(self, doc: dict) -> tuple[dict, bool]:
        """Store a new publication (or find the one an earlier try of the same request made)."""
        events = self._events([domain.changed(doc, doc["version"])], doc["_id"])
        token = self.outbox.expect(storage.COLLECTION, doc["_id"])
        stored, created = Publications(self.db).insert(doc, events)
        self.outbox.send(storage.COLLECTION, doc["_id"], events if created else [], token)
        return stored, created

    def _apply(self, publications: Publications, doc: dict, change: domain.Change,
               event_id: str | None = None) -> dict:
        # a deterministic id (a timer's notice) is for the notice; the change event has its own
        events = self._events(change.events, doc["_id"], event_id) + self._events(
            [domain.changed(doc, doc["version"] + 1)], doc["_id"])
        token = self.outbox.expect(storage.COLLECTION, doc["_id"])
        updated = publications.apply(doc, change, events)   # Conflict leaves the mark to the relay
        self.outbox.send(storage.COLLECTION, doc["_id"], events, token)
        if change.resolves_flags:
            Flags(self.db).resolve(doc["_id"], change.resolves_flags)
        for event in events[:-1]:
            log.info("publication %s: %s (event %s)", doc["_id"], event.routing_key, event.id)
        return updated

    @rpc
    def ping(self) -> dict:
        return self.health.report()

    @rpc(expected_exceptions=EXPECTED)
    def create_draft(self, fields: dict, author: dict, idempotency_key: str | None = None) -> dict:
        doc, created = self._insert(drafts.new_draft(fields, author, datetime.now(UTC), idempotency_key))
        if created:
            log.info("draft %s created by %s", doc["_id"], author["sub"])
        return publication_view(doc, domain.capacities(doc, author))

    @rpc(expected_exceptions=EXPECTED)
    def get(self, id_or_slug: str, viewer: dict | None = None) -> dict:
        doc = Publications(self.db).find(id_or_slug)
        with _as_asked(id_or_slug):
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
        with _as_asked(publication_id):
            change = rule(doc, datetime.now(UTC))
        updated = self._apply(publications, doc, change)
        return publication_view(updated, domain.capacities(updated, actor))

    @rpc(expected_exceptions=EXPECTED)
    def edit(self, publication_id: str, fields: dict, actor: dict, based_on: int | None = None) -> dict:
        """`based_on`: the version the caller edited (None: whatever is stored now)."""
        return self._act(publication_id, actor, lambda doc, now: domain.edit(doc, fields, actor, now, based_on))

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
        with _as_asked(publication_id):
            new = flagging.flag(doc, reason, reporter, datetime.now(UTC))
        # the flag and its event are one insert; the count in the event is as seen just before
        seen = flags.count_open(doc["_id"], doc.get("flags_resolved_at"))
        events = self._events([flagging.flagged(doc, new, seen + 1)], doc["_id"])
        token = self.outbox.expect(storage.FLAGS, new["_id"])
        flags.insert(new, events)
        self.outbox.send(storage.FLAGS, new["_id"], events, token)
        doc, open_flags = self._count_flags(doc["_id"])
        log.info("publication %s flagged (%d open)", doc["_id"], open_flags)
        return flag_received(new, open_flags, flagging.hides(doc, open_flags))

    def _count_flags(self, publication_id: str) -> tuple[dict, int]:
        """Bring the publication's `open_flags` and `hidden` in line with its open flags. Readers
        flag at the same moment: the version check lets one count win, the others count again
        (and then find it right); whoever writes last has counted every flag before it."""
        publications, flags = Publications(self.db), Flags(self.db)
        for _ in range(FLAG_COUNT_ATTEMPTS):
            doc = publications.find(publication_id)
            open_flags = flags.count_open(publication_id, doc.get("flags_resolved_at"))
            change = flagging.flags_counted(doc, open_flags, datetime.now(UTC))
            if change is None:
                return doc, open_flags
            try:
                return self._apply(publications, doc, change), open_flags
            except Conflict:
                continue   # changed meanwhile: read it again and count again
        raise Conflict("the publication changed too often meanwhile; try again")

    @event_consumer("publications", "publication.flagged")
    def count_flags(self, event: dict) -> None:
        """The flag request counts the flags itself; this counts again once its event is out, so
        a flag stored by a replica that died before counting still counts. Idempotent."""
        self._count_flags(event["data"]["id"])

    @event_batch_consumer("publications", "publication.changed", single_active=True)
    def update_read_models(self, events: list[dict]) -> None:
        """Index the publications as they are now, and note their review dates: the events that
        arrived while the last batch was written, in one batch. Idempotent, and one batch at a
        time in the whole deployment (the queue's single active consumer)."""
        indexed = SearchIndex(self.db, storage.COLLECTION).put(event["data"]["id"] for event in events)
        calendar, today = ReviewCalendar(self.db), domain.today(datetime.now(UTC))
        for doc in indexed:
            if doc["status"] == PUBLISHED and doc.get("review_due") and not doc.get("due_for_review"):
                calendar.note(doc["_id"], doc["review_due"], today)

    @rpc(expected_exceptions=EXPECTED)
    def search(self, params: dict, viewer: dict | None = None) -> dict:
        """Full-text search with filters and facets (see search.py); the helpdesk asks it
        with `match="any"` for publications related to a question."""
        return search.search(SearchIndex(self.db, storage.COLLECTION), params, viewer)

    @rpc(expected_exceptions=EXPECTED)
    def review_queue(self, reasons: list[str] | None = None, organisations: list[str] | None = None,
                     limit: int = pages.DEFAULT_LIMIT, cursor: str | None = None) -> dict:
        return search.review_queue(Publications(self.db), reasons or [], organisations or [],
                                   pages.limit_of(limit), cursor)

    @rpc(expected_exceptions=EXPECTED)
    def authored_by(self, author: dict, statuses: list[str] | None = None, limit: int = pages.DEFAULT_LIMIT,
                    cursor: str | None = None) -> dict:
        """The caller's own publications (`author`: their claims), in every status or those asked
        for, newest change first."""
        return authored.authored_by(Publications(self.db), author["sub"], statuses or [], limit, cursor)

    @event_consumer("helpdesk", "question.answered_with_consent")
    def on_question_answered_with_consent(self, event: dict) -> None:
        """A question the asker let us publish becomes a `vraag-en-antwoord` submission for
        editors. Keyed by question id: a redelivered event finds the first one."""
        doc, created = self._insert(drafts.question_draft(event["data"], datetime.now(UTC)))
        log.info("question %s: %s vraag-en-antwoord %s", event["data"].get("question_id"),
                 "created" if created else "already had", doc["_id"])

    @configured_timer(REVIEW_DUE_INTERVAL, 300)
    def tell_editors_of_review_dates(self) -> None:
        """Put publications whose review date passed in the review queue and tell their editors,
        once per review date. One replica sweeps at a time (a claim); the version check of each
        change and the notice's fixed event id make a second notice impossible all the same."""
        with Claims(self.db).hold("review-dates", REVIEW_DUE_CLAIM) as claim:
            if claim is None:
                return
            publications, calendar = Publications(self.db), ReviewCalendar(self.db)
            now = datetime.now(UTC)
            today = domain.today(now)
            for day, publication_ids in calendar.due(today):
                for publication_id in publication_ids:
                    if self._review_due(publications, publication_id, now):
                        calendar.handled(day, publication_id)
                    claim.renew()
            calendar.close_before(today)

    def _review_due(self, publications: Publications, publication_id: str, now: datetime) -> bool:
        """Tell the editors if the publication's review date passed; False to try it again later."""
        try:
            doc = publications.find(publication_id)
        except NotFound:
            return True
        change = domain.review_due_passed(doc, now)
        if change is None:
            return True   # not due (any more): edited, withdrawn, or already told
        try:
            self._apply(publications, doc, change, event_id=domain.review_due_event_id(doc))
        except Conflict:
            return False  # edited meanwhile: the next sweep
        return True
