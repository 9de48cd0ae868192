"""The notifications service's settings, read from its nameko config (config.yaml: environment)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from nameko.extensions import DependencyProvider

from .digests import Schedule, schedule_of
from .domain import admin_emails, retry_delays
from .endpoints import Guard, networks
from .mailer import SmtpSettings
from .webhooks import WebhookSettings

log = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = "60,300,1800,7200,21600"   # 1 min, 5 min, 30 min, 2 h, 6 h; then failed


@dataclass(frozen=True)
class Settings:
    smtp: SmtpSettings
    retry_delays: list[float]
    web_base_url: str
    unsubscribe_url: str
    unsubscribe_secret: str
    send_interval: float
    send_batch: int
    rpc_timeout: float
    send_lease: float | None   # seconds a sender holds a message; None: from SMTP_TIMEOUT
    digests: Schedule
    webhooks: WebhookSettings
    guard: Guard                         # which partner endpoints may be called
    admin_emails: tuple[str, ...] = ()   # told of pooled and escalated questions (ADMIN_EMAILS)


def _flag(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def settings_of(config: dict) -> Settings:
    web = str(config.get("WEB_BASE_URL") or "https://wijkwijzer.nl").rstrip("/")
    return Settings(
        smtp=SmtpSettings(
            host=str(config.get("SMTP_HOST") or "127.0.0.1"),
            port=int(config.get("SMTP_PORT") or 1025),
            security=str(config.get("SMTP_SECURITY") or "none").lower(),
            username=_flag(config.get("SMTP_USERNAME")),
            password=_flag(config.get("SMTP_PASSWORD")),
            timeout=float(config.get("SMTP_TIMEOUT") or 30),
            sender=str(config.get("MAIL_FROM") or "meldingen@wijkwijzer.nl"),
            sender_name=str(config.get("MAIL_FROM_NAME") or "WijkWijzer"),
        ),
        retry_delays=retry_delays(config.get("SEND_RETRY_DELAYS") or DEFAULT_RETRY_DELAYS),
        web_base_url=web,
        unsubscribe_url=str(config.get("UNSUBSCRIBE_URL") or f"{web}/api/v1/unsubscribe"),
        unsubscribe_secret=str(config.get("UNSUBSCRIBE_SECRET") or ""),
        send_interval=float(config.get("SEND_INTERVAL") or 5),
        send_batch=int(config.get("SEND_BATCH") or 200),
        rpc_timeout=float(config.get("RPC_TIMEOUT") or 5),
        send_lease=float(config["SEND_LEASE"]) if config.get("SEND_LEASE") not in (None, "") else None,
        digests=schedule_of(config.get("DIGEST_TIME") or "08:00", config.get("DIGEST_WEEKDAY") or "monday"),
        admin_emails=tuple(admin_emails(config.get("ADMIN_EMAILS"))),
        webhooks=webhook_settings_of(config),
        guard=Guard(networks(config.get("WEBHOOK_ALLOWED_NETWORKS"))),
    )


def webhook_settings_of(config: dict) -> WebhookSettings:
    timeout = float(config.get("WEBHOOK_TIMEOUT") or 15)
    return WebhookSettings(
        timeout=timeout,
        scale=float(config.get("WEBHOOK_TIME_SCALE") or 1),
        # outlives the longest attempt (connect and answer), so a live sender keeps what it took
        lease=timedelta(seconds=timeout * 2 + 30),
        secret_overlap=timedelta(hours=float(config.get("WEBHOOK_SECRET_OVERLAP_HOURS") or 24)),
        concurrency=int(config.get("WEBHOOK_CONCURRENCY") or 20),
        per_partner=int(config.get("WEBHOOK_PER_PARTNER") or 4),
        batch=int(config.get("WEBHOOK_BATCH") or 100),
        keep=timedelta(days=float(config.get("WEBHOOK_KEEP_DAYS") or 30)),
    )


class MailSettings(DependencyProvider):
    """The settings, read and checked when the service starts: a service that could not sign an
    unsubscribe link or reach a mail server by its settings refuses to start, and says why."""

    def setup(self) -> None:
        self.settings = settings_of(self.container.config)
        if len(self.settings.unsubscribe_secret) < 16:
            raise ValueError("UNSUBSCRIBE_SECRET must be set (at least 16 characters): it signs unsubscribe links")
        if not self.settings.admin_emails:
            log.warning("ADMIN_EMAILS is empty: nobody is told of pooled or escalated questions")

    def get_dependency(self, worker_ctx) -> Settings:
        return self.settings
