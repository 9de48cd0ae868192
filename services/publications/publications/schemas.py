"""What callers may send the publications service: the request models, validated by pydantic.

The gateway validates HTTP requests with its own models; these check every RPC caller (the
gateway, the helpdesk, scripts) again, so nothing unchecked is ever stored.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from wijkwijzer import pages

from .workflow import STATUSES

_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"   # no NUL or other control characters but tab and newlines
Title = Annotated[str, StringConstraints(min_length=3, max_length=200, pattern=_TEXT)]
Summary = Annotated[str, StringConstraints(max_length=1000, pattern=_TEXT)]
Body = Annotated[str, StringConstraints(max_length=100_000, pattern=_TEXT)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=_TEXT)]


class Link(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: Name
    url: Annotated[str, StringConstraints(max_length=2000, pattern=r"^https?://[^\s]+$")]


class DraftFields(BaseModel):
    """What an author provides for a new draft (any RPC caller, not only the gateway)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: Title
    summary: Summary = ""
    body: Body = ""
    kind: str
    topics: list[str] = Field(default_factory=list, max_length=10)
    audiences: list[str] = Field(default_factory=list, max_length=10)
    focus_areas: list[str] = Field(default_factory=list, max_length=20)
    organisation: str | None = None
    authors: list[Name] = Field(default_factory=list, max_length=20)
    links: list[Link] = Field(default_factory=list, max_length=20)
    review_due: date | None = None


class Changes(BaseModel):
    """An edit: only the fields given change. A field given as null is refused where it
    cannot be empty (defaults are not validated, explicit values are)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: Title = None
    summary: Summary = None
    body: Body = None
    kind: str = None
    topics: list[str] = Field(default=None, max_length=10)
    audiences: list[str] = Field(default=None, max_length=10)
    focus_areas: list[str] = Field(default=None, max_length=20)
    organisation: str | None = None
    authors: list[Name] = Field(default=None, max_length=20)
    links: list[Link] = Field(default=None, max_length=20)
    review_due: date | None = None


class Author(BaseModel):
    sub: str = Field(min_length=1)
    name: str | None = None


CONTENT = tuple(DraftFields.model_fields)   # the fields an author writes



class SearchParams(BaseModel):
    """A search as the gateway (or the helpdesk) asks it. Repeating a filter ORs its values;
    different filters AND."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    q: str | None = Field(default=None, max_length=500)
    topic: list[str] = Field(default_factory=list, max_length=20)
    kind: list[str] = Field(default_factory=list, max_length=20)
    audience: list[str] = Field(default_factory=list, max_length=20)
    focus_area: list[str] = Field(default_factory=list, max_length=30)
    organisation: list[str] = Field(default_factory=list, max_length=20)
    status: list[Literal[STATUSES]] = Field(default_factory=list, max_length=len(STATUSES))
    sort: Literal["relevance", "date"] | None = None
    match: Literal["all", "any"] = "all"
    limit: int = Field(default=pages.DEFAULT_LIMIT, ge=1, le=pages.MAX_LIMIT)
    cursor: str | None = Field(default=None, min_length=1, max_length=1024)
