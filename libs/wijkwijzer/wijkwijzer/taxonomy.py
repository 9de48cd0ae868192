"""The platform's shared vocabulary, versioned in one place (taxonomy.json).

Services validate slugs against it; an unknown slug is an error that names the
valid ones, so a client can correct itself and nothing unknown is ever stored.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict


class Topic(BaseModel):
    model_config = ConfigDict(frozen=True)
    slug: str
    label: str


class FocusArea(BaseModel):
    model_config = ConfigDict(frozen=True)
    slug: str
    name: str
    municipality: str


class Organisation(BaseModel):
    model_config = ConfigDict(frozen=True)
    slug: str
    name: str


class Taxonomy(BaseModel):
    model_config = ConfigDict(frozen=True)
    version: int
    topics: tuple[Topic, ...]
    focus_areas: tuple[FocusArea, ...]
    organisations: tuple[Organisation, ...]
    audiences: tuple[str, ...]
    publication_kinds: tuple[str, ...]
    activity_kinds: tuple[str, ...]

    def slugs(self, vocabulary: str) -> tuple[str, ...]:
        items = getattr(self, vocabulary)
        return tuple(i if isinstance(i, str) else i.slug for i in items)


class UnknownSlug(ValueError):
    """Raised for slugs outside a vocabulary; carries the valid ones."""

    def __init__(self, vocabulary: str, unknown: list[str], valid: tuple[str, ...]):
        self.vocabulary, self.unknown, self.valid = vocabulary, unknown, valid
        super().__init__(
            f"unknown {vocabulary}: {', '.join(unknown)}; valid: {', '.join(valid)}"
        )


@cache
def load() -> Taxonomy:
    text = resources.files("wijkwijzer").joinpath("taxonomy.json").read_text("utf-8")
    return Taxonomy.model_validate(json.loads(text))


def check(vocabulary: str, slugs: Iterable[str]) -> list[str]:
    """Return the slugs unchanged when all are known, else raise UnknownSlug."""
    slugs = list(slugs)
    valid = load().slugs(vocabulary)
    unknown = [s for s in slugs if s not in valid]
    if unknown:
        raise UnknownSlug(vocabulary, unknown, valid)
    return slugs
