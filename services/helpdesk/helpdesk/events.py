"""Events the helpdesk emits (events.md catalogue), as pydantic models.

Public events (`question.asked`, `question.answered`, `question.closed`) go to partners too: the
question's topics and region and when, nothing else: no title or text (people write about
themselves), no asker, no wijkwijze. Internal events carry what notifications needs to reach
people (the wijkwijze's address, the asker's), but never an asker's secret token: the service
keeps only its hash. `question.answered_with_consent` is for the kennisbank (publications makes
a Q&A draft of it) and carries text, with every piece of personal data the helpdesk can find
replaced (privacy.py); publications reads it by this model's schema
(docs/events/schemas/question.answered_with_consent.json).
"""
from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field
from wijkwijzer.cloudevents import EventData


class QuestionRegion(EventData):
    question_id: str
    topics: list[str]
    focus_area: str | None
    municipality: str | None


class QuestionAsked(QuestionRegion):
    """Public: a question arrived (its topics and region; no text, no asker)."""

    event_type = "question.asked"
    public = True

    asked_at: AwareDatetime


class QuestionAnswered(QuestionRegion):
    """Public: a wijkwijze answered a question."""

    event_type = "question.answered"
    public = True

    answered_at: AwareDatetime


class QuestionClosed(QuestionRegion):
    """Public: the asker (or an admin) closed a question."""

    event_type = "question.closed"
    public = True

    closed_at: AwareDatetime


class QuestionAssigned(EventData):
    """Internal: routing gave the question to a wijkwijze (`rule` and `explanation` say why)."""

    event_type = "question.assigned"

    question_id: str
    title: str
    assignee: str = Field(description="the wijkwijze's account (sub)")
    assignee_name: str
    assignee_email: str
    rule: Literal["topic_and_region", "topic", "region", "reopened"]
    explanation: str
    pickup_due: AwareDatetime | None = Field(description="rerouted when not picked up by then")
    first_response_due: AwareDatetime
    assigned_at: AwareDatetime


class QuestionReassigned(QuestionAssigned):
    """Internal: the question went to another wijkwijze: the previous one declined it or did not
    pick it up in time."""

    event_type = "question.reassigned"

    previous: str
    because: Literal["declined", "timeout"]


class QuestionDeclined(EventData):
    """Internal: the assignee gave the question back (it is routed again, never to them)."""

    event_type = "question.declined"

    question_id: str
    by: str
    reason: str
    declined_at: AwareDatetime


class QuestionPooled(QuestionRegion):
    """Internal: nobody on the roster fits; the question waits in the national pool that every
    wijkwijze sees. For the admins."""

    event_type = "question.pooled"

    title: str
    reason: str
    pooled_at: AwareDatetime


class QuestionMessagePosted(EventData):
    """Internal: a message in the thread, so the other side can be told (the text stays in the
    helpdesk: read it there)."""

    event_type = "question.message_posted"

    question_id: str
    message_id: str
    kind: Literal["message", "answer"]
    author_role: Literal["asker", "wijkwijze"]
    author: str | None = Field(description="the author's account; null: an anonymous asker")
    assignee: str | None
    asker_member: str | None = Field(description="the asker's account; null: anonymous")
    asker_email: str | None = Field(description="where an asker is told")
    posted_at: AwareDatetime


class QuestionReopened(EventData):
    """Internal: the asker (or an admin) reopened an answered or closed question."""

    event_type = "question.reopened"

    question_id: str
    assignee: str | None
    reopened_at: AwareDatetime


class QuestionEscalated(EventData):
    """Internal, for the admins: the first response is overdue (a number of Dutch working days).
    Once per question: the event id is fixed per question."""

    event_type = "question.escalated"

    question_id: str
    title: str
    assignee: str | None
    pooled: bool
    asked_at: AwareDatetime
    first_response_due: AwareDatetime
    escalated_at: AwareDatetime


class QuestionAnsweredWithConsent(EventData):
    """Internal, for the kennisbank: a question answered with the asker's consent to publish.
    Its text is the question and the answer without personal data: e-mail addresses, phone
    numbers, postcodes, street addresses and the names of asker and wijkwijze are replaced by
    placeholders. No asker, no wijkwijze. Sent with every answer (a reopened question answered
    again); the question id is the kennisbank's key, so one Q&A comes of it."""

    event_type = "question.answered_with_consent"

    question_id: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(max_length=20_000)
    answer: str = Field(min_length=1, max_length=50_000)
    topics: list[str]
    focus_area: str | None
    municipality: str | None
    answered_at: AwareDatetime
