"""What callers may send the events service: the request models, validated by pydantic.

The gateway validates HTTP requests with its own models; these check every RPC caller again
(the gateway, demo data, scripts), so nothing unchecked is ever stored.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError
from wijkwijzer import taxonomy
from wijkwijzer.errors import Invalid, field_errors

_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"   # no NUL or other control characters but tab and newlines
# An address as people type it: one @, no spaces or brackets, a domain with a dot. Whether it
# receives mail only sending tells; this keeps out what is certainly not an address.
EMAIL = re.compile(r"^[^@\s<>()\[\]\\,;:\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


def utc_ms(moment: datetime) -> datetime:
    """`moment` in UTC, cut to the millisecond MongoDB keeps, so what a caller gets back
    right after a write equals what it reads later."""
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _known(vocabulary: str) -> Callable[[Any], Any]:
    """A validator that accepts a slug or a list of slugs of `vocabulary`; a list loses repeats."""
    def check(value: Any) -> Any:
        taxonomy.check(vocabulary, [value] if isinstance(value, str) else value)  # UnknownSlug is a ValueError
        return value if isinstance(value, str) else list(dict.fromkeys(value))
    return check


def _no_number(value: Any) -> Any:
    # pydantic would read a number as a Unix time; seconds or milliseconds is a guess
    if isinstance(value, int | float):
        raise PydanticCustomError("datetime_type",
                                  "a date and time in ISO 8601 with an offset, e.g. 2030-03-10T14:00:00+01:00")
    return value


def _this_century(moment: datetime) -> datetime:
    # before 1900 the Dutch clock had offsets like +00:19:32 that RFC 3339 cannot write
    if not 2000 <= moment.year <= 2099:
        raise PydanticCustomError("datetime_range", "a time in the years 2000 to 2099")
    return moment


# naive times are refused too: 14:00 in which timezone?
Moment = Annotated[AwareDatetime, BeforeValidator(_no_number), AfterValidator(utc_ms), AfterValidator(_this_century)]
Capacity = Annotated[int, Field(strict=True, ge=1, le=100_000)]


class Location(BaseModel):
    """Where an activity takes place when it is not (only) online."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=300)
    municipality: str = Field(min_length=1, max_length=100)


class NewActivity(BaseModel):
    """The fields an organiser gives for a new activity; also what an activity is after a change
    (every field checked again together: domain.update)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=3, max_length=200)
    description: str = Field(min_length=1, max_length=20_000)
    kind: Annotated[str, AfterValidator(_known("activity_kinds"))]
    starts_at: Moment
    ends_at: Moment
    topics: Annotated[list[str], AfterValidator(_known("topics"))] = []
    focus_areas: Annotated[list[str], AfterValidator(_known("focus_areas"))] = []
    audiences: Annotated[list[str], AfterValidator(_known("audiences"))] = []
    organisation: Annotated[str, AfterValidator(_known("organisations"))] | None = None
    capacity: Capacity | None = None  # None: unlimited
    # None: registration closes when the activity starts
    registration_deadline: Moment | None = None
    online_url: HttpUrl | None = None
    # validated even when left out: an activity needs a place or a link
    location: Location | None = Field(default=None, validate_default=True)

    @field_validator("ends_at")
    @classmethod
    def _ends_after_start(cls, ends_at: datetime, info: ValidationInfo) -> datetime:
        starts_at = info.data.get("starts_at")  # absent when starts_at itself was invalid
        if starts_at is not None and ends_at <= starts_at:
            raise ValueError("ends_at must be later than starts_at")
        return ends_at

    @field_validator("registration_deadline")
    @classmethod
    def _deadline_before_start(cls, deadline: datetime | None, info: ValidationInfo) -> datetime | None:
        starts_at = info.data.get("starts_at")
        if deadline is not None and starts_at is not None and deadline > starts_at:
            raise ValueError("the registration deadline must not be later than starts_at")
        return deadline

    @field_validator("location")
    @classmethod
    def _somewhere(cls, location: Location | None, info: ValidationInfo) -> Location | None:
        if location is None and "online_url" in info.data and info.data["online_url"] is None:
            raise ValueError("give a location (name, address, municipality), an online_url, or both")
        return location


# What an organiser may change: everything but the organisation (which decides who manages it).
CHANGEABLE = tuple(name for name in NewActivity.model_fields if name != "organisation")


def activity_fields(fields: Any) -> tuple[NewActivity | None, list[dict]]:
    """The validated activity, or None and every field that breaks a rule."""
    try:
        return NewActivity.model_validate(fields), []
    except ValidationError as exc:
        return None, field_errors(exc)


def stored_fields(request: NewActivity) -> dict[str, Any]:
    """The activity's fields as stored."""
    return {
        "title": request.title,
        "description": request.description,
        "kind": request.kind,
        "starts_at": request.starts_at,
        "ends_at": request.ends_at,
        "topics": request.topics,
        "focus_areas": request.focus_areas,
        "audiences": request.audiences,
        "organisation": request.organisation,
        "capacity": request.capacity,
        "registration_deadline": request.registration_deadline,
        "online_url": str(request.online_url) if request.online_url else None,
        "location": request.location.model_dump() if request.location else None,
    }


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=_TEXT)]


def _email(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if len(value) > 254 or not EMAIL.match(value):
            raise PydanticCustomError("email", "an e-mail address, e.g. naam@example.nl")
    return value


class NewRegistrant(BaseModel):
    """Who registers: a name and an e-mail address (a member's come from their token)."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Annotated[str, BeforeValidator(_email)]


def registrant(fields: Any) -> NewRegistrant:
    try:
        return NewRegistrant.model_validate(fields)
    except ValidationError as exc:
        raise Invalid("the registration has invalid fields", field_errors(exc)) from None


# A list's filters by query name, and the activity field each one matches.
FILTERS = {"topic": "topics", "focus_area": "focus_areas", "organisation": "organisation", "kind": "kind",
           "audience": "audiences"}


class ActivityFilters(BaseModel):
    """Which activities a list or the calendar feed shows: each filter matches any of its values,
    and all filters together; `from` (default: now) and `to` bound the start."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    topic: Annotated[list[str], AfterValidator(_known("topics"))] = []
    focus_area: Annotated[list[str], AfterValidator(_known("focus_areas"))] = []
    organisation: Annotated[list[str], AfterValidator(_known("organisations"))] = []
    kind: Annotated[list[str], AfterValidator(_known("activity_kinds"))] = []
    audience: Annotated[list[str], AfterValidator(_known("audiences"))] = []
    starts_from: Moment | None = Field(default=None, alias="from")
    starts_to: Moment | None = Field(default=None, alias="to")

    @field_validator("starts_to")
    @classmethod
    def _after_from(cls, to: datetime | None, info: ValidationInfo) -> datetime | None:
        since = info.data.get("starts_from")
        if to is not None and since is not None and to <= since:
            raise ValueError("`to` must be later than `from`")
        return to

    def matching(self) -> dict[str, list[str]]:
        """The filters as activity fields and their values."""
        return {FILTERS[name]: getattr(self, name) for name in FILTERS if getattr(self, name)}


def activity_filters(filters: Any) -> ActivityFilters:
    try:
        return ActivityFilters.model_validate(filters or {})
    except ValidationError as exc:
        raise Invalid("invalid filters", field_errors(exc)) from None
