from datetime import date, datetime

import pytest
from helpdesk import roster as domain
from wijkwijzer.errors import Invalid

pytestmark = pytest.mark.unit

FIELDS = {
    "name": "Sanne Bakker",
    "email": "sanne.bakker@Example.ORG",
    "topics": ["armoede", "wijkgericht-werken"],
    "regions": ["rotterdam-zuid", "schiedam-nieuwland-oost"],
    "capacity": 5,
}


def invalid_fields(fields, sub="u-sanne") -> list[str]:
    with pytest.raises(Invalid) as err:
        domain.roster_entry(sub, fields)
    return [e["field"] for e in err.value.args[1]]


def test_a_valid_wijkwijze():
    assert domain.roster_entry("u-sanne", FIELDS) == {
        "name": "Sanne Bakker",
        "email": "sanne.bakker@example.org",  # only the domain part is case-insensitive
        "topics": ["armoede", "wijkgericht-werken"],
        "regions": ["rotterdam-zuid", "schiedam-nieuwland-oost"],
        "region_keys": ["fa:rotterdam-zuid", "fa:schiedam-nieuwland-oost"],
        "capacity": 5,
        "away_until": None,
    }


@pytest.mark.parametrize("away_until", ["2030-07-01", date(2030, 7, 1)])
def test_away_until_is_a_day_stored_as_iso(away_until):
    assert domain.roster_entry("u-sanne", {**FIELDS, "away_until": away_until})["away_until"] == "2030-07-01"


@pytest.mark.parametrize("capacity", [0, 50])
def test_capacity_bounds_are_allowed(capacity):
    # 0: on the roster, but takes no new questions
    assert domain.roster_entry("u-sanne", {**FIELDS, "capacity": capacity})["capacity"] == capacity


def test_topics_and_regions_may_be_empty_and_lose_repeats():
    entry = domain.roster_entry("u-sanne", {**FIELDS, "topics": [], "regions": ["delft-west", "delft-west"]})
    assert entry["topics"] == [] and entry["regions"] == ["delft-west"]


@pytest.mark.parametrize(("field", "value"), [
    ("name", " "),
    ("email", "sanne.bakker"),
    ("email", "sanne@bakker"),
    ("email", "sanne bakker@example.org"),
    ("topics", ["voetbal"]),
    ("regions", ["utrecht-oost"]),       # looks like a focus area, but is none
    ("regions", ["06-12345678"]),        # neither a focus area nor a municipality's name
    ("regions", "rotterdam-zuid"),
    ("capacity", -1),
    ("capacity", 51),
    ("capacity", "5"),
    ("capacity", 2.5),
    ("capacity", None),
    ("away_until", "1 juli"),
    ("away_until", "2030-02-30"),
    ("away_until", datetime(2030, 7, 1, 9, 0)),   # a moment, not a day
    ("away_until", 1_900_000_000),                # a Unix time, not a day
    ("phone", "06-12345678"),
])
def test_each_invalid_field_is_named(field, value):
    assert invalid_fields({**FIELDS, field: value}) == [field]


def test_every_problem_is_reported_at_once():
    assert invalid_fields({"topics": ["x"]}, sub="") == ["name", "email", "topics", "capacity", "sub"]


@pytest.mark.parametrize("sub", [None, "", "  ", 42])
def test_the_wijkwijze_needs_an_account(sub):
    assert invalid_fields(FIELDS, sub=sub) == ["sub"]


def test_the_unknown_focus_area_message_lists_the_valid_ones():
    with pytest.raises(Invalid) as err:
        domain.roster_entry("u-sanne", {**FIELDS, "regions": ["mars-noord"]})
    assert "mars-noord" in err.value.args[1][0]["message"] and "utrecht-overvecht" in err.value.args[1][0]["message"]


def test_municipalities_are_regions_by_name_whatever_the_spelling():
    entry = domain.roster_entry("u-sanne", {**FIELDS, "regions": ["gouda", " Gouda", "ROTTERDAM", "'s-Hertogenbosch",
                                                                 "utrecht-overvecht"]})
    assert entry["regions"] == ["Gouda", "Rotterdam", "'s-Hertogenbosch", "utrecht-overvecht"]
    assert entry["region_keys"] == ["fa:utrecht-overvecht", "gm:'s-hertogenbosch", "gm:gouda", "gm:rotterdam"]


def test_away_until_a_day_means_back_on_that_day():
    entry = {"away_until": "2030-07-01"}
    assert domain.is_away(entry, date(2030, 6, 30)) and not domain.is_away(entry, date(2030, 7, 1))
    assert not domain.is_away({"away_until": None}, date(2030, 6, 30))
