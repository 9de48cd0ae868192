"""What a member follows and chooses, their delivery log, and the unsubscribe link: the requests'
rules (pydantic models of what may be sent) and the answers (responses.py)."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pymongo.database import Database
from wijkwijzer import pages, taxonomy
from wijkwijzer.errors import Invalid, NotFound, validated
from wijkwijzer.responses import shown
from wijkwijzer.times import jsonable

from . import messages
from .domain import KINDS, preferences_of
from .responses import DeliveryDetail, DeliveryPage, Follows, KindPreference, Preferences, Unsubscribe
from .settings import Settings
from .storage import Deliveries, Members
from .unsubscribe import Tokens

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,100}$")]
DELIVERY_POSITION = {"created_at": datetime, "id": str}


class FollowsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topics: list[str] = Field(default_factory=list, max_length=50)
    focus_areas: list[str] = Field(default_factory=list, max_length=200)
    organisations: list[str] = Field(default_factory=list, max_length=50)
    activities: list[Id] = Field(default_factory=list, max_length=200)
    questions: list[Id] = Field(default_factory=list, max_length=200)
    frequency: Literal["immediate", "daily", "weekly", "off"] = "immediate"

    @field_validator("topics", "focus_areas", "organisations", "activities", "questions")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))


class PreferencesRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kinds: dict[str, Literal["immediate", "daily", "weekly", "off"]]


class MemberClaims(BaseModel):
    """The caller as the gateway passes its token's claims."""

    model_config = ConfigDict(extra="ignore")

    sub: str = Field(min_length=1)
    name: str | None = None
    email: str | None = None


def _member(db: Database, member: Any, now: datetime) -> dict:
    claims = validated(MemberClaims, member, "the caller's claims", prefix="member")
    return Members(db).seen(claims.sub, claims.name, claims.email, now)


def _follows(doc: dict) -> dict:
    follows = doc.get("follows") or {}
    return shown(Follows, {**{k: list(follows.get(k) or []) for k in
                              ("topics", "focus_areas", "organisations", "activities", "questions")},
                           "frequency": doc.get("frequency", "immediate")})


def follows_view(db: Database, member: Any, now: datetime) -> dict:
    return _follows(_member(db, member, now))


def set_follows(db: Database, member: Any, body: Any, now: datetime) -> dict:
    request = validated(FollowsRequest, body, "the follows")
    errors = []
    for field, vocabulary in (("topics", "topics"), ("focus_areas", "focus_areas"),
                              ("organisations", "organisations")):
        try:
            taxonomy.check(vocabulary, getattr(request, field))
        except taxonomy.UnknownSlug as exc:
            errors.append({"field": field, "message": str(exc)})
    if errors:
        raise Invalid("the follows name unknown slugs", errors)
    doc = _member(db, member, now)
    follows = request.model_dump(exclude={"frequency"})
    return _follows(Members(db).set_follows(doc["_id"], follows, request.frequency, now))


def _preferences(doc: dict) -> dict:
    prefs = preferences_of(doc)
    return shown(Preferences, {"frequency": prefs.frequency, "kinds": [
        shown(KindPreference, {"kind": kind.name, "label": kind.label, "critical": kind.critical,
                               "frequency": prefs.frequency_of(kind.name)})
        for kind in KINDS.values()]})


def preferences_view(db: Database, member: Any, now: datetime) -> dict:
    return _preferences(_member(db, member, now))


def set_preferences(db: Database, member: Any, body: Any, now: datetime) -> dict:
    request = validated(PreferencesRequest, body, "the preferences")
    errors = []
    for kind, frequency in request.kinds.items():
        spec = KINDS.get(kind)
        if spec is None:
            errors.append({"field": f"kinds.{kind}", "message": f"not a kind of message; one of {', '.join(KINDS)}"})
        elif spec.critical and frequency != "immediate":
            errors.append({"field": f"kinds.{kind}", "message": "this message is always sent at once: it cannot "
                                                               "be switched off or put in a digest"})
        elif not spec.followed and frequency in ("daily", "weekly"):
            errors.append({"field": f"kinds.{kind}", "message": "this message is about your own business: "
                                                               "immediate or off"})
    if errors:
        raise Invalid("the preferences have invalid fields", errors)
    doc = _member(db, member, now)
    return _preferences(Members(db).set_kinds(doc["_id"], request.kinds, now) if request.kinds else doc)


def _delivery(doc: dict) -> dict:
    return {"id": doc["_id"], "kind": doc["kind"], "subject": doc["subject"], "email": doc["email"],
            "state": doc["state"], "attempts": len(doc.get("attempts") or []),
            "reason": doc.get("reason") if doc["state"] != "sent" else None,
            "created_at": doc["created_at"], "sent_at": doc.get("sent_at")}


def delivery_page(db: Database, member: Any, limit: Any, cursor: str | None) -> dict:
    claims = validated(MemberClaims, member, "the caller's claims", prefix="member")
    limit = pages.limit_of(limit)
    position = pages.decode(cursor, DELIVERY_POSITION)
    found = Deliveries(db).of_member(claims.sub, (position["created_at"], position["id"]) if position else None)
    listing = pages.page(found, limit, lambda doc: {"created_at": doc["created_at"], "id": doc["_id"]})
    return shown(DeliveryPage, jsonable({**listing, "items": [_delivery(d) for d in listing["items"]]}))


def delivery_detail(db: Database, delivery_id: str) -> dict:
    doc = Deliveries(db).get(delivery_id) if isinstance(delivery_id, str) else None
    if doc is None:
        raise NotFound("no such delivery")
    return shown(DeliveryDetail, jsonable({**_delivery(doc), "event_id": doc["event_id"], "member": doc["member"],
                                           "attempt_log": doc.get("attempts") or []}))


def unsubscribe_view(db: Database, settings: Settings, token: Any, now: datetime, confirm: bool) -> dict:
    """What the link switches off; with `confirm`, switch it off (idempotent)."""
    recipient, kind = Tokens(settings.unsubscribe_secret).read(token)
    if confirm:
        Members(db).switch_off(recipient, kind, now)
    spec = KINDS[kind]
    return shown(Unsubscribe, {"kind": kind, "label": spec.label, "unsubscribed": confirm,
                               "preferences_url": f"{settings.web_base_url}/mijn/meldingen"})



def unsubscribe_page(db: Database, settings: Settings, token: Any, now: datetime, confirm: bool) -> str:
    """The link's page (Dutch HTML): GET asks, POST (`confirm`) switches the kind off."""
    answer = unsubscribe_view(db, settings, token, now, confirm)
    return messages.page("unsubscribe_page.html", {**answer, "token": token, "done": confirm})
