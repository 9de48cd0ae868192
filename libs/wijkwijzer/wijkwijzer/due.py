"""A calendar of due work beside a service's own data: which items fall due in which period (an
hour, a day).

A timer must not query the data itself for what is due (on FerretDB a filtered query reads every
document: docs/database.md). So a service keeps this calendar as a read model, noted by the
consumer of its own events, and its timer reads a few documents by `_id`:

    {_id: "<period>", <items>: [id, ...]}    the items that fall due in that period
    {_id: "swept", through: "<period>"}      every period up to this one has been handled

A period is noted no earlier than the current one, and noting moves `swept` back before it, so
the timer never skips a noted period. The timer reads the periods after `swept` up to the current
one (normally two reads) and removes what it handled. An item noted under a period that is no
longer its own (moved, cancelled) is dropped when that period comes: the timer checks the item
itself.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pymongo.collection import Collection

SWEPT = "swept"


@dataclass(frozen=True)
class Period:
    """How periods are named (text that sorts in time order) and stepped."""

    format: str
    length: timedelta

    def of(self, moment: datetime) -> str:
        """The period (in UTC) a moment falls in."""
        return moment.astimezone(UTC).strftime(self.format)

    def start(self, period: str) -> datetime:
        return datetime.strptime(period, self.format).replace(tzinfo=UTC)

    def end(self, period: str) -> datetime:
        """The first moment after the period."""
        return self.start(period) + self.length

    def shift(self, period: str, steps: int) -> str:
        return (self.start(period) + steps * self.length).strftime(self.format)


HOUR = Period("%Y-%m-%dT%H", timedelta(hours=1))
DAY = Period("%Y-%m-%d", timedelta(days=1))   # ISO dates: a service may name its own days (local ones)


class DueCalendar:
    """The calendar in `collection`, by `period`, its items' ids listed under the field `items`."""

    def __init__(self, collection: Collection, period: Period, items: str):
        self.collection, self.period, self.items = collection, period, items

    def note(self, item_id: str, period: str, current: str) -> None:
        """Note an item under the period it falls due in (the current one, when that has passed).
        Idempotent."""
        period = max(period, current)
        self.collection.update_one({"_id": period}, {"$addToSet": {self.items: item_id}}, upsert=True)
        self.collection.update_one({"_id": SWEPT}, {"$min": {"through": self.period.shift(period, -1)}},
                                   upsert=True)

    def due(self, current: str) -> Iterator[tuple[str, list[str]]]:
        """(period, item ids) for each period not yet handled, up to the current one."""
        period = self.period.shift(self._swept(current), 1)
        while period <= current:
            found = self.collection.find_one({"_id": period})
            if found and found.get(self.items):
                yield period, list(found[self.items])
            period = self.period.shift(period, 1)

    def handled(self, period: str, item_id: str) -> None:
        self.collection.update_one({"_id": period}, {"$pull": {self.items: item_id}})

    def close_before(self, current: str) -> None:
        """Move `swept` up to the last period before the current one after which nothing is left."""
        swept = self._swept(current)
        period = self.period.shift(swept, 1)
        while period < current:
            found = self.collection.find_one({"_id": period})
            if found and found.get(self.items):
                break   # something of that period waits for the next sweep
            if found is not None:
                self.collection.delete_one({"_id": period})
            swept = period
            period = self.period.shift(period, 1)
        # conditional: a note of an earlier period meanwhile has moved it back, and must win
        self.collection.update_one({"_id": SWEPT}, {"$max": {"through": swept}}, upsert=True)

    def _swept(self, current: str) -> str:
        return (self.collection.find_one({"_id": SWEPT}) or {}).get("through") or self.period.shift(current, -1)
