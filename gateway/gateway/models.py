"""Request bodies of the HTTP API: pydantic models that validate them."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
# No NUL or other C0 control characters but tab and newlines: they only ever mean trouble downstream.
_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


def Text(min_length: int = 0, max_length: int = 1000):
    return Annotated[str, StringConstraints(pattern=_TEXT, min_length=min_length, max_length=max_length)]


class Strict(BaseModel):
    # unknown fields are errors, not silently dropped
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PublicationDraft(Strict):
    title: Text(3, 200)
    summary: Text(0, 1000) = ""
    body: Text(0, 100_000) = ""
    kind: Slug
    topics: list[Slug] = Field(default_factory=list, max_length=10)
    audiences: list[Slug] = Field(default_factory=list, max_length=10)
    focus_areas: list[Slug] = Field(default_factory=list, max_length=20)
    organisation: Slug | None = None
