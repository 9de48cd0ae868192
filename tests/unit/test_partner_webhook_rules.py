"""The rules of partner webhooks (notifications.partners, notifications.endpoints): signatures the
reference library accepts, the retry schedule, what an answer means, filters, and the guard
against requests into our own network."""
from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest
from notifications import partners as rules
from notifications.endpoints import Guard, Refused, networks
from notifications.partners import PUBLIC_EVENT_TYPES, Outcome, PartnerRequest, Tags
from pydantic import ValidationError
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from wijkwijzer.cloudevents import TYPE_PREFIX
from wijkwijzer.schemas import event_models

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 29, 21, 0, tzinfo=UTC)
BODY = '{"specversion":"1.0","id":"e1","type":"nl.wijkwijzer.publication.published","data":{"title":"Één straat"}}'


def test_the_catalogue_of_public_types_is_what_the_services_mark_public():
    models = event_models(["publications.events", "activities.events", "helpdesk.events"])
    assert set(PUBLIC_EVENT_TYPES) == {TYPE_PREFIX + m.event_type for m in models if m.public}


def test_the_reference_library_verifies_a_delivery_signed_by_the_current_and_the_rotated_out_secret():
    old, new = rules.new_secret(), rules.new_secret()
    assert old.startswith("whsec_") and old != new
    stored = rules.rotated([{"secret": old, "since": NOW - timedelta(days=30), "until": None}], new,
                           timedelta(hours=24), NOW)
    signing = rules.signing_secrets({"secrets": stored}, NOW + timedelta(hours=1))
    assert signing == [old, new]
    headers = rules.signed_headers("e1", BODY, signing, datetime.now(UTC))
    assert headers["webhook-id"] == "e1" and headers["webhook-signature"].count("v1,") == 2
    for secret in (old, new):
        assert Webhook(secret).verify(BODY, headers)["id"] == "e1"
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(BODY.replace("Één", "Een"), headers)   # a changed body
    assert rules.signing_secrets({"secrets": stored}, NOW + timedelta(hours=25)) == [new], "the overlap ended"


def test_rotating_twice_keeps_no_secret_beyond_its_overlap():
    first = [{"secret": "whsec_a", "since": NOW, "until": None}]
    second = rules.rotated(first, "whsec_b", timedelta(hours=24), NOW)
    third = rules.rotated(second, "whsec_c", timedelta(hours=24), NOW + timedelta(hours=30))
    assert [s["secret"] for s in third] == ["whsec_b", "whsec_c"], "a's overlap ended; b's starts now"


def test_the_schedule_is_immediately_then_5s_5min_30min_2h_5h_10h_14h_20h_24h_then_given_up():
    waits = [rules.next_attempt(n, NOW, 1) - NOW for n in range(1, 10)]
    assert waits == [timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                     timedelta(hours=5), timedelta(hours=10), timedelta(hours=14), timedelta(hours=20),
                     timedelta(hours=24)]
    assert rules.next_attempt(10, NOW, 1) is None, "ten attempts in all"
    assert rules.next_attempt(2, NOW, 0.001) - NOW == timedelta(seconds=0.3), "the time scale of the tests"


@pytest.mark.parametrize(("status", "headers", "expected"), [
    (200, {}, Outcome("delivered")),
    (204, {}, Outcome("delivered")),
    (410, {}, Outcome("gone")),
    (429, {"retry-after": "120"}, Outcome("retry", NOW + timedelta(seconds=120))),
    (503, {"retry-after": "Sun, 29 Nov 2026 22:00:00 GMT"}, Outcome("retry", NOW + timedelta(hours=1))),
    (503, {"retry-after": "999999999"}, Outcome("retry", NOW + timedelta(hours=24))),
    (503, {"retry-after": "soon"}, Outcome("retry", NOW + timedelta(seconds=5))),
    (500, {"retry-after": "120"}, Outcome("retry", NOW + timedelta(seconds=5))),
    (302, {}, Outcome("retry", NOW + timedelta(seconds=5))),
    (None, {}, Outcome("retry", NOW + timedelta(seconds=5))),
])
def test_what_an_answer_to_the_first_attempt_means(status, headers, expected):
    assert rules.outcome(status, headers, 1, NOW, 1) == expected


def test_the_tenth_failure_gives_up_even_with_retry_after():
    assert rules.outcome(429, {"retry-after": "1"}, 10, NOW, 1) == Outcome("retry", None)


def test_an_endpoint_is_switched_off_after_five_days_of_failures():
    assert not rules.failing_too_long(NOW - timedelta(days=4, hours=23), NOW, 1)
    assert rules.failing_too_long(NOW - timedelta(days=5), NOW, 1)
    assert not rules.failing_too_long(None, NOW, 1)


def test_filters_by_type_topic_and_area_and_a_question_for_a_whole_municipality():
    partner = {"event_types": [], "topics": ["veiligheid"], "focus_areas": ["rotterdam-zuid"]}
    published = Tags(topics=("veiligheid", "jeugd"), focus_areas=("rotterdam-zuid",))
    assert rules.wants(partner, "nl.wijkwijzer.publication.published", published)
    assert not rules.wants(partner, "nl.wijkwijzer.publication.published", Tags(topics=("jeugd",),
                                                                                 focus_areas=("rotterdam-zuid",)))
    assert not rules.wants(partner, "nl.wijkwijzer.question.asked", Tags(topics=("veiligheid",),
                                                                          municipalities=("Utrecht",)))
    assert rules.wants(partner, "nl.wijkwijzer.question.asked", Tags(topics=("veiligheid",),
                                                                      municipalities=("Rotterdam",)))
    assert rules.wants(partner, "nl.wijkwijzer.publication.withdrawn", None), "unknown: rather once too often"
    only_activities = {"event_types": ["nl.wijkwijzer.activity.scheduled"], "topics": [], "focus_areas": []}
    assert not rules.wants(only_activities, "nl.wijkwijzer.publication.published", published)


def test_tags_come_from_an_events_data():
    assert Tags.of({"topics": ["wonen"], "focus_area": None, "municipality": "Gouda"}) == \
        Tags(("wonen",), (), ("Gouda",))
    assert Tags.of({"id": "p1", "slug": "x", "withdrawn_at": "2026-11-29T21:00:00Z"}) is None


def test_a_partner_names_public_types_and_known_slugs_only():
    with pytest.raises(ValidationError) as wrong:
        PartnerRequest(name="Gemeente Gouda", url="https://gouda.example/hooks",
                       event_types=["nl.wijkwijzer.registration.confirmed"], topics=["groen"])
    assert {e["loc"][0] for e in wrong.value.errors()} == {"event_types", "topics"}
    with pytest.raises(ValidationError):
        PartnerRequest(name="", url="https://gouda.example/hooks")


def _resolving(monkeypatch, *answers: str):
    """socket.getaddrinfo answering these addresses, one call after the other."""
    calls = iter(answers)

    def fake(host, port, *args, **kwargs):
        address = next(calls)
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.5", "172.16.3.4", "192.168.1.10", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "::1", "fd00:ec2::254", "fe80::1", "::ffff:127.0.0.1",
                                     "224.0.0.1"])
def test_an_endpoint_resolving_to_a_non_public_address_is_refused(monkeypatch, address):
    _resolving(monkeypatch, address)
    with pytest.raises(Refused):
        Guard().check_url("https://partner.example/hooks")


def test_a_public_address_is_admitted_and_plain_http_only_within_the_allow_list(monkeypatch):
    _resolving(monkeypatch, "145.97.39.155", "145.97.39.155", "127.0.0.1")
    Guard().check_url("https://partner.example/hooks")
    with pytest.raises(Refused, match="https is required"):
        Guard().check_url("http://partner.example/hooks")
    Guard(networks("127.0.0.0/8")).check_url("http://localhost:8080/hooks")


def test_dns_rebinding_is_caught_when_connecting(monkeypatch):
    """Public when registered, loopback when called: the connection's own lookup refuses it."""
    _resolving(monkeypatch, "145.97.39.155", "127.0.0.1")
    guard = Guard()
    guard.check_url("https://rebind.example/hooks")
    with pytest.raises(Refused):
        guard.resolve("rebind.example", 443)
