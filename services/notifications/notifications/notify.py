"""From an event's notices to queued deliveries: preferences applied, each message rendered and
stored once per (event, recipient, kind) before anything is sent (mailer.py)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from pymongo.database import Database

from . import messages
from .domain import KINDS, Recipient, delivery_id, follow_keys, preferences_of
from .messages import Links, Notice
from .settings import Settings
from .storage import Deliveries, Members
from .unsubscribe import Tokens

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, db: Database, settings: Settings, fetch_ics: Callable[[str], str]):
        self.members = Members(db)
        self.deliveries = Deliveries(db)
        self.settings = settings
        self.tokens = Tokens(settings.unsubscribe_secret)
        self.links = Links(settings.web_base_url, settings.unsubscribe_url)
        self.fetch_ics = fetch_ics

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
            if wanted != "immediate":
                # "off"; daily and weekly digests are not built yet, so those are not sent either
                log.info("event %s: %s not sent to %s (%s)", event["id"], notice.kind, notice.recipient.key, wanted)
                continue
            key = delivery_id(event["id"], notice.recipient, notice.kind)
            if self.deliveries.get(key) is not None:
                self.deliveries.add({"_id": key}, now)   # makes sure an unsent one is queued
                continue
            doc = self._delivery(key, event, notice)
            if notice.attach_ics:
                if notice.attach_ics not in ics:
                    ics[notice.attach_ics] = self.fetch_ics(notice.attach_ics)
                doc["ics"] = ics[notice.attach_ics]
            if self.deliveries.add(doc, now):
                queued.append(key)
        return queued

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
