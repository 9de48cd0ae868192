"""Activity rules with no I/O: what a valid new activity is, and the event scheduling it causes."""
from __future__ import annotations

import uuid
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
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError
from wijkwijzer import taxonomy
from wijkwijzer.errors import Invalid, field_errors

from .events import ActivityScheduled

SCHEDULED = "scheduled"
MAX_IDEMPOTENCY_KEY = 200


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


# naive times are refused too: 14:00 in which timezone?
Moment = Annotated[AwareDatetime, BeforeValidator(_no_number), AfterValidator(utc_ms)]


class Location(BaseModel):
    """Where an activity takes place when it is not (only) online."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=300)
    municipality: str = Field(min_length=1, max_length=100)


class NewActivity(BaseModel):
    """The fields an organiser gives for a new activity."""

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
    capacity: Annotated[int, Field(strict=True, ge=1)] | None = None  # None: unlimited
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

    @field_validator("location")
    @classmethod
    def _somewhere(cls, location: Location | None, info: ValidationInfo) -> Location | None:
        if location is None and "online_url" in info.data and info.data["online_url"] is None:
            raise ValueError("give a location (name, address, municipality), an online_url, or both")
        return location



def _organiser_errors(organiser: Any) -> list[dict]:
    if isinstance(organiser, dict) and isinstance(organiser.get("sub"), str) and organiser["sub"]:
        return []
    return [{"field": "organiser", "message": "the organiser must be a person with a sub"}]


def _key_errors(key: Any) -> list[dict]:
    if key is None or (isinstance(key, str) and 0 < len(key) <= MAX_IDEMPOTENCY_KEY):
        return []
    return [{"field": "idempotency_key",
             "message": f"an idempotency key is a string of 1 to {MAX_IDEMPOTENCY_KEY} characters"}]


def new_activity(fields: Any, organiser: Any, now: datetime,
                 idempotency_key: str | None = None) -> tuple[dict, ActivityScheduled]:
    """A new scheduled activity document from request fields, and the event it causes.

    Raises Invalid naming every field that breaks a rule. The idempotency key is
    the organiser's (a retried request sends the same one); without one the id
    stands in, so every such request makes a new activity.
    """
    errors = _organiser_errors(organiser) + _key_errors(idempotency_key)
    try:
        request = NewActivity.model_validate(fields)
    except ValidationError as exc:
        errors = field_errors(exc) + errors
    if errors:
        raise Invalid("the activity has invalid fields", errors)

    now = utc_ms(now)
    activity_id = uuid.uuid4().hex
    doc = {
        "_id": activity_id,
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
        "online_url": str(request.online_url) if request.online_url else None,
        "location": request.location.model_dump() if request.location else None,
        "status": SCHEDULED,
        "organiser": {"sub": organiser["sub"], "name": organiser.get("name")},
        "idempotency_key": idempotency_key or activity_id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    return doc, scheduled(doc)


def scheduled(activity: dict) -> ActivityScheduled:
    """The public event announcing `activity`: nothing about the organiser as a person."""
    return ActivityScheduled(
        id=activity["_id"], title=activity["title"], kind=activity["kind"],
        starts_at=activity["starts_at"], ends_at=activity["ends_at"],
        location_name=activity["location"]["name"] if activity["location"] else None,
        online=activity["online_url"] is not None,
        topics=activity["topics"], focus_areas=activity["focus_areas"],
        organisation=activity["organisation"], capacity=activity["capacity"],
    )

