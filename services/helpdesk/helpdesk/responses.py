"""What the helpdesk answers (views.py makes every answer through these models).

The gateway passes these answers on to clients, so their JSON Schemas, generated into the
gateway (`python -m wijkwijzer.responses`, docs/development.md), are the API's contract.
"""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field
from wijkwijzer.responses import Answer, Page
from wijkwijzer.times import Rfc3339

QuestionStatus = Literal["new", "assigned", "answered", "closed", "reopened"]


class WijkwijzeEntry(Answer):
    """A wijkwijze on the roster, with their load."""

    sub: str = Field(description="their account")
    name: str
    email: str
    topics: list[str]
    regions: list[str] = Field(description="focus areas (slugs) and municipalities (names)")
    capacity: int = Field(ge=0, description="most open questions at once")
    away_until: date | None = Field(description="away until this day (back on it); null: available")
    open_questions: int = Field(ge=0, description="questions they hold now (assigned, not answered or closed)")
    last_assigned_at: Rfc3339 | None
    created_at: Rfc3339
    updated_at: Rfc3339


class WijkwijzenPage(Page[WijkwijzeEntry]):
    """The roster by name."""


class Assignee(Answer):
    sub: str = Field(None, description="their account; left out for an anonymous asker")
    name: str | None


class QuestionAsker(Answer):
    member: bool = Field(description="signed in when asking (follows it up signed in, not with a token)")
    name: str | None
    email: str = Field(None, description="for the asker and admins only")


class ThreadMessage(Answer):
    id: str
    kind: Literal["message", "answer"]
    author_role: Literal["asker", "wijkwijze"]
    author_name: str | None
    body: str = Field(description="Markdown as written")
    body_html: str = Field(description="sanitised HTML")
    at: Rfc3339


class QuestionEvent(Answer):
    at: Rfc3339
    action: Literal["asked", "assigned", "pooled", "picked_up", "taken_from_pool", "declined", "timeout",
                    "answered", "closed", "reopened", "escalated"]
    by: str | None = Field(description="the account that acted; null: the helpdesk itself, or an anonymous asker")
    to: str = Field(None, description="the wijkwijze it was assigned to")
    rule: Literal["topic_and_region", "topic", "region", "reopened"] = Field(
        None, description="which routing rule chose them")
    note: str = Field(None, description="why, in words: the routing rule, the reason to decline, ...")


class Declined(Answer):
    """The question went back to be routed again; the one who declined it no longer sees it."""

    id: str
    declined_at: Rfc3339


class RelatedPublication(Answer):
    id: str
    slug: str
    title: str
    summary: str
    kind: str


class Question(Answer):
    id: str
    title: str
    body: str = Field(description="Markdown as written")
    body_html: str = Field(description="sanitised HTML")
    topics: list[str]
    focus_area: str | None
    municipality: str | None
    consent_to_publish: bool
    status: QuestionStatus
    pooled: bool = Field(description="in the national pool: nobody on the roster fitted; every wijkwijze sees it")
    asker: QuestionAsker
    assignee: Assignee | None
    viewer_role: Literal["asker", "assignee", "pool", "admin"] = Field(description="how the caller sees it")
    messages: list[ThreadMessage] = Field(description="the thread, oldest first")
    history: list[QuestionEvent] = Field(description="oldest first")
    asked_at: Rfc3339
    first_response_due: Rfc3339 = Field(description="a number of Dutch working days after asking")
    first_response_at: Rfc3339 | None
    pickup_due: Rfc3339 | None = Field(description="routed to someone else when the assignee has not opened or "
                                                    "answered it by then")
    picked_up_at: Rfc3339 | None
    escalated_at: Rfc3339 | None
    answered_at: Rfc3339 | None
    closed_at: Rfc3339 | None


class NewQuestion(Question):
    token: str = Field(None, description="for an anonymous asker only, shown once: the secret to follow the "
                                         "question up with (`?token=`). Keep it")
    related_publications: list[RelatedPublication] = Field(
        description="published articles that may already answer it; empty when the kennisbank did not answer in time")


class QuestionListed(Answer):
    id: str
    title: str
    topics: list[str]
    focus_area: str | None
    municipality: str | None
    status: QuestionStatus
    pooled: bool
    assignee: Assignee | None
    asked_at: Rfc3339
    first_response_due: Rfc3339
    first_response_at: Rfc3339 | None
    escalated_at: Rfc3339 | None


class QuestionsPage(Page[QuestionListed]):
    """Questions, oldest first."""


class RelatedPublications(Answer):
    items: list[RelatedPublication] = Field(description="best first; empty when the kennisbank did not answer "
                                                        "in time")
