"""nameko entrypoints of the helpdesk service (the vraagbaak).

Questions follow the rules of questions.py; who has one is changed by assignments.py (routing by
routing.py); the deadline timer handles the assignment timeout, the first-response deadline
(sla.py) and questions a dead process left unrouted. `caller` is the caller's token claims
(`sub`, `name`, `email`, `roles`) as the gateway passes them, None for anonymous askers, who
use the token they got instead.
"""
from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy
from wijkwijzer import pages
from wijkwijzer.claims import Claims
from wijkwijzer.cloudevents import CloudEvent, EventData, envelope
from wijkwijzer.errors import EXPECTED, Conflict, Forbidden, NotFound, validated
from wijkwijzer.logs import CorrelationId
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.ops import Operations
from wijkwijzer.outbox import Outbox
from wijkwijzer.ping import Health
from wijkwijzer.responses import shown
from wijkwijzer.rpc import rpc
from wijkwijzer.timers import configured_timer
from wijkwijzer.times import jsonable

from . import questions, roster, storage, threads
from .assignments import PICKUP, ROUTE, ROUTING_GRACE, SLA, Assignments
from .events import QuestionEscalated, QuestionMessagePosted, QuestionReopened
from .questions import (
    ANSWERED,
    ASKER,
    ASSIGNED,
    CLOSED,
    NEW,
    OPEN,
    POOL,
    REOPENED,
    history_entry,
    utc_ms,
)
from .related import query_of, suggestions
from .responses import Declined
from .schemas import MessageFields, QuestionFilters, Reason
from .storage import Deadlines, Questions, Wijkwijzen
from .views import (
    new_question_view,
    question_view,
    questions_page,
    related_page,
    wijkwijze_view,
    wijkwijzen_page,
)

log = logging.getLogger(__name__)

SLA_WORKING_DAYS = "SLA_WORKING_DAYS"          # first response due within this many Dutch working days
ASSIGNMENT_TIMEOUT = "ASSIGNMENT_TIMEOUT"      # seconds an assignee has to pick a question up
DEADLINE_INTERVAL = "DEADLINE_INTERVAL"        # seconds between sweeps of what fell due
RELATED_TIMEOUT = "RELATED_TIMEOUT"            # seconds the kennisbank has to suggest publications
DEADLINE_CLAIM = timedelta(minutes=2)          # a sweep renews it for every deadline it handles
ESCALATION_NAMESPACE = uuid.UUID("0b7f6c4e-2f0a-4d8e-9a61-5c3e7d9b1a24")
QUESTION_POSITION = {"asked_at": datetime, "id": str}
WIJKWIJZE_POSITION = {"name_key": str, "id": str}


class HelpdeskService:
    name = "helpdesk"

    db = MongoDatabase(storage.INDEXES)
    health = Health(storage.QUESTIONS)
    ops = Operations()   # /healthz, /readyz and /metrics on OPS_ADDRESS
    outbox = Outbox()
    correlation_id = CorrelationId()
    config = Config()
    publications = RpcProxy("publications")

    # -- helpers ------------------------------------------------------------------------------------

    def _wrap(self, data: list[EventData]) -> list[CloudEvent]:
        return [envelope(self.name, item, subject=item.question_id, correlation_id=self.correlation_id,
                         event_id=str(uuid.uuid5(ESCALATION_NAMESPACE, item.question_id))
                         if isinstance(item, QuestionEscalated) else None) for item in data]

    def _assignments(self) -> Assignments:
        timeout = timedelta(seconds=float(self.config.get(ASSIGNMENT_TIMEOUT, 86400)))
        return Assignments(self.db, self.outbox, self._wrap, timeout)

    def _working_days(self) -> int:
        return int(self.config.get(SLA_WORKING_DAYS, 2))

    def _related(self, text: str) -> list[dict]:
        return suggestions(self.publications, text, float(self.config.get(RELATED_TIMEOUT, 1.5)))

    def _seen(self, question_id: str, caller: dict | None, token: str | None) -> tuple[dict, str]:
        """The question and how the caller sees it; NotFound for whoever may not see it."""
        question = Questions(self.db).find(question_id)
        on_roster = bool(caller) and Wijkwijzen(self.db).get(caller.get("sub")) is not None
        return question, questions.role_of(question, caller, token, on_roster)

    @rpc
    def ping(self) -> dict:
        return self.health.report()

    # -- the roster -------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def put_wijkwijze(self, sub: str, fields: dict) -> dict:
        """Add wijkwijze `sub` to the roster or replace their entry (admins only, checked by the gateway)."""
        entry = roster.roster_entry(sub, fields)
        return wijkwijze_view(Wijkwijzen(self.db).put(sub, entry, datetime.now(UTC)))

    @rpc(expected_exceptions=EXPECTED)
    def list_wijkwijzen(self, limit: int = pages.DEFAULT_LIMIT, cursor: str | None = None) -> dict:
        position = pages.decode(cursor, WIJKWIJZE_POSITION)
        found = Wijkwijzen(self.db).listed((position["name_key"], position["id"]) if position else None)
        return wijkwijzen_page(pages.page(found, pages.limit_of(limit),
                                          lambda doc: {"name_key": doc["name_key"], "id": doc["_id"]}))

    # -- asking -----------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def related(self, text: str) -> dict:
        """Publications that may answer a question being written (none when the kennisbank is slow)."""
        return related_page(self._related(query_of(text if isinstance(text, str) else "")))

    @rpc(expected_exceptions=EXPECTED)
    def ask(self, fields: dict, caller: dict | None = None, attempt: str | None = None) -> dict:
        """A new question from a member (`caller`) or an anonymous visitor (an e-mail address in
        `fields`; they get a secret token, shown once), routed at once, with related publications.
        `attempt`: a random id of the HTTP request (the gateway's), so that this call delivered
        again (its first process died) finishes the question it stored, with a new token."""
        now = datetime.now(UTC)
        question, token = questions.new_question(fields, caller, now, self._working_days(), attempt)
        desk, deadlines = self._assignments(), Deadlines(self.db)
        # before the write: a process that dies after it leaves these for the timer
        deadlines.set(question["_id"], ROUTE, now + ROUTING_GRACE)
        deadlines.set(question["_id"], SLA, question["first_response_due"])
        events = self._wrap([questions.asked(question)])
        mark = self.outbox.expect(storage.QUESTIONS, question["_id"])
        stored, created = Questions(self.db).insert(question, events)
        self.outbox.send(storage.QUESTIONS, question["_id"], events if created else [], mark)
        if created:
            routed = desk.route(question, now)
            log.info("question %s asked (%s)", question["_id"], "member" if caller else "anonymous")
        else:
            deadlines.drop(question["_id"], ROUTE, SLA)   # set for a question that was not stored
            routed = self._ask_again(stored, token, now)
        found = self._related(query_of(routed["title"], routed["body"]))
        return new_question_view(routed, ASKER, token, found)

    def _ask_again(self, question: dict, token: str | None, now: datetime) -> dict:
        """The same call again: its first answer never left, so the token (if any) is replaced by
        the new one, and the question is routed if it was not yet."""
        if token is not None:
            Questions(self.db).new_token(question, questions.token_hash(token))
        log.info("question %s asked again (the call delivered again)", question["_id"])
        if question["status"] == NEW and question["assignee"] is None and not question["pooled"]:
            return self._assignments().route(question, now)
        return question

    # -- reading ----------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def get_question(self, question_id: str, caller: dict | None = None, token: str | None = None) -> dict:
        """The question with its thread and history, for whoever may see it. The assignee opening
        it picks it up (it is no longer rerouted after the assignment timeout)."""
        question, role = self._seen(question_id, caller, token)
        if role == questions.ASSIGNEE and question["picked_up_at"] is None and question["status"] in OPEN:
            question = self._pick_up(question, datetime.now(UTC)) or question
        return question_view(question, role)

    def _pick_up(self, question: dict, now: datetime) -> dict | None:
        now = utc_ms(now)
        picked = self._assignments().write(
            question, {"assignee": question["assignee"], "routing": question["routing"], "picked_up_at": None},
            {"$set": {"picked_up_at": now}, "$push": {"history": history_entry(now, "picked_up", question["assignee"])}},
            [])
        if picked is not None:
            Deadlines(self.db).drop(question["_id"], PICKUP)
        return picked

    @rpc(expected_exceptions=EXPECTED)
    def list_questions(self, caller: dict, filters: dict | None = None, limit: int = pages.DEFAULT_LIMIT,
                       cursor: str | None = None) -> dict:
        """A wijkwijze's own open questions (`assigned_to` me), the pool, or (admins) all of them,
        oldest first; `status` narrows it down."""
        wanted = validated(QuestionFilters, filters, "the filter")
        roles, sub = caller.get("roles") or [], caller.get("sub")
        admin = "admin" in roles
        if wanted.assigned_to == "all" and not admin:
            raise Forbidden("only admins list every question")
        if wanted.assigned_to == "pool" and not admin and Wijkwijzen(self.db).get(sub) is None:
            raise Forbidden("the pool is for wijkwijzen on the roster")
        query: dict = {"all": {}, "pool": {"pooled": True}, "me": {"assignee": sub}}[wanted.assigned_to]
        statuses = wanted.status or (list(OPEN) if wanted.assigned_to == "me" else [])
        if statuses:
            query["status"] = {"$in": statuses}
        position = pages.decode(cursor, QUESTION_POSITION)
        found = Questions(self.db).listed(query, (position["asked_at"], position["id"]) if position else None)
        return questions_page(pages.page(found, pages.limit_of(limit),
                                         lambda doc: {"asked_at": doc["asked_at"], "id": doc["_id"]}))

    # -- the thread ---------------------------------------------------------------------------------

    def _take_from_pool(self, question: dict, caller: dict, now: datetime) -> dict:
        """A wijkwijze who answers or writes in a pooled question takes it on."""
        now = utc_ms(now)
        taken = self._assignments().write(
            question, {"routing": question["routing"], "pooled": True, "assignee": None},
            {"$set": {"status": ASSIGNED, "pooled": False, "assignee": caller["sub"],
                      "assignee_name": caller.get("name"), "assigned_at": now, "picked_up_at": now},
             "$inc": {"routing": 1},
             "$push": {"history": history_entry(now, "taken_from_pool", caller["sub"])}}, [])
        if taken is None:
            raise Conflict("Een andere wijkwijze heeft de vraag net opgepakt.")
        Wijkwijzen(self.db).hold(caller["sub"], question["_id"])
        return taken

    def _posted(self, question: dict, message: dict) -> QuestionMessagePosted:
        author = message["author"]
        return QuestionMessagePosted(
            question_id=question["_id"], message_id=message["id"], kind=message["kind"], author_role=author["role"],
            author=author.get("sub"), assignee=question.get("assignee"), asker_member=question["asker"]["member"],
            asker_email=question["asker"]["email"], posted_at=message["at"])

    def _first_response(self, question: dict, role: str, now: datetime) -> dict:
        """What a wijkwijze's message or answer sets the first time: picked up, first response."""
        if role == ASKER:
            return {}
        first = {"first_response_at": now} if question["first_response_at"] is None else {}
        return {**first, **({"picked_up_at": now} if question["picked_up_at"] is None else {})}

    def _write_in_thread(self, question_id: str, fields: dict, caller: dict | None, token: str | None,
                         kind: str) -> tuple[dict, str, dict, datetime]:
        """(the question, the caller's role, their new message or answer, now) once they may write it;
        a wijkwijze writing in a pooled question takes it on first."""
        body = validated(MessageFields, fields, f"the {kind}").body
        question, role = self._seen(question_id, caller, token)
        (questions.check_answer if kind == "answer" else questions.check_message)(question, role)
        now = utc_ms(datetime.now(UTC))
        if role == POOL:
            question, role = self._take_from_pool(question, caller, now), questions.ASSIGNEE
        return question, role, threads.message(body, questions.author(role, caller), kind, now), now

    @rpc(expected_exceptions=EXPECTED)
    def post_message(self, question_id: str, fields: dict, caller: dict | None = None, token: str | None = None) -> dict:
        question, role, message, now = self._write_in_thread(question_id, fields, caller, token, "message")
        firsts = self._first_response(question, role, now)
        written = self._assignments().write(
            question, {"status": {"$ne": CLOSED}, **({"assignee": caller["sub"]} if role != ASKER else {})},
            {"$push": {"messages": message}, **({"$set": firsts} if firsts else {})}, [self._posted(question, message)])
        if written is None:
            raise Conflict("De vraag veranderde net (gesloten of aan een ander gegeven); laad haar opnieuw.")
        if firsts:
            Deadlines(self.db).drop(question_id, PICKUP, SLA)
        return question_view(written, role)

    @rpc(expected_exceptions=EXPECTED)
    def answer(self, question_id: str, fields: dict, caller: dict) -> dict:
        """The assignee's answer (a wijkwijze's, for a pooled question): `answered`, and its events;
        with the asker's consent also the Q&A for the kennisbank, without personal data."""
        question, role, message, now = self._write_in_thread(question_id, fields, caller, None, "answer")
        entry = Wijkwijzen(self.db).get(caller["sub"]) or {}
        data = [self._posted(question, message),
                *questions.answered(question, message["body"], entry.get("name"), now)]
        written = self._assignments().write(
            question, {"assignee": caller["sub"], "status": {"$in": list(OPEN)}},
            {"$set": {"status": ANSWERED, "answered_at": now, **self._first_response(question, role, now)},
             "$push": {"messages": message, "history": history_entry(now, "answered", caller["sub"])}}, data)
        if written is None:
            raise Conflict("De vraag veranderde net (beantwoord, gesloten of aan een ander gegeven); laad haar opnieuw.")
        Wijkwijzen(self.db).give_back(caller["sub"], question_id)
        Deadlines(self.db).drop(question_id, PICKUP, SLA)
        log.info("question %s answered by %s", question_id, caller["sub"])
        return question_view(written, role)

    @rpc(expected_exceptions=EXPECTED)
    def decline(self, question_id: str, fields: dict, caller: dict) -> dict:
        """The assignee gives the question back: it is routed again, never to them."""
        reason = validated(Reason, fields, "the decline").reason
        question, role = self._seen(question_id, caller, None)
        questions.check_decline(question, role)
        now = utc_ms(datetime.now(UTC))
        if self._assignments().pass_on(question, "declined", now, reason) is None:
            raise Conflict("De vraag veranderde net; laad haar opnieuw.")
        log.info("question %s declined by %s", question_id, caller["sub"])
        # the question is no longer theirs to see: a receipt
        return shown(Declined, {"id": question_id, "declined_at": jsonable(now)})

    @rpc(expected_exceptions=EXPECTED)
    def close(self, question_id: str, caller: dict | None = None, token: str | None = None) -> dict:
        question, role = self._seen(question_id, caller, token)
        questions.check_close(question, role)
        now = utc_ms(datetime.now(UTC))
        written = self._assignments().write(
            question, {"status": {"$ne": CLOSED}},
            {"$set": {"status": CLOSED, "closed_at": now, "pooled": False},
             "$push": {"history": history_entry(now, "closed", (caller or {}).get("sub"))}},
            [questions.closed(question, now)])
        if written is None:
            raise Conflict("De vraag is al gesloten.")
        Wijkwijzen(self.db).give_back(question.get("assignee"), question_id)
        Deadlines(self.db).drop(question_id, ROUTE, PICKUP, SLA)
        return question_view(written, role)

    @rpc(expected_exceptions=EXPECTED)
    def reopen(self, question_id: str, caller: dict | None = None, token: str | None = None) -> dict:
        """An answered or closed question open again: back with its wijkwijze, or routed anew when
        it never had one."""
        question, role = self._seen(question_id, caller, token)
        questions.check_reopen(question, role)
        now = utc_ms(datetime.now(UTC))
        assignee = question.get("assignee")
        if assignee is None:
            Deadlines(self.db).set(question_id, ROUTE, now + ROUTING_GRACE)
        written = self._assignments().write(
            question, {"status": {"$in": [ANSWERED, CLOSED]}, "routing": question["routing"]},
            {"$set": {"status": REOPENED if assignee else NEW, "closed_at": None},
             "$push": {"history": history_entry(now, "reopened", (caller or {}).get("sub"))}},
            [QuestionReopened(question_id=question_id, assignee=assignee, reopened_at=now)])
        if written is None:
            raise Conflict("De vraag veranderde net; laad haar opnieuw.")
        if assignee:
            Wijkwijzen(self.db).hold(assignee, question_id)
        else:
            written = self._assignments().route(written, now)
        return question_view(written, role)

    # -- what falls due -----------------------------------------------------------------------------

    @configured_timer(DEADLINE_INTERVAL, 30)
    def handle_deadlines(self) -> None:
        """Assignment timeouts, first-response deadlines, questions a dead process left unrouted.
        One replica sweeps at a time (a claim); each step is a conditional write of its question,
        and an escalation's event id is fixed per question, so nothing happens twice."""
        with Claims(self.db).hold("helpdesk-deadlines", DEADLINE_CLAIM) as claim:
            if claim is None:
                return
            deadlines, now = Deadlines(self.db), datetime.now(UTC)
            for due in deadlines.due(now):
                try:
                    question = Questions(self.db).find(due["question_id"])
                except NotFound:   # the write it was set before never happened
                    deadlines.drop(due["question_id"], due["kind"])
                    continue
                {ROUTE: self._route_left, PICKUP: self._timed_out, SLA: self._escalate}[due["kind"]](question, now)
                claim.renew()

    def _route_left(self, question: dict, now: datetime) -> None:
        self._assignments().settle(question, now)

    def _timed_out(self, question: dict, now: datetime) -> None:
        if question["assignee"] and question["picked_up_at"] is None and question["status"] in OPEN \
                and question["pickup_due"] and question["pickup_due"] <= now:
            log.info("question %s not picked up by %s in time: routed again", question["_id"], question["assignee"])
            self._assignments().pass_on(question, "timeout", now)
        else:
            Deadlines(self.db).drop(question["_id"], PICKUP)

    def _escalate(self, question: dict, now: datetime) -> None:
        """The first response is overdue: the admins are told, once."""
        if question["first_response_at"] is None and question["escalated_at"] is None and question["status"] != CLOSED:
            now = utc_ms(now)
            self._assignments().write(
                question, {"first_response_at": None, "escalated_at": None},
                {"$set": {"escalated_at": now}, "$push": {"history": history_entry(
                    now, "escalated", None, note=f"geen eerste reactie binnen {self._working_days()} werkdagen")}},
                [QuestionEscalated(question_id=question["_id"], title=question["title"], assignee=question["assignee"],
                                   pooled=question["pooled"], asked_at=question["asked_at"],
                                   first_response_due=question["first_response_due"], escalated_at=now)])
            log.info("question %s escalated: no first response by %s", question["_id"], question["first_response_due"])
        Deadlines(self.db).drop(question["_id"], SLA)

