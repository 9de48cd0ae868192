"""Who has a question, changed step by step: routing, decline, the assignment timeout, the pool.

Each step is a conditional write of the question (`routing` as read, and who has it) that
carries its events (the outbox), plus the write that counts it in a wijkwijze's load
(storage.Wijkwijzen.take: never over capacity). Their order leaves nothing wrong for long when a
process dies between them:

| step | first | then |
|---|---|---|
| routing | the wijkwijze's load (+1) | the question: assigned to them; if that write loses (another replica routed it meanwhile), the load again (-1) |
| decline, timeout | the question: nobody has it, they are `passed` | their load (-1); routing |

A `route` deadline is set before a question needs routing and dropped once it is routed or
pooled; the deadline timer routes what a dead process left waiting, giving back first any load
still held for it by someone who does not have it.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from wijkwijzer.cloudevents import CloudEvent, EventData
from wijkwijzer.outbox import OutboxSender

from . import routing
from .events import QuestionAssigned, QuestionDeclined, QuestionPooled, QuestionReassigned
from .questions import ASSIGNED, NEW, history_entry, utc_ms
from .sla import today
from .storage import QUESTIONS, Deadlines, Questions, Wijkwijzen

log = logging.getLogger(__name__)

ROUTE, PICKUP, SLA = "route", "pickup", "sla"
ROUTING_GRACE = timedelta(seconds=10)   # how long the request that stored a question alone routes it


class Assignments:
    def __init__(self, db, outbox: OutboxSender, wrap: Callable[[list[EventData]], list[CloudEvent]],
                 pickup_timeout: timedelta):
        self.questions, self.roster, self.deadlines = Questions(db), Wijkwijzen(db), Deadlines(db)
        self.outbox, self.wrap, self.pickup_timeout = outbox, wrap, pickup_timeout

    def write(self, question: dict, condition: dict, update: dict, data: list[EventData]) -> dict | None:
        """A conditional write of the question with its events, published right after."""
        events = self.wrap(data)
        mark = self.outbox.expect(QUESTIONS, question["_id"])
        written = self.questions.write(question["_id"], condition, update, events)
        self.outbox.send(QUESTIONS, question["_id"], events if written else [], mark)
        return written

    def route(self, question: dict, now: datetime, previous: str | None = None, because: str | None = None) -> dict:
        """Give a question nobody has to the best wijkwijze who can take it, or to the pool."""
        roster = self.roster.all()
        for choice in routing.ranked(question, roster, today(now)):
            if not self.roster.take(choice.sub, choice.capacity, choice.away_until, question["_id"], now):
                continue   # full or changed since read: the next one
            entry = next(e for e in roster if e["_id"] == choice.sub)
            assigned = self._assign(question, entry, choice.rule, choice.explanation, now, previous, because)
            if assigned is None:   # someone else routed it meanwhile
                self.roster.give_back(choice.sub, question["_id"])
                return self.questions.find(question["_id"])
            return assigned
        return self._pool(question, routing.pool_reason(question, roster, today(now)), now)

    def _assign(self, question: dict, entry: dict, rule: str, explanation: str, now: datetime,
                previous: str | None, because: str | None) -> dict | None:
        now = utc_ms(now)
        pickup_due = now + self.pickup_timeout
        fields = {"question_id": question["_id"], "title": question["title"], "assignee": entry["_id"],
                      "assignee_name": entry["name"], "assignee_email": entry["email"], "rule": rule, "explanation": explanation,
                      "pickup_due": pickup_due, "first_response_due": question["first_response_due"], "assigned_at": now}
        event = QuestionReassigned(**fields, previous=previous, because=because) if previous and because \
            else QuestionAssigned(**fields)
        self.deadlines.set(question["_id"], PICKUP, pickup_due)
        written = self.write(question, {"routing": question["routing"], "assignee": None}, {
            "$set": {"status": ASSIGNED, "pooled": False, "assignee": entry["_id"], "assignee_name": entry["name"],
                     "assigned_at": now, "pickup_due": pickup_due, "picked_up_at": None},
            "$inc": {"routing": 1},
            "$push": {"history": history_entry(now, "assigned", None, to=entry["_id"], rule=rule, note=explanation)},
        }, [event])
        if written is not None:
            self.deadlines.drop(question["_id"], ROUTE)
            log.info("question %s assigned to %s (%s)", question["_id"], entry["_id"], explanation)
        return written

    def _pool(self, question: dict, reason: str, now: datetime) -> dict:
        now = utc_ms(now)
        written = self.write(question, {"routing": question["routing"], "assignee": None}, {
            "$set": {"status": NEW, "pooled": True},
            "$inc": {"routing": 1},
            "$push": {"history": history_entry(now, "pooled", None, note=reason)},
        }, [QuestionPooled(question_id=question["_id"], topics=question["topics"], focus_area=question["focus_area"],
                           municipality=question["municipality"], title=question["title"], reason=reason,
                           pooled_at=now)])
        self.deadlines.drop(question["_id"], ROUTE, PICKUP)
        log.info("question %s to the pool: %s", question["_id"], reason)
        return written or self.questions.find(question["_id"])

    def pass_on(self, question: dict, because: str, now: datetime, reason: str | None = None) -> dict | None:
        """The assignee declined the question (`reason`) or did not pick it up in time: nobody has
        it, it never goes back to them, and it is routed again. None when it changed meanwhile."""
        now, sub = utc_ms(now), question["assignee"]
        note = reason if because == "declined" else f"niet opgepakt binnen {_duration(self.pickup_timeout)}"
        data = [QuestionDeclined(question_id=question["_id"], by=sub, reason=reason, declined_at=now)] \
            if because == "declined" else []
        self.deadlines.set(question["_id"], ROUTE, now + ROUTING_GRACE)
        condition = {"routing": question["routing"], "assignee": sub}
        if because == "timeout":
            condition["picked_up_at"] = None
        written = self.write(question, condition, {
            "$set": {"status": NEW, "assignee": None, "assignee_name": None, "assigned_at": None, "pickup_due": None},
            "$inc": {"routing": 1},
            "$addToSet": {"passed": sub},
            "$push": {"history": history_entry(now, because, sub if because == "declined" else None, note=note)},
        }, data)
        if written is None:
            return None
        self.deadlines.drop(question["_id"], PICKUP)
        self.roster.give_back(sub, question["_id"])
        return self.route(written, now, previous=sub, because=because)

    def settle(self, question: dict, now: datetime) -> None:
        """What a process that died left of a question waiting for routing: loads held for it by
        others than its assignee are given back, and it is routed."""
        for sub in self.roster.holding(question["_id"]):
            if sub != question.get("assignee"):
                self.roster.give_back(sub, question["_id"])
        if question["status"] in (NEW, "reopened") and question["assignee"] is None and not question["pooled"]:
            self.route(question, now)
        else:
            self.deadlines.drop(question["_id"], ROUTE)


def _duration(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:g} uur" if hours >= 1 else f"{delta.total_seconds():g} seconden"
