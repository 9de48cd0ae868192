"""Publication rules with no I/O: drafting, who may see a publication, submitting."""
from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slugify import slugify
from wijkwijzer import taxonomy
from wijkwijzer.errors import Conflict, Invalid, field_errors

from .events import PublicationSubmitted

DRAFT, SUBMITTED, PUBLISHED = "draft", "submitted", "published"
EDITOR = "editor"


def check_taxonomy(fields: dict) -> None:
    """Raise Invalid naming each field whose slugs the taxonomy does not know."""
    errors = []
    for field, vocabulary in (("kind", "publication_kinds"), ("topics", "topics"),
                              ("audiences", "audiences"), ("focus_areas", "focus_areas"),
                              ("organisation", "organisations")):
        value = fields.get(field)
        if value is None:
            continue
        try:
            taxonomy.check(vocabulary, [value] if isinstance(value, str) else value)
        except taxonomy.UnknownSlug as exc:
            errors.append({"field": field, "message": str(exc)})
    if errors:
        raise Invalid("unknown taxonomy values", errors)


class DraftFields(BaseModel):
    """What an author provides for a new draft (any RPC caller, not only the gateway)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: str = Field(min_length=3, max_length=200)
    summary: str = Field(default="", max_length=1000)
    body: str = Field(default="", max_length=100_000)
    kind: str
    topics: list[str] = Field(default_factory=list, max_length=10)
    audiences: list[str] = Field(default_factory=list, max_length=10)
    focus_areas: list[str] = Field(default_factory=list, max_length=20)
    organisation: str | None = None


class Author(BaseModel):
    sub: str = Field(min_length=1)
    name: str | None = None


def new_draft(fields: dict, author: dict, now: datetime, idempotency_key: str | None = None) -> dict:
    """A new draft publication document; Invalid naming each bad field."""
    try:
        fields = DraftFields.model_validate(fields).model_dump()
        author = Author.model_validate(author, from_attributes=False).model_dump()
    except ValidationError as exc:
        raise Invalid("the publication has invalid fields", field_errors(exc)) from None
    check_taxonomy(fields)
    publication_id = uuid.uuid4().hex
    return {
        "_id": publication_id,
        "idempotency_key": idempotency_key or publication_id,
        # the id suffix keeps slugs unique without a lookup; titles often repeat
        "slug": f"{slugify(fields['title'], max_length=80)}-{publication_id[:6]}",
        "title": fields["title"],
        "summary": fields.get("summary", ""),
        "body": fields.get("body", ""),
        "kind": fields["kind"],
        "topics": fields.get("topics", []),
        "audiences": fields.get("audiences", []),
        "focus_areas": fields.get("focus_areas", []),
        "organisation": fields.get("organisation"),
        "author": {"sub": author["sub"], "name": author.get("name")},
        "status": DRAFT,
        "history": [{"at": now, "by": author["sub"], "action": "created", "note": None}],
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def may_view(publication: dict, viewer: dict | None) -> bool:
    if publication["status"] == PUBLISHED:
        return True
    if viewer is None:
        return False
    return viewer.get("sub") == publication["author"]["sub"] or EDITOR in viewer.get("roles", [])


def submit(publication: dict, actor: dict, now: datetime) -> tuple[dict, PublicationSubmitted]:
    """The changes that submit a draft for review, and the event it causes."""
    if actor.get("sub") != publication["author"]["sub"]:
        raise Conflict("only the author can submit this publication")
    if publication["status"] != DRAFT:
        raise Conflict(f"a {publication['status']} publication cannot be submitted")
    changes = {"status": SUBMITTED, "updated_at": now}
    history = {"at": now, "by": actor["sub"], "action": "submitted", "note": None}
    event = PublicationSubmitted(
        id=publication["_id"], slug=publication["slug"], title=publication["title"],
        kind=publication["kind"], topics=publication["topics"],
        audiences=publication["audiences"], focus_areas=publication["focus_areas"],
        organisation=publication["organisation"], submitted_at=now,
    )
    return {"set": changes, "history": history}, event
