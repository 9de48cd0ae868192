"""Workflow rules with no I/O: who sees what, submitting, reviewing, editing, withdrawing, review dates.

Each rule takes the stored document and returns a `Change`: the fields to set, the
history entries and the events it causes. storage.py writes all of it in one
single-document update, so a change and its events are never separated.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from wijkwijzer.cloudevents import EventData
from wijkwijzer.errors import Conflict, Invalid, NotFound, validated
from wijkwijzer.times import AMSTERDAM

from . import text, workflow
from .events import (
    PublicationChanged,
    PublicationChangesRequested,
    PublicationPublished,
    PublicationRejected,
    PublicationReviewDue,
    PublicationSubmitted,
    PublicationUpdated,
    PublicationWithdrawn,
)
from .rendering import body_html
from .schemas import CONTENT, Changes
from .vocabulary import check_taxonomy
from .workflow import AUTHOR, EDITOR, PUBLISHED, SUBMITTED

EDITOR_ROLES = frozenset({"editor", "admin"})
REVIEW_PERIOD_DAYS = 730   # default from publication (or an editor's confirmation) to the next review
# The account that owns drafts made from helpdesk answers.
VRAAGBAAK = {"sub": "vraagbaak", "name": "Vraagbaak"}
SYSTEM = "system"   # `by` of history entries the platform itself makes (review dates, flags)

# Why a publication is in the editors' review queue.
QUEUE_SUBMITTED, QUEUE_REVISION, QUEUE_FLAGGED, QUEUE_REVIEW_DUE = "submitted", "revision", "flagged", "review_due"
QUEUE_REASONS = (QUEUE_SUBMITTED, QUEUE_REVISION, QUEUE_FLAGGED, QUEUE_REVIEW_DUE)


def today(now: datetime) -> str:
    """The date on the Dutch clock, as stored (ISO, so it compares as text)."""
    return now.astimezone(AMSTERDAM).date().isoformat()


def check_review_due(content: dict, now: datetime) -> None:
    due = content.get("review_due")
    if due is not None and due < today(now):
        raise Invalid("the review date has passed", [{"field": "review_due", "message": "must not be in the past"}])


def indexed(content: dict) -> dict:
    """`content` with what is derived from it: the sanitised HTML and the search terms."""
    return {
        **content,
        "body_html": body_html(content["body"]),
        # relevance ranks title matches first, so the title's terms are kept apart too
        "title_terms": text.terms(content["title"]),
        "terms": text.terms(content["title"], content["summary"], content["body"]),
    }


# -- who sees what --------------------------------------------------------------------------------

def capacities(doc: dict, viewer: dict | None) -> set[str]:
    """In which capacities the viewer deals with this publication: its author, an editor."""
    if not viewer:
        return set()
    found = set()
    if viewer.get("sub") == doc["author"]["sub"]:
        found.add(AUTHOR)
    if EDITOR_ROLES & set(viewer.get("roles") or []):
        found.add(EDITOR)
    return found


def visible_to_everyone(doc: dict) -> bool:
    return doc["status"] == PUBLISHED and not doc.get("hidden")


def may_view(doc: dict, viewer: dict | None) -> bool:
    return visible_to_everyone(doc) or bool(capacities(doc, viewer))


def check_visible(doc: dict, viewer: dict | None) -> set[str]:
    """The viewer's capacities; NotFound when they may not know the publication exists."""
    if not may_view(doc, viewer):
        raise NotFound(f"no publication {doc['_id']!r}")
    return capacities(doc, viewer)


# -- changes --------------------------------------------------------------------------------------

@dataclass
class Change:
    """What a rule changes in one publication, written in one single-document update."""

    set: dict[str, Any]
    history: list[dict] = field(default_factory=list)
    events: list[EventData] = field(default_factory=list)
    resolves_flags: str | None = None   # the open flags become "dismissed" or "upheld"


def history_entry(now: datetime, by: str, action: str, note: str | None = None) -> dict:
    return {"at": now, "by": by, "action": action, "note": note}


def queue_of(doc: dict) -> list[str]:
    """Why editors should look at this publication now (empty: they need not)."""
    reasons = []
    if doc["status"] == SUBMITTED:
        reasons.append(QUEUE_SUBMITTED)
    if doc["status"] == PUBLISHED:
        if (doc.get("revision") or {}).get("status") == "pending":
            reasons.append(QUEUE_REVISION)
        if doc.get("open_flags"):
            reasons.append(QUEUE_FLAGGED)
        if doc.get("due_for_review"):
            reasons.append(QUEUE_REVIEW_DUE)
    return reasons


def change(doc: dict, changes: dict, now: datetime, history: list[dict],
           events: list[EventData] = (), resolves_flags: str | None = None) -> Change:
    changes = {**changes, "updated_at": now}
    if resolves_flags:
        # flags from before this moment no longer count, even while their own status still says
        # open (they are marked after this change is stored)
        changes["flags_resolved_at"] = now
    changes["queue"] = queue_of({**doc, **changes})
    return Change(set=changes, history=history, events=list(events), resolves_flags=resolves_flags)


def _content_of(doc: dict) -> dict:
    return {"id": doc["_id"], "slug": doc["slug"], "title": doc["title"], "summary": doc["summary"],
            "kind": doc["kind"], "topics": doc["topics"], "audiences": doc["audiences"],
            "focus_areas": doc["focus_areas"], "organisation": doc["organisation"]}


def next_review(now: datetime, period_days: int = REVIEW_PERIOD_DAYS) -> str:
    return (now.astimezone(AMSTERDAM).date() + timedelta(days=period_days)).isoformat()


def submit(doc: dict, actor: dict, now: datetime) -> Change:
    """The author asks editors to review a draft (or a publication sent back for changes)."""
    workflow.check_actor(workflow.SUBMIT, check_visible(doc, actor))
    status = workflow.next_status(doc["status"], workflow.SUBMIT)
    event = PublicationSubmitted(
        id=doc["_id"], slug=doc["slug"], title=doc["title"], kind=doc["kind"], topics=doc["topics"],
        audiences=doc["audiences"], focus_areas=doc["focus_areas"], organisation=doc["organisation"],
        submitted_at=now)
    return change(doc, {"status": status}, now, [history_entry(now, actor["sub"], "submitted")], [event])


def _decided(cls: type, doc: dict, note: str, now: datetime, revision: bool) -> EventData:
    return cls(id=doc["_id"], slug=doc["slug"], title=doc["title"], author_sub=doc["author"]["sub"],
               note=note, revision=revision, decided_at=now)


def review(doc: dict, decision: str, note: str | None, actor: dict, now: datetime,
           review_period_days: int = REVIEW_PERIOD_DAYS) -> Change:
    """An editor's decision about whatever waits for one: a submission, else a pending
    revision, else open flags or a passed review date (`publish` then means "it stays,
    as it is"). Conflict when nothing waits."""
    workflow.check_actor(workflow.PUBLISH, check_visible(doc, actor))
    if decision not in workflow.DECISIONS:
        raise Invalid("unknown decision", [{"field": "decision", "message": f"one of {list(workflow.DECISIONS)}"}])
    note = (note or "").strip() or None
    if decision in workflow.NOTE_REQUIRED and not note:
        raise Invalid("a note for the author is required",
                      [{"field": "note", "message": "say what should change or why it is rejected"}])
    by = actor["sub"]
    if doc["status"] != PUBLISHED:
        status = workflow.next_status(doc["status"], decision)
        changes: dict[str, Any] = {"status": status}
        history = [history_entry(now, by, workflow.RECORDED[decision], note)]
        if decision == workflow.PUBLISH:
            published_at = doc.get("published_at") or now
            changes.update(published_at=published_at, listed_at=published_at,
                           review_due=doc.get("review_due") or next_review(now, review_period_days))
            event = PublicationPublished(**_content_of(doc), published_at=published_at)
        elif decision == workflow.REQUEST_CHANGES:
            event = _decided(PublicationChangesRequested, doc, note, now, revision=False)
        else:
            event = _decided(PublicationRejected, doc, note, now, revision=False)
        return change(doc, changes, now, history, [event])

    revision = doc.get("revision") or {}
    if revision.get("status") == "pending":
        return _decide_revision(doc, revision, decision, note, by, now, review_period_days)
    if doc.get("open_flags") or doc.get("due_for_review"):
        if decision != workflow.PUBLISH:
            raise Conflict("a published publication stays (publish) or is withdrawn; "
                           "use withdraw to take it down")
        return _confirm(doc, by, note, now, review_period_days)
    raise Conflict("nothing about this publication waits for a review")


def _confirm(doc: dict, by: str, note: str | None, now: datetime, review_period_days: int) -> Change:
    """An editor checked the published text: open flags are dismissed, the review date moves on."""
    changes: dict[str, Any] = {"hidden": False, "open_flags": 0, "due_for_review": False}
    history = []
    if doc.get("open_flags"):
        history.append(history_entry(now, by, "flags_dismissed", note))
    if doc.get("due_for_review"):
        changes["review_due"] = next_review(now, review_period_days)
        history.append(history_entry(now, by, "review_confirmed", note))
    return change(doc, changes, now, history, resolves_flags="dismissed" if doc.get("open_flags") else None)


def _decide_revision(doc: dict, revision: dict, decision: str, note: str | None, by: str,
                     now: datetime, review_period_days: int) -> Change:
    if decision == workflow.PUBLISH:
        confirmed = _confirm(doc, by, note, now, review_period_days)
        content = {name: doc[name] for name in CONTENT} | revision["fields"]
        changes = {**confirmed.set, **indexed(content), "revision": None,
                   "version": doc["version"] + 1}
        updated = {**doc, **changes}
        event = PublicationUpdated(**_content_of(updated), published_at=doc["published_at"],
                                   version=updated["version"], updated_at=now)
        changes.pop("version")   # storage increments it; the event names the version it makes
        return change(doc, changes, now, [history_entry(now, by, "revision_published", note), *confirmed.history],
                      [event], resolves_flags=confirmed.resolves_flags)
    if decision == workflow.REQUEST_CHANGES:
        return change(doc, {"revision": {**revision, "status": "changes_requested", "note": note}}, now,
                      [history_entry(now, by, "revision_changes_requested", note)],
                      [_decided(PublicationChangesRequested, doc, note, now, revision=True)])
    return change(doc, {"revision": None}, now, [history_entry(now, by, "revision_rejected", note)],
                  [_decided(PublicationRejected, doc, note, now, revision=True)])


def withdraw(doc: dict, actor: dict, note: str | None, now: datetime) -> Change:
    """Its author or an editor takes a published publication down; open flags are upheld."""
    workflow.check_actor(workflow.WITHDRAW, check_visible(doc, actor))
    status = workflow.next_status(doc["status"], workflow.WITHDRAW)
    changes = {"status": status, "hidden": False, "open_flags": 0, "due_for_review": False, "revision": None}
    return change(doc, changes, now, [history_entry(now, actor["sub"], "withdrawn", (note or "").strip() or None)],
                  [PublicationWithdrawn(id=doc["_id"], slug=doc["slug"], withdrawn_at=now)],
                  resolves_flags="upheld" if doc.get("open_flags") else None)


def edit(doc: dict, fields: dict, actor: dict, now: datetime, based_on: int | None = None) -> Change:
    """An edit. The author edits a draft (or one sent back) directly; their edit of a
    published publication becomes a pending revision that an editor approves. Editors
    edit directly, also what is published (a `publication.updated` event). An edit based on
    an older version than the stored one is refused rather than overwrite what changed since."""
    if based_on is not None and (type(based_on) is not int or based_on < 1):
        raise Invalid("invalid version", [{"field": "version", "message": "the version number GET showed"}])
    if based_on is not None and based_on != doc["version"]:
        raise Conflict(f"the publication changed since version {based_on} (it is at version {doc['version']}); "
                       "reload it and edit again")
    given = validated(Changes, fields, "the publication").model_dump(mode="json", exclude_unset=True)
    if not given:
        raise Invalid("nothing to change", [{"field": "body", "message": "give at least one field"}])
    nullable = {"organisation", "review_due"}
    nulls = [name for name, value in given.items() if value is None and name not in nullable]
    if nulls:
        raise Invalid("fields may not be null", [{"field": n, "message": "may not be null"} for n in nulls])
    check_taxonomy(given)
    check_review_due(given, now)
    capacity = check_visible(doc, actor)
    status, by = doc["status"], actor["sub"]
    if status in (workflow.REJECTED, workflow.WITHDRAWN):
        raise Conflict(f"a {status} publication cannot be edited")
    if EDITOR in capacity:
        content = {name: doc[name] for name in CONTENT} | given
        changes = indexed(content)
        events: list[EventData] = []
        if status == PUBLISHED:
            updated = {**doc, **changes, "version": doc["version"] + 1}
            events.append(PublicationUpdated(**_content_of(updated), published_at=doc["published_at"],
                                             version=updated["version"], updated_at=now))
        return change(doc, changes, now, [history_entry(now, by, "edited")], events)
    workflow.check_actor(workflow.EDIT, capacity)   # not an editor: the author, then
    if status == SUBMITTED:
        raise Conflict("a submitted publication waits for an editor; it can be edited again "
                       "once the editor sends it back")
    if status == PUBLISHED:
        # only the fields the author changed, so an editor's edit meanwhile of another field survives
        earlier = (doc.get("revision") or {}).get("fields", {})
        revision = {"fields": earlier | given, "status": "pending", "by": by, "at": now, "note": None}
        return change(doc, {"revision": revision}, now, [history_entry(now, by, "revision_proposed")])
    content = {name: doc[name] for name in CONTENT} | given
    return change(doc, indexed(content), now, [history_entry(now, by, "edited")])


def review_due_passed(doc: dict, now: datetime) -> Change | None:
    """The change that puts a published publication whose review date passed in the review
    queue and tells its organisation's editors; None when it is not due (or already is)."""
    due = doc.get("review_due")
    if doc["status"] != PUBLISHED or doc.get("due_for_review") or due is None or due > today(now):
        return None
    event = PublicationReviewDue(id=doc["_id"], slug=doc["slug"], title=doc["title"],
                                 organisation=doc["organisation"], author_sub=doc["author"]["sub"],
                                 review_due=date.fromisoformat(due))
    return change(doc, {"due_for_review": True}, now,
                   [history_entry(now, SYSTEM, "review_due", f"review date {due} passed")], [event])


def review_due_event_id(doc: dict) -> str:
    """The same id for the notice of one review date, whichever replica raises it."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"wijkwijzer:publication:{doc['_id']}:review_due:{doc['review_due']}"))



def changed(doc: dict, version: int) -> PublicationChanged:
    """The event every write of a publication sends, naming the version it makes."""
    return PublicationChanged(id=doc["_id"], version=version)
