"""Activities as iCalendar (RFC 5545), parsed back with the `icalendar` library as a calendar program
would: every field, SEQUENCE growing with changes, STATUS:CANCELLED, and local times across the end
of summer time."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from activities import domain, ical
from icalendar import Calendar

pytestmark = pytest.mark.unit

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2030, 9, 1, 8, 0, tzinfo=UTC)
NOOR = {"sub": "noor", "name": "Noor Bakker", "roles": ["organiser"], "organisation": "lpb"}
BASE = "https://wijkwijzer.example"
FIELDS = {
    "title": "Training: gesprekken over ondermijning", "description": "Signalen herkennen; met José Smit-Öztürk.",
    "kind": "training", "topics": ["ondermijning", "veiligheid"],
    "starts_at": "2030-09-18T13:30:00+02:00", "ends_at": "2030-09-18T17:00:00+02:00",
    "location": {"name": "Buurthuis De Boog", "address": "Zamenhofdreef 1", "municipality": "Utrecht"},
    "online_url": "https://meet.example.org/ondermijning",
}


def parsed(*docs) -> Calendar:
    text = ical.calendar(docs, BASE, "WijkWijzer activiteiten")
    assert all(line.endswith("\r") or not line for line in text.split("\n")), "CRLF line ends"
    assert all(len(line.encode()) <= 76 for line in text.split("\n")), "folded at 75 octets (+ CR)"
    return Calendar.from_ical(text)


def event_of(doc) -> dict:
    [event] = parsed(doc).walk("VEVENT")
    return event


def test_every_field_of_an_activity():
    doc, _ = domain.new_activity(FIELDS, NOOR, NOW)
    calendar = parsed(doc)
    assert (str(calendar["VERSION"]), str(calendar["PRODID"])) == ("2.0", ical.PRODID)
    assert str(calendar["X-WR-CALNAME"]) == "WijkWijzer activiteiten"
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Amsterdam"
    # the VTIMEZONE says what the tz database says, in winter and in summer
    for moment in (datetime(2031, 1, 10, 12), datetime(2031, 7, 10, 12), datetime(2040, 3, 25, 12)):
        assert moment.replace(tzinfo=zone.to_tz()).utcoffset() == moment.replace(tzinfo=AMSTERDAM).utcoffset()

    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{doc['_id']}@wijkwijzer.nl"
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == FIELDS["title"]
    assert event.decoded("DTSTAMP") == doc["updated_at"] == event.decoded("LAST-MODIFIED")
    assert event.decoded("CREATED") == doc["created_at"]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert (start.tzinfo.key, start.hour, start.minute, end.hour) == ("Europe/Amsterdam", 13, 30, 17)
    assert start == doc["starts_at"] and end == doc["ends_at"]
    assert str(event["LOCATION"]) == "Buurthuis De Boog, Zamenhofdreef 1, Utrecht"
    assert str(event["URL"]) == f"{BASE}/activiteiten/{doc['_id']}"
    description = str(event["DESCRIPTION"])
    assert "José Smit-Öztürk" in description and f"{BASE}/activiteiten/{doc['_id']}" in description
    assert "https://meet.example.org/ondermijning" in description
    assert [str(c) for c in event["CATEGORIES"].cats] == ["training", "ondermijning", "veiligheid"]


def test_a_change_raises_the_sequence_and_a_cancellation_says_so():
    doc, _ = domain.new_activity(FIELDS, NOOR, NOW)
    change = domain.update(doc, {"starts_at": "2030-09-18T14:00:00+02:00"}, NOOR, NOW + timedelta(hours=1))
    changed = {**doc, **change.set}
    event = event_of(changed)
    assert int(event["SEQUENCE"]) == 1 and event.decoded("DTSTART").hour == 14
    assert event.decoded("DTSTAMP") == changed["updated_at"] > doc["updated_at"]
    assert str(event["UID"]) == f"{doc['_id']}@wijkwijzer.nl", "the same event, updated"

    cancel = domain.cancel(changed, "De trainer is ziek", NOOR, NOW + timedelta(hours=2))
    event = event_of({**changed, **cancel.set})
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 2)
    assert str(event["SUMMARY"]).startswith("Geannuleerd: ") and "De trainer is ziek" in str(event["DESCRIPTION"])


def test_an_activity_across_the_last_sunday_of_october_keeps_its_local_times():
    # a two-day training from Saturday 10:00 summer time to Sunday 16:00 winter time (27 October 2030)
    doc, _ = domain.new_activity({**FIELDS, "starts_at": "2030-10-26T10:00:00+02:00",
                                  "ends_at": "2030-10-27T16:00:00+01:00"}, NOOR, NOW)
    event = event_of(doc)
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.hour, start.utcoffset(), end.hour, end.utcoffset()) == (10, timedelta(hours=2), 16,
                                                                          timedelta(hours=1))
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=31)   # the clock went back an hour
    assert "DTSTART;TZID=Europe/Amsterdam:20301026T100000" in ical.calendar([doc], BASE, "x")

    # weekly on Sundays at 10:00: before and after the change the same local time, another UTC time
    before, after = (domain.new_activity({**FIELDS, "starts_at": f"{day}T10:00:00+0{offset}:00",
                                          "ends_at": f"{day}T11:00:00+0{offset}:00"}, NOOR, NOW)[0]
                     for day, offset in (("2030-10-20", 2), ("2030-10-27", 1)))
    times = [event_of(doc).decoded("DTSTART") for doc in (before, after)]
    assert [(t.hour, t.minute) for t in times] == [(10, 0), (10, 0)]
    assert [t.astimezone(UTC).hour for t in times] == [8, 9]


def test_a_time_the_dutch_clock_shows_twice_is_written_in_utc():
    # 02:30 comes twice on 27 October 2030; the second time is 01:30 UTC
    starts = datetime(2030, 10, 27, 1, 30, tzinfo=UTC)
    doc, _ = domain.new_activity({**FIELDS, "starts_at": starts.isoformat(),
                                  "ends_at": (starts + timedelta(hours=2)).isoformat()}, NOOR, NOW)
    text = ical.calendar([doc], BASE, "x")
    assert "DTSTART:20301027T013000Z" in text and "DTEND;TZID=Europe/Amsterdam:20301027T043000" in text
    assert event_of(doc).decoded("DTSTART") == starts


def test_the_same_activities_make_the_same_bytes():
    docs = [domain.new_activity(FIELDS, NOOR, NOW)[0] for _ in range(3)]
    assert ical.calendar(docs, BASE, "x") == ical.calendar(docs, BASE, "x")
    assert len(parsed(*docs).walk("VEVENT")) == 3
