"""A member's own publications: everything they created, in every status, newest change first.

So an author finds a draft again, or one an editor sent back, without the e-mail that told them.
Paged by the last change (`updated_at`, ties by id), keyset: a publication changed while someone
pages moves to the front (seen when they start from the top again); the others are neither
repeated nor skipped.
"""
from __future__ import annotations

from datetime import datetime

from wijkwijzer import pages
from wijkwijzer.errors import Invalid

from .storage import Publications
from .views import authored_page
from .workflow import STATUSES

POSITION = {"at": datetime, "id": str}


def check_statuses(statuses: list[str]) -> list[str]:
    """The statuses asked for, each a known one; Invalid naming `status` otherwise."""
    if not isinstance(statuses, list) or any(s not in STATUSES for s in statuses):
        raise Invalid("unknown status", [{"field": "status", "message": f"each one of {list(STATUSES)}"}])
    return statuses


def authored_by(publications: Publications, author_sub: str, statuses: list[str], limit: int,
                cursor: str | None) -> dict:
    """One page of the publications `author_sub` created (in `statuses`; none: every status)."""
    statuses, limit = check_statuses(statuses), pages.limit_of(limit)
    after = pages.decode(cursor, POSITION)
    found = publications.authored(author_sub, statuses, after and after["at"], batch=limit + 1)
    newest_first = pages.after(found, after and (after["at"], after["id"]),
                               key=lambda doc: (doc["updated_at"], doc["_id"]), descending=True)
    result = pages.page(newest_first, limit, lambda doc: {"at": doc["updated_at"], "id": doc["_id"]})
    return authored_page(result["items"], result["next_cursor"])
