"""What admins do with partners (the `/partners` routes): register one, change or switch it on and
off, rotate its secret, read its delivery log, and send events again. The gateway lets only
admins call these."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pymongo.database import Database
from wijkwijzer import pages
from wijkwijzer.errors import Conflict, Invalid, NotFound, validated
from wijkwijzer.responses import shown
from wijkwijzer.times import jsonable

from . import partners as rules
from .endpoints import Refused
from .partners import PartnerChange, PartnerRequest, ReplayRequest
from .responses import Partner, PartnerPage, PartnerWithSecret, Replayed, WebhookDelivery, WebhookDeliveryPage
from .settings import Settings
from .webhooks import DELIVERIES, MAX_REPLAY, PARTNERS, PUBLIC_EVENTS, Partners, queue

PARTNER_POSITION = {"created_at": datetime, "id": str}
DELIVERY_POSITION = {"created_at": datetime, "id": str}


def _checked_url(settings: Settings, url: str) -> str:
    try:
        settings.guard.check_url(url)
    except Refused as exc:
        raise Invalid("the endpoint may not be called", [{"field": "url", "message": str(exc)}]) from None
    return url


def _partner(doc: dict) -> dict:
    current = doc["secrets"][-1]
    return jsonable({
        "id": doc["_id"], "name": doc["name"], "url": doc["url"], "event_types": doc["event_types"],
        "topics": doc["topics"], "focus_areas": doc["focus_areas"], "active": doc["active"],
        "disabled_at": doc.get("disabled_at"), "disabled_reason": doc.get("disabled_reason"),
        "failing_since": doc.get("failing_since"), "secret_rotated_at": current["since"],
        "created_at": doc["created_at"], "updated_at": doc["updated_at"]})


def _get(db: Database, partner_id: Any) -> dict:
    doc = Partners(db).get(partner_id) if isinstance(partner_id, str) else None
    if doc is None:
        raise NotFound("no such partner")
    return doc


def register(db: Database, settings: Settings, body: Any, now: datetime) -> dict:
    request = validated(PartnerRequest, body, "the partner")
    url = _checked_url(settings, str(request.url))
    secret = rules.new_secret()
    doc = {"_id": uuid.uuid4().hex, "name": request.name, "url": url, "event_types": request.event_types,
           "topics": request.topics, "focus_areas": request.focus_areas,
           "secrets": [{"secret": secret, "since": now, "until": None}], "active": True,
           "disabled_at": None, "disabled_reason": None, "failing_since": None,
           "created_at": now, "updated_at": now}
    db[PARTNERS].insert_one(doc)
    return shown(PartnerWithSecret, {**_partner(doc), "secret": secret})


def listing(db: Database, limit: Any, cursor: str | None) -> dict:
    limit = pages.limit_of(limit)
    position = pages.decode(cursor, PARTNER_POSITION)
    query = {"created_at": {"$gte": position["created_at"]}} if position else {}
    found = pages.after(db[PARTNERS].find(query).sort([("created_at", 1), ("_id", 1)]),
                        (position["created_at"], position["id"]) if position else None,
                        lambda doc: (doc["created_at"], doc["_id"]))
    page = pages.page(found, limit, lambda doc: {"created_at": doc["created_at"], "id": doc["_id"]})
    return shown(PartnerPage, {**page, "items": [_partner(d) for d in page["items"]]})


def view(db: Database, partner_id: Any) -> dict:
    return shown(Partner, _partner(_get(db, partner_id)))


def change(db: Database, settings: Settings, partner_id: Any, body: Any, now: datetime) -> dict:
    doc = _get(db, partner_id)
    request = validated(PartnerChange, body, "the partner")
    fields = request.model_dump(exclude_none=True, exclude={"url", "active"})
    if request.url is not None:
        fields["url"] = _checked_url(settings, str(request.url))
    if request.active is True and not doc["active"]:
        # switched on again: a fresh start, and nothing of the old failures counts against it
        fields.update(active=True, disabled_at=None, disabled_reason=None, failing_since=None)
    elif request.active is False and doc["active"]:
        fields.update(active=False, disabled_at=now, disabled_reason="switched off by an admin")
    changed = db[PARTNERS].find_one_and_update({"_id": doc["_id"]}, {"$set": {**fields, "updated_at": now}},
                                               return_document=True)
    return shown(Partner, _partner(changed))


def rotate_secret(db: Database, settings: Settings, partner_id: Any, now: datetime) -> dict:
    """A new secret signs from now; the old one too, for WEBHOOK_SECRET_OVERLAP_HOURS, so the
    partner can switch without missing a delivery."""
    doc = _get(db, partner_id)
    secret = rules.new_secret()
    kept = rules.rotated(doc["secrets"], secret, settings.webhooks.secret_overlap, now)
    changed = db[PARTNERS].find_one_and_update(
        {"_id": doc["_id"], "secrets": doc["secrets"]}, {"$set": {"secrets": kept, "updated_at": now}},
        return_document=True)
    if changed is None:
        raise Conflict("the secret was rotated at the same moment by someone else; read the partner again")
    previous = max((s["until"] for s in kept if s["until"] is not None), default=None)
    return shown(PartnerWithSecret, {**_partner(changed), "secret": secret,
                                     "previous_secret_valid_until": jsonable(previous)})


def _delivery(doc: dict) -> dict:
    return jsonable({"id": doc["_id"], "event_id": doc["event_id"], "event_type": doc["event_type"],
                     "event_time": doc["event_time"], "state": doc["state"], "tries": doc.get("tries", 0),
                     "next_attempt_at": doc.get("next_attempt_at"), "attempts": doc.get("attempts") or [],
                     "created_at": doc["created_at"]})


def deliveries(db: Database, partner_id: Any, limit: Any, cursor: str | None) -> dict:
    doc = _get(db, partner_id)
    limit = pages.limit_of(limit)
    position = pages.decode(cursor, DELIVERY_POSITION)
    query: dict[str, Any] = {"partner_id": doc["_id"]}
    if position:
        query["created_at"] = {"$lte": position["created_at"]}
    found = pages.after(db[DELIVERIES].find(query).sort([("created_at", -1), ("_id", -1)]).batch_size(101),
                        (position["created_at"], position["id"]) if position else None,
                        lambda d: (d["created_at"], d["_id"]), descending=True)
    page = pages.page(found, limit, lambda d: {"created_at": d["created_at"], "id": d["_id"]})
    return shown(WebhookDeliveryPage, {**page, "items": [shown(WebhookDelivery, _delivery(d)) for d in page["items"]]})


def replay(db: Database, partner_id: Any, body: Any, now: datetime) -> tuple[dict, int]:
    """Send events to the partner again, under their own webhook-id: one by its id (whatever the
    partner's filters say: the admin asked for it), or every kept event of a time range that
    passes its filters. Returns the answer and how many were queued."""
    doc = _get(db, partner_id)
    request = validated(ReplayRequest, body, "the replay")
    if not doc["active"]:
        raise Conflict("the endpoint is switched off; switch it on first (PATCH with active: true)")
    if request.event_id is not None:
        events = list(db[PUBLIC_EVENTS].find({"_id": request.event_id}, {"type": 1, "time": 1, "tags": 1}))
        if not events:
            raise NotFound("no public event with that id is kept")
    else:
        found = db[PUBLIC_EVENTS].find({"time": {"$gte": request.start, "$lte": request.end}},
                                       {"type": 1, "time": 1, "tags": 1}).sort("time", 1).limit(MAX_REPLAY + 1)
        events = [e for e in found
                  if rules.wants(doc, e["type"], rules.Tags.from_doc(e["tags"]) if e.get("tags") else None)]
        if len(events) > MAX_REPLAY:
            raise Invalid("the range holds too many events", [
                {"field": "to", "message": f"at most {MAX_REPLAY} events at a time: choose a shorter range"}])
    for event in events:
        queue(db, [doc["_id"]], event["_id"], event["type"], event["time"], now, again=True)
    return shown(Replayed, {"events": len(events)}), len(events)
