"""Request bodies and query strings of the HTTP API: pydantic models that validate them; and
the gateway's own answers (the services' answers are their own models: see responses/).

The OpenAPI document is generated from these models, so it lists exactly what is accepted.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError
from wijkwijzer import taxonomy
from wijkwijzer.responses import Answer
from wijkwijzer.times import AMSTERDAM


def one_of(vocabulary: str) -> object:
    """A slug from the versioned taxonomy, so the OpenAPI document lists the valid values."""
    return Literal[tuple(sorted(taxonomy.load().slugs(vocabulary)))]
# No NUL or other C0 control characters but tab and newlines: they only ever mean trouble downstream.
_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


def Text(min_length: int = 0, max_length: int = 1000):
    return Annotated[str, StringConstraints(pattern=_TEXT, min_length=min_length, max_length=max_length)]


class Strict(BaseModel):
    # unknown fields are errors, not silently dropped
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2000)]


class Link(Strict):
    title: Text(1, 200)
    url: Url


class PublicationDraft(Strict):
    title: Text(3, 200)
    summary: Text(0, 1000) = ""
    body: Text(0, 100_000) = Field(default="", description="Markdown; shown as sanitised HTML (`body_html`)")
    kind: one_of("publication_kinds")
    topics: list[one_of("topics")] = Field(default_factory=list, max_length=10)
    audiences: list[one_of("audiences")] = Field(default_factory=list, max_length=10)
    focus_areas: list[one_of("focus_areas")] = Field(default_factory=list, max_length=20)
    organisation: one_of("organisations") | None = None
    authors: list[Text(1, 200)] = Field(default_factory=list, max_length=20,
                                        description="names to credit; default: the creator's name")
    links: list[Link] = Field(default_factory=list, max_length=20)
    review_due: date | None = Field(default=None, description="when editors should check it again; "
                                                              "default: two years after publication")


def _leave_out_null_defaults(schema: dict) -> None:
    """A field left out of an edit stays as it is; `default: null` would say null is sent."""
    for prop in schema.get("properties", {}).values():
        if "default" in prop and prop["default"] is None and "anyOf" not in prop:
            del prop["default"]


class PublicationChanges(Strict):
    """An edit: only the fields given change (null only where a field may be empty)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra=_leave_out_null_defaults)

    # defaults are not validated, explicit values are: leaving a field out is fine, null is not
    title: Text(3, 200) = None
    summary: Text(0, 1000) = None
    body: Text(0, 100_000) = None
    kind: one_of("publication_kinds") = None
    topics: list[one_of("topics")] = Field(default=None, max_length=10)
    audiences: list[one_of("audiences")] = Field(default=None, max_length=10)
    focus_areas: list[one_of("focus_areas")] = Field(default=None, max_length=20)
    organisation: one_of("organisations") | None = None
    authors: list[Text(1, 200)] = Field(default=None, max_length=20)
    links: list[Link] = Field(default=None, max_length=20)
    review_due: date | None = None
    version: int = Field(default=None, ge=1, lt=2**31,
                         description="the version this edit starts from (as GET showed it): when the publication "
                                     "changed since, the edit is refused with 409 instead of overwriting that change")


class ReviewDecision(Strict):
    decision: Literal["publish", "request_changes", "reject"]
    note: Text(0, 2000) | None = Field(default=None, description="required for request_changes and reject")


class Withdrawal(Strict):
    note: Text(0, 2000) | None = None


class FlagReport(Strict):
    reason: Text(3, 1000)


# -- activities ---------------------------------------------------------------------------------

class Location(Strict):
    name: Text(1, 200)
    address: Text(1, 300)
    municipality: Text(1, 100)


def _iso_text(value: Any) -> Any:
    # pydantic would read "0.5" or 1700000000 as a Unix time: a time here is ISO 8601 text
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        raise PydanticCustomError("datetime_type", "an ISO 8601 date or date and time, e.g. 2031-03-10T14:00:00+01:00")
    return value


def _this_century(value: date) -> date:
    if not 2000 <= value.year <= 2099:
        raise PydanticCustomError("datetime_range", "a time in the years 2000 to 2099")
    return value


Moment = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_this_century)]
EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"


def _email(value: Any) -> Any:
    # before the pattern (which stays, for the OpenAPI document): a message a person understands
    if isinstance(value, str) and not re.match(EMAIL_PATTERN, value):
        raise PydanticCustomError("email", "an e-mail address, e.g. naam@example.nl")
    return value


Email = Annotated[str, StringConstraints(pattern=EMAIL_PATTERN, max_length=254), BeforeValidator(_email)]
Capacity = Annotated[int, Field(ge=1, le=100_000, description="places; null: unlimited")]


class ActivityDraft(Strict):
    title: Text(3, 200)
    description: Text(1, 20_000)
    kind: one_of("activity_kinds")
    starts_at: Moment = Field(description="with an offset; shown on the Dutch clock")
    ends_at: Moment
    topics: list[one_of("topics")] = Field(default_factory=list, max_length=20)
    focus_areas: list[one_of("focus_areas")] = Field(default_factory=list, max_length=30)
    audiences: list[one_of("audiences")] = Field(default_factory=list, max_length=10)
    organisation: one_of("organisations") | None = Field(
        default=None, description="default: the organisation your token names (organisers may give only that one)")
    capacity: Capacity | None = None
    registration_deadline: Moment | None = Field(default=None, description="default: the start")
    online_url: Url | None = None
    location: Location | None = Field(default=None, description="a location, an online_url, or both")


class ActivityChanges(Strict):
    """An edit by an organiser: only the fields given change (null only where a field may be empty)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra=_leave_out_null_defaults)

    title: Text(3, 200) = None
    description: Text(1, 20_000) = None
    kind: one_of("activity_kinds") = None
    starts_at: Moment = None
    ends_at: Moment = None
    topics: list[one_of("topics")] = Field(default=None, max_length=20)
    focus_areas: list[one_of("focus_areas")] = Field(default=None, max_length=30)
    audiences: list[one_of("audiences")] = Field(default=None, max_length=10)
    capacity: Capacity | None = None
    registration_deadline: Moment | None = None
    online_url: Url | None = None
    location: Location | None = None
    version: int = Field(default=None, ge=1, lt=2**31,
                         description="the version this edit starts from (as GET showed it): when the activity "
                                     "changed since, the edit is refused with 409")


class Cancellation(Strict):
    reason: Text(3, 1000) = Field(description="told to every registrant")


class RegistrationRequest(Strict):
    """Anonymous visitors give both; a member's come from their token (give an e-mail address
    when the token has none)."""

    name: Text(1, 200) | None = None
    email: Email | None = None


# -- helpdesk -----------------------------------------------------------------------------------

Municipality = Annotated[str, StringConstraints(pattern=r"^[^\W\d_][\w'’. -]{1,99}$|^['’]s-[\w'’. -]{1,97}$")]


class QuestionRequest(Strict):
    """Anonymous askers give an e-mail address (the answer reaches them there, and they get a
    secret token to follow the question up); members ask as themselves."""

    title: Text(3, 200)
    body: Text(1, 10_000) = Field(description="Markdown")
    topics: list[one_of("topics")] = Field(min_length=1, max_length=5)
    focus_area: one_of("focus_areas") | None = Field(default=None, description="a focus area, or a municipality")
    municipality: Municipality | None = Field(default=None, description="a municipality's name, e.g. Gouda")
    email: Email | None = Field(default=None, description="required when not signed in")
    consent_to_publish: bool = Field(default=False, strict=True,
                                     description="the answer may become a Q&A in the kennisbank, without personal data")


class MessageRequest(Strict):
    body: Text(1, 10_000) = Field(description="Markdown")


class DeclineRequest(Strict):
    reason: Text(3, 1000)


class WijkwijzeRequest(Strict):
    name: Text(1, 200)
    email: Email
    topics: list[one_of("topics")] = Field(default_factory=list, max_length=17)
    regions: list[Text(1, 100)] = Field(default_factory=list, max_length=50,
                                        description="focus areas (slugs) and municipalities (names, e.g. Gouda)")
    capacity: int = Field(strict=True, ge=0, le=50, description="most open questions at once (0: takes none)")
    away_until: Annotated[date, BeforeValidator(_iso_text)] | None = Field(
        default=None, description="away until this day (back on it), YYYY-MM-DD")


# -- partners (the notifications service checks the rest: public types, reachable endpoints) ----

EventTypeName = Annotated[str, StringConstraints(pattern=r"^nl\.wijkwijzer\.[a-z_]+\.[a-z_]+$", max_length=100)]
EndpointUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2000)]


class PartnerRequest(Strict):
    """A partner's webhook endpoint, and which public events it gets (an empty filter: all of them)."""

    name: Text(1, 200)
    url: EndpointUrl = Field(description="https; a host on a private, loopback or link-local address is refused")
    event_types: list[EventTypeName] = Field(default_factory=list, max_length=20,
                                             description="CloudEvents types of the public catalogue (docs/asyncapi.yaml)")
    topics: list[one_of("topics")] = Field(default_factory=list, max_length=50)
    focus_areas: list[one_of("focus_areas")] = Field(default_factory=list, max_length=200)


class PartnerChanges(Strict):
    """Only the fields given change; `active: true` switches an endpoint that was switched off back on."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra=_leave_out_null_defaults)

    name: Text(1, 200) = None
    url: EndpointUrl = None
    event_types: list[EventTypeName] = Field(default=None, max_length=20)
    topics: list[one_of("topics")] = Field(default=None, max_length=50)
    focus_areas: list[one_of("focus_areas")] = Field(default=None, max_length=200)
    active: bool = None


class ReplayRequest(Strict):
    """Send again: one event by its id, or every kept event from `from` to `to` that passes the partner's filters."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True,
                              json_schema_extra=_leave_out_null_defaults)

    event_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_:-]{1,100}$")] = Field(
        default=None, description="the event's id: its webhook-id")
    start: Moment = Field(default=None, alias="from", description="the events' own time, from (RFC 3339)")
    end: Moment = Field(default=None, alias="to", description="up to and including (RFC 3339)")


# -- query strings (a list field may be repeated: ?topic=a&topic=b means a or b) ------------------

Cursor = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,1024}$")]
Limit = Annotated[int, Field(ge=1, le=100, description="page size")]


class PublicationSearch(Strict):
    q: Text(0, 500) | None = Field(default=None, description="words to find (Dutch stemming)")
    topic: list[one_of("topics")] = Field(default_factory=list, max_length=20)
    kind: list[one_of("publication_kinds")] = Field(default_factory=list, max_length=20)
    audience: list[one_of("audiences")] = Field(default_factory=list, max_length=20)
    focus_area: list[one_of("focus_areas")] = Field(default_factory=list, max_length=30)
    organisation: list[one_of("organisations")] = Field(default_factory=list, max_length=20)
    sort: Literal["relevance", "date"] | None = Field(
        default=None, description="default: relevance with q, date (newest first) without")
    status: list[Literal["draft", "submitted", "published", "changes_requested", "rejected", "withdrawn"]] = \
        Field(default_factory=list, max_length=6, description="editors only; default: published")
    limit: Limit = 20
    cursor: Cursor | None = Field(default=None, description="next_cursor of the previous page (opaque)")


class ReviewQueueQuery(Strict):
    reason: list[Literal["submitted", "revision", "flagged", "review_due"]] = Field(
        default_factory=list, max_length=4)
    organisation: list[one_of("organisations")] = Field(default_factory=list, max_length=20)
    limit: Limit = 20
    cursor: Cursor | None = Field(default=None, description="next_cursor of the previous page (opaque)")


class AuthoredQuery(Strict):
    status: list[Literal["draft", "submitted", "published", "changes_requested", "rejected", "withdrawn"]] = \
        Field(default_factory=list, max_length=6, description="default: every status")
    limit: Limit = 20
    cursor: Cursor | None = Field(default=None, description="next_cursor of the previous page (opaque)")


class Page(Strict):
    limit: Limit = 20
    cursor: Cursor | None = Field(default=None, description="next_cursor of the previous page (opaque)")


When = Annotated[AwareDatetime | date, BeforeValidator(_iso_text), AfterValidator(_this_century)]


def _start_of(moment: AwareDatetime | date | None, next_day: bool = False) -> str | None:
    if moment is None or isinstance(moment, datetime):
        return moment and moment.isoformat()
    return datetime.combine(moment + timedelta(days=next_day), time(0), AMSTERDAM).isoformat()


class ActivityFilters(Strict):
    topic: list[one_of("topics")] = Field(default_factory=list, max_length=20)
    focus_area: list[one_of("focus_areas")] = Field(default_factory=list, max_length=30)
    organisation: list[one_of("organisations")] = Field(default_factory=list, max_length=20)

    def filters(self) -> dict[str, Any]:
        return self.model_dump(exclude={"limit", "cursor", "starts_from", "starts_to"})


class ActivityQuery(ActivityFilters):
    kind: list[one_of("activity_kinds")] = Field(default_factory=list, max_length=10)
    audience: list[one_of("audiences")] = Field(default_factory=list, max_length=10)
    starts_from: When | None = Field(
        default=None, alias="from", description="activities that start then or later (a day: from its start); "
                                                "default: now")
    starts_to: When | None = Field(
        default=None, alias="to", description="activities that start before then (a day: up to its end)")
    limit: Limit = 20
    cursor: Cursor | None = Field(default=None, description="next_cursor of the previous page (opaque)")

    def filters(self) -> dict[str, Any]:
        return {**super().filters(), "from": _start_of(self.starts_from), "to": _start_of(self.starts_to, True)}


class CalendarQuery(ActivityFilters):
    """The feed's filters: each matches any of its values, all together."""


class RegistrationsQuery(Strict):
    status: list[Literal["confirmed", "waitlisted", "cancelled", "attended"]] = Field(
        default_factory=list, max_length=4, description="default: all")
    limit: Limit = 20
    cursor: Cursor | None = Field(default=None, description="next_cursor of the previous page (opaque)")


class TokenQuery(Strict):
    token: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{20,100}$")] | None = Field(
        default=None, description="the secret from the registration's confirmation (anonymous registrants)")


class QuestionsQuery(Strict):
    assigned_to: Literal["me", "pool", "all"] = Field(
        default="me", description="me: the caller's own (default: open ones); pool: the national pool; all: admins")
    status: list[Literal["new", "assigned", "answered", "closed", "reopened"]] = Field(
        default_factory=list, max_length=5)
    limit: Limit = 20
    cursor: Cursor | None = Field(default=None, description="next_cursor of the previous page (opaque)")


class RelatedQuery(Strict):
    q: Text(1, 500) = Field(description="the question as written so far")


class QuestionTokenQuery(Strict):
    token: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{20,100}$")] | None = Field(
        default=None, description="the secret an anonymous asker got with the question")


def query_parameters(model: type[BaseModel]) -> dict[str, dict]:
    """The query parameters a model accepts, as OpenAPI parameter schemas."""
    schema = model.model_json_schema()
    parameters = {}
    for name, prop in schema["properties"].items():
        prop = {k: v for k, v in prop.items() if k != "title"}
        if "anyOf" in prop:   # `X | None`: a query parameter is simply left out instead
            options = [o for o in prop.pop("anyOf") if o.get("type") != "null"]
            prop = {**options[0], **prop} if len(options) == 1 else {"anyOf": options, **prop}
            prop.pop("default", None)
        prop.setdefault("description", name)
        parameters[name] = prop
    return parameters


# -- the gateway's own answers ------------------------------------------------------------------

class Health(Answer):
    status: Literal["ok"]


class Readiness(Answer):
    """Ready when the broker and every service answer (503 with the same report otherwise)."""

    status: Literal["ready", "not ready"]
    services: dict[str, str] = Field(description="each service: `ok`, or what is wrong with it")


# -- notifications ----------------------------------------------------------------------------

Frequency = Literal["immediate", "daily", "weekly", "off"]
EntityId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,100}$")]
MessageKind = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,50}$")]


class FollowsUpdate(Strict):
    """Everything the member follows (what is left out is no longer followed), and how often they
    hear of it."""

    topics: list[one_of("topics")] = Field(default_factory=list, max_length=50)
    focus_areas: list[one_of("focus_areas")] = Field(default_factory=list, max_length=200)
    organisations: list[one_of("organisations")] = Field(default_factory=list, max_length=50)
    activities: list[EntityId] = Field(default_factory=list, max_length=200, description="ids of activities")
    questions: list[EntityId] = Field(default_factory=list, max_length=200, description="ids of questions")
    frequency: Frequency = Field(default="immediate", description="immediately, in a daily or weekly digest, "
                                                                  "or not at all")


class PreferencesUpdate(Strict):
    """How each kind of message reaches the member (`GET /me/preferences` lists the kinds); kinds
    left out stay as they are. Critical kinds are always sent at once."""

    kinds: dict[MessageKind, Frequency] = Field(max_length=50)


class PageQuery(Strict):
    limit: Limit = 20
    cursor: Cursor | None = Field(default=None, description="next_cursor of the previous page (opaque)")


class UnsubscribeQuery(Strict):
    token: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{10,500}$")] = Field(
        description="the token of the link in the e-mail")
