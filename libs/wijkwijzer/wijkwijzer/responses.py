"""What a service answers: pydantic models of its answers, and their JSON Schemas for the gateway.

    python -m wijkwijzer.responses --out gateway/gateway/responses publications.responses activities.responses helpdesk.responses

A service describes each answer the gateway passes on to clients as models subclassing `Answer`,
in its own package (the contract belongs to the producer), and makes the answer with
`shown(Model, value)`: what it sends is what the model says. This command writes the models of
each module to `<package>.json` (`publications.json` for `publications.responses`): their JSON
Schemas by model name, referring to each other as OpenAPI `#/components/schemas/<name>`. The
gateway ships those files and puts them in its OpenAPI document without importing any service.
The tests check that the committed files are current.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import json
import sys
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

REF_TEMPLATE = "#/components/schemas/{model}"


def _without_defaults(schema: dict[str, Any]) -> None:
    """The producer decides every value it sends; a default would say otherwise. A field that is
    sometimes left out (`= None` on a type without None) would even claim `default: null`."""
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)


class Answer(BaseModel):
    """An answer, or a part of one. A field some callers do not get is declared `= None`: left
    out of what they get (not null, unless its type allows None) and not required by the schema."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_without_defaults)


T = TypeVar("T")


class Page(Answer, Generic[T]):
    """One page of a list (wijkwijzer.pages). Subclass it per item type (`class
    ActivitiesPage(Page[Activity])`), so the schema has a name of its own."""

    items: list[T]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


def shown(model: type[Answer], value: Any) -> dict[str, Any]:
    """`value` as `model` describes it, as JSON types; fields it leaves out stay left out.
    A value that does not fit is the producer's bug: pydantic's ValidationError."""
    return model.model_validate(value).model_dump(mode="json", exclude_unset=True)


def answer_models(module_name: str) -> list[type[Answer]]:
    """The Answer models a module defines (pages of a shared generic included)."""
    module = importlib.import_module(module_name)
    return [obj for _, obj in inspect.getmembers(module, inspect.isclass)
            if issubclass(obj, Answer) and obj.__module__ == module_name
            and not obj.__pydantic_generic_metadata__["origin"]]   # not `Page[X]`, only its subclasses


def schemas(module_name: str) -> dict[str, Any]:
    """The JSON Schemas of a module's answers and of every model they use, by name."""
    models = answer_models(module_name)
    _, top = models_json_schema([(model, "serialization") for model in models], ref_template=REF_TEMPLATE)
    return dict(sorted(top.get("$defs", {}).items()))


def file_name(module_name: str) -> str:
    return f"{module_name.split('.')[0]}.json"


def render(module_name: str) -> str:
    return json.dumps(schemas(module_name), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wijkwijzer.responses", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="+")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.modules:
        (args.out / file_name(name)).write_text(render(name))
        print(f"wrote {args.out / file_name(name)}")
    return 0


if __name__ == "__main__":
    # run as the module the services import: their models subclass its Answer, not __main__'s
    sys.exit(importlib.import_module("wijkwijzer.responses").main())
