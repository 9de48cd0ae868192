"""Periods of a due calendar (wijkwijzer.due): names that sort in time order, steps across the
boundaries of days, months, years and the Dutch clock change."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from wijkwijzer.due import DAY, HOUR

pytestmark = pytest.mark.unit

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_an_hour_is_named_in_utc_whatever_the_clock_of_the_moment():
    # 02:30 on the last Sunday of October happens twice in Amsterdam: once at 00:30, once at 01:30 UTC
    assert HOUR.of(datetime(2030, 10, 27, 2, 30, tzinfo=AMSTERDAM)) == "2030-10-27T00"
    assert HOUR.of(datetime(2030, 10, 27, 2, 30, fold=1, tzinfo=AMSTERDAM)) == "2030-10-27T01"
    assert HOUR.end("2030-10-27T01") == datetime(2030, 10, 27, 2, tzinfo=UTC)


@pytest.mark.parametrize(("period", "name", "steps", "shifted"), [
    (HOUR, "2030-12-31T23", 1, "2031-01-01T00"),
    (HOUR, "2031-03-01T00", -1, "2031-02-28T23"),
    (DAY, "2028-02-28", 1, "2028-02-29"),
    (DAY, "2031-01-01", -1, "2030-12-31"),
])
def test_steps_cross_days_months_and_years(period, name, steps, shifted):
    assert period.shift(name, steps) == shifted
    assert (shifted > name) == (steps > 0), "names sort in time order"
