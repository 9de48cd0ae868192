"""Activities as iCalendar (RFC 5545), for calendar programs to import (one activity) and to
subscribe to (the feed), made with the `icalendar` library.

Each activity is a VEVENT whose UID (`<id>@wijkwijzer.nl`) never changes, whose SEQUENCE grows
with every change an organiser makes, and whose STATUS is CANCELLED once it is cancelled, so a
subscribed program updates its copy instead of adding a second. Times are on the Dutch clock
(TZID=Europe/Amsterdam, described by the VTIMEZONE), so an activity keeps its local time across
the change to and from summer time; a time that the Dutch clock shows twice (02:00 to 03:00 on
the last Sunday of October) or never is written in UTC, which says it unambiguously. DTSTAMP is
the activity's last change (a calendar without METHOD, RFC 5545 3.8.7.2), so the same activities
make the same bytes, and a subscribed program's conditional GET finds them unchanged.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vRecur
from wijkwijzer.times import AMSTERDAM

from .domain import CANCELLED

PRODID = "-//WijkWijzer//Activiteitenkalender//NL"
UID_DOMAIN = "wijkwijzer.nl"
REFRESH = timedelta(hours=1)   # how often a subscribed program should look again


def activity_url(base_url: str, activity_id: str) -> str:
    return f"{base_url.rstrip('/')}/activiteiten/{activity_id}"


def _amsterdam() -> Timezone:
    """Europe/Amsterdam as the EU has kept it since 1996: summer time from the last Sunday of
    March 02:00 to the last Sunday of October 03:00."""
    zone = Timezone()
    zone.add("tzid", "Europe/Amsterdam")
    for part, starts, month, names in ((TimezoneDaylight(), datetime(1996, 3, 31, 2), 3, ("+0100", "+0200", "CEST")),
                                       (TimezoneStandard(), datetime(1996, 10, 27, 3), 10, ("+0200", "+0100", "CET"))):
        part.add("dtstart", starts)
        part.add("rrule", vRecur(freq="YEARLY", bymonth=month, byday="-1SU"))
        part["tzoffsetfrom"], part["tzoffsetto"] = names[0], names[1]
        part.add("tzname", names[2])
        zone.add_component(part)
    return zone


def _moment(moment: datetime) -> datetime:
    """On the Dutch clock, unless that clock shows the time twice or never: then in UTC."""
    local = moment.astimezone(AMSTERDAM)
    wall = local.replace(tzinfo=None)
    # (datetimes of one zone compare by their wall time, fold or not: compare the offsets)
    if wall.replace(tzinfo=AMSTERDAM, fold=0).utcoffset() != wall.replace(tzinfo=AMSTERDAM, fold=1).utcoffset():
        return moment.astimezone(UTC)
    return local


def _where(doc: dict) -> str | None:
    location = doc.get("location")
    if location:
        return ", ".join((location["name"], location["address"], location["municipality"]))
    return doc.get("online_url")


def _event(doc: dict, base_url: str) -> Event:
    url = activity_url(base_url, doc["_id"])
    cancelled = doc["status"] == CANCELLED
    event = Event()
    event.add("uid", f"{doc['_id']}@{UID_DOMAIN}")
    event.add("dtstamp", doc["updated_at"].astimezone(UTC))
    event.add("created", doc["created_at"].astimezone(UTC))
    event.add("last-modified", doc["updated_at"].astimezone(UTC))
    event.add("sequence", doc.get("sequence", 0))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("summary", f"Geannuleerd: {doc['title']}" if cancelled else doc["title"])
    event.add("dtstart", _moment(doc["starts_at"]))
    event.add("dtend", _moment(doc["ends_at"]))
    lines = [doc["description"]]
    if cancelled and doc.get("cancel_reason"):
        lines.insert(0, f"Geannuleerd: {doc['cancel_reason']}")
    if doc.get("online_url"):
        lines.append(f"Online: {doc['online_url']}")
    lines.append(f"Meer informatie en inschrijven: {url}")
    event.add("description", "\n\n".join(lines))
    if where := _where(doc):
        event.add("location", where)
    event.add("url", url)
    event.add("categories", [doc["kind"], *doc["topics"]])
    event.add("class", "PUBLIC")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def calendar(docs: Iterable[dict], base_url: str, name: str) -> str:
    """The activities as one VCALENDAR (CRLF line ends, lines folded at 75 octets)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")   # the same, as Outlook reads it
    cal.add_component(_amsterdam())
    for doc in docs:
        cal.add_component(_event(doc, base_url))
    return cal.to_ical().decode("utf-8")
