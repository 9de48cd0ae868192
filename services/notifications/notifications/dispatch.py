"""The webhook senders of one replica: a managed thread that sweeps the queue (webhooks.py) and a
pool of green threads that each send one delivery.

It sweeps every WEBHOOK_INTERVAL seconds for retries that fell due, and at once when the
consumer of the public stream queued something new (`wake`), so a first attempt goes out
immediately. At most WEBHOOK_PER_PARTNER deliveries to one partner are in flight here, so a
partner that takes 15 s to time out holds up no other partner.
"""
from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime

import eventlet
from eventlet.event import Event
from eventlet.greenpool import GreenPool
from nameko.extensions import DependencyProvider
from wijkwijzer.extensions import sibling
from wijkwijzer.mongo import MongoDatabase

from . import messages
from .endpoints import Caller
from .notify import Notifier, mailer_of
from .settings import MailSettings
from .webhooks import Sender

log = logging.getLogger(__name__)

SWEEP_GAP = 0.02   # seconds; at most 50 sweeps a second, each taking up to WEBHOOK_BATCH deliveries


def _now() -> datetime:
    return datetime.now(UTC)


class WebhookDispatch(DependencyProvider):
    """Injects itself: the service calls `wake()` after queueing deliveries."""

    def setup(self) -> None:
        self.database = sibling(self.container, MongoDatabase, "WebhookDispatch")
        self.mail = sibling(self.container, MailSettings, "WebhookDispatch")
        self.interval = float(self.container.config.get("WEBHOOK_INTERVAL", 1))
        self._thread = None
        self.pool: GreenPool | None = None
        self.database.before_close(self._finish_sending)   # so the sends in flight can record how they ended

    def start(self) -> None:
        settings = self.mail.settings
        self.caller = Caller(settings.guard, settings.webhooks.timeout)
        self.pool = GreenPool(settings.webhooks.concurrency)
        self.in_flight: Counter[str] = Counter()   # partner id -> deliveries being sent here
        self._woken = Event()
        self._thread = self.container.spawn_managed_thread(self._sweep_forever)

    def stop(self) -> None:
        self._finish_sending()

    def _finish_sending(self) -> None:
        if self._thread is not None:
            self._thread.kill()
            self._thread = None
        # deliveries being sent finish (at most WEBHOOK_TIMEOUT); a killed one stays in the queue
        if self.pool is not None:
            self.pool.waitall()

    def kill(self) -> None:
        if self._thread is not None:
            self._thread.kill()
            self._thread = None

    def get_dependency(self, worker_ctx) -> WebhookDispatch:
        return self

    def wake(self) -> None:
        if not self._woken.ready():
            self._woken.send()

    def sender(self) -> Sender:
        return Sender(self.database.get_dependency(None), self.caller, self.mail.settings.webhooks,
                      self._tell_disabled, _now)

    def sweep(self) -> int:
        """Take what is due and start sending it; how many were taken. Partners with
        WEBHOOK_PER_PARTNER deliveries in flight here are left out of the query, so a slow partner's
        backlog does not hide other partners' deliveries behind it."""
        sender, settings = self.sender(), self.mail.settings.webhooks
        taken = 0
        while True:
            full = [partner for partner, count in self.in_flight.items() if count >= settings.per_partner]
            due = sender.due(settings.batch, skip_partners=full)
            progress = False
            for item in due:
                partner = item.get("partner_id")
                if self.in_flight[partner] >= settings.per_partner or not sender.take(item["_id"]):
                    continue
                self.in_flight[partner] += 1
                taken += 1
                progress = True
                self.pool.spawn_n(self._deliver, sender, item["_id"], partner)
            if len(due) < settings.batch or not progress:
                return taken

    def _deliver(self, sender: Sender, item_id: str, partner: str) -> None:
        try:
            sender.deliver(item_id)
        except Exception:   # the database went away: the entry stays taken until its lease ends, then is due
            log.exception("webhook delivery %s failed before it was settled", item_id)
        finally:
            self.in_flight[partner] -= 1
            if not self.in_flight[partner]:
                del self.in_flight[partner]
            self.wake()   # room for this partner's next one

    def _sweep_forever(self) -> None:
        while True:
            self._woken = Event()   # before the sweep: a wake during it makes the next one start at once
            try:
                taken = self.sweep()
            except Exception as exc:  # noqa: BLE001 (database briefly away: keep sweeping)
                log.warning("webhook sweep failed: %s", exc)
                taken = 0
            if not taken:
                with eventlet.Timeout(self.interval, False):
                    self._woken.wait()
            # every finished delivery wakes the sweep; a short gap makes one sweep (one read of the
            # queue) serve the deliveries that finished meanwhile, not one read each
            eventlet.sleep(SWEEP_GAP)

    def _tell_disabled(self, partner: dict) -> None:
        """Mail every address in ADMIN_EMAILS that a partner's endpoint was switched off."""
        db, settings, now = self.database.get_dependency(None), self.mail.settings, _now()
        values = {"id": partner["_id"], "name": partner["name"], "url": partner["url"],
                  "reason": partner["disabled_reason"], "disabled_at": partner["disabled_at"].isoformat()}
        event = {"id": f"partner-disabled/{partner['_id']}/{values['disabled_at']}", "type": "partner.disabled"}
        notices = messages.admin_notices("partner_disabled", list(settings.admin_emails), values)
        queued = Notifier(db, settings, fetch_ics=lambda activity_id: "").queue(event, notices, now)
        if queued:
            mailer_of(db, settings, _now).send(queued)
