"""Recompute what is derived from each publication, then rebuild the search index:
`python -m publications.reindex`.

Search terms and the sanitised HTML are stored with each publication, so they are only as
current as the code that wrote them. Run this after a change to the text analysis
(text.py) or the rendering (rendering.py), once after upgrading from a version that
stored neither (it also fills in fields that version did not have), and after loading
publications into the database by other means than the service (an import). It changes
nothing a reader sees, so the publication's `version` stays. Safe to run again and while
the service runs: a publication edited meanwhile is skipped and counted (run it again),
and the index rebuild (index.py) holds writers off, whose writes the service's repair
timer then indexes.

    MONGODB_URI=mongodb://... MONGODB_DATABASE=publications python -m publications.reindex
"""
from __future__ import annotations

import os
import sys

import pymongo
from pymongo.database import Database

from . import domain
from .index import SearchIndex
from .storage import COLLECTION

# fields older versions did not store, with what they mean for such a publication
_DEFAULTS = {"summary": "", "body": "", "topics": [], "audiences": [], "focus_areas": [], "organisation": None,
             "authors": [], "links": [], "review_due": None, "hidden": False, "open_flags": 0,
             "revision": None, "due_for_review": False}


def reindexed(doc: dict) -> dict:
    """The fields to set on `doc` so it is as this version would have written it."""
    filled = {**_DEFAULTS, **doc}
    changes = {name: filled[name] for name in _DEFAULTS if name not in doc}
    changes.update(domain.indexed({name: filled[name] for name in domain.CONTENT}))
    changes["listed_at"] = doc.get("listed_at") or doc.get("published_at") or doc["created_at"]
    changes["queue"] = domain.queue_of({**filled, **changes})
    return changes


def reindex(db: Database) -> tuple[int, int]:
    """(publications reindexed, publications skipped because they changed meanwhile)."""
    done = skipped = 0
    for doc in db[COLLECTION].find({}, {"outbox": 0, "history": 0}):
        result = db[COLLECTION].update_one({"_id": doc["_id"], "version": doc["version"]},
                                           {"$set": reindexed(doc)})
        done += result.modified_count or result.matched_count
        skipped += 1 - result.matched_count
    return done, skipped


def main() -> int:
    client = pymongo.MongoClient(os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27017/"), tz_aware=True)
    db = client[os.environ.get("MONGODB_DATABASE", "publications")]
    done, skipped = reindex(db)
    print(f"reindexed {done} publication(s); {skipped} changed meanwhile (run again for those)")
    print(f"search index rebuilt: {SearchIndex(db, COLLECTION).rebuild()} publication(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
