"""docs/asyncapi.yaml is generated from the models that build the events, is a valid AsyncAPI 3.0.0
document by the official JSON Schema, and describes exactly the public stream."""
import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
import yaml
from publications.events import PublicationWithdrawn
from wijkwijzer.asyncapi import render
from wijkwijzer.cloudevents import envelope
from wijkwijzer.schemas import event_models

from tests.support import asyncapi_message_schema

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "asyncapi.yaml"
OFFICIAL = ROOT / "tests" / "asyncapi" / "asyncapi-3.0.0.schema.json"   # @asyncapi/specs 6.11.1, see its README
MODULES = ["publications.events", "activities.events", "helpdesk.events"]
REGENERATE = "python -m wijkwijzer.asyncapi --out docs/asyncapi.yaml " + " ".join(MODULES)


def published_document() -> dict:
    return yaml.safe_load(DOCUMENT.read_text())


def test_the_committed_document_is_current():
    assert DOCUMENT.read_text() == render(MODULES), REGENERATE


def test_it_is_a_valid_asyncapi_3_document():
    official = json.loads(OFFICIAL.read_text())
    jsonschema.Draft7Validator.check_schema(official)
    errors = sorted(jsonschema.Draft7Validator(official).iter_errors(published_document()), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    broken = published_document()
    del broken["channels"]["publication.published"]["bindings"]["amqp"]["exchange"]["type"]
    broken["channels"]["publication.published"]["bindings"]["amqp"]["is"] = "exchange"
    assert not jsonschema.Draft7Validator(official).is_valid(broken)   # the check can fail


def test_it_describes_every_public_event_and_nothing_internal():
    document = published_document()
    public = {m.event_type for m in event_models(MODULES) if m.public}
    assert set(document["channels"]) == set(document["operations"]) == set(document["components"]["messages"]) \
        == public
    for name, channel in document["channels"].items():
        assert channel["address"] == f"nl.wijkwijzer.{name}"       # the routing key is the CloudEvents type
        assert channel["bindings"]["amqp"]["exchange"] == {"name": "wijkwijzer.public", "type": "topic",
                                                            "durable": True, "autoDelete": False}
        assert document["operations"][name]["action"] == "receive"
        message = document["components"]["messages"][name]
        assert message["contentType"] == "application/cloudevents+json"
        assert message["bindings"]["amqp"]["messageType"] == f"nl.wijkwijzer.{name}"


def test_a_real_event_fits_its_message_schema_and_a_broken_one_does_not():
    schema = asyncapi_message_schema(published_document(), "nl.wijkwijzer.publication.withdrawn")
    event = envelope("publications", PublicationWithdrawn(id="p1", slug="s", withdrawn_at=datetime.now(UTC)),
                     subject="p1").model_dump(mode="json")
    jsonschema.Draft202012Validator(schema).validate(event)
    for broken in ({**event, "data": {**event["data"], "author": "Anna"}}, {**event, "type": "nl.wijkwijzer.publication.published"},
                   {k: v for k, v in event.items() if k != "id"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.Draft202012Validator(schema).validate(broken)
