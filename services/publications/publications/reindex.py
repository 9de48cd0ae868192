"""Recompute what is derived from each publication, then rebuild the search index and the
review calendar: `wijkwijzer-publications-reindex` (or `python -m publications.reindex`).

Search terms and the sanitised HTML are stored with each publication, so they are only as
current as the code that wrote them. Run this after a change to the text analysis
(text.py) or the rendering (rendering.py, raw_html.py, urls.py), once after upgrading from a
version that stored neither (it also fills in fields that version did not have), and after loading
publications into the database by other means than the service (an import). It changes
nothing a reader sees, so the publication's `version` stays. Safe to run again and while
the service runs: a publication edited meanwhile is skipped and counted (run it again).
Searches use the old index until the new one is complete; publications changed while the
index was rebuilt are then announced again (`publication.changed` on the service's events
exchange, so AMQP_URI is needed too), and the service indexes them into the new one.
Progress (counts as it goes) goes to stderr, the outcome of each step to stdout.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pymongo
from pymongo.database import Database
from wijkwijzer.cloudevents import envelope
from wijkwijzer.outbox import EventPublisher, entry

from . import domain
from .index import SearchIndex
from .review_dates import ReviewCalendar
from .schemas import CONTENT
from .storage import COLLECTION
from .workflow import PUBLISHED

# clocks of the service's replicas and of this command may differ a little: announce again what
# changed from this long before the rebuild began
CLOCK_MARGIN = timedelta(minutes=5)
PROGRESS_EVERY = 1_000   # publications between two progress reports of the recomputation

EXAMPLES = """examples:
  MONGODB_URI=mongodb://... MONGODB_DATABASE=publications AMQP_URI=amqp://... wijkwijzer-publications-reindex
  wijkwijzer-publications-reindex --mongodb-uri mongodb://db:27017/ --database publications --amqp-uri amqp://...
"""

# fields older versions did not store, with what they mean for such a publication
_DEFAULTS = {"summary": "", "body": "", "topics": [], "audiences": [], "focus_areas": [], "organisation": None,
             "authors": [], "links": [], "review_due": None, "hidden": False, "open_flags": 0,
             "revision": None, "due_for_review": False}


def reindexed(doc: dict) -> dict:
    """The fields to set on `doc` so it is as this version would have written it."""
    filled = {**_DEFAULTS, **doc}
    changes = {name: filled[name] for name in _DEFAULTS if name not in doc}
    changes.update(domain.indexed({name: filled[name] for name in CONTENT}))
    changes["listed_at"] = doc.get("listed_at") or doc.get("published_at") or doc["created_at"]
    changes["queue"] = domain.queue_of({**filled, **changes})
    return changes


def reindex(db: Database, progress: Callable[[int], None] = lambda n: None) -> tuple[int, int]:
    """(publications reindexed, publications skipped because they changed meanwhile). Notes
    each published publication's review date in the calendar (a version before it kept none).
    `progress(n)` is told every PROGRESS_EVERY publications."""
    done = skipped = 0
    calendar, today = ReviewCalendar(db), domain.today(datetime.now(UTC))
    for doc in db[COLLECTION].find({}, {"outbox": 0, "history": 0}):
        result = db[COLLECTION].update_one({"_id": doc["_id"], "version": doc["version"]},
                                           {"$set": reindexed(doc)})
        done += result.modified_count or result.matched_count
        skipped += 1 - result.matched_count
        if doc.get("status") == PUBLISHED and doc.get("review_due") and not doc.get("due_for_review"):
            calendar.note(doc["_id"], doc["review_due"], today)
        if (done + skipped) % PROGRESS_EVERY == 0:
            progress(done + skipped)
    return done, skipped


def announce_changed_since(db: Database, since: datetime, publisher: EventPublisher) -> int:
    """Send `publication.changed` for every publication changed since `since`; how many."""
    sent = 0
    for doc in db[COLLECTION].find({"updated_at": {"$gte": since}}, {"version": 1}):
        publisher.publish(entry(envelope("publications", domain.changed(doc, doc["version"]), subject=doc["_id"])))
        sent += 1
    return sent


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wijkwijzer-publications-reindex", description=__doc__, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mongodb-uri", default=os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27017/"),
                        help="the publications service's database server (default: $MONGODB_URI)")
    parser.add_argument("--database", default=os.environ.get("MONGODB_DATABASE", "publications"),
                        help="its database (default: $MONGODB_DATABASE, else publications)")
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"),
                        help="the broker, to announce publications changed meanwhile (default: $AMQP_URI)")
    args = parser.parse_args(argv)
    client = pymongo.MongoClient(args.mongodb_uri, tz_aware=True)
    db = client[args.database]
    publisher = EventPublisher(args.amqp_uri, "publications", {})
    done, skipped = reindex(db, lambda n: _progress(f"recomputed: {n} publications read ..."))
    print(f"reindexed {done} publication(s); {skipped} changed meanwhile (run again for those)", flush=True)
    began = datetime.now(UTC)
    total = SearchIndex(db, COLLECTION).rebuild(lambda n: _progress(f"search index: {n} publications read ..."))
    print(f"search index rebuilt: {total} publication(s)", flush=True)
    again = announce_changed_since(db, began - CLOCK_MARGIN, publisher)
    print(f"announced {again} publication(s) changed meanwhile, for the service to index again", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
