"""New publications: an author's draft, a helpdesk answer offered for publication, an import."""
from __future__ import annotations

import re
import uuid
from datetime import datetime

from slugify import slugify
from wijkwijzer import taxonomy
from wijkwijzer.errors import validated

from . import workflow
from .domain import VRAAGBAAK, check_review_due, history_entry, indexed, next_review, queue_of
from .events import QuestionAnsweredWithConsent
from .schemas import Author, DraftFields
from .vocabulary import check_taxonomy
from .workflow import PUBLISHED, SUBMITTED


def new_draft(fields: dict, author: dict, now: datetime, idempotency_key: str | None = None) -> dict:
    """A new draft publication document; Invalid naming each bad field."""
    content = validated(DraftFields, fields, "the publication").model_dump(mode="json")
    author = validated(Author, author, "the author", prefix="author").model_dump(mode="json")
    check_taxonomy(content)
    check_review_due(content, now)
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
        "history": [history_entry(now, author["sub"], "created")],
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
    doc["history"].append(history_entry(now, VRAAGBAAK["sub"], "submitted",
                                 f"from helpdesk question {question.question_id}"))
    return doc


def imported(fields: dict, author: dict, now: datetime) -> dict:
    """A publication that is published as it is stored (demo data, the search benchmark)."""
    doc = new_draft(fields, author, now)
    doc.update(status=PUBLISHED, published_at=now, review_due=doc["review_due"] or next_review(now))
    doc["history"].append(history_entry(now, author["sub"], "published", "imported"))
    return doc

