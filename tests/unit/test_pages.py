import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest
from wijkwijzer import pages
from wijkwijzer.errors import Invalid

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("limit", [0, 101, "x", "-1", None, True, 2.5])
def test_a_page_holds_1_to_100(limit):
    with pytest.raises(Invalid) as err:
        pages.limit_of(limit)
    assert err.value.args[1][0]["field"] == "limit"


def test_valid_limits_pass_as_numbers_or_query_strings():
    assert pages.limit_of(1) == 1 and pages.limit_of("100") == 100


POSITION = {"starts_at": datetime, "id": str}


def test_a_cursor_round_trips_with_typed_values():
    amsterdam = timezone(timedelta(hours=1))
    cursor = pages.encode({"starts_at": datetime(2026, 12, 1, 11, tzinfo=amsterdam), "id": "a1"})
    position = pages.decode(cursor, POSITION)
    assert position == {"starts_at": datetime(2026, 12, 1, 10, tzinfo=UTC), "id": "a1"}
    assert position["starts_at"].tzinfo is UTC
    assert pages.decode(pages.encode({"tier": 1, "n": 42}), {"tier": int, "n": int}) == {"tier": 1, "n": 42}
    assert pages.decode(None, POSITION) is None


@pytest.mark.parametrize("garbage", ["", "%%%", "bm90IGpzb24", "é", "W10", pages.encode({"other": 1}),
                                     pages.encode({"id": "a1", "n": 1}), pages.encode({"id": {"$gt": ""}})])
def test_what_is_not_a_cursor_is_invalid(garbage):
    with pytest.raises(Invalid) as err:
        pages.decode(garbage, {"id": str})
    assert err.value.args[1] == [{"field": "cursor", "message": "not a cursor this list gave out"}]


@pytest.mark.parametrize("position", [
    {"starts_at": 5, "id": []},
    {"starts_at": 5, "id": "a1"},                                 # a number where a time belongs
    {"starts_at": "yesterday", "id": "a1"},
    {"starts_at": "2026-12-01T10:00:00", "id": "a1"},             # no offset: naive
    {"starts_at": "2026-12-01", "id": "a1"},
    {"starts_at": "0001-01-01T00:00:00+14:00", "id": "a1"},       # before the calendar starts, in UTC
    {"starts_at": "9999-12-31T23:59:59-14:00", "id": "a1"},
    {"starts_at": "2026-12-01T10:00:00+00:00", "id": 1},
    {"starts_at": "2026-12-01T10:00:00+00:00", "id": None},
    {"starts_at": ["2026-12-01T10:00:00+00:00"], "id": "a1"},
])
def test_a_forged_time_position_is_invalid(position):
    with pytest.raises(Invalid) as err:
        pages.decode(pages.encode(position), POSITION)
    assert err.value.args[1][0]["field"] == "cursor"


@pytest.mark.parametrize("position", [{"tier": True, "n": 1}, {"tier": 0, "n": 1.0}, {"tier": 0, "n": "1"},
                                      {"tier": 0, "n": None}, {"tier": 0, "n": float("nan")}])
def test_whole_numbers_are_ints_not_bools_floats_or_text(position):
    with pytest.raises(Invalid):
        pages.decode(pages.encode(position), {"tier": int, "n": int})


def test_deeply_nested_json_is_invalid_too():
    with pytest.raises(Invalid):
        pages.decode(base64.urlsafe_b64encode(b"[" * 100_000).decode(), {"id": str})


def test_only_the_types_a_cursor_can_hold_may_be_asked_for():
    with pytest.raises(TypeError):
        pages.decode(None, {"id": float})


def test_page_gives_a_next_cursor_only_when_more_items_exist():
    full = pages.page(iter(range(5)), 3, lambda n: {"id": n})
    assert full["items"] == [0, 1, 2] and pages.decode(full["next_cursor"], {"id": int}) == {"id": 2}
    assert pages.page(iter(range(3)), 3, lambda n: {"id": n})["next_cursor"] is None
    assert pages.page(iter([]), 3, lambda n: {"id": n}) == {"items": [], "next_cursor": None}
