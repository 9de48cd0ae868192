"""Publication rules with no I/O: drafting, editing, review, flags, review dates, who sees what.

Each rule takes the stored document and returns a `Change`: the fields to set, the
history entries and the events it causes. storage.py writes all of it in one
single-document update, so a change and its events are never separated.
"""
from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from slugify import slugify
from wijkwijzer import taxonomy
from wijkwijzer.cloudevents import EventData
from wijkwijzer.errors import Conflict, Invalid, NotFound, field_errors
from wijkwijzer.times import AMSTERDAM

from . import text, workflow
from .events import (
    PublicationChangesRequested,
    PublicationFlagged,
    PublicationPublished,
    PublicationRejected,
    PublicationReviewDue,
    PublicationSubmitted,
    PublicationUpdated,
    PublicationWithdrawn,
    QuestionAnsweredWithConsent,
)
from .rendering import body_html
from .workflow import AUTHOR, EDITOR, PUBLISHED, SUBMITTED

EDITOR_ROLES = frozenset({"editor", "admin"})
FLAGS_TO_HIDE = 3
REVIEW_PERIOD_DAYS = 730   # default from publication (or an editor's confirmation) to the next review
# The account that owns drafts made from helpdesk answers.
VRAAGBAAK = {"sub": "vraagbaak", "name": "Vraagbaak"}
SYSTEM = "system"   # `by` of history entries the platform itself makes (review dates)

# Why a publication is in the editors' review queue.
QUEUE_SUBMITTED, QUEUE_REVISION, QUEUE_FLAGGED, QUEUE_REVIEW_DUE = "submitted", "revision", "flagged", "review_due"
QUEUE_REASONS = (QUEUE_SUBMITTED, QUEUE_REVISION, QUEUE_FLAGGED, QUEUE_REVIEW_DUE)

# -- what authors write ---------------------------------------------------------------------------

_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"   # no NUL or other control characters but tab and newlines
Title = Annotated[str, StringConstraints(min_length=3, max_length=200, pattern=_TEXT)]
Summary = Annotated[str, StringConstraints(max_length=1000, pattern=_TEXT)]
Body = Annotated[str, StringConstraints(max_length=100_000, pattern=_TEXT)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=_TEXT)]


class Link(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: Name
    url: Annotated[str, StringConstraints(max_length=2000, pattern=r"^https?://[^\s]+$")]


class DraftFields(BaseModel):
    """What an author provides for a new draft (any RPC caller, not only the gateway)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: Title
    summary: Summary = ""
    body: Body = ""
    kind: str
    topics: list[str] = Field(default_factory=list, max_length=10)
    audiences: list[str] = Field(default_factory=list, max_length=10)
    focus_areas: list[str] = Field(default_factory=list, max_length=20)
    organisation: str | None = None
    authors: list[Name] = Field(default_factory=list, max_length=20)
    links: list[Link] = Field(default_factory=list, max_length=20)
    review_due: date | None = None


class Changes(BaseModel):
    """An edit: only the fields given change. A field given as null is refused where it
    cannot be empty (defaults are not validated, explicit values are)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: Title = None
    summary: Summary = None
    body: Body = None
    kind: str = None
    topics: list[str] = Field(default=None, max_length=10)
    audiences: list[str] = Field(default=None, max_length=10)
    focus_areas: list[str] = Field(default=None, max_length=20)
    organisation: str | None = None
    authors: list[Name] = Field(default=None, max_length=20)
    links: list[Link] = Field(default=None, max_length=20)
    review_due: date | None = None


class Author(BaseModel):
    sub: str = Field(min_length=1)
    name: str | None = None


CONTENT = tuple(DraftFields.model_fields)   # the fields an author writes


def check_taxonomy(fields: dict) -> None:
    """Raise Invalid naming each field whose slugs the taxonomy does not know."""
    errors = []
    for name, vocabulary in (("kind", "publication_kinds"), ("topics", "topics"),
                             ("audiences", "audiences"), ("focus_areas", "focus_areas"),
                             ("organisation", "organisations")):
        value = fields.get(name)
        if value is None:
            continue
        try:
            taxonomy.check(vocabulary, [value] if isinstance(value, str) else value)
        except taxonomy.UnknownSlug as exc:
            errors.append({"field": name, "message": str(exc)})
    if errors:
        raise Invalid("unknown taxonomy values", errors)


def _validated(model: type[BaseModel], fields: Any, **dump: Any) -> dict:
    try:
        return model.model_validate(fields).model_dump(mode="json", **dump)
    except ValidationError as exc:
        raise Invalid("the publication has invalid fields", field_errors(exc)) from None


def today(now: datetime) -> str:
    """The date on the Dutch clock, as stored (ISO, so it compares as text)."""
    return now.astimezone(AMSTERDAM).date().isoformat()


def _check_review_due(content: dict, now: datetime) -> None:
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


# -- new publications -----------------------------------------------------------------------------

def new_draft(fields: dict, author: dict, now: datetime, idempotency_key: str | None = None) -> dict:
    """A new draft publication document; Invalid naming each bad field."""
    content = _validated(DraftFields, fields)
    author = _validated(Author, author)
    check_taxonomy(content)
    _check_review_due(content, now)
    if not content["authors"] and author.get("name"):
        content["authors"] = [author["name"]]
    publication_id = uuid.uuid4().hex
    doc = {
        "_id": publication_id,
        "idempotency_key": idempotency_key or publication_id,
        # the id suffix keeps slugs unique without a lookup; titles often repeat. Never changes.
        "slug": f"{slugify(content['title'], max_length=80)}-{publication_id[:6]}",
        **indexed(content),
        "author": {"sub": author["sub"], "name": author.get("name")},
        "status": workflow.DRAFT,
        "hidden": False,
        "open_flags": 0,
        "revision": None,
        "due_for_review": False,
        "queue": [],
        "history": [_entry(now, author["sub"], "created")],
        "created_at": now,
        "updated_at": now,
        "published_at": None,
        # the date lists sort by: when first published, until then when created; never moves
        # afterwards, so a list paged by it shows nothing twice
        "listed_at": now,
        "version": 1,
    }
    return doc


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+31|0031|0)[\s-]?(?:\(?\d{1,3}\)?[\s-]?)\d(?:[\s-]?\d){5,8}(?!\d)")
_POSTCODE = re.compile(r"\b\d{4}\s?[A-Z]{2}\b")


def without_contact_details(value: str) -> str:
    """Text with e-mail addresses, phone numbers and postcodes replaced by placeholders:
    a question's text may carry them; a publication never should."""
    value = _EMAIL.sub("[e-mailadres]", value)
    value = _PHONE.sub("[telefoonnummer]", value)
    return _POSTCODE.sub("[postcode]", value)


def question_draft(data: dict, now: datetime) -> dict:
    """A `vraag-en-antwoord` publication from a question answered with consent to publish,
    submitted for editors to review. Only the question's title, text, answer, topics and
    focus area are used; contact details in the text are left out."""
    question = QuestionAnsweredWithConsent.model_validate(data)
    known_topics = taxonomy.load().slugs("topics")
    known_areas = taxonomy.load().slugs("focus_areas")
    body = (f"## Vraag\n\n{without_contact_details(question.body)}\n\n"
            f"## Antwoord\n\n{without_contact_details(question.answer)}\n")
    summary = without_contact_details(question.answer)
    fields = {
        "title": without_contact_details(question.title)[:200].ljust(3, "."),
        "summary": summary if len(summary) <= 300 else summary[:297].rsplit(" ", 1)[0] + "…",
        "body": body[:100_000],
        "kind": "vraag-en-antwoord",
        # the helpdesk shares the taxonomy; a slug it knows and we don't yet is left out, not fatal
        "topics": [t for t in question.topics if t in known_topics][:10],
        "focus_areas": [question.focus_area] if question.focus_area in known_areas else [],
        "authors": [VRAAGBAAK["name"]],
    }
    doc = new_draft(fields, VRAAGBAAK, now, idempotency_key=f"question:{question.question_id}")
    doc["status"] = SUBMITTED
    doc["queue"] = queue_of(doc)
    doc["history"].append(_entry(now, VRAAGBAAK["sub"], "submitted",
                                 f"from helpdesk question {question.question_id}"))
    return doc


def imported(fields: dict, author: dict, now: datetime) -> dict:
    """A publication that is published as it is stored (demo data, the search benchmark)."""
    doc = new_draft(fields, author, now)
    doc.update(status=PUBLISHED, published_at=now, review_due=doc["review_due"] or _next_review(now))
    doc["history"].append(_entry(now, author["sub"], "published", "imported"))
    return doc


# -- changes --------------------------------------------------------------------------------------

@dataclass
class Change:
    """What a rule changes in one publication, written in one single-document update."""

    set: dict[str, Any]
    history: list[dict] = field(default_factory=list)
    events: list[EventData] = field(default_factory=list)
    resolves_flags: str | None = None   # the open flags become "dismissed" or "upheld"


def _entry(now: datetime, by: str, action: str, note: str | None = None) -> dict:
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


def _change(doc: dict, changes: dict, now: datetime, history: list[dict],
            events: list[EventData] = (), resolves_flags: str | None = None) -> Change:
    changes = {**changes, "updated_at": now}
    changes["queue"] = queue_of({**doc, **changes})
    return Change(set=changes, history=history, events=list(events), resolves_flags=resolves_flags)


def _content_of(doc: dict) -> dict:
    return {"id": doc["_id"], "slug": doc["slug"], "title": doc["title"], "summary": doc["summary"],
            "kind": doc["kind"], "topics": doc["topics"], "audiences": doc["audiences"],
            "focus_areas": doc["focus_areas"], "organisation": doc["organisation"]}


def _next_review(now: datetime, period_days: int = REVIEW_PERIOD_DAYS) -> str:
    return (now.astimezone(AMSTERDAM).date() + timedelta(days=period_days)).isoformat()


def submit(doc: dict, actor: dict, now: datetime) -> Change:
    """The author asks editors to review a draft (or a publication sent back for changes)."""
    workflow.check_actor(workflow.SUBMIT, check_visible(doc, actor))
    status = workflow.next_status(doc["status"], workflow.SUBMIT)
    event = PublicationSubmitted(
        id=doc["_id"], slug=doc["slug"], title=doc["title"], kind=doc["kind"], topics=doc["topics"],
        audiences=doc["audiences"], focus_areas=doc["focus_areas"], organisation=doc["organisation"],
        submitted_at=now)
    return _change(doc, {"status": status}, now, [_entry(now, actor["sub"], "submitted")], [event])


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
        history = [_entry(now, by, workflow.RECORDED[decision], note)]
        if decision == workflow.PUBLISH:
            published_at = doc.get("published_at") or now
            changes.update(published_at=published_at, listed_at=published_at,
                           review_due=doc.get("review_due") or _next_review(now, review_period_days))
            event = PublicationPublished(**_content_of(doc), published_at=published_at)
        elif decision == workflow.REQUEST_CHANGES:
            event = _decided(PublicationChangesRequested, doc, note, now, revision=False)
        else:
            event = _decided(PublicationRejected, doc, note, now, revision=False)
        return _change(doc, changes, now, history, [event])

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
        history.append(_entry(now, by, "flags_dismissed", note))
    if doc.get("due_for_review"):
        changes["review_due"] = _next_review(now, review_period_days)
        history.append(_entry(now, by, "review_confirmed", note))
    return _change(doc, changes, now, history, resolves_flags="dismissed" if doc.get("open_flags") else None)


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
        return _change(doc, changes, now, [_entry(now, by, "revision_published", note), *confirmed.history],
                       [event], resolves_flags=confirmed.resolves_flags)
    if decision == workflow.REQUEST_CHANGES:
        return _change(doc, {"revision": {**revision, "status": "changes_requested", "note": note}}, now,
                       [_entry(now, by, "revision_changes_requested", note)],
                       [_decided(PublicationChangesRequested, doc, note, now, revision=True)])
    return _change(doc, {"revision": None}, now, [_entry(now, by, "revision_rejected", note)],
                   [_decided(PublicationRejected, doc, note, now, revision=True)])


def withdraw(doc: dict, actor: dict, note: str | None, now: datetime) -> Change:
    """Its author or an editor takes a published publication down; open flags are upheld."""
    workflow.check_actor(workflow.WITHDRAW, check_visible(doc, actor))
    status = workflow.next_status(doc["status"], workflow.WITHDRAW)
    changes = {"status": status, "hidden": False, "open_flags": 0, "due_for_review": False, "revision": None}
    return _change(doc, changes, now, [_entry(now, actor["sub"], "withdrawn", (note or "").strip() or None)],
                   [PublicationWithdrawn(id=doc["_id"], slug=doc["slug"], withdrawn_at=now)],
                   resolves_flags="upheld" if doc.get("open_flags") else None)


def edit(doc: dict, fields: dict, actor: dict, now: datetime) -> Change:
    """An edit. The author edits a draft (or one sent back) directly; their edit of a
    published publication becomes a pending revision that an editor approves. Editors
    edit directly, also what is published (a `publication.updated` event)."""
    given = _validated(Changes, fields, exclude_unset=True)
    if not given:
        raise Invalid("nothing to change", [{"field": "body", "message": "give at least one field"}])
    nullable = {"organisation", "review_due"}
    nulls = [name for name, value in given.items() if value is None and name not in nullable]
    if nulls:
        raise Invalid("fields may not be null", [{"field": n, "message": "may not be null"} for n in nulls])
    check_taxonomy(given)
    _check_review_due(given, now)
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
        return _change(doc, changes, now, [_entry(now, by, "edited")], events)
    workflow.check_actor(workflow.SUBMIT, capacity)   # the author, then
    if status == SUBMITTED:
        raise Conflict("a submitted publication waits for an editor; it can be edited again "
                       "once the editor sends it back")
    if status == PUBLISHED:
        # only the fields the author changed, so an editor's edit meanwhile of another field survives
        earlier = (doc.get("revision") or {}).get("fields", {})
        revision = {"fields": earlier | given, "status": "pending", "by": by, "at": now, "note": None}
        return _change(doc, {"revision": revision}, now, [_entry(now, by, "revision_proposed")])
    content = {name: doc[name] for name in CONTENT} | given
    return _change(doc, indexed(content), now, [_entry(now, by, "edited")])


def reporter_key(reporter: dict) -> str:
    """Who flagged, as stored: the account, or for anonymous readers a hash of their address
    (one open flag each; no address is stored)."""
    if reporter.get("sub"):
        return f"sub:{reporter['sub']}"
    address = reporter.get("address") or "unknown"
    return "address:" + hashlib.sha256(address.encode()).hexdigest()[:24]


def open_flag_key(publication_id: str, reporter: str) -> str:
    """Unique among open flags: a reader has one open flag per publication."""
    return f"{publication_id}/{reporter}"


def flag(doc: dict, reason: str, reporter: dict, now: datetime) -> dict:
    """A reader's flag of a published publication, as stored in the flags collection.

    Flags are documents of their own, not an array in the publication: readers flag at the
    same moment, and a unique insert per flag is atomic on every server we run on."""
    reason = (reason or "").strip()
    if not 3 <= len(reason) <= 1000:
        raise Invalid("a reason is required", [{"field": "reason", "message": "3 to 1000 characters"}])
    check_visible(doc, reporter)
    if doc["status"] != PUBLISHED:
        raise Conflict(f"a {doc['status']} publication cannot be flagged")
    key = reporter_key(reporter)
    return {"_id": uuid.uuid4().hex, "publication_id": doc["_id"], "reporter": key, "reason": reason,
            "at": now, "status": "open", "open_key": open_flag_key(doc["_id"], key)}


def flagged(doc: dict, new_flag: dict, open_flags: int) -> PublicationFlagged:
    return PublicationFlagged(id=doc["_id"], slug=doc["slug"], title=doc["title"],
                              organisation=doc["organisation"], reason=new_flag["reason"], open_flags=open_flags,
                              hidden=hides(doc, open_flags), flagged_at=new_flag["at"])


def hides(doc: dict, open_flags: int) -> bool:
    return bool(doc.get("hidden")) or open_flags >= FLAGS_TO_HIDE


def flags_counted(doc: dict, open_flags: int, now: datetime) -> Change | None:
    """The publication brought in line with its number of open flags: hidden from
    FLAGS_TO_HIDE on (only an editor's decision shows it again). None when it already is."""
    hidden = hides(doc, open_flags)
    if doc.get("open_flags") == open_flags and doc.get("hidden") == hidden:
        return None
    history = [] if hidden == doc.get("hidden") else [_entry(now, SYSTEM, "hidden", f"{open_flags} open flags")]
    return _change(doc, {"open_flags": open_flags, "hidden": hidden}, now, history)


def review_due_passed(doc: dict, now: datetime) -> Change | None:
    """The change that puts a published publication whose review date passed in the review
    queue and tells its organisation's editors; None when it is not due (or already is)."""
    due = doc.get("review_due")
    if doc["status"] != PUBLISHED or doc.get("due_for_review") or due is None or due > today(now):
        return None
    event = PublicationReviewDue(id=doc["_id"], slug=doc["slug"], title=doc["title"],
                                 organisation=doc["organisation"], author_sub=doc["author"]["sub"],
                                 review_due=date.fromisoformat(due))
    return _change(doc, {"due_for_review": True}, now,
                   [_entry(now, SYSTEM, "review_due", f"review date {due} passed")], [event])


def review_due_event_id(doc: dict) -> str:
    """The same id for the notice of one review date, whichever replica raises it."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"wijkwijzer:publication:{doc['_id']}:review_due:{doc['review_due']}"))
