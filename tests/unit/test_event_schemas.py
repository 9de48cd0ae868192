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
MODULES = ["publications.events", "activities.events", "helpdesk.events"]
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


def test_publications_reads_the_helpdesk_q_and_a_by_the_helpdesk_schema():
    """The contract belongs to the producer: every field the kennisbank reads of
    `question.answered_with_consent` is in the helpdesk's schema, required and of the same type,
    and an event the helpdesk builds is read as it was meant."""
    import json

    from helpdesk.events import QuestionAnsweredWithConsent
    from publications.events import QuestionAnsweredWithConsent as Reader

    produced = json.loads((SCHEMAS / "question.answered_with_consent.json").read_text())
    data = produced["$defs"]["QuestionAnsweredWithConsent"]
    read = Reader.model_json_schema()
    for name, field in read["properties"].items():
        assert name in data["properties"], f"publications reads {name}, which the helpdesk does not send"
        if name in read.get("required", []):
            assert name in data["required"], f"publications needs {name}, which the helpdesk may leave out"
        types = {t.get("type") for t in field.get("anyOf", [field])}
        sent = {t.get("type") for t in data["properties"][name].get("anyOf", [data["properties"][name]])}
        assert sent <= types, f"{name}: the helpdesk sends {sent}, publications reads {types}"

    now = datetime(2026, 11, 27, tzinfo=UTC)
    event = envelope("helpdesk", QuestionAnsweredWithConsent(
        question_id="q1", title="Buurtbarbecue", body="Mag dat op straat?", answer="Vraag een vergunning aan.",
        topics=["ontmoeting"], focus_area="delft-west", municipality=None, answered_at=now), subject="q1")
    body = event.model_dump(mode="json")
    jsonschema.validate(body, produced)
    assert Reader.model_validate(body["data"]).answer == "Vraag een vergunning aan."
