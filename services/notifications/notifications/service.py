"""nameko entrypoints of the notifications service (meldingen).

Consumers decide who is told what (messages.py, the table in product.md), store each message in
the delivery log before sending it (notify.py), then send what they stored (mailer.py); a timer
sends what is left (retries, and what a replica that died did not finish). RPCs serve the
member's follows, preferences and delivery log, and the unsubscribe link. `member` is the
caller's token claims (`sub`, `name`, `email`, `roles`) as the gateway passes them: the only place
this service learns members' names and addresses, besides the events themselves.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import eventlet
from nameko.rpc import RpcProxy
from wijkwijzer import pages
from wijkwijzer.claims import Claims
from wijkwijzer.consumer import event_consumer, public_event_consumer
from wijkwijzer.errors import EXPECTED
from wijkwijzer.logs import CorrelationId
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.ops import Operations
from wijkwijzer.ping import Health
from wijkwijzer.rpc import rpc
from wijkwijzer.timers import configured_timer

from . import digests, domain, messages, partner_admin, preferences, storage, webhooks
from .digests import Digests
from .dispatch import WebhookDispatch
from .mailer import Mailer
from .notify import Notifier, mailer_of
from .settings import MailSettings
from .storage import Deliveries, EventLog, Questions

log = logging.getLogger(__name__)

DIGEST_CLAIM = timedelta(minutes=2)   # renewed after every member


def _now() -> datetime:
    return datetime.now(UTC)


class NotificationsService:
    name = "notifications"

    db = MongoDatabase({**storage.INDEXES, **webhooks.INDEXES})
    health = Health(storage.EVENT_LOG)
    ops = Operations()   # /healthz, /readyz and /metrics on OPS_ADDRESS
    correlation_id = CorrelationId()
    settings = MailSettings()
    events_rpc = RpcProxy("events")
    webhook_dispatch = WebhookDispatch()

    # -- helpers (not entrypoints) --------------------------------------------------------------

    def _fetch_ics(self, activity_id: str) -> str:
        """The activity's invitation from the events service; a failure fails the handler, which
        is then retried with backoff (wijkwijzer.consumer), so the mail waits for it."""
        with eventlet.Timeout(self.settings.rpc_timeout):
            return self.events_rpc.activity_ics(activity_id)

    def _notifier(self) -> Notifier:
        return Notifier(self.db, self.settings, self._fetch_ics)

    def _mailer(self) -> Mailer:
        return mailer_of(self.db, self.settings, _now)

    def _tell(self, event: dict, notices: list, member_docs: dict | None = None) -> None:
        EventLog(self.db).record(event)
        queued = self._notifier().queue(event, notices, _now(), member_docs)
        if queued:
            counts = self._mailer().send(queued)
            log.info("event %s (%s): %d message(s) queued; %s", event["id"], event["type"], len(queued), counts)

    # -- health ---------------------------------------------------------------------------------

    @rpc
    def ping(self) -> dict:
        return self.health.report()

    # -- what the other services tell -------------------------------------------------------------

    @event_consumer("publications", "publication.submitted")
    def on_publication_submitted(self, event: dict) -> None:
        EventLog(self.db).record(event)
        log.info("publication %s submitted; recorded event %s", event["subject"], event["id"])

    @event_consumer("publications", "publication.published")
    def on_publication_published(self, event: dict) -> None:
        notifier = self._notifier()
        followers, docs = notifier.followers(domain.publication_keys(event["data"]))
        self._tell(event, messages.follower_notices("publication_published", followers, event["data"]), docs)

    @event_consumer("publications", "publication.changes_requested")
    def on_publication_changes_requested(self, event: dict) -> None:
        author = self._notifier().author(event["data"]["author_sub"])
        self._tell(event, messages.review_notice(event["type"].removeprefix("nl.wijkwijzer."), event["data"], author))

    @event_consumer("publications", "publication.rejected")
    def on_publication_rejected(self, event: dict) -> None:
        author = self._notifier().author(event["data"]["author_sub"])
        self._tell(event, messages.review_notice(event["type"].removeprefix("nl.wijkwijzer."), event["data"], author))

    @event_consumer("events", "registration.confirmed")
    def on_registration_confirmed(self, event: dict) -> None:
        self._tell(event, messages.registration_notices("registration.confirmed", event["data"]))

    @event_consumer("events", "registration.promoted")
    def on_registration_promoted(self, event: dict) -> None:
        self._tell(event, messages.registration_notices("registration.promoted", event["data"]))

    @event_consumer("events", "registration.cancelled")
    def on_registration_cancelled(self, event: dict) -> None:
        self._tell(event, messages.registration_notices("registration.cancelled", event["data"]))

    @event_consumer("events", "activity.reminder_due")
    def on_activity_reminder_due(self, event: dict) -> None:
        self._tell(event, messages.registration_notices("activity.reminder_due", event["data"]))

    @event_consumer("events", "activity.updated")
    def on_activity_updated(self, event: dict) -> None:
        notifier = self._notifier()
        followers, docs = notifier.followers(domain.activity_keys(event["data"]))
        values = {**event["data"], "change": "Gewijzigd", "cancelled": False}
        self._tell(event, messages.follower_notices("activity_changed", followers, values), docs)

    @event_consumer("events", "activity.cancelled")
    def on_activity_cancelled(self, event: dict) -> None:
        """Followers of the activity; its registrants hear it by their own registration.cancelled."""
        notifier = self._notifier()
        followers, docs = notifier.followers(domain.activity_keys(event["data"]))
        values = {**event["data"], "change": "Gaat niet door", "cancelled": True}
        self._tell(event, messages.follower_notices("activity_changed", followers, values), docs)

    @event_consumer("helpdesk", "question.assigned")
    def on_question_assigned(self, event: dict) -> None:
        Questions(self.db).assigned(event["data"])
        self._tell(event, messages.assignment_notices(event["data"]))

    @event_consumer("helpdesk", "question.reassigned")
    def on_question_reassigned(self, event: dict) -> None:
        Questions(self.db).assigned(event["data"])
        self._tell(event, messages.assignment_notices(event["data"]))

    def _assignee(self, question: dict, assignee: str | None) -> domain.Recipient | None:
        """The question's assignee by what question.assigned told, when it is the one `assignee`
        names (the event's account)."""
        if assignee and question.get("assignee") == assignee and question.get("assignee_email"):
            return domain.Recipient(email=question["assignee_email"],
                                    name=question.get("assignee_name") or question["assignee_email"],
                                    member=question["assignee"])
        return None

    @event_consumer("helpdesk", "question.reopened")
    def on_question_reopened(self, event: dict) -> None:
        data = event["data"]
        question = Questions(self.db).get(data["question_id"]) or {}
        self._tell(event, messages.reopened_notices(data, self._assignee(question, data.get("assignee")),
                                                    question.get("title")))

    @event_consumer("helpdesk", "question.message_posted")
    def on_question_message_posted(self, event: dict) -> None:
        data = event["data"]
        notifier = self._notifier()
        question = Questions(self.db).get(data["question_id"]) or {}
        asker = notifier.asker(data.get("asker_member"), data.get("asker_email"))
        assignee = self._assignee(question, data.get("assignee"))
        followers, docs = notifier.followers(domain.question_keys(data["question_id"]))
        self._tell(event, messages.message_notices(data, asker, assignee, followers, question.get("title")), docs)

    @event_consumer("helpdesk", "question.pooled")
    def on_question_pooled(self, event: dict) -> None:
        Questions(self.db).titled(event["data"]["question_id"], event["data"]["title"])
        self._tell(event, messages.admin_notices("question_pooled", list(self.settings.admin_emails), event["data"]))

    @event_consumer("helpdesk", "question.escalated")
    def on_question_escalated(self, event: dict) -> None:
        self._tell(event, messages.admin_notices("question_escalated", list(self.settings.admin_emails),
                                                 event["data"]))

    # -- partners' webhooks ------------------------------------------------------------------------

    @public_event_consumer("nl.wijkwijzer.#")
    def on_public_event(self, event: dict) -> None:
        """Every public event as partners read it off `wijkwijzer.public`: kept for replays, and a
        delivery queued for each partner whose filters it passes, sent at once (dispatch.py)."""
        if webhooks.Fanout(self.db).receive(event, _now()):
            self.webhook_dispatch.wake()

    @rpc(expected_exceptions=EXPECTED)
    def register_partner(self, fields: dict) -> dict:
        return partner_admin.register(self.db, self.settings, fields, _now())

    @rpc(expected_exceptions=EXPECTED)
    def partners(self, limit: int = pages.DEFAULT_LIMIT, cursor: str | None = None) -> dict:
        return partner_admin.listing(self.db, limit, cursor)

    @rpc(expected_exceptions=EXPECTED)
    def partner(self, partner_id: str) -> dict:
        return partner_admin.view(self.db, partner_id)

    @rpc(expected_exceptions=EXPECTED)
    def change_partner(self, partner_id: str, fields: dict) -> dict:
        return partner_admin.change(self.db, self.settings, partner_id, fields, _now())

    @rpc(expected_exceptions=EXPECTED)
    def rotate_partner_secret(self, partner_id: str) -> dict:
        return partner_admin.rotate_secret(self.db, self.settings, partner_id, _now())

    @rpc(expected_exceptions=EXPECTED)
    def partner_deliveries(self, partner_id: str, limit: int = pages.DEFAULT_LIMIT, cursor: str | None = None) -> dict:
        return partner_admin.deliveries(self.db, partner_id, limit, cursor)

    @rpc(expected_exceptions=EXPECTED)
    def replay_to_partner(self, partner_id: str, fields: dict) -> dict:
        answer, queued = partner_admin.replay(self.db, partner_id, fields, _now())
        if queued:
            self.webhook_dispatch.wake()
        return answer

    @configured_timer("WEBHOOK_RETENTION_INTERVAL", 3600)
    def forget_old_webhook_events(self) -> None:
        """Public events and the delivery log older than WEBHOOK_KEEP_DAYS; one replica at a time."""
        with Claims(self.db).hold("webhook-retention", timedelta(minutes=10)) as claim:
            if claim is not None:
                events, deliveries = webhooks.forget_old(self.db, _now(), self.settings.webhooks.keep)
                if events or deliveries:
                    log.info("forgot %d public event(s) and %d webhook deliveries", events, deliveries)

    # -- sending what is left ---------------------------------------------------------------------

    @configured_timer("SEND_INTERVAL", 5)
    def send_due(self) -> None:
        """Retries that fell due, and messages a replica that died queued but did not send. Every
        replica sweeps (no claim for the sweep: one held by a replica that died would stop every
        sweep until it expired); each message is claimed before it is sent, so two sweeps, or a
        sweep and a consumer, never send one twice."""
        settings = self.settings
        deliveries = Deliveries(self.db)
        while True:
            now = _now()
            due = deliveries.due(now, settings.send_batch)
            sendable = []
            for delivery_id in due:
                doc = deliveries.get(delivery_id)
                if doc is None or doc["state"] in ("sent", "failed"):
                    deliveries.unqueue(delivery_id)    # a mark whose delivery is done or never stored
                elif doc["next_attempt_at"] > now:
                    deliveries.postpone(delivery_id, doc["next_attempt_at"])   # being sent: its lease
                else:
                    sendable.append(delivery_id)
            counts = self._mailer().send(sendable) if sendable else {}
            # a full batch that sent something: more may wait
            if len(due) < settings.send_batch or not (counts.get("sent") or counts.get("retry")
                                                       or counts.get("failed")):
                return

    @configured_timer("DIGEST_INTERVAL", 60)
    def send_digests(self) -> None:
        """Daily and weekly digests that fell due (DIGEST_TIME on the Dutch clock). One replica at
        a time; and each digest is one delivery per member and period (digests.py), so even a
        replica that took over from one that died half-way sends nobody a second one."""
        with Claims(self.db).hold("digests", DIGEST_CLAIM) as claim:
            if claim is None:
                return
            notifier, now = self._notifier(), _now()
            for frequency in digests.PERIODS:
                period, due = self.settings.digests.period(frequency, now)
                stored = []
                for sub in Digests(self.db).waiting(frequency):
                    key = notifier.digest(sub, frequency, period, due, now)
                    if key:
                        stored.append(key)
                    if not claim.renew():
                        return   # another replica has taken over; what is stored is sent by the sweep
                if stored:
                    counts = self._mailer().send(stored)
                    log.info("%s digests of %s: %d stored; %s", frequency, period, len(stored), counts)

    # -- the member's own -------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def follows(self, member: dict) -> dict:
        return preferences.follows_view(self.db, member, _now())

    @rpc(expected_exceptions=EXPECTED)
    def set_follows(self, member: dict, follows: dict) -> dict:
        return preferences.set_follows(self.db, member, follows, _now())

    @rpc(expected_exceptions=EXPECTED)
    def preferences(self, member: dict) -> dict:
        return preferences.preferences_view(self.db, member, _now())

    @rpc(expected_exceptions=EXPECTED)
    def set_preferences(self, member: dict, kinds: dict) -> dict:
        return preferences.set_preferences(self.db, member, kinds, _now())

    @rpc(expected_exceptions=EXPECTED)
    def my_notifications(self, member: dict, limit: int = pages.DEFAULT_LIMIT, cursor: str | None = None) -> dict:
        return preferences.delivery_page(self.db, member, limit, cursor)

    @rpc(expected_exceptions=EXPECTED)
    def unsubscribe_info(self, token: str) -> dict:
        return preferences.unsubscribe_view(self.db, self.settings, token, _now(), confirm=False)

    @rpc(expected_exceptions=EXPECTED)
    def unsubscribe(self, token: str) -> dict:
        return preferences.unsubscribe_view(self.db, self.settings, token, _now(), confirm=True)

    @rpc(expected_exceptions=EXPECTED)
    def unsubscribe_page(self, token: str, confirm: bool) -> str:
        """The unsubscribe link's page (HTML): asks (GET), or switches the kind off (POST)."""
        return preferences.unsubscribe_page(self.db, self.settings, token, _now(), bool(confirm))

    # -- operators and tests ----------------------------------------------------------------------

    @rpc
    def event_log(self, subject: str) -> list[dict]:
        """Events received about one entity, oldest first (for operators and tests)."""
        return EventLog(self.db).for_subject(subject)

    @rpc(expected_exceptions=EXPECTED)
    def delivery(self, delivery_id: str) -> dict:
        """One delivery log entry with its attempts (for operators and tests)."""
        return preferences.delivery_detail(self.db, delivery_id)
