"""Times as the platform shows them: RFC 3339 on the Dutch clock (api.md).

Services store UTC; what they return over RPC goes through `jsonable`, which
turns every datetime into an RFC 3339 string in Europe/Amsterdam (+01:00 or
+02:00). Strings also keep kombu's JSON from sending datetimes as tagged objects.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def rfc3339(moment: datetime) -> str:
    """`moment` on the Dutch clock; a naive datetime is taken to be UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(AMSTERDAM).isoformat()


def jsonable(value: Any) -> Any:
    """`value` with every datetime inside it (dicts, lists) as an RFC 3339 string."""
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value
