"""Helpdesk rules with no I/O: what a valid roster entry for a wijkwijze is."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator
from wijkwijzer import taxonomy
from wijkwijzer.errors import Invalid, field_errors

MAX_CAPACITY = 50
# Deliberately loose: the address is proven by mail reaching it, not by a pattern.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def _known(vocabulary: str) -> Callable[[list[str]], list[str]]:
    def check(slugs: list[str]) -> list[str]:
        taxonomy.check(vocabulary, slugs)  # UnknownSlug is a ValueError
        return list(dict.fromkeys(slugs))
    return check


class Wijkwijze(BaseModel):
    """A wijkwijze on the roster, as an admin enters them."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=254)
    topics: Annotated[list[str], AfterValidator(_known("topics"))] = []
    regions: Annotated[list[str], AfterValidator(_known("focus_areas"))] = []
    capacity: Annotated[int, Field(strict=True, ge=0, le=MAX_CAPACITY)]  # most open questions at once
    away_until: date | None = None  # back on this day

    @field_validator("email")
    @classmethod
    def _email(cls, email: str) -> str:
        if not _EMAIL.match(email):
            raise ValueError("not an e-mail address")
        local, _, domain = email.rpartition("@")
        return f"{local}@{domain.lower()}"  # the domain part is case-insensitive

    @field_validator("away_until", mode="before")
    @classmethod
    def _a_day(cls, value: Any) -> Any:
        # pydantic would take midnight datetimes and Unix timestamps as dates
        if value is None or isinstance(value, str | date) and not isinstance(value, datetime):
            return value
        raise ValueError("a date, as YYYY-MM-DD")



def roster_entry(sub: Any, fields: Any) -> dict:
    """The stored fields of wijkwijze `sub` (everything but timestamps); Invalid naming each bad field."""
    errors = []
    if not isinstance(sub, str) or not sub.strip():
        errors.append({"field": "sub", "message": "the wijkwijze's account id (sub) is required"})
    try:
        entry = Wijkwijze.model_validate(fields)
    except ValidationError as exc:
        errors = field_errors(exc) + errors
    if errors:
        raise Invalid("the wijkwijze has invalid fields", errors)
    return {
        "name": entry.name,
        "email": entry.email,
        "topics": entry.topics,
        "regions": entry.regions,
        "capacity": entry.capacity,
        # BSON has no date type; ISO dates compare and sort correctly as strings
        "away_until": entry.away_until.isoformat() if entry.away_until else None,
    }
