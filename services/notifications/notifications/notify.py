"""From an event's notices to queued deliveries: preferences applied, each message rendered and
stored once per (event, recipient, kind) before anything is sent (mailer.py)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from pymongo.database import Database

from . import digests, messages
from .digests import Digests
from .domain import KINDS, Recipient, delivery_id, follow_keys, preferences_of
from .mailer import Mailer
from .messages import Links, Notice
from .settings import Settings
from .storage import Deliveries, Members
from .unsubscribe import Tokens

log = logging.getLogger(__name__)


def mailer_of(db: Database, settings: Settings, clock: Callable[[], datetime]) -> Mailer:
    """The mailer by the service's settings."""
    return Mailer(Deliveries(db), settings.smtp, settings.retry_delays, clock, settings.send_lease)


class Notifier:
    def __init__(self, db: Database, settings: Settings, fetch_ics: Callable[[str], str]):
        self.members = Members(db)
        self.deliveries = Deliveries(db)
        self.settings = settings
        self.tokens = Tokens(settings.unsubscribe_secret)
        self.links = Links(settings.web_base_url, settings.unsubscribe_url)
        self.fetch_ics = fetch_ics
        self.digests = Digests(db)

    def frequency(self, recipient: Recipient, kind: str, member_doc: dict | None = None) -> str:
        if recipient.member:
            prefs = preferences_of(member_doc if member_doc is not None else self.members.get(recipient.member))
        else:
            prefs = preferences_of(self.members.address(recipient.email))
        return prefs.frequency_of(kind)

    def queue(self, event: dict, notices: list[Notice], now: datetime,
              member_docs: dict[str, dict] | None = None) -> list[str]:
        """Store a delivery for each notice its recipient wants now; the ids of those stored by
        this call (a redelivered event stores none again)."""
        queued: list[str] = []
        ics: dict[str, str] = {}
        for notice in notices:
            doc_of = (member_docs or {}).get(notice.recipient.member or "")
            wanted = self.frequency(notice.recipient, notice.kind, doc_of)
            key = delivery_id(event["id"], notice.recipient, notice.kind)
            if wanted in ("daily", "weekly") and notice.recipient.member:
                values, links = notice.values, self.links.values(notice.kind, notice.values)
                subject = messages.SUBJECTS[notice.kind].format(**values)
                self.digests.collect(notice.recipient.member, wanted,
                                     digests.item(key, notice.kind, subject, values, links, now))
                continue
            if wanted != "immediate":
                log.info("event %s: %s not sent to %s (%s)", event["id"], notice.kind, notice.recipient.key, wanted)
                continue
            # rendered before it is known whether it exists (a redelivery): one read less per mail;
            # `add` stores nothing then, and makes sure an unsent one is queued
            doc = self._delivery(key, event, notice)
            if notice.attach_ics:
                if notice.attach_ics not in ics:
                    ics[notice.attach_ics] = self.fetch_ics(notice.attach_ics)
                doc["ics"] = ics[notice.attach_ics]
            if self.deliveries.add(doc, now):
                queued.append(key)
        return queued

    def digest(self, sub: str, frequency: str, period: str, due: datetime, now: datetime) -> str | None:
        """Store the member's digest of `period` (what was collected before it fell due, grouped
        by topic); its id when stored by this call. Once per member and period: a digest that
        exists already only has its items taken out of the waiting ones."""
        waiting = [i for i in self.digests.pending(sub, frequency) if i["at"] <= due]
        doc = self.members.get(sub) or {}
        recipient = Recipient(email=doc["email"], name=doc.get("name") or doc["email"], member=sub) \
            if doc.get("email") else None
        if recipient is None or not waiting:
            self.digests.remove(sub, frequency, [i["key"] for i in waiting])
            return None
        key = digests.digest_id(period, recipient, frequency)
        existing = self.deliveries.get(key)
        if existing is not None:
            self.digests.remove(sub, frequency, existing.get("digest_items") or [])
            return None
        if preferences_of(doc).frequency_of("digest") == "off":
            self.digests.remove(sub, frequency, [i["key"] for i in waiting])
            return None
        heading = "Uw dagelijkse overzicht" if frequency == "daily" else "Uw wekelijkse overzicht"
        count = len(waiting)
        values = {"heading": heading, "period_label": digests.period_label(frequency, period),
                  "intro": f"Nieuw over wat u volgt: {count} {'bericht' if count == 1 else 'berichten'}.",
                  "groups": digests.grouped(waiting)}
        event = {"id": f"digest/{period}", "type": f"digest.{frequency}"}
        delivery = self._delivery(key, event, Notice("digest", recipient, values))
        delivery["digest_items"] = [i["key"] for i in waiting]
        added = self.deliveries.add(delivery, now)
        self.digests.remove(sub, frequency, delivery["digest_items"])
        return key if added else None

    def _delivery(self, key: str, event: dict, notice: Notice) -> dict:
        recipient, kind = notice.recipient, notice.kind
        unsubscribe_url = None
        if not KINDS[kind].critical:
            unsubscribe_url = f"{self.links.unsubscribe}?token={self.tokens.make(recipient.key, kind)}"
        rendered = messages.render(kind, recipient, notice.values, self.links.values(kind, notice.values),
                                   unsubscribe_url)
        return {"_id": key, "event_id": event["id"], "event_type": event["type"], "kind": kind,
                "member": recipient.member, "email": recipient.email, "name": recipient.name,
                "recipient": recipient.key, "subject": rendered.subject, "text": rendered.text,
                "html": rendered.html, "unsubscribe_url": unsubscribe_url}

    def followers(self, keys: set[str]) -> tuple[list[Recipient], dict[str, dict]]:
        """Members who follow any of `keys` and whose address is known, and their documents."""
        subs = sorted(self.members.followers_of(keys))
        docs = self.members.many(subs)
        found = []
        for sub in subs:
            doc = docs.get(sub)
            # the index may lag a crash behind the member's own document: that one decides
            if doc and doc.get("email") and keys & follow_keys(doc.get("follows") or {}):
                found.append(Recipient(email=doc["email"], name=doc.get("name") or doc["email"], member=sub))
        return found, docs

    def author(self, sub: str) -> Recipient | None:
        doc = self.members.get(sub)
        if not doc or not doc.get("email"):
            return None
        return Recipient(email=doc["email"], name=doc.get("name") or doc["email"], member=sub)

    def asker(self, member: str | None, email: str | None) -> Recipient | None:
        """The asker of a question, by the address the helpdesk's event gives (a member's name as
        their token last told it; an anonymous asker has only the address)."""
        if not email:
            return None
        doc = self.members.get(member) if member else None
        name = (doc or {}).get("name") or email
        return Recipient(email=email, name=name, member=member)
