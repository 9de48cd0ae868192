"""Request bodies of the HTTP API: pydantic models that validate them."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from wijkwijzer import taxonomy


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


class PublicationDraft(Strict):
    title: Text(3, 200)
    summary: Text(0, 1000) = ""
    body: Text(0, 100_000) = ""
    kind: one_of("publication_kinds")
    topics: list[one_of("topics")] = Field(default_factory=list, max_length=10)
    audiences: list[one_of("audiences")] = Field(default_factory=list, max_length=10)
    focus_areas: list[one_of("focus_areas")] = Field(default_factory=list, max_length=20)
    organisation: one_of("organisations") | None = None
