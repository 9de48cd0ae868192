"""Pages of a list: `limit` and an opaque `cursor` (api.md), the same for every list.

A cursor is the sort position of the last item a page returned, as base64url JSON.
Services page by that position (keyset pagination), not by offset, so items
inserted meanwhile cause no duplicates or gaps. Clients treat it as opaque; a
cursor that is not one of ours is an Invalid `cursor` field (422), never a crash.
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
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
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None, keys: Iterable[str]) -> dict[str, Any] | None:
    """The position a cursor holds (with exactly `keys`), None for the first page."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        position = None
    if not isinstance(position, dict) or set(position) != set(keys) \
            or not all(isinstance(v, str | int | float) for v in position.values()):
        raise Invalid("invalid cursor", [{"field": "cursor", "message": "not a cursor this list gave out"}])
    return position


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
