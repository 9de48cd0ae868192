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
