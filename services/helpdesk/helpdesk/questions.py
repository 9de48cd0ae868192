"""Question rules with no I/O: a new question and its asker's token, who sees it, who may do
what in which status, and the events each step sends.

Statuses: `new` (waiting: being routed, or in the pool), `assigned`, `answered`, `closed`,
`reopened` (answered or closed, then opened again by its asker or an admin; back with its
wijkwijze). Who sees a question: its asker (signed in, or with the token they got), the
wijkwijze it is assigned to, every wijkwijze while it is in the pool, and admins. To anyone
else it does not exist (NotFound, not Forbidden).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import UTC, datetime

from wijkwijzer.errors import Conflict, Forbidden, Invalid, NotFound, validated

from . import sla, threads
from .events import QuestionAnswered, QuestionAnsweredWithConsent, QuestionAsked, QuestionClosed
from .privacy import redacted
from .roster import focus_areas, municipality_key
from .schemas import QuestionFields

NEW, ASSIGNED, ANSWERED, CLOSED, REOPENED = "new", "assigned", "answered", "closed", "reopened"
OPEN = (NEW, ASSIGNED, REOPENED)          # waiting for an answer
ASKER, ASSIGNEE, POOL, ADMIN = "asker", "assignee", "pool", "admin"
TOKEN_BYTES = 32   # secrets.token_urlsafe: 43 characters, 256 bits


def utc_ms(moment: datetime) -> datetime:
    """In UTC, cut to the millisecond MongoDB keeps: what a caller gets right after a write
    equals what it reads later."""
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256 (256 random bits need no salt or slow hash)."""
    return hashlib.sha256(token.encode()).hexdigest()


def region_keys(focus_area: str | None, municipality: str | None) -> list[str]:
    """The region keys a question is in: its focus area and that area's municipality, or the
    municipality it names."""
    if focus_area:
        return [f"fa:{focus_area}", municipality_key(focus_areas()[focus_area])]
    return [municipality_key(municipality)] if municipality else []


def history_entry(now: datetime, action: str, by: str | None, **details) -> dict:
    return {"at": utc_ms(now), "action": action, "by": by, **{k: v for k, v in details.items() if v is not None}}


def new_question(fields: dict | None, member: dict | None, now: datetime, working_days: int,
                 attempt: str | None = None) -> tuple[dict, str | None]:
    """A question document, not routed yet, and an anonymous asker's secret token (None for a
    member, who follows it up signed in). Invalid naming each bad field. `attempt`: the caller's
    random id of this request (the gateway's), by which the same call delivered again is told from
    a second question."""
    given = validated(QuestionFields, fields, "the question")
    now = utc_ms(now)
    if member:
        asker = {"member": member["sub"], "name": member.get("name"),
                 "email": member.get("email") or given.email, "token_hash": None}
        token = None
    else:
        if not given.email:
            raise Invalid("the question has invalid fields",
                          [{"field": "email", "message": "an e-mail address, so the answer can reach you"}])
        token = secrets.token_urlsafe(TOKEN_BYTES)
        asker = {"member": None, "name": None, "email": given.email, "token_hash": token_hash(token)}
    question_id = uuid.uuid4().hex
    return {
        "_id": question_id,
        "title": given.title,
        "body": given.body,
        "body_html": threads.html_of(given.body),
        "topics": given.topics,
        "focus_area": given.focus_area,
        "municipality": given.municipality,
        "region_keys": region_keys(given.focus_area, given.municipality),
        "consent_to_publish": given.consent_to_publish,
        "asker": asker,
        "status": NEW,
        "pooled": False,
        "assignee": None,
        "assignee_name": None,
        "assigned_at": None,
        "pickup_due": None,
        "picked_up_at": None,
        "passed": [],         # who declined it or let it lie: never routed to them again
        "routing": 0,         # raised by every change of who has it
        "messages": [],
        "history": [history_entry(now, "asked", asker["member"])],
        "asked_at": now,
        "first_response_due": sla.first_response_due(now, working_days),
        "first_response_at": None,
        "escalated_at": None,
        "answered_at": None,
        "closed_at": None,
        "attempt": attempt if isinstance(attempt, str) and 0 < len(attempt) <= 100 else question_id,
    }, token


def role_of(question: dict, caller: dict | None, token: str | None, on_roster: bool) -> str:
    """How the caller may see the question; NotFound for anyone who may not."""
    roles = (caller or {}).get("roles") or []
    sub = (caller or {}).get("sub")
    asker = question["asker"]
    if sub and asker.get("member") == sub:
        return ASKER
    if isinstance(token, str) and asker.get("token_hash") and hmac.compare_digest(token_hash(token),
                                                                                   asker["token_hash"]):
        return ASKER
    if sub and question.get("assignee") == sub:
        return ASSIGNEE
    if "admin" in roles:
        return ADMIN
    if sub and question.get("pooled") and "wijkwijze" in roles and on_roster:
        return POOL
    raise NotFound(f"no question {question['_id']!r}")


def check_writable(question: dict) -> None:
    if question["status"] == CLOSED:
        raise Conflict("De vraag is gesloten; heropen haar eerst.")


def check_message(question: dict, role: str) -> None:
    if role == ADMIN:
        raise Forbidden("admins read along; the asker and the wijkwijze write in the thread")
    check_writable(question)
    if len(question["messages"]) >= threads.MAX_MESSAGES:
        raise Conflict(f"Het gesprek heeft al {threads.MAX_MESSAGES} berichten; begin een nieuwe vraag.")


def check_answer(question: dict, role: str) -> None:
    if role not in (ASSIGNEE, POOL):
        raise Forbidden("only the wijkwijze the question is assigned to answers it")
    check_writable(question)
    if question["status"] == ANSWERED:
        raise Conflict("De vraag is al beantwoord; de vrager kan haar heropenen.")


def check_decline(question: dict, role: str) -> None:
    if role != ASSIGNEE:
        raise Forbidden("only the wijkwijze the question is assigned to can decline it")
    if question["status"] not in (ASSIGNED, REOPENED):
        raise Conflict("Alleen een toegewezen vraag die nog niet beantwoord is, kan worden teruggegeven.")


def check_close(question: dict, role: str) -> None:
    if role not in (ASKER, ADMIN):
        raise Forbidden("the asker or an admin closes a question")
    if question["status"] == CLOSED:
        raise Conflict("De vraag is al gesloten.")


def check_reopen(question: dict, role: str) -> None:
    if role not in (ASKER, ADMIN):
        raise Forbidden("the asker or an admin reopens a question")
    if question["status"] not in (ANSWERED, CLOSED):
        raise Conflict("Alleen een beantwoorde of gesloten vraag kan worden heropend.")


def author(role: str, caller: dict | None) -> dict:
    """Who wrote a message, as the thread shows it."""
    if role == ASKER:
        return {"role": "asker", "sub": (caller or {}).get("sub"), "name": (caller or {}).get("name")}
    return {"role": "wijkwijze", "sub": caller["sub"], "name": caller.get("name")}


# -- events -----------------------------------------------------------------------------------------

def _region(question: dict) -> dict:
    return {"question_id": question["_id"], "topics": question["topics"], "focus_area": question["focus_area"],
            "municipality": question["municipality"]}


def asked(question: dict) -> QuestionAsked:
    return QuestionAsked(**_region(question), asked_at=question["asked_at"])


def answered(question: dict, answer: str, wijkwijze_name: str | None, now: datetime) -> list:
    """The events of an answer: `question.answered`, and with the asker's consent the Q&A for the
    kennisbank without personal data."""
    events: list = [QuestionAnswered(**_region(question), answered_at=now)]
    if question["consent_to_publish"]:
        names = [question["asker"].get("name"), wijkwijze_name, question.get("assignee_name")]
        emails = [question["asker"].get("email")]
        events.append(QuestionAnsweredWithConsent(
            question_id=question["_id"], title=redacted(question["title"], names, emails)[:200],
            body=redacted(question["body"], names, emails), answer=redacted(answer, names, emails),
            topics=question["topics"],
            focus_area=question["focus_area"], municipality=question["municipality"], answered_at=now))
    return events


def closed(question: dict, now: datetime) -> QuestionClosed:
    return QuestionClosed(**_region(question), closed_at=now)
