"""The reminder calendar: which activities' reminders fall due in which hour (UTC).

A reminder is due 24 hours before an activity starts. The reminder timer must not query the
activities, so the service keeps a due calendar (wijkwijzer.due) beside them, a read model kept by
its consumer of its own `activity.scheduled` and `activity.updated` events, like the review
calendar of the publications service.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from pymongo.database import Database
from wijkwijzer.due import HOUR, DueCalendar

COLLECTION = "reminder_calendar"
BEFORE = timedelta(hours=24)   # how long before the start a reminder is due


def due_at(starts_at: datetime) -> datetime:
    return starts_at - BEFORE


class ReminderCalendar(DueCalendar):
    def __init__(self, db: Database):
        super().__init__(db[COLLECTION], HOUR, "activities")

    def note_start(self, activity_id: str, starts_at: datetime, now: datetime) -> None:
        """Note an activity under the hour its reminders fall due. Idempotent."""
        self.note(activity_id, HOUR.of(due_at(starts_at)), HOUR.of(now))
