"""What callers see of questions and the roster, made through the models of responses.py (the
API's contract). Bookkeeping (loads' question ids, the outbox, token hashes, region keys) is
never shown; the asker's address only to the asker and admins."""
from __future__ import annotations

from wijkwijzer.responses import shown
from wijkwijzer.times import jsonable

from .questions import ADMIN, ASKER
from .responses import (
    NewQuestion,
    Question,
    QuestionsPage,
    RelatedPublications,
    WijkwijzeEntry,
    WijkwijzenPage,
)

_ROSTER = ("name", "email", "topics", "regions", "capacity", "away_until", "last_assigned_at", "created_at",
           "updated_at")
_LISTED = ("title", "topics", "focus_area", "municipality", "status", "pooled", "asked_at", "first_response_due",
           "first_response_at", "escalated_at")
_QUESTION = (*_LISTED, "body", "body_html", "consent_to_publish", "pickup_due", "picked_up_at", "answered_at",
             "closed_at")
_RELATED = ("id", "slug", "title", "summary", "kind")


def _wijkwijze(doc: dict) -> dict:
    return {"sub": doc["_id"], **{k: jsonable(doc.get(k)) for k in _ROSTER}, "open_questions": doc.get("open_count", 0)}


def wijkwijze_view(doc: dict) -> dict:
    return shown(WijkwijzeEntry, _wijkwijze(doc))


def wijkwijzen_page(listing: dict) -> dict:
    return shown(WijkwijzenPage, {**listing, "items": [_wijkwijze(doc) for doc in listing["items"]]})


def _assignee(doc: dict) -> dict | None:
    return {"sub": doc["assignee"], "name": doc.get("assignee_name")} if doc.get("assignee") else None


def _listed(doc: dict) -> dict:
    return {"id": doc["_id"], **{k: jsonable(doc.get(k)) for k in _LISTED}, "assignee": _assignee(doc)}


def _question(doc: dict, role: str) -> dict:
    asker = doc["asker"]
    view = {"id": doc["_id"], **{k: jsonable(doc.get(k)) for k in _QUESTION}, "assignee": _assignee(doc),
            "viewer_role": role, "asker": {"member": asker.get("member") is not None, "name": asker.get("name")},
            "history": jsonable(doc["history"]),
            "messages": [{"id": m["id"], "kind": m["kind"], "author_role": m["author"]["role"],
                          "author_name": m["author"].get("name"), "body": m["body"], "body_html": m["body_html"],
                          "at": jsonable(m["at"])} for m in doc["messages"]]}
    if role in (ASKER, ADMIN) and asker.get("email"):
        view["asker"]["email"] = asker["email"]
    return view


def question_view(doc: dict, role: str) -> dict:
    return shown(Question, _question(doc, role))


def new_question_view(doc: dict, role: str, token: str | None, related: list[dict]) -> dict:
    view = {**_question(doc, role), "related_publications": related_view(related)}
    if token:
        view["token"] = token
    return shown(NewQuestion, view)


def related_view(items: list[dict]) -> list[dict]:
    return [{k: item.get(k) for k in _RELATED} for item in items]


def related_page(items: list[dict]) -> dict:
    return shown(RelatedPublications, {"items": related_view(items)})


def questions_page(listing: dict) -> dict:
    return shown(QuestionsPage, {**listing, "items": [_listed(doc) for doc in listing["items"]]})
