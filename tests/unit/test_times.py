from datetime import UTC, datetime

import pytest
from wijkwijzer.times import jsonable

pytestmark = pytest.mark.unit


def test_times_are_shown_on_the_dutch_clock():
    winter, summer = datetime(2026, 1, 5, 12, tzinfo=UTC), datetime(2026, 7, 5, 12)
    assert jsonable({"a": [winter], "b": summer, "c": 1}) == {
        "a": ["2026-01-05T13:00:00+01:00"], "b": "2026-07-05T14:00:00+02:00", "c": 1}
