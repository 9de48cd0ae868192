"""The helpdesk's request models: a question, a thread message, a reason to decline, the
filters of a list. Every RPC caller is held to them (the gateway checks HTTP requests with its
own models first; demo data and scripts call the service directly): nothing unchecked is stored.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from wijkwijzer import taxonomy

from .roster import EMAIL, municipality

_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"   # no NUL or other control characters but tab and newlines
STATUSES = ("new", "assigned", "answered", "closed", "reopened")


def Text(min_length: int, max_length: int):
    return Annotated[str, StringConstraints(pattern=_TEXT, min_length=min_length, max_length=max_length,
                                            strip_whitespace=True)]


def _topics(slugs: list[str]) -> list[str]:
    taxonomy.check("topics", slugs)   # UnknownSlug is a ValueError naming the valid ones
    return list(dict.fromkeys(slugs))


def _focus_area(slug: str | None) -> str | None:
    if slug is not None:
        taxonomy.check("focus_areas", [slug])
    return slug


def _municipality(name: str | None) -> str | None:
    return None if name is None else municipality(name)


def _email(value: str | None) -> str | None:
    if value is not None and not EMAIL.match(value):
        raise ValueError("not an e-mail address")
    return value and value.lower()


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class QuestionFields(Strict):
    title: Text(3, 200)
    body: Text(1, 10_000) = Field(description="Markdown")
    topics: Annotated[list[str], AfterValidator(_topics)] = Field(min_length=1, max_length=5)
    focus_area: Annotated[str | None, AfterValidator(_focus_area)] = None
    municipality: Annotated[Text(2, 100) | None, AfterValidator(_municipality)] = None
    email: Annotated[Text(3, 254) | None, AfterValidator(_email)] = None
    consent_to_publish: bool = Field(default=False, strict=True)

    @model_validator(mode="after")
    def _one_place(self) -> QuestionFields:
        if self.focus_area and self.municipality:
            raise ValueError("give a focus_area or a municipality, not both")
        return self


class MessageFields(Strict):
    body: Text(1, 10_000) = Field(description="Markdown")


class Reason(Strict):
    reason: Text(3, 1000)


class QuestionFilters(Strict):
    assigned_to: Literal["me", "pool", "all"] = "me"
    status: list[Literal[STATUSES]] = Field(default_factory=list, max_length=len(STATUSES))
