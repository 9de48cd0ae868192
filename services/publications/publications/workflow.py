"""The publication workflow as a table: which action moves which status where, and who may take it.

    draft ──submit──▶ submitted ──publish──▶ published ──withdraw──▶ withdrawn
      ▲                 │  │
      │   request_changes  └─reject──▶ rejected
      │                 ▼
    changes_requested ──submit──▶ submitted

Everything else is an illegal transition (Conflict, 409). Pending revisions and
flags of a published publication are decided by `review` without a status
change (see domain.py); this table is only about the status.
"""
from __future__ import annotations

from wijkwijzer.errors import Conflict, Forbidden

DRAFT, SUBMITTED, PUBLISHED = "draft", "submitted", "published"
CHANGES_REQUESTED, REJECTED, WITHDRAWN = "changes_requested", "rejected", "withdrawn"
STATUSES = (DRAFT, SUBMITTED, PUBLISHED, CHANGES_REQUESTED, REJECTED, WITHDRAWN)

SUBMIT, PUBLISH, REQUEST_CHANGES, REJECT, WITHDRAW = (
    "submit", "publish", "request_changes", "reject", "withdraw")
ACTIONS = (SUBMIT, PUBLISH, REQUEST_CHANGES, REJECT, WITHDRAW)
DECISIONS = (PUBLISH, REQUEST_CHANGES, REJECT)   # what an editor's review may decide

AUTHOR, EDITOR = "author", "editor"

# (status, action) -> the status it leads to
TRANSITIONS: dict[tuple[str, str], str] = {
    (DRAFT, SUBMIT): SUBMITTED,
    (CHANGES_REQUESTED, SUBMIT): SUBMITTED,
    (SUBMITTED, PUBLISH): PUBLISHED,
    (SUBMITTED, REQUEST_CHANGES): CHANGES_REQUESTED,
    (SUBMITTED, REJECT): REJECTED,
    (PUBLISHED, WITHDRAW): WITHDRAWN,
}

EDIT = "edit"   # changes no status, so it is not in the table above

# who may take each action: the author of the publication, an editor, or either
ALLOWED: dict[str, frozenset[str]] = {
    SUBMIT: frozenset({AUTHOR}),
    PUBLISH: frozenset({EDITOR}),
    REQUEST_CHANGES: frozenset({EDITOR}),
    REJECT: frozenset({EDITOR}),
    WITHDRAW: frozenset({AUTHOR, EDITOR}),
    EDIT: frozenset({AUTHOR, EDITOR}),
}

# the past tense recorded in the history
RECORDED = {SUBMIT: "submitted", PUBLISH: "published", REQUEST_CHANGES: "changes_requested",
            REJECT: "rejected", WITHDRAW: "withdrawn"}

# a note the author will read is required where the editor turns the work down
NOTE_REQUIRED = frozenset({REQUEST_CHANGES, REJECT})


def next_status(status: str, action: str) -> str:
    """Where `action` takes a publication in `status`; Conflict when it may not."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise Conflict(f"a {status.replace('_', ' ')} publication cannot be "
                       f"{RECORDED.get(action, action).replace('_', ' ')}") from None


def check_actor(action: str, capacities: set[str]) -> None:
    """Forbidden unless the caller acts in a capacity (author, editor) the action allows."""
    if not ALLOWED[action] & capacities:
        who = " or ".join(sorted(ALLOWED[action]))
        raise Forbidden(f"only the {who} may {action.replace('_', ' ')} this publication")
