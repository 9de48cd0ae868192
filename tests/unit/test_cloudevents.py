from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError
from wijkwijzer.cloudevents import CloudEvent, EventData, envelope, json_schema

pytestmark = pytest.mark.unit


class Submitted(EventData):
    event_type = "publication.submitted"
    public = True
    title: str
    topics: list[str]


def test_envelope_carries_every_cloudevents_attribute():
    amsterdam = timezone(timedelta(hours=1))
    event = envelope("publications", Submitted(title="Buurtagenda", topics=["abcd"]),
                     subject="p1", correlation_id="req-1",
                     now=datetime(2026, 11, 27, 12, 0, tzinfo=amsterdam))
    doc = event.model_dump(mode="json")
    assert doc["specversion"] == "1.0"
    assert doc["source"] == "/wijkwijzer/publications"
    assert doc["type"] == "nl.wijkwijzer.publication.submitted"
    assert doc["time"] == "2026-11-27T11:00:00Z"  # always UTC
    assert doc["subject"] == "p1" and doc["correlationid"] == "req-1"
    assert doc["datacontenttype"] == "application/json"
    assert doc["data"] == {"title": "Buurtagenda", "topics": ["abcd"]}
    assert event.routing_key == "publication.submitted"


def test_each_event_gets_a_fresh_id():
    a = envelope("publications", Submitted(title="a", topics=[]), subject="p1")
    b = envelope("publications", Submitted(title="a", topics=[]), subject="p1")
    assert a.id != b.id


def test_received_event_is_validated_against_its_payload_model():
    doc = envelope("publications", Submitted(title="t", topics=[]), subject="p1").model_dump(mode="json")
    assert CloudEvent[Submitted].model_validate(doc).data.title == "t"
    doc["data"]["extra"] = "x"
    with pytest.raises(ValidationError):
        CloudEvent[Submitted].model_validate(doc)
    doc["data"].pop("extra")
    doc["time"] = "2026-11-27T12:00:00"  # no offset
    with pytest.raises(ValidationError):
        CloudEvent[Submitted].model_validate(doc)


def test_json_schema_describes_envelope_and_payload():
    schema = json_schema(Submitted)
    assert schema["title"] == "nl.wijkwijzer.publication.submitted"
    assert {"specversion", "id", "source", "type", "time", "subject", "data"} <= set(schema["required"])
    payload = schema["$defs"]["Submitted"]
    assert payload["additionalProperties"] is False
    assert set(payload["properties"]) == {"title", "topics"}
