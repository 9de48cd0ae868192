"""The first-response clock: N Dutch working days, with no I/O.

A working day is Monday to Friday, unless it is a Dutch public holiday as the `holidays` library
knows them (New Year, Easter, King's Day on 27 April or the 26th when the 27th is a Sunday,
Ascension, Whit Monday, Christmas and the others). A question asked on any day is due at the end
of the Nth working day after that day, on the Dutch clock: asked on a Friday with one working
day, it is due at midnight after Monday.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

import holidays
from wijkwijzer.times import AMSTERDAM


@cache
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NL", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_days_after(day: date, count: int) -> date:
    """The `count`th working day after `day` (`day` itself never counts)."""
    if count < 1:
        raise ValueError("at least one working day")
    while count:
        day += timedelta(days=1)
        count -= is_working_day(day)
    return day


def first_response_due(asked_at: datetime, working_days: int) -> datetime:
    """The moment the first response is due: the end of the `working_days`th working day after
    the day the question was asked (Europe/Amsterdam), as an aware datetime."""
    last = working_days_after(asked_at.astimezone(AMSTERDAM).date(), working_days)
    return datetime.combine(last + timedelta(days=1), time(0), AMSTERDAM)


def today(now: datetime) -> date:
    """The day it is in the Netherlands (away-until dates are Dutch days)."""
    return now.astimezone(AMSTERDAM).date()
