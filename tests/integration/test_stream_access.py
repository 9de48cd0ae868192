"""A partner provisioned on the real broker (`python -m notifications.stream_access`) reads the
public stream through a queue of its own, and is refused everything else: other queues,
publishing anywhere (the default exchange too), queues outside its prefix."""
import uuid
from datetime import UTC, datetime

import amqp
import pytest
from kombu import Connection, Queue
from publications.events import PublicationWithdrawn
from wijkwijzer import amqp as platform_amqp
from wijkwijzer import outbox, topology
from wijkwijzer.cloudevents import envelope

from tests.support import (
    Broker,
    PartnerQueue,
    eventually,
    provision_partner,
    provisioned_uri,
    stream_access,
)

pytestmark = pytest.mark.integration

SERVICE = "notifications.service:NotificationsService"   # a consumer of our events, with queues of its own


@pytest.fixture
def broker(infra):
    """A vhost of the test's own with the platform's topology in it."""
    broker = Broker(infra, f"{infra['VHOST']}-partners-{uuid.uuid4().hex[:6]}")
    broker.create()
    platform_amqp.declare(broker.amqp_uri, [platform_amqp.public_exchange(),
                                            *topology.declarations(topology.load_service(SERVICE), broker.amqp_uri)])
    yield broker
    broker.delete()


@pytest.fixture
def slug(broker):
    """A partner of the test's own (RabbitMQ users are per broker, not per vhost); gone afterwards."""
    slug = f"test-{uuid.uuid4().hex[:8]}"
    yield slug
    broker.api("DELETE", f"users/partner-{slug}")


def a_consumer_queue(broker) -> str:
    declared = topology.declarations(topology.load_service(SERVICE), broker.amqp_uri)
    return next(entity.name for entity in declared if isinstance(entity, Queue) and ".retry" not in entity.name)


def refused(uri, attempt) -> bool:
    """True when the broker refuses `attempt(channel)` with ACCESS_REFUSED (403)."""
    with Connection(uri, connect_timeout=5) as connection:
        channel = connection.default_channel
        try:
            attempt(channel)
        except amqp.exceptions.AccessRefused:
            return True
    return False


def publish_confirmed(channel, exchange, routing_key):
    # with confirms the broker's refusal (it closes the channel) arrives instead of the ack
    channel.basic_publish_confirm(amqp.Message(b'{"specversion":"1.0"}'), exchange=exchange, routing_key=routing_key,
                                  confirm_timeout=10)


def test_a_partner_reads_the_public_stream_through_its_own_queue_and_nothing_else(broker, slug):
    printed = provision_partner(broker, slug)
    uri = provisioned_uri(printed)
    assert uri.startswith(f"amqp://partner-{slug}:") and f"partner.{slug}." in printed and "wijkwijzer.public" in printed
    queue = f"partner.{slug}.events"
    partner = PartnerQueue(uri, queue, "nl.wijkwijzer.#")

    event = envelope("publications", PublicationWithdrawn(id="p1", slug="s", withdrawn_at=datetime.now(UTC)),
                     subject="p1")
    outbox.EventPublisher(broker.amqp_uri, "publications", {}).publish(outbox.entry(event))
    [message] = eventually(partner.messages, timeout=10, what="the event in the partner's queue")
    assert message.properties["content_type"] == "application/cloudevents+json"
    assert message.properties["message_id"] == event.id

    service_queue = a_consumer_queue(broker)
    assert refused(uri, lambda ch: ch.basic_get(service_queue)), "read a service's queue"
    assert refused(uri, lambda ch: publish_confirmed(ch, "wijkwijzer.public", "nl.wijkwijzer.publication.published"))
    assert refused(uri, lambda ch: publish_confirmed(ch, "", service_queue)), "published to the default exchange"
    assert refused(uri, lambda ch: publish_confirmed(ch, "", queue)), "published to the default exchange"
    assert refused(uri, lambda ch: ch.queue_declare("partner.someone-else.events", durable=True))
    assert refused(uri, lambda ch: ch.queue_declare(f"{slug}.events", durable=True))
    assert refused(uri, lambda ch: ch.queue_bind(queue, "notifications.events", "#")), "bound to an internal exchange"
    assert refused(uri, lambda ch: ch.queue_delete(service_queue))
    # and what it is refused did not happen
    assert broker.queue(service_queue) is not None and broker.queue("partner.someone-else.events") is None


def test_provisioning_again_rotates_the_password_and_revoking_removes_user_and_queues(broker, slug):
    first = provisioned_uri(provision_partner(broker, slug))
    with Connection(first, connect_timeout=5) as connection:
        connection.default_channel.queue_declare(f"partner.{slug}.events", durable=True)
    again = provision_partner(broker, slug)
    assert again.startswith("Rotated the password") and provisioned_uri(again) != first
    with pytest.raises(amqp.exceptions.AccessRefused):   # the old password no longer logs in
        Connection(first, connect_timeout=5).connect()
    with Connection(provisioned_uri(again), connect_timeout=5) as connection:
        connection.ensure_connection(max_retries=1)

    # one policy bounds every partner queue, dropping the oldest (never refusing our publishes)
    policy = broker.api("GET", f"policies/{broker._vhost}/partner-queues").json()
    assert policy["pattern"] == "^partner\\." and policy["apply-to"] == "queues"
    assert policy["definition"] == {"max-length": 100000, "max-length-bytes": 104857600, "overflow": "drop-head"}
    eventually(lambda: (broker.queue(f"partner.{slug}.events") or {}).get("policy") == "partner-queues",
               timeout=10, what="the policy on the partner's queue")

    done = stream_access(broker, "revoke", slug)
    assert done.returncode == 0 and f"partner.{slug}.events" in done.stdout, done.stderr
    assert broker.api("GET", f"users/partner-{slug}").status_code == 404
    assert broker.queue(f"partner.{slug}.events") is None


@pytest.mark.parametrize("bad", ["Acme", "acme_gemeente", "acme.gemeente", "-acme", "acme-", "a" * 41, "ac me"])
def test_a_partner_slug_is_lowercase_letters_digits_and_hyphens(broker, bad):
    done = stream_access(broker, "provision", "--", bad)   # "--": "-acme" is a slug here, not an option
    assert done.returncode == 2 and "invalid partner slug" in done.stderr
    assert broker.api("GET", f"users/partner-{bad}").status_code in (404, 400)


def test_the_command_explains_itself():
    done = stream_access(Broker({"AMQP_URI": "amqp://guest:guest@127.0.0.1/", "MANAGEMENT_URL": "http://unused"}, "/"),
                         "--help")
    assert done.returncode == 0 and "provision" in done.stdout and "RABBITMQ_MANAGEMENT_URL" in done.stdout
