"""The public stream on the real broker: each public event reaches `wijkwijzer.public` as a
CloudEvents 1.0 structured-mode AMQP message routed by its type, and an internal one never does."""
import json
from datetime import UTC, datetime

import pytest
from publications.events import PublicationFlagged, PublicationPublished
from wijkwijzer import outbox
from wijkwijzer.cloudevents import envelope

from tests.support import EventTap

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def stored(data, subject="p1"):
    return outbox.entry(envelope("publications", data, subject=subject, correlation_id="req-1", now=NOW))


@pytest.fixture
def publisher(infra):
    return outbox.EventPublisher(infra["AMQP_URI"], "publications", {"AMQP_URI": infra["AMQP_URI"]})


@pytest.fixture
def taps(infra):
    made = []

    def tap(source, routing_key="#"):
        made.append(EventTap(infra["AMQP_URI"], source, routing_key))
        return made[-1]

    yield tap
    for one in made:
        one.close()


def published(title="Buurtpreventie in Overvecht — één aanpak"):
    return PublicationPublished(id="p1", slug="buurtpreventie", title=title, summary="Wat bewoners doen",
                                kind="praktijkvoorbeeld", topics=["veiligheid"], audiences=[], focus_areas=[],
                                organisation="ccv", published_at=NOW)


def test_a_public_event_is_a_structured_cloudevent_routed_by_its_type(publisher, taps):
    partner = taps("public", "nl.wijkwijzer.publication.*")
    internal = taps("publications", "publication.published")
    entry = stored(published())
    publisher.publish(entry)

    [message] = partner.messages()
    assert message.delivery_info["routing_key"] == "nl.wijkwijzer.publication.published"
    assert message.properties["content_type"] == "application/cloudevents+json"
    assert message.properties["content_encoding"] == "utf-8"
    assert message.properties["delivery_mode"] == 2          # persistent
    assert message.properties["message_id"] == entry["id"]
    assert not message.headers, "no nameko headers on the partners' copy"
    # py-amqp decodes the body by its content_encoding: these are the UTF-8 bytes we sent
    assert json.loads(message.body) == entry["body"]   # the whole CloudEvent, as stored
    assert "één aanpak" in message.body                 # plain UTF-8, not \\u escapes

    # the service's own nameko copy is as it was: nameko's routing key and its context header
    [own] = internal.messages()
    assert own.delivery_info["routing_key"] == "publication.published"
    assert own.headers == {"nameko.correlation_id": "req-1"}
    assert json.loads(own.body) == entry["body"]


def test_an_internal_event_stays_off_the_public_stream(publisher, taps):
    partner = taps("public", "nl.wijkwijzer.#")
    internal = taps("publications", "publication.flagged")
    entry = stored(PublicationFlagged(id="p1", slug="s", title="T", organisation=None, reason="Klopt niet",
                                      open_flags=1, hidden=False, flagged_at=NOW))
    assert entry["public"] is False
    publisher.publish(entry)
    assert [m.delivery_info["routing_key"] for m in internal.messages()] == ["publication.flagged"]
    publisher.publish(stored(published()))   # a later public event arrives: the flag did not come first
    assert [m.delivery_info["routing_key"] for m in partner.messages()] == ["nl.wijkwijzer.publication.published"]
