"""Pages of a list: `limit` and an opaque `cursor` (api.md), the same for every list.

A cursor is the sort position of the last item a page returned, as base64url JSON.
Services page by that position (keyset pagination), not by offset, so items
inserted meanwhile cause no duplicates or gaps. Clients treat it as opaque, but
anyone can forge one: `decode` checks the keys and the type of every value, so a
cursor that is not one of ours is an Invalid `cursor` field (422), never a crash
further on (a number where a time belongs, a naive time compared with an aware one).
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from wijkwijzer.errors import Invalid

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

T = TypeVar("T")


def limit_of(value: Any) -> int:
    """A page size from 1 to MAX_LIMIT; Invalid naming `limit` otherwise."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LIMIT:
        raise Invalid("invalid limit", [{"field": "limit", "message": f"a whole number from 1 to {MAX_LIMIT}"}])
    return value


def encode(position: dict[str, Any]) -> str:
    """A cursor holding `position`; datetimes go in as RFC 3339 text, which `decode` reads back."""
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True, default=_isoformat).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _isoformat(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} does not go into a cursor")


FIELD_TYPES = (str, int, datetime)


def decode(cursor: str | None, fields: Mapping[str, type]) -> dict[str, Any] | None:
    """The position a cursor holds, None for the first page.

    `fields` names every key the position has and its type: `str`, `int` (not a bool) or
    `datetime` (RFC 3339 with an offset, returned in UTC). Anything else, including a
    cursor some other list gave out, is Invalid naming the field `cursor`."""
    if not set(fields.values()) <= set(FIELD_TYPES):
        raise TypeError(f"cursor fields are one of {FIELD_TYPES}, not {fields}")
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(position, dict) or set(position) != set(fields):
            raise ValueError("other keys")
        return {key: _typed(position[key], kind) for key, kind in fields.items()}
    except (ValueError, TypeError, UnicodeError, binascii.Error, OverflowError, RecursionError):
        raise Invalid("invalid cursor", [{"field": "cursor", "message": "not a cursor this list gave out"}]) \
            from None


def _typed(value: Any, kind: type) -> Any:
    if kind is datetime:
        if not isinstance(value, str):
            raise TypeError("a time is text")
        at = datetime.fromisoformat(value)
        if at.tzinfo is None:   # it is compared with the stored times, which are all aware
            raise ValueError("a time without an offset")
        return at.astimezone(UTC)   # OverflowError at the ends of the calendar
    if kind is int and type(value) is not int:   # bool is an int to isinstance
        raise TypeError("not a whole number")
    if kind is str and not isinstance(value, str):
        raise TypeError("not text")
    return value


def page(items: Iterable[T], limit: int, position_of: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
    """`{"items", "next_cursor"}` from up to limit + 1 items in sort order."""
    found = []
    for item in items:
        found.append(item)
        if len(found) > limit:
            break
    more = len(found) > limit
    found = found[:limit]
    return {"items": found, "next_cursor": encode(position_of(found[-1])) if more else None}


def after(items: Iterable[T], position: tuple | None, key: Callable[[T], tuple],
          descending: bool = False) -> Iterator[T]:
    """Keyset paging without `$or` (not in our MongoDB subset): the caller's query starts at the
    position's first sort key (`$gte`, or `$lte` when descending) and sorts by the whole key; this
    skips what the previous page showed already (the ties on that first key)."""
    for item in items:
        if position is not None and (key(item) >= position if descending else key(item) <= position):
            continue
        yield item
