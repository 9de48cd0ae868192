"""Sending the delivery log's messages over SMTP, each once, with retries.

The at-least-once boundary. A message is stored (`queued`) before anything is sent, so nothing
is lost: whatever dies afterwards, the send queue still holds it. To send, a replica claims the
delivery (`queued` -> `sending`, conditional, one winner) with a lease of `lease` seconds, sends
it, and writes `sent`. Should the replica die while the lease runs, the delivery is claimed
again after the lease ran out and sent again. So a message may reach the server twice in one
case only: the server accepted it (its 250 after DATA) and the process died in the moment before
the `sent` write. We chose that over the opposite (mark first, then send: a crash there loses
the message) because losing a registration confirmation is worse than showing one twice; and
the second copy has the same Message-ID, which mail programs (and Mailpit) use to show it once.
The lease is longer than an SMTP attempt can take (SMTP_TIMEOUT for each step of the exchange),
so a slow but living sender is never overtaken.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import messages
from .storage import Deliveries

log = logging.getLogger(__name__)

SECURITIES = ("none", "starttls", "tls")


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 1025
    security: str = "none"          # none | starttls | tls (implicit TLS, port 465)
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0           # seconds for each step of the SMTP exchange
    sender: str = "meldingen@wijkwijzer.nl"
    sender_name: str = "WijkWijzer"

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2] or "wijkwijzer.nl"

    def __post_init__(self):
        if self.security not in SECURITIES:
            raise ValueError(f"SMTP_SECURITY must be one of {SECURITIES}, not {self.security!r}")


class Connection:
    """One SMTP session, opened when the first message goes and reused for the next."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "tls":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.username:
            smtp.login(s.username, s.password or "")
        return smtp

    def send(self, message) -> None:
        if self.smtp is None:
            self.smtp = self._open()
        self.smtp.send_message(message)

    def reset(self) -> None:
        """After an error the session's state is unknown: the next message opens a new one."""
        if self.smtp is not None:
            try:
                self.smtp.close()
            except OSError:
                pass
        self.smtp = None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
        self.reset()


def permanent(exc: BaseException) -> bool:
    """A 5xx answer (the address does not exist, the message is refused): trying again changes
    nothing, so the delivery fails at once."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500 \
        and not isinstance(exc, smtplib.SMTPAuthenticationError)


def reason_of(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        err = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {err}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr}: {code} {msg.decode(errors='replace')}" for addr, (code, msg) in exc.recipients.items())
    return f"{type(exc).__name__}: {exc}"


class Mailer:
    def __init__(self, deliveries: Deliveries, settings: SmtpSettings, delays: list[float],
                 clock: Callable[[], datetime], lease: float | None = None):
        self.deliveries = deliveries
        self.settings = settings
        self.delays = delays
        self.clock = clock
        # a claim outlives the longest SMTP exchange: connect, greeting, TLS, login, MAIL, RCPT, DATA
        self.lease = timedelta(seconds=lease if lease is not None else settings.timeout * 8 + 30)

    def send(self, delivery_ids: Iterable[str]) -> dict[str, int]:
        """Send those of the deliveries that are due and nobody else is sending, over one session."""
        counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
        connection = Connection(self.settings)
        owner = uuid.uuid4().hex
        try:
            for delivery_id in delivery_ids:
                counts[self._one(connection, delivery_id, owner)] += 1
        finally:
            connection.close()
        return counts

    def _one(self, connection: Connection, delivery_id: str, owner: str) -> str:
        now = self.clock()
        delivery = self.deliveries.claim(delivery_id, owner, self.lease, now)
        if delivery is None:
            return "skipped"   # sent, failed, not due, or another replica sends it now
        message = messages.email(delivery, self.settings.sender, self.settings.sender_name,
                                 self.settings.domain, now)
        try:
            connection.send(message)
        except (smtplib.SMTPException, OSError) as exc:
            connection.reset()
            attempt = delivery["attempt_count"]         # this one included
            final = permanent(exc) or attempt > len(self.delays)
            retry_at = None if final else self.clock() + timedelta(seconds=self.delays[attempt - 1])
            self.deliveries.attempt_failed(delivery_id, owner, reason_of(exc), retry_at, self.clock())
            log.warning("mail %s to %s: attempt %d failed (%s)%s", delivery_id, delivery["email"], attempt,
                        reason_of(exc), "; given up" if final else f"; again at {retry_at.isoformat()}")
            return "failed" if final else "retry"
        self.deliveries.sent(delivery_id, owner, message["Message-ID"], self.clock())
        log.info("mail %s sent to %s (%s)", delivery_id, delivery["email"], delivery["kind"])
        return "sent"
