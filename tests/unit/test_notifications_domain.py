"""The notifications service's rules without I/O: who is told what, preferences, retry schedule,
SMTP failures, digest periods, unsubscribe tokens, and the e-mail a delivery becomes."""
from __future__ import annotations

import smtplib
from datetime import UTC, datetime

import pytest
from notifications import digests, domain, mailer, messages
from notifications.domain import Preferences, Recipient
from notifications.unsubscribe import Tokens
from wijkwijzer.errors import Invalid

pytestmark = pytest.mark.unit

STARTS = "2030-05-12T14:00:00+00:00"
REGISTRANT = {"registration_id": "r1", "activity_id": "a1", "activity_title": "Buurtschouw Kanaleneiland",
              "starts_at": STARTS, "ends_at": "2030-05-12T16:00:00+00:00", "name": "Aïcha Benali",
              "email": "aicha@voorbeeld.nl", "member": None}


def test_critical_kinds_are_always_immediate_whatever_was_chosen():
    prefs = Preferences(frequency="off", kinds={"registration_confirmed": "off", "activity_cancelled": "weekly"})
    assert prefs.frequency_of("registration_confirmed") == "immediate"
    assert prefs.frequency_of("activity_cancelled") == "immediate"
    assert prefs.frequency_of("publication_published") == "off"


def test_followed_kinds_take_the_members_frequency_unless_the_kind_says_otherwise():
    prefs = Preferences(frequency="weekly", kinds={"activity_changed": "daily"})
    assert prefs.frequency_of("publication_published") == "weekly"
    assert prefs.frequency_of("activity_changed") == "daily"
    # one's own business: immediate, or off when switched off
    assert prefs.frequency_of("activity_reminder") == "immediate"
    assert Preferences(kinds={"activity_reminder": "off"}).frequency_of("activity_reminder") == "off"


def test_registration_events_tell_the_registrant_member_or_anonymous():
    [confirmed] = messages.registration_notices("registration.confirmed", REGISTRANT)
    assert (confirmed.kind, confirmed.recipient.key, confirmed.attach_ics) == \
        ("registration_confirmed", "email:aicha@voorbeeld.nl", "a1")
    [promoted] = messages.registration_notices("registration.promoted", {**REGISTRANT, "member": "aicha"})
    assert promoted.recipient.key == "member:aicha" and promoted.attach_ics == "a1"
    cancelled = {**REGISTRANT, "reason": "activity_cancelled", "note": "Zieke spreker", "was": "confirmed"}
    assert messages.registration_notices("registration.cancelled", cancelled)[0].kind == "activity_cancelled"
    own = {**cancelled, "reason": "registrant"}
    assert messages.registration_notices("registration.cancelled", own)[0].kind == "registration_cancelled"
    assert messages.registration_notices("registration.waitlisted", REGISTRANT) == []


def test_a_publication_is_for_followers_of_its_topics_focus_areas_and_organisation():
    keys = domain.publication_keys({"topics": ["veiligheid"], "focus_areas": ["rotterdam-zuid"],
                                    "organisation": "ccv"})
    assert keys == {"topics:veiligheid", "focus_areas:rotterdam-zuid", "organisations:ccv"}
    follows = {"topics": ["armoede"], "organisations": ["ccv"]}
    assert domain.follow_keys(follows) & keys == {"organisations:ccv"}


def test_a_delivery_is_one_per_event_recipient_and_kind():
    who = Recipient("Aicha@Voorbeeld.nl", "Aïcha")
    assert domain.delivery_id("e1", who, "activity_reminder") == "e1/email:aicha@voorbeeld.nl/activity_reminder"


def test_retry_delays_and_bad_ones():
    assert domain.retry_delays("60, 300,1800") == [60.0, 300.0, 1800.0]
    assert domain.retry_delays("") == []
    with pytest.raises(ValueError):
        domain.retry_delays("10,-1")


def test_a_5xx_answer_fails_at_once_a_4xx_or_a_lost_connection_is_retried():
    assert mailer.permanent(smtplib.SMTPRecipientsRefused({"x@voorbeeld.nl": (550, b"no such user")}))
    assert not mailer.permanent(smtplib.SMTPRecipientsRefused({"x@voorbeeld.nl": (451, b"later")}))
    assert mailer.permanent(smtplib.SMTPDataError(554, b"refused"))
    assert not mailer.permanent(smtplib.SMTPDataError(451, b"try again"))
    assert not mailer.permanent(smtplib.SMTPAuthenticationError(535, b"bad login")), "a setting to fix, then retry"
    assert not mailer.permanent(ConnectionRefusedError())
    assert mailer.reason_of(smtplib.SMTPDataError(451, b"try again")) == "451 try again"


def test_digest_periods_follow_the_dutch_clock():
    schedule = digests.schedule_of("08:00", "monday")
    # 06:30 UTC on Monday 30 November 2026 is 07:30 in Amsterdam: before the time, so the day before
    assert schedule.period("daily", datetime(2026, 11, 30, 6, 30, tzinfo=UTC))[0] == "2026-11-29"
    assert schedule.period("daily", datetime(2026, 11, 30, 7, 0, tzinfo=UTC))[0] == "2026-11-30"
    assert schedule.period("weekly", datetime(2026, 11, 30, 6, 30, tzinfo=UTC))[0] == "2026-W48"
    key, due = schedule.period("weekly", datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
    assert key == "2026-W49" and due.isoformat() == "2026-11-30T08:00:00+01:00"
    # summer time: 08:00 in Amsterdam is 06:00 UTC
    assert schedule.period("daily", datetime(2026, 7, 1, 6, 0, tzinfo=UTC))[1].astimezone(UTC).hour == 6
    for bad in (("8 uur", "monday"), ("08:00", "maandag")):
        with pytest.raises(ValueError):
            digests.schedule_of(*bad)


def test_digest_items_are_grouped_by_their_first_topic():
    at = datetime(2030, 1, 1, tzinfo=UTC)
    items = [digests.item(f"k{n}", "publication_published", f"Titel {n}", {"topics": topics}, {"preferences": "p"}, at)
             for n, topics in enumerate([["veiligheid"], ["armoede", "veiligheid"], []])]
    groups = digests.grouped(items)
    assert [g["topic"] for g in groups] == ["Armoede en bestaanszekerheid", "Veiligheid in de wijk", digests.OTHER]


def test_unsubscribe_tokens_name_one_recipient_and_kind_and_cannot_be_forged():
    tokens = Tokens("a-secret-of-sufficient-length")
    token = tokens.make("member:zoe", "publication_published")
    assert tokens.read(token) == ("member:zoe", "publication_published")
    for bad in (token[:-2] + "xx", Tokens("another-secret-entirely").make("member:zoe", "publication_published"),
                tokens.make("member:zoe", "no_such_kind"), "", "x" * 2000):
        with pytest.raises(Invalid):
            tokens.read(bad)


def test_a_delivery_becomes_an_email_with_both_parts_and_the_one_click_headers():
    who = Recipient("aicha@voorbeeld.nl", "Aïcha Benali")
    links = messages.Links("https://wijkwijzer.example", "https://wijkwijzer.example/api/v1/unsubscribe")
    values = {**REGISTRANT, "location_name": "Buurthuis <De Kroon>", "location_address": "Kerkstraat 1",
              "municipality": "Utrecht", "online_url": None}
    rendered = messages.render("activity_reminder", who, values, links.values("activity_reminder", values),
                               "https://wijkwijzer.example/api/v1/unsubscribe?token=abc")
    assert rendered.subject == "Morgen: Buurtschouw Kanaleneiland"
    assert "zondag 12 mei 2030, 16:00" in rendered.text and "Buurthuis <De Kroon>" in rendered.text
    assert "Buurthuis &lt;De Kroon&gt;" in rendered.html, "HTML escapes what events carry"
    delivery = {"_id": "e1/email:aicha@voorbeeld.nl/activity_reminder", "name": who.name, "email": who.email,
                "subject": rendered.subject, "text": rendered.text, "html": rendered.html,
                "unsubscribe_url": "https://wijkwijzer.example/api/v1/unsubscribe?token=abc", "ics": None}
    mail = messages.email(delivery, "meldingen@wijkwijzer.nl", "WijkWijzer", "wijkwijzer.nl",
                          datetime(2030, 5, 11, 14, 0, tzinfo=UTC))
    assert mail["To"] == "Aïcha Benali <aicha@voorbeeld.nl>"
    assert mail["Date"] == "Sat, 11 May 2030 14:00:00 +0000"
    assert mail["Message-ID"] == messages.message_id(delivery["_id"], "wijkwijzer.nl")
    assert mail["List-Unsubscribe"] == "<https://wijkwijzer.example/api/v1/unsubscribe?token=abc>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [p.get_content_type() for p in mail.iter_parts()] == ["text/plain", "text/html"]


ASSIGNED = {"question_id": "q1", "title": "Subsidie voor een buurtmoestuin?", "assignee": "wk-1",
            "assignee_name": "Sanne de Wit", "assignee_email": "sanne@voorbeeld.nl", "rule": "topic_and_region",
            "explanation": "Onderwerp groen en regio Utrecht passen bij u.", "pickup_due": "2030-05-13T08:00:00Z",
            "first_response_due": "2030-05-14T15:00:00Z", "assigned_at": "2030-05-12T14:00:00Z"}
POSTED = {"question_id": "q1", "message_id": "m1", "kind": "answer", "author_role": "wijkwijze", "author": "wk-1",
          "assignee": "wk-1", "asker_member": None, "asker_email": "vrager@voorbeeld.nl",
          "posted_at": "2030-05-13T09:00:00Z"}


def test_question_assignment_tells_the_wijkwijze_with_deadlines_on_the_dutch_clock():
    [notice] = messages.assignment_notices(ASSIGNED)
    assert (notice.kind, notice.recipient.key) == ("question_assigned", "member:wk-1")
    assert domain.KINDS["question_assigned"].critical and domain.KINDS["question_answered"].critical
    links = messages.Links("https://w.nl", "https://w.nl/api/v1/unsubscribe").values(notice.kind, notice.values)
    out = messages.render(notice.kind, notice.recipient, notice.values, links, None)
    assert out.subject == "Vraag voor u: Subsidie voor een buurtmoestuin?"
    assert "maandag 13 mei 2030, 10:00" in out.text and "dinsdag 14 mei 2030, 17:00" in out.html
    assert "https://w.nl/vragen/q1" in out.text and "Onderwerp groen" in out.html
    assert "uw werk voor de vraagbaak en wordt altijd verstuurd" in out.text and "werk voor de vraagbaak" in out.html


def test_an_answer_tells_the_asker_and_followers_without_the_askers_data():
    asker = Recipient(email="vrager@voorbeeld.nl", name="vrager@voorbeeld.nl")
    followers = [Recipient("f@voorbeeld.nl", "Fenna", "f1"), Recipient("w@voorbeeld.nl", "Sanne", "wk-1")]
    found = messages.message_notices(POSTED, asker, None, followers, "Subsidie?")
    assert [(n.kind, n.recipient.key) for n in found] == [("question_answered", "email:vrager@voorbeeld.nl"),
                                                          ("question_followed", "member:f1")]
    follower = found[1]
    assert "vrager" not in str(follower.values) and "title" not in follower.values
    message = {**POSTED, "kind": "message", "author_role": "asker", "author": None}
    assignee = Recipient("sanne@voorbeeld.nl", "Sanne de Wit", "wk-1")
    [to_assignee] = messages.message_notices(message, asker, assignee, [], "Subsidie?")
    assert (to_assignee.kind, to_assignee.recipient.key) == ("question_message", "member:wk-1")
    assert messages.message_notices(message, asker, None, [], None) == [], "assignee unknown: nobody"
    assert domain.admin_emails(" a@x.nl, ,b@x.nl,A@x.nl ") == ["a@x.nl", "b@x.nl"]
