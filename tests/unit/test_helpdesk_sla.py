"""The first-response clock in Dutch working days: weekends and public holidays skipped."""
from datetime import UTC, date, datetime

import pytest
from helpdesk.sla import first_response_due, is_working_day, working_days_after
from wijkwijzer.times import AMSTERDAM

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("day", "working"), [
    (date(2026, 11, 27), True),    # a Friday
    (date(2026, 11, 28), False),   # Saturday
    (date(2026, 11, 29), False),   # Sunday
    (date(2026, 4, 27), False),    # King's Day, a Monday
    (date(2025, 4, 26), False),    # King's Day on the 26th: the 27th was a Sunday (a Saturday anyway)
    (date(2014, 4, 26), False),    # the 26th because the 27th was a Sunday
    (date(2014, 4, 28), True),     # and not moved to Monday
    (date(2026, 12, 25), False),   # Christmas
    (date(2026, 12, 24), True),    # Christmas Eve is a working day
    (date(2027, 1, 1), False),     # New Year's Day
    (date(2026, 5, 14), False),    # Ascension Day
    (date(2026, 5, 25), False),    # Whit Monday
])
def test_working_days(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(("asked", "days", "due_day"), [
    (date(2026, 11, 25), 2, date(2026, 11, 27)),    # Wednesday + 2: Friday
    (date(2026, 11, 26), 2, date(2026, 11, 30)),    # Thursday + 2: over the weekend to Monday
    (date(2026, 11, 28), 1, date(2026, 11, 30)),    # asked on Saturday: Monday is the first
    (date(2026, 4, 24), 1, date(2026, 4, 28)),      # Friday, then the weekend and King's Day
    (date(2026, 12, 23), 3, date(2026, 12, 29)),    # Christmas on Friday and Saturday, the weekend
    (date(2026, 12, 24), 1, date(2026, 12, 28)),
    (date(2030, 12, 24), 2, date(2030, 12, 30)),    # Christmas on Wednesday and Thursday
])
def test_due_at_the_end_of_the_nth_working_day(asked, days, due_day):
    assert working_days_after(asked, days) == due_day


def test_the_clock_runs_on_the_dutch_day_and_ends_at_midnight():
    # 23:30 UTC on Friday 27 November is already Saturday in Amsterdam: Monday + 1 is Tuesday
    due = first_response_due(datetime(2026, 11, 27, 23, 30, tzinfo=UTC), 2)
    assert due == datetime(2026, 12, 2, 0, 0, tzinfo=AMSTERDAM)
    assert first_response_due(datetime(2026, 11, 27, 10, 0, tzinfo=UTC), 2) == datetime(2026, 12, 2, tzinfo=AMSTERDAM)
    summer = first_response_due(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), 1)   # Monday, summer time
    assert summer.utcoffset().total_seconds() == 7200 and summer.date() == date(2026, 6, 3)


def test_at_least_one_working_day():
    with pytest.raises(ValueError):
        working_days_after(date(2026, 11, 27), 0)
