"""The committed event schemas are generated from the models that build the events."""
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from publications.events import PublicationSubmitted
from wijkwijzer.cloudevents import envelope
from wijkwijzer.schemas import event_models, render

pytestmark = pytest.mark.unit

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "events" / "schemas"
MODULES = ["publications.events", "activities.events"]
REGENERATE = "python -m wijkwijzer.schemas --out docs/events/schemas " + " ".join(MODULES)


def test_every_committed_schema_is_current_and_none_is_stale():
    models = event_models(MODULES)
    assert {f"{m.event_type}.json" for m in models} == {p.name for p in SCHEMAS.glob("*.json")}, REGENERATE
    for model in models:
        assert (SCHEMAS / f"{model.event_type}.json").read_text() == render(model), REGENERATE


def test_a_real_event_validates_against_its_schema_and_a_broken_one_does_not():
    import json

    schema = json.loads((SCHEMAS / "publication.submitted.json").read_text())
    now = datetime(2026, 11, 27, tzinfo=UTC)
    event = envelope("publications", PublicationSubmitted(
        id="p1", slug="p-1", title="T", kind="praktijkvoorbeeld", topics=[], audiences=[],
        focus_areas=[], organisation=None, submitted_at=now), subject="p1", correlation_id="r1")
    jsonschema.validate(event.model_dump(mode="json"), schema)
    broken = event.model_dump(mode="json")
    del broken["data"]["title"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
