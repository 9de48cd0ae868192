"""What the notifications service answers (preferences.py makes every answer through these).

The gateway passes these on to clients; their JSON Schemas are generated into the gateway
(`python -m wijkwijzer.responses`, docs/development.md).
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field
from wijkwijzer.responses import Answer, Page
from wijkwijzer.times import Rfc3339

Frequency = Literal["immediate", "daily", "weekly", "off"]


class Follows(Answer):
    """What a member follows, and how often they hear of it."""

    topics: list[str]
    focus_areas: list[str]
    organisations: list[str]
    activities: list[str] = Field(description="ids of single activities")
    questions: list[str] = Field(description="ids of single questions")
    frequency: Frequency = Field(description="for what they follow: at once, in a daily or weekly digest, or not")


class KindPreference(Answer):
    kind: str
    label: str = Field(description="what these messages are, in Dutch")
    critical: bool = Field(description="always sent at once; cannot be switched off")
    frequency: Frequency = Field(description="how this kind reaches the member now")


class Preferences(Answer):
    frequency: Frequency = Field(description="the default for what they follow (PUT /me/follows)")
    kinds: list[KindPreference]


class Delivery(Answer):
    """One message in the delivery log."""

    id: str
    kind: str
    subject: str
    email: str = Field(description="the address it went to")
    state: Literal["queued", "sending", "sent", "failed"] = Field(
        description="queued: waits to be sent (again); failed: given up after the last attempt")
    attempts: int = Field(ge=0, description="attempts so far")
    reason: str | None = Field(description="the last failure, while not sent")
    created_at: Rfc3339
    sent_at: Rfc3339 | None


class DeliveryPage(Page[Delivery]):
    """The caller's messages, newest first."""


class Attempt(Answer):
    at: Rfc3339
    outcome: Literal["sent", "failed"]
    reason: str = None


class DeliveryDetail(Delivery):
    event_id: str
    member: str | None
    attempt_log: list[Attempt]


class Unsubscribe(Answer):
    kind: str
    label: str = Field(description="what the link switches off, in Dutch")
    unsubscribed: bool = Field(description="false: only what the link would do (GET); true: done")
    preferences_url: str


class Partner(Answer):
    """A partner's webhook endpoint: where events go, which ones, and whether it is on."""

    id: str
    name: str
    url: str
    event_types: list[str] = Field(description="CloudEvents types it gets; empty: every public type")
    topics: list[str] = Field(description="empty: any topic")
    focus_areas: list[str] = Field(description="empty: anywhere")
    active: bool = Field(description="false: switched off (410 Gone, failing for 5 days, or by an admin)")
    disabled_at: Rfc3339 | None
    disabled_reason: str | None
    failing_since: Rfc3339 | None = Field(description="the first failure since the last delivery that succeeded")
    secret_rotated_at: Rfc3339 = Field(description="when the current signing secret was made")
    created_at: Rfc3339
    updated_at: Rfc3339


class PartnerWithSecret(Partner):
    """A partner just registered, or whose secret was just rotated: the only time the secret is shown."""

    secret: str = Field(description="whsec_…: verifies the webhook-signature header (Standard Webhooks); shown "
                                    "only now")
    previous_secret_valid_until: Rfc3339 | None = Field(
        default=None, description="after a rotation: the old secret also signs until then")


class PartnerPage(Page[Partner]):
    """Every partner, oldest first."""


class WebhookAttempt(Answer):
    at: Rfc3339
    status_code: int | None = Field(description="the endpoint's answer; null: none (timeout, refused, unreachable)")
    latency_ms: int
    error: str | None


class WebhookDelivery(Answer):
    """One event to one partner, with every attempt; `event_id` is its `webhook-id`."""

    id: str
    event_id: str
    event_type: str
    event_time: Rfc3339
    state: Literal["pending", "delivered", "failed"] = Field(
        description="pending: (re)tried at next_attempt_at; failed: given up, or the endpoint is off")
    tries: int = Field(ge=0, description="attempts in this round (a replay starts a new round)")
    next_attempt_at: Rfc3339 | None
    attempts: list[WebhookAttempt]
    created_at: Rfc3339


class WebhookDeliveryPage(Page[WebhookDelivery]):
    """A partner's deliveries, newest first."""


class Replayed(Answer):
    events: int = Field(description="events queued again for the partner (same webhook-id as before)")
