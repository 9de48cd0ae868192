"""The review calendar: which publications' review dates fall on which day.

The review-date timer must not query the publications (on FerretDB a filtered query reads
every publication: docs/database.md). So the service keeps a calendar beside them, a read
model kept by the `publication.changed` consumer like the search index:

    {_id: "2027-03-01", publications: [id, ...]}   publications whose review date is that day
    {_id: "swept", through: "2026-11-28"}          every day up to this one has been handled

A day is noted no earlier than today, and noting moves `swept` back before it, so the timer
never skips a noted day. The timer reads the days after `swept` up to today, one document
each by `_id` (on a normal day: two reads), and removes what it handled. A publication noted
under a day that no longer is its review date (edited, withdrawn) is dropped when that day
comes: the timer checks the publication itself.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from pymongo.database import Database

COLLECTION = "review_calendar"
SWEPT = "swept"


def _day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


def _day_after(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


class ReviewCalendar:
    def __init__(self, db: Database):
        self.collection = db[COLLECTION]

    def note(self, publication_id: str, review_due: str, today: str) -> None:
        """Note a publication under its review date (today, when that has passed). Idempotent."""
        day = max(review_due, today)
        self.collection.update_one({"_id": day}, {"$addToSet": {"publications": publication_id}}, upsert=True)
        self.collection.update_one({"_id": SWEPT}, {"$min": {"through": _day_before(day)}}, upsert=True)

    def due(self, today: str) -> Iterator[tuple[str, list[str]]]:
        """(day, publication ids) for each day not yet handled, up to today."""
        swept = (self.collection.find_one({"_id": SWEPT}) or {}).get("through") or _day_before(today)
        day = _day_after(swept)
        while day <= today:
            found = self.collection.find_one({"_id": day})
            if found and found.get("publications"):
                yield day, list(found["publications"])
            day = _day_after(day)

    def handled(self, day: str, publication_id: str) -> None:
        self.collection.update_one({"_id": day}, {"$pull": {"publications": publication_id}})

    def close_days_before(self, today: str) -> None:
        """Move `swept` up to the last day before today after which nothing is left undone."""
        swept = (self.collection.find_one({"_id": SWEPT}) or {}).get("through") or _day_before(today)
        day = _day_after(swept)
        while day < today:
            found = self.collection.find_one({"_id": day})
            if found and found.get("publications"):
                break   # something of that day waits for the next sweep (edited meanwhile)
            if found is not None:
                self.collection.delete_one({"_id": day})
            swept = day
            day = _day_after(day)
        # conditional: a note of an earlier day meanwhile has moved it back, and must win
        self.collection.update_one({"_id": SWEPT}, {"$max": {"through": swept}}, upsert=True)
