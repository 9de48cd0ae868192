"""The public stream as a partner sees it: a partner provisioned on the platform's vhost binds a
queue of its own to `wijkwijzer.public`, and every public event type of one scenario driven
through the API arrives there, as a CloudEvent the `cloudevents` SDK reads, routed by its type,
fitting the message schema of docs/asyncapi.yaml."""
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
import yaml
from cloudevents.core.bindings.rabbitmq import RabbitMQMessage, from_rabbitmq_event

from tests.platform import bearer
from tests.support import (
    Api,
    PartnerQueue,
    asyncapi_message_schema,
    eventually,
    provision_partner,
    provisioned_uri,
)

pytestmark = pytest.mark.e2e

ASYNCAPI = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.yaml"
ALL_PUBLIC = {"publication.submitted", "publication.published", "publication.updated", "publication.withdrawn",
              "activity.scheduled", "activity.updated", "activity.cancelled",
              "question.asked", "question.answered", "question.closed"}
ANNA = bearer("anna-stroom", "Anna Stroom", "member", email="anna@voorbeeld.nl")
EVA = bearer("eva-redactie", "Eva Redactie", "editor")
NOOR = bearer("noor-stroom", "Noor Bakker", "organiser", organisation="lpb")
BEHEER = bearer("beheer", "Beheer", "admin")


@pytest.fixture(scope="module")
def api(platform):
    return Api(platform.base_url)


@pytest.fixture
def partner(platform):
    """A partner of the test's own on the platform's vhost, with a queue bound to everything."""
    slug = f"e2e-{uuid.uuid4().hex[:8]}"
    uri = provisioned_uri(provision_partner(platform.broker, slug))
    yield PartnerQueue(uri, f"partner.{slug}.stream", "nl.wijkwijzer.#")
    platform.broker.api("DELETE", f"queues/{platform.broker._vhost}/partner.{slug}.stream")
    platform.broker.api("DELETE", f"users/partner-{slug}")


def a_publication_lives_and_goes(api) -> str:
    draft = api("POST", "/publications", ANNA, 201, json={
        "title": f"Energiecoaches in de wijk {uuid.uuid4().hex[:6]}", "summary": "Bewoners helpen bewoners",
        "kind": "praktijkvoorbeeld", "topics": ["verduurzaming"], "body": "## Aanpak\n\nHuis aan huis."})
    api("POST", f"/publications/{draft['id']}/submit", ANNA)
    api("POST", f"/publications/{draft['id']}/review", EVA, json={"decision": "publish"})
    api("PATCH", f"/publications/{draft['id']}", EVA, json={"summary": "Bewoners helpen bewoners energie besparen"})
    api("POST", f"/publications/{draft['id']}/withdraw", ANNA)
    return draft["id"]


def an_activity_is_scheduled_changed_and_cancelled(api) -> str:
    starts = (datetime.now(UTC) + timedelta(days=21)).replace(microsecond=0)
    activity = api("POST", "/activities", NOOR, 201, json={
        "title": "Energiecafé", "kind": "leerbijeenkomst", "description": "Samen de energierekening omlaag.",
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "topics": ["verduurzaming"], "capacity": 30,
        "location": {"name": "Buurthuis De Boog", "address": "Zamenhofdreef 1", "municipality": "Utrecht"}})
    api("PATCH", f"/activities/{activity['id']}", NOOR, json={"title": "Energiecafé (nieuwe zaal)"})
    api("POST", f"/activities/{activity['id']}/cancel", NOOR, json={"reason": "De zaal is niet beschikbaar"})
    return activity["id"]


def a_question_is_asked_answered_and_closed(api) -> str:
    place = f"Stroomdorp {uuid.uuid4().hex[:6]}"   # a region of this test's own: its wijkwijze gets it
    sub = f"wijkwijze-{uuid.uuid4().hex[:6]}"
    api("PUT", f"/wijkwijzen/{sub}", BEHEER, json={"name": "Sanne Stroom", "email": f"{sub}@voorbeeld.nl",
                                                   "topics": ["verduurzaming"], "regions": [place], "capacity": 3})
    asked = api("POST", "/questions", None, 201, json={
        "title": "Hoe krijgen we zonnepanelen op de flat?", "topics": ["verduurzaming"], "municipality": place,
        "body": "Onze VvE wil wel, maar weet niet waar te beginnen.", "email": "vraag@voorbeeld.nl"})
    assert asked["assignee"]["sub"] == sub
    api("POST", f"/questions/{asked['id']}/answer", bearer(sub, "Sanne Stroom", "wijkwijze"),
        json={"body": "Begin bij het energieloket van de gemeente."})
    api("POST", f"/questions/{asked['id']}/close", None, params={"token": asked["token"]})
    return asked["id"]


def test_a_partner_queue_receives_every_public_event_type_as_a_cloudevent(api, partner):
    ours = {a_publication_lives_and_goes(api), an_activity_is_scheduled_changed_and_cancelled(api),
            a_question_is_asked_answered_and_closed(api)}

    def every_type_arrived():
        mine = [m for m in partner.messages() if from_rabbitmq_event(as_sdk_message(m)).get_subject() in ours]
        types = {from_rabbitmq_event(as_sdk_message(m)).get_type().removeprefix("nl.wijkwijzer.") for m in mine}
        return mine if types == ALL_PUBLIC else None

    mine = eventually(every_type_arrived, timeout=30, what=f"every public type of the scenario: {sorted(ALL_PUBLIC)}")
    document = yaml.safe_load(ASYNCAPI.read_text())
    for message in partner.messages():   # other tests' events too: everything on the stream holds
        event = from_rabbitmq_event(as_sdk_message(message))
        assert message.properties["content_type"] == "application/cloudevents+json"
        assert message.delivery_info["routing_key"] == event.get_type()
        assert message.properties["message_id"] == event.get_id()
        jsonschema.Draft202012Validator(asyncapi_message_schema(document, event.get_type()),
                                        format_checker=jsonschema.FormatChecker()).validate(body_of(message))
    internal = [m.delivery_info["routing_key"] for m in mine
                if m.delivery_info["routing_key"].removeprefix("nl.wijkwijzer.") not in ALL_PUBLIC]
    assert not internal, f"internal events on the public stream: {internal}"


def body_of(message) -> dict:
    return json.loads(message.body)


def as_sdk_message(message) -> RabbitMQMessage:
    """The SDK's view of a message as py-amqp delivered it (it decodes a UTF-8 body to text)."""
    body = message.body.encode("utf-8") if isinstance(message.body, str) else message.body
    return RabbitMQMessage(headers=dict(message.headers or {}), content_type=message.properties.get("content_type"),
                           body=body)
