"""What callers see of a publication, depending on who they are.

Everyone sees the published text. Its author and editors also see the workflow
state (pending revision, open flags, queue); editors also see the flags' reasons.
Search terms and bookkeeping are never shown. Times are RFC 3339 on the Dutch clock.
Every answer is made through its model in responses.py, the contract clients get.
"""
from __future__ import annotations

from wijkwijzer.responses import shown
from wijkwijzer.times import jsonable

from .responses import (
    AuthoredPage,
    FlagReceived,
    Publication,
    PublicationHistory,
    ReviewQueuePage,
    SearchPage,
)
from .workflow import EDITOR

_INTERNAL = {"title_terms", "terms", "listed_at", "history", "flags", "version", "outbox", "flags_resolved_at",
             "idempotency_key"}
_WORKFLOW = {"author", "revision", "hidden", "open_flags", "queue", "due_for_review", "version"}


def _with_id(doc: dict, leave_out: set[str]) -> dict:
    view = {k: jsonable(v) for k, v in doc.items() if k not in leave_out}
    view["id"] = view.pop("_id")
    return view


def publication_view(doc: dict, capacities: set[str], flags: list[dict] | None = None) -> dict:
    """One publication, for a reader in these capacities (author, editor, or none), with its
    flags for those who may see them."""
    if not capacities:
        return shown(Publication, _with_id(doc, _INTERNAL | _WORKFLOW))
    view = _with_id(doc, _INTERNAL)
    view["version"] = doc["version"]
    if flags is not None:
        # editors see who flagged (an account, or a hashed address); an author only why
        fields = ("id", "reason", "at", "status", "reporter") if EDITOR in capacities \
            else ("reason", "at", "status")
        view["flags"] = [{k: jsonable(f.get("_id") if k == "id" else f.get(k)) for k in fields}
                         for f in flags]
    return shown(Publication, view)


def listed_view(doc: dict, editor: bool) -> dict:
    """One entry of a search result or the review queue (checked with the page it is on)."""
    leave_out = _INTERNAL | {"terms"}
    if not editor:
        leave_out |= _WORKFLOW
    return _with_id(doc, leave_out)


def search_page(items: list[dict], next_cursor: str | None, total: int, facets: dict) -> dict:
    return shown(SearchPage, {"items": items, "next_cursor": next_cursor, "total": total, "facets": facets})


def review_queue_page(items: list[dict], next_cursor: str | None) -> dict:
    return shown(ReviewQueuePage, {"items": items, "next_cursor": next_cursor})


def authored_page(docs: list[dict], next_cursor: str | None) -> dict:
    """A page of an author's own publications, as they see them in their list."""
    items = [{"id": doc["_id"], **{name: jsonable(doc[name]) for name in
                                   ("slug", "title", "kind", "status", "created_at", "updated_at", "published_at")},
              "revision": (doc.get("revision") or {}).get("status")} for doc in docs]
    return shown(AuthoredPage, {"items": items, "next_cursor": next_cursor})


def history_view(doc: dict) -> dict:
    return shown(PublicationHistory,
                 {"id": doc["_id"], "status": doc["status"], "history": jsonable(doc.get("history", []))})


def flag_received(flag: dict, open_flags: int, hidden: bool) -> dict:
    """A reader's new flag as stored, with the publication's open flags and whether they hide it."""
    return shown(FlagReceived, {"id": flag["_id"], "publication_id": flag["publication_id"],
                                "reason": flag["reason"], "status": flag["status"], "open_flags": open_flags,
                                "hidden": hidden})
