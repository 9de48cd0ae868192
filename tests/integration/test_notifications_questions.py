"""The notifications service tells people about vraagbaak questions, from the helpdesk's events as
the helpdesk publishes them (its event models, the CloudEvents envelope), over a real SMTP server
(aiosmtpd): the wijkwijze a question is assigned to, the asker when answered or written to, the
assignee when the asker writes, followers of the question, admins on pooled and escalated
questions. Redelivered events send nothing twice; critical kinds ignore 'off'."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import eventlet
import pytest
from helpdesk.events import (
    QuestionAssigned,
    QuestionEscalated,
    QuestionMessagePosted,
    QuestionPooled,
    QuestionReassigned,
    QuestionReopened,
)
from nameko.standalone.rpc import ClusterRpcProxy
from notifications.service import NotificationsService
from wijkwijzer.cloudevents import envelope

from tests.integration.test_notifications_mail import parts, publish, to
from tests.support import WEB, eventually

pytestmark = pytest.mark.integration


@pytest.fixture
def rpc(service_config):
    with ClusterRpcProxy({"AMQP_URI": service_config["AMQP_URI"]}, timeout=30) as proxy:
        yield proxy

SANNE = {"sub": "wk-sanne", "name": "Sanne de Wit", "email": "sanne@wijkwijzer.example", "roles": ["wijkwijze"]}
BRAM = {"sub": "wk-bram", "name": "Bram Çelik", "email": "bram@wijkwijzer.example", "roles": ["wijkwijze"]}
ZOE = {"sub": "zoe", "name": "Zoë van den Heuvel", "email": "zoe.vandenheuvel@voorbeeld.nl", "roles": ["member"]}
FENNA = {"sub": "fenna", "name": "Fenna Visser", "email": "fenna@voorbeeld.nl", "roles": ["member"]}
TITLE = "Mag ik een moestuin beginnen op het grasveld achter ons blok?"


def sent(event) -> dict:
    return envelope("helpdesk", event, subject=event.question_id)


def assigned(question_id: str, who: dict, cls=QuestionAssigned, **more) -> dict:
    now = datetime.now(UTC)
    return sent(cls(question_id=question_id, title=TITLE, assignee=who["sub"], assignee_name=who["name"],
                    assignee_email=who["email"], rule="topic_and_region",
                    explanation="Het onderwerp groen en de regio Utrecht passen bij u.",
                    pickup_due=datetime(2030, 5, 13, 8, 0, tzinfo=UTC),
                    first_response_due=datetime(2030, 5, 14, 15, 0, tzinfo=UTC), assigned_at=now, **more))


def posted(question_id: str, n: int, kind: str, role: str, asker: dict | None, assignee: dict,
           email: str | None = None) -> dict:
    author = assignee["sub"] if role == "wijkwijze" else (asker or {}).get("sub")
    return sent(QuestionMessagePosted(
        question_id=question_id, message_id=f"m{n}", kind=kind, author_role=role, author=author,
        assignee=assignee["sub"], asker_member=(asker or {}).get("sub"),
        asker_email=(asker or {}).get("email") or email, posted_at=datetime.now(UTC)))


# .strip(): Python's email folds a long ASCII subject right after "Subject:", and its parser keeps
# the fold's space (mail programs drop it)


def mails_to(sink, address: str) -> list:
    return [m for m in sink.messages() if to(m) == address]


def test_the_wijkwijze_hears_of_an_assignment_and_a_reassignment_once_each(start, sink, service_config):
    start(NotificationsService)
    event = assigned("q-1", SANNE)
    for _ in range(3):   # redelivered
        publish(service_config, "helpdesk", event)
    [mail] = eventually(sink.messages, timeout=30, what="the assignment mail")
    assert to(mail) == SANNE["email"] and mail["To"].addresses[0].display_name == "Sanne de Wit"
    assert mail["Subject"].strip() == f"Vraag voor u: {TITLE}"
    assert mail["List-Unsubscribe"] is None, "critical: no unsubscribe"
    text, html = parts(mail)
    for part in (text, html):
        assert f"{WEB}/vragen/q-1" in part
        assert "Het onderwerp groen en de regio Utrecht passen bij u." in part
        assert "maandag 13 mei 2030, 10:00" in part and "dinsdag 14 mei 2030, 17:00" in part, "Dutch clock"
    assert html.lstrip().startswith("<!DOCTYPE html>")

    publish(service_config, "helpdesk", assigned("q-1", BRAM, QuestionReassigned, previous=SANNE["sub"],
                                                 because="declined"))
    [second] = eventually(lambda: mails_to(sink, BRAM["email"]), timeout=30, what="the reassignment mail")
    assert "gaf haar terug" in parts(second)[0]
    eventlet.sleep(1.5)
    assert len(sink.messages()) == 2, "nothing twice"

    # reopened back with its wijkwijze (Bram now); one about Sanne, no longer assigned, tells nobody
    def reopened_to(who):
        return sent(QuestionReopened(question_id="q-1", assignee=who["sub"],
                                     reopened_at=datetime(2030, 5, 20, 9, 30, tzinfo=UTC)))

    to_bram = reopened_to(BRAM)
    for event in (to_bram, reopened_to(SANNE), to_bram):   # and redelivered
        publish(service_config, "helpdesk", event)
    eventually(lambda: len(mails_to(sink, BRAM["email"])) == 2, timeout=30, what="the reopened mail")
    reopened = mails_to(sink, BRAM["email"])[-1]
    assert reopened["Subject"].strip() == f"Vraag weer open: {TITLE}" and reopened["List-Unsubscribe"] is None
    assert "maandag 20 mei 2030, 11:30" in parts(reopened)[0] and f"{WEB}/vragen/q-1" in parts(reopened)[1]
    eventlet.sleep(1.5)
    assert len(sink.messages()) == 3


def test_an_answer_reaches_the_asker_even_when_off_and_followers_without_the_askers_data(
        start, sink, rpc, service_config):
    start(NotificationsService)
    rpc.notifications.set_follows(ZOE, {"questions": ["q-2"]})          # the asker follows her own question
    rpc.notifications.set_preferences(ZOE, {"kinds": {"question_message": "off"}})
    rpc.notifications.set_follows(FENNA, {"questions": ["q-2"]})
    with pytest.raises(Exception, match="always sent"):
        rpc.notifications.set_preferences(ZOE, {"kinds": {"question_answered": "off"}})
    publish(service_config, "helpdesk", assigned("q-2", SANNE))
    eventually(lambda: mails_to(sink, SANNE["email"]), timeout=30, what="the assignment")

    answer = posted("q-2", 1, "answer", "wijkwijze", ZOE, SANNE)
    publish(service_config, "helpdesk", answer)
    publish(service_config, "helpdesk", answer)
    [mine] = eventually(lambda: mails_to(sink, ZOE["email"]), timeout=30, what="the asker's mail")
    [theirs] = eventually(lambda: mails_to(sink, FENNA["email"]), timeout=30, what="the follower's mail")
    assert mine["Subject"].strip() == "Uw vraag is beantwoord" and mine["List-Unsubscribe"] is None
    text, html = parts(mine)
    assert f"{WEB}/vragen/q-2" in text and f"{WEB}/vragen/q-2" in html and TITLE in text
    assert "link uit de bevestiging" not in text, "a member signs in"
    assert theirs["Subject"].strip() == "Nieuw antwoord op een vraag die u volgt"
    assert theirs["List-Unsubscribe"].startswith(f"<{WEB}/api/v1/unsubscribe?token=")
    assert theirs["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for part in parts(theirs):
        assert f"{WEB}/vragen/q-2" in part
        assert "Zoë" not in part and "zoe" not in part and TITLE not in part, "nothing of the asker"

    # a message from the wijkwijze: the asker switched those off, the follower hears it
    publish(service_config, "helpdesk", posted("q-2", 2, "message", "wijkwijze", ZOE, SANNE))
    eventually(lambda: len(mails_to(sink, FENNA["email"])) == 2, timeout=30, what="the follower's second")
    eventlet.sleep(1.5)
    assert len(mails_to(sink, ZOE["email"])) == 1 and len(mails_to(sink, SANNE["email"])) == 1
    assert len(sink.messages()) == 4


def test_anonymous_askers_and_assignees_hear_of_each_others_messages(start, sink, service_config):
    start(NotificationsService)
    publish(service_config, "helpdesk", assigned("q-3", SANNE))
    eventually(lambda: mails_to(sink, SANNE["email"]), timeout=30, what="the assignment")
    anonymous = "aicha.benali@voorbeeld.nl"
    publish(service_config, "helpdesk", posted("q-3", 1, "message", "wijkwijze", None, SANNE, email=anonymous))
    [message] = eventually(lambda: mails_to(sink, anonymous), timeout=30, what="the anonymous asker's mail")
    assert message["Subject"].strip() == "Nieuw bericht bij uw vraag"
    assert message["List-Unsubscribe"].startswith(f"<{WEB}/api/v1/unsubscribe?token="), "switchable"
    text, html = parts(message)
    assert "gebruik de link uit de bevestiging" in text and "gebruik de link uit de bevestiging" in html
    assert "token=" not in text.split("Afmelden")[0], "the service never has the asker's token"

    publish(service_config, "helpdesk", posted("q-3", 2, "message", "asker", None, SANNE, email=anonymous))
    eventually(lambda: len(mails_to(sink, SANNE["email"])) == 2, timeout=30, what="the assignee's mail")
    to_sanne = mails_to(sink, SANNE["email"])[-1]
    assert to_sanne["Subject"].strip() == f"Nieuw bericht van de vraagsteller: {TITLE}"
    assert f"{WEB}/vragen/q-3" in parts(to_sanne)[1]

    publish(service_config, "helpdesk", posted("q-3", 3, "answer", "wijkwijze", None, SANNE, email=anonymous))
    eventually(lambda: len(mails_to(sink, anonymous)) == 2, timeout=30, what="the answer")
    answered = mails_to(sink, anonymous)[-1]
    assert answered["Subject"].strip() == "Uw vraag is beantwoord" and answered["List-Unsubscribe"] is None
    assert "gebruik de link uit de bevestiging" in parts(answered)[0]
    # a message on a question whose assignment the service never saw: nobody to tell
    publish(service_config, "helpdesk", posted("q-unknown", 4, "message", "asker", None, BRAM, email=anonymous))
    eventlet.sleep(1.5)
    assert len(sink.messages()) == 4


def test_admins_hear_of_pooled_and_escalated_questions(start, sink, service_config):
    start(NotificationsService, ADMIN_EMAILS="beheer@wijkwijzer.example, noor@wijkwijzer.example")
    now = datetime.now(UTC)
    pooled = sent(QuestionPooled(question_id="q-4", title=TITLE, topics=["groen"], focus_area=None,
                                 municipality="Utrecht", reason="Geen wijkwijze voor groen in Utrecht.",
                                 pooled_at=now))
    escalated = sent(QuestionEscalated(question_id="q-4", title=TITLE, assignee=None, pooled=True,
                                       asked_at=now - timedelta(days=3), first_response_due=now - timedelta(hours=1),
                                       escalated_at=now))
    for event in (pooled, escalated, pooled, escalated):
        publish(service_config, "helpdesk", event)
    mails = eventually(lambda: len(sink.messages()) >= 4 and sink.messages(), timeout=30, what="four mails")
    eventlet.sleep(1.5)
    assert len(sink.messages()) == 4
    by = {(to(m), m["Subject"].strip()) for m in mails}
    for admin in ("beheer@wijkwijzer.example", "noor@wijkwijzer.example"):
        assert (admin, f"Vraag in de landelijke pool: {TITLE}") in by
        assert (admin, f"Eerste reactie te laat: {TITLE}") in by
    for mail in mails:
        assert mail["List-Unsubscribe"] is None
        assert f"{WEB}/vragen/q-4" in parts(mail)[0]
    assert any("Geen wijkwijze voor groen in Utrecht." in parts(m)[1] for m in mails)


def test_without_admin_emails_nobody_hears_of_pooled_questions(start, sink, service_config):
    start(NotificationsService)
    publish(service_config, "helpdesk", sent(QuestionPooled(
        question_id="q-5", title=TITLE, topics=[], focus_area=None, municipality=None,
        reason="Geen wijkwijze.", pooled_at=datetime.now(UTC))))
    publish(service_config, "helpdesk", assigned("q-6", SANNE))
    eventually(lambda: mails_to(sink, SANNE["email"]), timeout=30, what="the later event's mail")
    assert len(sink.messages()) == 1
