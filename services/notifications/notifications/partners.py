"""Partner webhooks, the rules (docs/partners.md): which events a partner gets, how deliveries are
signed, when a failed one is tried again, and what an answer means. Plain functions; storage and
sending are in webhooks.py and endpoints.py.
"""
from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from standardwebhooks.webhooks import Webhook
from wijkwijzer import taxonomy

# The public catalogue (events.md): what may leave the platform. tests/unit check it against the
# models the services build their events from, so a new public type cannot be forgotten here.
PUBLIC_EVENT_TYPES = (
    "nl.wijkwijzer.activity.cancelled",
    "nl.wijkwijzer.activity.scheduled",
    "nl.wijkwijzer.activity.updated",
    "nl.wijkwijzer.publication.published",
    "nl.wijkwijzer.publication.submitted",
    "nl.wijkwijzer.publication.updated",
    "nl.wijkwijzer.publication.withdrawn",
    "nl.wijkwijzer.question.answered",
    "nl.wijkwijzer.question.asked",
    "nl.wijkwijzer.question.closed",
)

# Standard Webhooks' recommended schedule: the first attempt at once, then these waits.
RETRY_DELAYS = (timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                timedelta(hours=5), timedelta(hours=10), timedelta(hours=14), timedelta(hours=20),
                timedelta(hours=24))
DISABLE_AFTER = timedelta(days=5)        # an endpoint failing this long is switched off
LONGEST_RETRY_AFTER = timedelta(hours=24)   # a Retry-After beyond this is read as this
SECRET_PREFIX = "whsec_"

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200,
                                        pattern=r"^[^\x00-\x1f]*$")]
Url = Annotated[AnyHttpUrl, Field(description="https (or http where WEBHOOK_ALLOWED_NETWORKS admits it)")]


def _public(event_type: str) -> str:
    if event_type not in PUBLIC_EVENT_TYPES:
        raise ValueError(f"not a public event type; valid: {', '.join(PUBLIC_EVENT_TYPES)}")
    return event_type


def _slug(vocabulary: str):
    def check(slug: str) -> str:
        taxonomy.check(vocabulary, [slug])
        return slug
    return check


EventType = Annotated[str, AfterValidator(_public)]
Topic = Annotated[str, AfterValidator(_slug("topics"))]
FocusArea = Annotated[str, AfterValidator(_slug("focus_areas"))]


class PartnerRequest(BaseModel):
    """A partner to register. The filters: an empty list means every one of that kind."""

    model_config = ConfigDict(extra="forbid")
    name: Name
    url: Url
    event_types: list[EventType] = Field(default_factory=list, max_length=len(PUBLIC_EVENT_TYPES))
    topics: list[Topic] = Field(default_factory=list, max_length=100)
    focus_areas: list[FocusArea] = Field(default_factory=list, max_length=500)


class PartnerChange(BaseModel):
    """A partner's fields to change; `active: true` switches a disabled endpoint back on."""

    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    url: Url | None = None
    event_types: list[EventType] | None = Field(default=None, max_length=len(PUBLIC_EVENT_TYPES))
    topics: list[Topic] | None = Field(default=None, max_length=100)
    focus_areas: list[FocusArea] | None = Field(default=None, max_length=500)
    active: bool | None = None


class ReplayRequest(BaseModel):
    """One event by its id, or every event from `from` up to `to` (the events' own times)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    event_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_:-]{1,100}$")] | None = None
    start: AwareDatetime | None = Field(default=None, alias="from")
    end: AwareDatetime | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _one_way(self) -> ReplayRequest:
        if (self.event_id is None) == (self.start is None and self.end is None):
            raise ValueError("give either event_id, or from and to")
        if self.event_id is None and (self.start is None or self.end is None):
            raise ValueError("a time range needs both from and to")
        if self.start and self.end and self.start > self.end:
            raise ValueError("from is after to")
        return self


# -- which events a partner gets -------------------------------------------------------------------

@dataclass(frozen=True)
class Tags:
    """What a public event is about, for the partners' filters. Events that do not say it
    themselves (a withdrawal, a cancellation) carry what the entity's earlier events said."""

    topics: tuple[str, ...] = ()
    focus_areas: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()

    @classmethod
    def of(cls, data: dict[str, Any]) -> Tags | None:
        """The tags an event's data carries; None when it carries none (look them up)."""
        if "topics" not in data and "focus_areas" not in data and "focus_area" not in data:
            return None
        areas = list(data.get("focus_areas") or []) + ([data["focus_area"]] if data.get("focus_area") else [])
        return cls(tuple(data.get("topics") or ()), tuple(areas),
                   (data["municipality"],) if data.get("municipality") else ())

    def as_doc(self) -> dict[str, list[str]]:
        return {"topics": list(self.topics), "focus_areas": list(self.focus_areas),
                "municipalities": list(self.municipalities)}

    @classmethod
    def from_doc(cls, doc: dict | None) -> Tags:
        doc = doc or {}
        return cls(tuple(doc.get("topics") or ()), tuple(doc.get("focus_areas") or ()),
                   tuple(doc.get("municipalities") or ()))


def wants(partner: dict, event_type: str, tags: Tags | None) -> bool:
    """Does this partner get the event? Unknown tags (an entity older than this service's
    memory) pass the topic and area filters: a partner rather hears of a withdrawal once too
    often than keeps showing a withdrawn publication."""
    if partner.get("event_types") and event_type not in partner["event_types"]:
        return False
    if tags is None:
        return True
    if partner.get("topics") and not set(partner["topics"]) & set(tags.topics):
        return False
    if partner.get("focus_areas"):
        if set(partner["focus_areas"]) & set(tags.focus_areas):
            return True
        # a question asked for a whole municipality reaches partners of its areas
        areas = {a.slug: a.municipality for a in taxonomy.load().focus_areas}
        return any(areas.get(slug) in tags.municipalities for slug in partner["focus_areas"])
    return True


# -- signing ---------------------------------------------------------------------------------------

def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signing_secrets(partner: dict, now: datetime) -> list[str]:
    """The secrets that sign now: the current one, and a rotated-out one until its overlap ends."""
    return [s["secret"] for s in partner.get("secrets", []) if s.get("until") is None or s["until"] > now]


def rotated(stored: list[dict], secret: str, overlap: timedelta, now: datetime) -> list[dict]:
    """The partner's secrets after a rotation: the new one current, the ones still signing kept
    until `overlap` from now at the latest, the expired ones gone."""
    kept = []
    for old in stored:
        until = old.get("until")
        if until is not None and until <= now:
            continue
        kept.append({**old, "until": min(until, now + overlap) if until else now + overlap})
    return kept + [{"secret": secret, "since": now, "until": None}]


def signed_headers(webhook_id: str, body: str, secrets_now: list[str], now: datetime) -> dict[str, str]:
    """Standard Webhooks headers: one `v1,` signature per secret that signs now."""
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": " ".join(Webhook(s).sign(webhook_id, now, body) for s in secrets_now),
    }


# -- answers and the schedule ------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """What one attempt means: `delivered`, `retry` (at `retry_at`, None: give up), or `gone`
    (410: the partner asked us to stop)."""

    state: str
    retry_at: datetime | None = None


def next_attempt(attempts: int, now: datetime, scale: float) -> datetime | None:
    """When to try again after `attempts` failed ones; None once the schedule is done."""
    if attempts - 1 >= len(RETRY_DELAYS):
        return None
    return now + RETRY_DELAYS[attempts - 1] * scale


def retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A Retry-After header (seconds or an HTTP date) as a wait, at most LONGEST_RETRY_AFTER."""
    if not value:
        return None
    value = value.strip()
    try:
        wait = timedelta(seconds=max(0, int(value))) if value.isdigit() else \
            parsedate_to_datetime(value).astimezone(UTC) - now
    except (ValueError, TypeError, OverflowError):
        return None
    return min(max(wait, timedelta(0)), LONGEST_RETRY_AFTER)


def outcome(status: int | None, headers: dict[str, str], attempts: int, now: datetime, scale: float) -> Outcome:
    """`status` None: no answer (timeout, refused connection, refused address). Redirects are
    not followed, so a 3xx is a failure like a 5xx."""
    if status is not None and 200 <= status < 300:
        return Outcome("delivered")
    if status == 410:
        return Outcome("gone")
    if status in (429, 503):
        wait = retry_after(headers.get("retry-after"), now)
        if wait is not None and attempts <= len(RETRY_DELAYS):
            return Outcome("retry", now + wait)
    return Outcome("retry", next_attempt(attempts, now, scale))


def failing_too_long(failing_since: datetime | None, now: datetime, scale: float) -> bool:
    return failing_since is not None and now - failing_since >= DISABLE_AFTER * scale
