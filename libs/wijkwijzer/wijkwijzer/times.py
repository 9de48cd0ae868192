"""Times as the platform shows them: RFC 3339 on the Dutch clock (api.md).

Services store UTC; what they return over RPC goes through `jsonable`, which
turns every datetime into an RFC 3339 string in Europe/Amsterdam (+01:00 or
+02:00). Strings also keep kombu's JSON from sending datetimes as tagged objects.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, WithJsonSchema

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


def _shown(value: str) -> str:
    if datetime.fromisoformat(value).tzinfo is None:
        raise ValueError("an RFC 3339 time with an offset")
    return value


# A time in an answer, as `jsonable` made it: a string (not re-parsed and re-formatted on the way
# out), checked to carry an offset, and described as what it is.
Rfc3339 = Annotated[str, AfterValidator(_shown), WithJsonSchema({"type": "string", "format": "date-time"})]
