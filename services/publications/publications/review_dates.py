"""The review calendar: which publications' review dates fall on which day (Dutch dates).

The review-date timer must not query the publications, so the service keeps a due calendar
(wijkwijzer.due) beside them, a read model kept by the `publication.changed` consumer like the
search index. A publication noted under a day that no longer is its review date (edited,
withdrawn) is dropped when that day comes: the timer checks the publication itself.
"""
from __future__ import annotations

from pymongo.database import Database
from wijkwijzer.due import DAY, DueCalendar

COLLECTION = "review_calendar"


class ReviewCalendar(DueCalendar):
    def __init__(self, db: Database):
        super().__init__(db[COLLECTION], DAY, "publications")
