from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from activities import domain
from wijkwijzer.errors import Invalid

pytestmark = pytest.mark.unit

NOW = datetime(2030, 2, 1, 9, 30, 15, 123456, tzinfo=UTC)
ORGANISER = {"sub": "u-organiser", "name": "Fatima el Amrani", "email": "fatima@example.org",
             "roles": ["organiser"], "organisation": "ccv"}
FIELDS = {
    "title": "Leerbijeenkomst buurtpreventie",
    "description": "Bewoners en professionals delen wat werkt.",
    "kind": "leerbijeenkomst",
    "starts_at": "2030-03-10T14:00:00+01:00",
    "ends_at": "2030-03-10T16:30:00+01:00",
    "topics": ["veiligheid", "rol-van-bewoners"],
    "focus_areas": ["utrecht-overvecht"],
    "audiences": ["bewoners"],
    "organisation": "ccv",
    "capacity": 40,
    "location": {"name": "Buurthuis De Boog", "address": "Zamenhofdreef 1", "municipality": "Utrecht"},
}


def invalid_fields(fields, organiser=ORGANISER, key=None) -> list[str]:
    with pytest.raises(Invalid) as err:
        domain.new_activity(fields, organiser, NOW, key)
    return [e["field"] for e in err.value.args[1]]


def test_a_valid_activity_is_scheduled_in_utc():
    doc, event = domain.new_activity(FIELDS, ORGANISER, NOW)
    assert len(doc["_id"]) == 32 and int(doc["_id"], 16) >= 0
    assert doc["status"] == "scheduled"
    assert doc["starts_at"] == datetime(2030, 3, 10, 13, 0, tzinfo=UTC)
    assert doc["ends_at"] == datetime(2030, 3, 10, 15, 30, tzinfo=UTC)
    assert doc["starts_at"].utcoffset() == timedelta(0)
    assert doc["organiser"] == {"sub": "u-organiser", "name": "Fatima el Amrani"}
    assert doc["idempotency_key"] == doc["_id"]  # no key given: every request is new
    assert (event.id, event.location_name, event.online, event.capacity) == (
        doc["_id"], "Buurthuis De Boog", False, 40)


def test_the_event_carries_no_personal_data():
    _, event = domain.new_activity(FIELDS, ORGANISER, NOW)
    text = event.model_dump_json()
    for personal in ("u-organiser", "Fatima", "fatima@example.org", "Zamenhofdreef"):
        assert personal not in text
    assert type(event).public and type(event).event_type == "activity.scheduled"


def test_a_given_idempotency_key_is_kept():
    doc, _ = domain.new_activity(FIELDS, ORGANISER, NOW, "retry-me")
    assert doc["idempotency_key"] == "retry-me"


@pytest.mark.parametrize("moment", [
    "2030-03-10T13:00:00Z",
    "2030-03-10T15:00:00+02:00",
    datetime(2030, 3, 10, 14, 0, tzinfo=ZoneInfo("Europe/Amsterdam")),
    datetime(2030, 3, 10, 8, 0, tzinfo=timezone(timedelta(hours=-5))),
])
def test_any_offset_is_accepted_and_stored_as_utc(moment):
    doc, _ = domain.new_activity({**FIELDS, "starts_at": moment}, ORGANISER, NOW)
    assert doc["starts_at"] == datetime(2030, 3, 10, 13, 0, tzinfo=UTC)
    assert doc["starts_at"].tzinfo == UTC


@pytest.mark.parametrize("naive", ["2030-03-10T14:00:00", datetime(2030, 3, 10, 14, 0), "2030-03-10"])
def test_a_time_without_timezone_is_refused(naive):
    assert invalid_fields({**FIELDS, "starts_at": naive}) == ["starts_at"]


def test_times_are_cut_to_the_millisecond_the_database_keeps():
    doc, _ = domain.new_activity({**FIELDS, "starts_at": "2030-03-10T13:00:00.123456Z"}, ORGANISER, NOW)
    assert doc["starts_at"].microsecond == 123000
    assert doc["created_at"] == datetime(2030, 2, 1, 9, 30, 15, 123000, tzinfo=UTC)


@pytest.mark.parametrize("ends_at", ["2030-03-10T14:00:00+01:00", "2030-03-10T13:59:00+01:00"])
def test_an_activity_must_end_after_it_starts(ends_at):
    assert invalid_fields({**FIELDS, "ends_at": ends_at}) == ["ends_at"]


@pytest.mark.parametrize(("field", "value"), [
    ("title", "  "),
    ("title", "x" * 201),
    ("description", ""),
    ("kind", "borrel"),
    ("kind", None),
    ("starts_at", "volgende week"),
    ("ends_at", 1_700_000_000.5),
    ("starts_at", "0002-02-25T14:34:14+00:19:32"),   # the Dutch clock before 1900: no RFC 3339 offset
    ("starts_at", "2150-01-01T10:00:00+01:00"),
    ("topics", ["voetbal"]),
    ("topics", "veiligheid"),
    ("focus_areas", ["utrecht"]),
    ("audiences", ["iedereen"]),
    ("organisation", "gemeente-utrecht"),
    ("capacity", 0),
    ("capacity", "40"),
    ("capacity", True),
    ("online_url", "ftp://example.org/x"),
    ("location", "Buurthuis De Boog"),
    ("unknown_field", 1),
])
def test_each_invalid_field_is_named(field, value):
    assert invalid_fields({**FIELDS, field: value}) == [field]


def test_a_location_names_its_invalid_parts():
    location = {"name": "", "address": "Zamenhofdreef 1"}
    assert invalid_fields({**FIELDS, "location": location}) == ["location.name", "location.municipality"]


def test_every_problem_is_reported_at_once():
    fields = invalid_fields({"title": "Webinar"}, organiser={"name": "no sub"}, key="")
    assert fields == ["description", "kind", "starts_at", "ends_at", "location", "organiser", "idempotency_key"]


def test_not_an_object_is_invalid():
    assert invalid_fields(["title"]) == ["fields"]


def test_an_activity_is_somewhere_online_or_both():
    no_place = {k: v for k, v in FIELDS.items() if k != "location"}
    assert invalid_fields(no_place) == ["location"]
    online, event = domain.new_activity({**no_place, "online_url": "https://example.org/webinar"}, ORGANISER, NOW)
    assert (online["location"], online["online_url"], event.online) == (None, "https://example.org/webinar", True)
    hybrid, event = domain.new_activity({**FIELDS, "online_url": "https://example.org/live"}, ORGANISER, NOW)
    assert hybrid["location"]["name"] == "Buurthuis De Boog" and hybrid["online_url"] == "https://example.org/live"
    assert event.online and event.location_name == "Buurthuis De Boog"


def test_capacity_left_out_means_unlimited():
    doc, event = domain.new_activity({k: v for k, v in FIELDS.items() if k != "capacity"}, ORGANISER, NOW)
    assert doc["capacity"] is None and event.capacity is None


def test_repeated_slugs_are_stored_once():
    doc, _ = domain.new_activity({**FIELDS, "topics": ["jeugd", "jeugd", "wonen"]}, ORGANISER, NOW)
    assert doc["topics"] == ["jeugd", "wonen"]
