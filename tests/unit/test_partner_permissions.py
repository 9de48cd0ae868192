"""The partner permissions of `notifications.stream_access`, as RabbitMQ reads them (regexes over
resource names): a partner's own queues, and of ours only the public exchange, to bind to."""
import re

import pytest
from notifications import stream_access

pytestmark = pytest.mark.unit


def allowed(kind: str, slug: str, resource: str) -> bool:
    return re.search(stream_access.permissions(slug)[kind], resource) is not None


def test_a_partner_configures_and_writes_only_its_own_queues():
    for kind in ("configure", "write"):
        assert allowed(kind, "acme", "partner.acme.events")
        for other in ("partner.acme-noord.events", "partner.acme.", "partner.acme", "partner.acmex.events",
                      "xpartner.acme.events", "wijkwijzer.public", "amq.default", "publications.events",
                      "evt-publications-publication.published--notifications.on_published"):
            assert not allowed(kind, "acme", other), (kind, other)


def test_a_partner_reads_its_own_queues_and_the_public_exchange_only():
    assert allowed("read", "acme", "partner.acme.events") and allowed("read", "acme", "wijkwijzer.public")
    for other in ("partner.acme-noord.events", "wijkwijzer.public.x", "wijkwijzerXpublic", "wijkwijzer.dead-letters",
                  "publications.events", "amq.default"):
        assert not allowed("read", "acme", other), other


def test_the_queue_policy_drops_the_oldest_and_never_refuses_our_publishes():
    definition = stream_access.policy()["definition"]
    assert definition["overflow"] == "drop-head" and definition["max-length"] > 0
    assert re.search(stream_access.policy()["pattern"], "partner.acme.events")
    assert not re.search(stream_access.policy()["pattern"], "wijkwijzer.dead-letters")
