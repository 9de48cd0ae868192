"""Readers' flags: who flagged, one open flag per reader, hidden from FLAGS_TO_HIDE open flags on."""
from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from wijkwijzer.errors import Conflict, Invalid

from .domain import SYSTEM, Change, change, check_visible, history_entry
from .events import PublicationFlagged
from .workflow import PUBLISHED

FLAGS_TO_HIDE = 3

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
    history = [] if hidden == doc.get("hidden") else [history_entry(now, SYSTEM, "hidden", f"{open_flags} open flags")]
    return change(doc, {"open_flags": open_flags, "hidden": hidden}, now, history)

