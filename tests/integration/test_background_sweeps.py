"""Periodic sweeps read only what they must (docs/database.md): with nothing to do, the outbox relay
and the review-date timer read a few small documents, none of the publications, however many
there are. Every command they send is recorded by a pymongo command listener."""
from datetime import UTC, datetime, timedelta

import pymongo
import pytest
from nameko.testing.services import worker_factory
from publications import drafts, reindex
from publications.service import PublicationsService
from pymongo import monitoring
from wijkwijzer import outbox

from tests.content import Corpus

pytestmark = pytest.mark.integration

AUTHOR = {"sub": "anna", "name": "Anna"}
PUBLICATIONS = 1_000


class Commands(monitoring.CommandListener):
    def __init__(self):
        self.seen: list[tuple[str, str | None]] = []

    def started(self, event):
        name = event.command_name
        self.seen.append((name, event.command.get(name) if isinstance(event.command.get(name), str) else None))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


@pytest.fixture
def listened(service_config):
    commands = Commands()
    with pymongo.MongoClient(service_config["MONGODB_URI"], tz_aware=True, event_listeners=[commands]) as client:
        yield client[service_config["MONGODB_DATABASE"]], commands


def test_sweeps_with_nothing_to_do_read_no_publication(listened):
    db, commands = listened
    corpus, now = Corpus(seed=3, anchor=datetime.now(UTC)), datetime.now(UTC)
    db.publications.insert_many([drafts.imported(corpus.publication(i)[0], AUTHOR, now - timedelta(days=i % 300))
                                 for i in range(PUBLICATIONS)])
    reindex.reindex(db)   # the review calendar, as after an import: every date in the future
    assert db.review_calendar.count_documents({}) > 1

    commands.seen.clear()
    assert outbox.relay_once(db, publisher=None) == 0   # nothing pending: the publisher is never used
    relay = list(commands.seen)

    commands.seen.clear()
    worker_factory(PublicationsService, db=db).tell_editors_of_review_dates()
    review_dates = list(commands.seen)

    for sweep in (relay, review_dates):
        assert not [c for c in sweep if c[1] == "publications"], sweep
        assert len(sweep) <= 8, sweep
    # as the closing note of the issue gave them
    print(f"\nrelay: {relay}\nreview dates: {review_dates}")


def test_the_reminder_sweep_with_nothing_due_reads_no_activity(listened):
    from activities import domain as activity_domain
    from activities.reminders import ReminderCalendar
    from activities.service import EventsService

    db, commands = listened
    now = datetime.now(UTC)
    admin = {"sub": "beheer", "roles": ["admin"]}
    for i in range(200):
        starts = now + timedelta(days=2 + i % 60, hours=i % 24)
        doc, _ = activity_domain.new_activity({
            "title": f"Buurtgesprek {i}", "description": "Over de wijk.", "kind": "leerbijeenkomst",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "online_url": "https://meet.example.org/buurt"}, admin, now)
        db.activities.insert_one(doc)
        ReminderCalendar(db).note_start(doc["_id"], doc["starts_at"], now)   # all due in a day or more

    commands.seen.clear()
    worker_factory(EventsService, db=db).send_reminders()
    sweep = list(commands.seen)
    assert not [c for c in sweep if c[1] == "activities"], sweep
    assert len(sweep) <= 8, sweep
