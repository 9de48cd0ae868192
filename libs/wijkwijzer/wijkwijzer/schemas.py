"""Write the JSON Schema of every event a service emits: `python -m wijkwijzer.schemas`.

    python -m wijkwijzer.schemas --out docs/events/schemas publications.events activities.events

Each `EventData` model in the given modules becomes `<entity>.<action>.json`: the
whole CloudEvents envelope with that payload, generated from the same model that
builds the events, so the published schema cannot drift from the code. The tests
check that the committed files are current.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import json
import sys
from pathlib import Path

from wijkwijzer.cloudevents import EventData, json_schema


def event_models(module_names: list[str]) -> list[type[EventData]]:
    found = []
    for name in module_names:
        module = importlib.import_module(name)
        found += [obj for _, obj in inspect.getmembers(module, inspect.isclass)
                  if issubclass(obj, EventData) and obj.__module__ == name
                  and "event_type" in vars(obj)]  # shared bases of several events have none
    return sorted(found, key=lambda model: model.event_type)


def render(model: type[EventData]) -> str:
    schema = json_schema(model)
    schema["x-public"] = model.public  # may it go on the public partner stream (no personal data)?
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wijkwijzer.schemas", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="+")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for model in event_models(args.modules):
        (args.out / f"{model.event_type}.json").write_text(render(model))
        print(f"wrote {args.out / (model.event_type + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
