"""Daily and weekly digests: what a member follows, collected and sent once per period, grouped by
topic, at a configured time on the Dutch clock.

    digest_items   {_id: "<sub>/<daily|weekly>", items: [{key, kind, title, summary, link, group, at}]}
                   what waits for the member's next digest (one document per member and period
                   kind, so collecting and sending read it by _id)
    digest_members {_id: "daily"|"weekly", members: [sub, ...]}: who has something waiting

A period is named by when its digest falls due: `2030-05-13` (daily, at DIGEST_TIME) or `2030-W20`
(weekly, on DIGEST_WEEKDAY at DIGEST_TIME). The digest of a period is a delivery with the id
`digest/<period>/member:<sub>/digest_daily`: the delivery log's unique id makes it one per member
and period, whichever replica builds it and however often (restarts, two sweeps at once). It
lists the items it carries; they leave `digest_items` after it was stored, so a replica that dies
in between leaves them to the next sweep, which finds the digest stored and only removes them.
Items that arrive after a period's digest wait for the next period. Nothing waiting: no digest.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError
from wijkwijzer import taxonomy

from .domain import Recipient
from .messages import AMSTERDAM, dutch_date

ITEMS = "digest_items"
MEMBERS = "digest_members"
PERIODS = ("daily", "weekly")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
OTHER = "Activiteiten die u volgt"


@dataclass(frozen=True)
class Schedule:
    at: time = time(8, 0)          # local time (Europe/Amsterdam) digests fall due
    weekday: int = 0               # weekly digests: 0 = Monday

    def period(self, frequency: str, now: datetime) -> tuple[str, datetime]:
        """The period whose digest is due now, and when it fell due: the last due moment at or
        before `now`. Only what was collected before that moment goes into its digest."""
        local = now.astimezone(AMSTERDAM)
        day = local.date() if local.time() >= self.at else local.date() - timedelta(days=1)
        if frequency == "weekly":
            day -= timedelta(days=(day.weekday() - self.weekday) % 7)
            year, week, _ = day.isocalendar()
            key = f"{year}-W{week:02d}"
        else:
            key = day.isoformat()
        return key, datetime.combine(day, self.at, tzinfo=AMSTERDAM)


def schedule_of(at: str, weekday: str) -> Schedule:
    """DIGEST_TIME 'HH:MM' (or 'HH:MM:SS') and DIGEST_WEEKDAY ('monday' ...)."""
    if str(weekday).lower() not in WEEKDAYS:
        raise ValueError(f"DIGEST_WEEKDAY must be one of {', '.join(WEEKDAYS)}, not {weekday!r}")
    try:
        return Schedule(time.fromisoformat(str(at)), WEEKDAYS.index(str(weekday).lower()))
    except ValueError:
        raise ValueError(f"DIGEST_TIME must be HH:MM, not {at!r}") from None


def group_of(values: dict) -> str:
    """The topic an item is listed under: its first topic's label."""
    labels = {t.slug: t.label for t in taxonomy.load().topics}
    for slug in values.get("topics") or []:
        if slug in labels:
            return labels[slug]
    return OTHER


def item(key: str, kind: str, subject: str, values: dict, links: dict, now: datetime) -> dict:
    link = links.get("publication") or links.get("activity") or links.get("question") \
        or links["preferences"]
    return {"key": key, "kind": kind, "title": subject, "summary": values.get("summary") or "",
            "link": link, "group": group_of(values), "at": now}


class Digests:
    def __init__(self, db: Database):
        self.items = db[ITEMS]
        self.members = db[MEMBERS]

    def collect(self, sub: str, frequency: str, entry: dict) -> None:
        """Keep an item for the member's next digest; the same item again is kept once."""
        doc_id = f"{sub}/{frequency}"
        try:
            self.items.update_one({"_id": doc_id, "items.key": {"$ne": entry["key"]}},
                                  {"$push": {"items": entry}}, upsert=True)
        except DuplicateKeyError:
            pass    # the document exists and holds this item: the filter missed, the upsert collided
        self.members.update_one({"_id": frequency}, {"$addToSet": {"members": sub}}, upsert=True)

    def waiting(self, frequency: str) -> list[str]:
        return list((self.members.find_one({"_id": frequency}) or {}).get("members") or [])

    def pending(self, sub: str, frequency: str) -> list[dict]:
        return list((self.items.find_one({"_id": f"{sub}/{frequency}"}) or {}).get("items") or [])

    def remove(self, sub: str, frequency: str, keys: list[str]) -> None:
        """Take the items a stored digest carries out of the waiting ones; the member leaves the
        waiting list when nothing is left (and comes back if an item arrived meanwhile)."""
        doc_id = f"{sub}/{frequency}"
        held = [i for i in self.pending(sub, frequency) if i["key"] in set(keys)]
        if held:
            self.items.update_one({"_id": doc_id}, {"$pullAll": {"items": held}})
        if not self.pending(sub, frequency):
            self.members.update_one({"_id": frequency}, {"$pull": {"members": sub}})
            if self.pending(sub, frequency):   # one arrived between the check and the pull
                self.members.update_one({"_id": frequency}, {"$addToSet": {"members": sub}})


def digest_id(period: str, recipient: Recipient, frequency: str) -> str:
    return f"digest/{period}/{recipient.key}/digest_{frequency}"


def grouped(items: list[dict]) -> list[dict]:
    """[{topic, items}] in the order topics first appear, newest items last."""
    groups: dict[str, list[dict]] = {}
    for entry in sorted(items, key=lambda i: i["at"]):
        groups.setdefault(entry["group"], []).append(entry)
    return [{"topic": topic, "items": entries} for topic, entries in sorted(groups.items(),
                                                                            key=lambda g: (g[0] == OTHER, g[0]))]


def period_label(frequency: str, period: str) -> str:
    if frequency == "daily":
        return dutch_date(date.fromisoformat(period))
    year, week = period.split("-W")
    return f"week {int(week)} van {year}"
