"""The wijkwijzen roster, with no I/O: what a valid entry is, and which regions it covers.

A region is a focus area (its taxonomy slug, `rotterdam-zuid`) or a municipality (its name, free
text, `Gouda`). Regions compare by key: `fa:<slug>` for a focus area, `gm:<name in lower case>`
for a municipality, so "gouda", "Gouda " and "GOUDA" are one municipality.
"""
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
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# what looks like a slug (lower case words joined by hyphens) is meant as a focus area
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
_MUNICIPALITY = re.compile(r"^[^\W\d_][\w'’. -]{0,99}$|^['’]s-[\w'’. -]{1,97}$")


def _known(vocabulary: str) -> Callable[[list[str]], list[str]]:
    def check(slugs: list[str]) -> list[str]:
        taxonomy.check(vocabulary, slugs)  # UnknownSlug is a ValueError
        return list(dict.fromkeys(slugs))
    return check


def focus_areas() -> dict[str, str]:
    """Focus area slug -> its municipality."""
    return {area.slug: area.municipality for area in taxonomy.load().focus_areas}


def municipality(name: str) -> str:
    """A municipality's name as shown: spaces tidied, a capital first letter, and the taxonomy's
    spelling when it knows it."""
    tidy = " ".join(name.split())
    known = {m.casefold(): m for m in focus_areas().values()}
    return known.get(tidy.casefold(), tidy[:1].upper() + tidy[1:])


def municipality_key(name: str) -> str:
    return "gm:" + " ".join(name.split()).casefold()


def region(value: str) -> str:
    """A region as stored: a focus area's slug, or a municipality's name; ValueError otherwise."""
    value = value.strip()
    if value in focus_areas():
        return value
    if _SLUG.match(value):
        raise ValueError(f"unknown focus area {value!r} (a municipality is given by its name, e.g. 'Gouda'); "
                         f"focus areas: {', '.join(focus_areas())}")
    if not _MUNICIPALITY.match(value):
        raise ValueError(f"{value!r} is neither a focus area nor a municipality's name")
    return municipality(value)


def region_keys(regions: list[str]) -> list[str]:
    """The keys a wijkwijze's regions cover."""
    areas = focus_areas()
    return sorted({f"fa:{r}" if r in areas else municipality_key(r) for r in regions})


def _regions(values: list[str]) -> list[str]:
    """Each region once (by key), as first given."""
    regions = {}
    for value in values:
        found = region(value)
        regions.setdefault(region_keys([found])[0], found)
    return list(regions.values())


class Wijkwijze(BaseModel):
    """A wijkwijze on the roster, as an admin enters them."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=254)
    topics: Annotated[list[str], AfterValidator(_known("topics"))] = Field(default=[], max_length=17)
    regions: Annotated[list[Annotated[str, Field(max_length=100)]], AfterValidator(_regions)] = \
        Field(default=[], max_length=50)
    capacity: Annotated[int, Field(strict=True, ge=0, le=MAX_CAPACITY)]  # most open questions at once
    away_until: date | None = None  # back on this day

    @field_validator("email")
    @classmethod
    def _email(cls, email: str) -> str:
        if not EMAIL.match(email):
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
    """The stored fields of wijkwijze `sub` (everything but timestamps and load); Invalid naming
    each bad field."""
    errors = []
    if not isinstance(sub, str) or not sub.strip() or len(sub) > 200:
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
        "region_keys": region_keys(entry.regions),
        "capacity": entry.capacity,
        # BSON has no date type; ISO dates compare and sort correctly as strings
        "away_until": entry.away_until.isoformat() if entry.away_until else None,
    }


def is_away(entry: dict, today: date) -> bool:
    """Away until a day: back on that day."""
    return entry.get("away_until") is not None and today.isoformat() < entry["away_until"]
