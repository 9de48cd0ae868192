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


def test_a_cursor_round_trips_and_foreign_ones_are_invalid():
    cursor = pages.encode({"starts_at": "2026-12-01T10:00:00+00:00", "id": "a1"})
    assert pages.decode(cursor, ("starts_at", "id")) == {"starts_at": "2026-12-01T10:00:00+00:00", "id": "a1"}
    assert pages.decode(None, ("id",)) is None
    for garbage in ("", "%%%", "bm90IGpzb24", pages.encode({"other": 1}), pages.encode({"id": {"$gt": ""}}), "é"):
        with pytest.raises(Invalid) as err:
            pages.decode(garbage, ("id",))
        assert err.value.args[1][0]["field"] == "cursor"


def test_page_gives_a_next_cursor_only_when_more_items_exist():
    full = pages.page(iter(range(5)), 3, lambda n: {"id": n})
    assert full["items"] == [0, 1, 2] and pages.decode(full["next_cursor"], ("id",)) == {"id": 2}
    assert pages.page(iter(range(3)), 3, lambda n: {"id": n})["next_cursor"] is None
    assert pages.page(iter([]), 3, lambda n: {"id": n}) == {"items": [], "next_cursor": None}
