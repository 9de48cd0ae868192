"""An organisation's own activities, for its organisers: every one, in every state (scheduled,
cancelled, completed), latest start first, so they reach each one's registrations.

Which organisation is the caller's token's `organisation` claim (as for scheduling, domain.py):
a token that names none has no activities of its own, an empty list that says so.
"""
from __future__ import annotations

from datetime import datetime

from wijkwijzer import pages

from .storage import Activities
from .views import organised_page

POSITION = {"starts_at": datetime, "id": str}


def organised_by(activities: Activities, organiser: dict, limit: int, cursor: str | None, now: datetime) -> dict:
    """One page of the activities of the organisation `organiser` (token claims) acts for."""
    limit, after = pages.limit_of(limit), pages.decode(cursor, POSITION)
    organisation = organiser.get("organisation") or None
    if organisation is None:
        return organised_page(None, {"items": [], "next_cursor": None}, now)
    found = activities.of_organisation(organisation, after and after["starts_at"], batch=limit + 1)
    latest_first = pages.after(found, after and (after["starts_at"], after["id"]),
                               key=lambda doc: (doc["starts_at"], doc["_id"]), descending=True)
    listing = pages.page(latest_first, limit, lambda doc: {"starts_at": doc["starts_at"], "id": doc["_id"]})
    return organised_page(organisation, listing, now)
