"""The reminder calendar: which activities' reminders fall due in which hour.

A reminder is due 24 hours before an activity starts. The reminder timer must not query the
activities (on FerretDB a filtered query reads every activity: docs/database.md), so the service
keeps a calendar beside them, a read model kept by its consumer of its own `activity.scheduled`
and `activity.updated` events, like the review calendar of the publications service:

    {_id: "2030-05-11T11", activities: [id, ...]}   activities whose reminders fall due in that
                                                     hour (UTC)
    {_id: "swept", through: "2030-05-11T10"}         every hour up to this one has been handled

An hour is noted no earlier than the current one, and noting moves `swept` back before it, so
the timer never skips a noted hour. The timer reads the hours after `swept` up to the current
one, one document each by `_id` (normally two reads), and removes what it handled. An activity
noted under an hour that is no longer its reminder's (moved, cancelled) is dropped when that hour
comes: the timer checks the activity itself.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from pymongo.database import Database

COLLECTION = "reminder_calendar"
SWEPT = "swept"
BEFORE = timedelta(hours=24)   # how long before the start a reminder is due
_HOUR = "%Y-%m-%dT%H"


def hour_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_HOUR)


def _shift(hour: str, hours: int) -> str:
    return hour_of(datetime.strptime(hour, _HOUR).replace(tzinfo=UTC) + timedelta(hours=hours))


def hour_ends(hour: str) -> datetime:
    """The first moment after the hour."""
    return datetime.strptime(hour, _HOUR).replace(tzinfo=UTC) + timedelta(hours=1)


def due_at(starts_at: datetime) -> datetime:
    return starts_at - BEFORE


class ReminderCalendar:
    def __init__(self, db: Database):
        self.collection = db[COLLECTION]

    def note(self, activity_id: str, starts_at: datetime, now: datetime) -> None:
        """Note an activity under the hour its reminders fall due (this hour, when that has
        passed). Idempotent."""
        hour = max(hour_of(due_at(starts_at)), hour_of(now))
        self.collection.update_one({"_id": hour}, {"$addToSet": {"activities": activity_id}}, upsert=True)
        self.collection.update_one({"_id": SWEPT}, {"$min": {"through": _shift(hour, -1)}}, upsert=True)

    def due(self, now: datetime) -> Iterator[tuple[str, list[str]]]:
        """(hour, activity ids) for each hour not yet handled, up to the current one."""
        current = hour_of(now)
        swept = (self.collection.find_one({"_id": SWEPT}) or {}).get("through") or _shift(current, -1)
        hour = _shift(swept, 1)
        while hour <= current:
            found = self.collection.find_one({"_id": hour})
            if found and found.get("activities"):
                yield hour, list(found["activities"])
            hour = _shift(hour, 1)

    def handled(self, hour: str, activity_id: str) -> None:
        self.collection.update_one({"_id": hour}, {"$pull": {"activities": activity_id}})

    def close_hours_before(self, now: datetime) -> None:
        """Move `swept` up to the last hour before the current one after which nothing is left."""
        current = hour_of(now)
        swept = (self.collection.find_one({"_id": SWEPT}) or {}).get("through") or _shift(current, -1)
        hour = _shift(swept, 1)
        while hour < current:
            found = self.collection.find_one({"_id": hour})
            if found and found.get("activities"):
                break   # something of that hour waits for the next sweep
            if found is not None:
                self.collection.delete_one({"_id": hour})
            swept = hour
            hour = _shift(hour, 1)
        # conditional: a note of an earlier hour meanwhile has moved it back, and must win
        self.collection.update_one({"_id": SWEPT}, {"$max": {"through": swept}}, upsert=True)
