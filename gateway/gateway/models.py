"""Request bodies of the HTTP API: pydantic models that validate them."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]


class Strict(BaseModel):
    # unknown fields are errors, not silently dropped
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PublicationDraft(Strict):
    title: str = Field(min_length=3, max_length=200)
    summary: str = Field(default="", max_length=1000)
    body: str = Field(default="", max_length=100_000)
    kind: Slug
    topics: list[Slug] = Field(default_factory=list, max_length=10)
    audiences: list[Slug] = Field(default_factory=list, max_length=10)
    focus_areas: list[Slug] = Field(default_factory=list, max_length=20)
    organisation: Slug | None = None
