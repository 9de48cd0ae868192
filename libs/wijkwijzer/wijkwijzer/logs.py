"""JSON log lines that carry the request's correlation id.

The gateway puts the `X-Request-ID` into nameko's context data under
`correlation_id`; nameko copies context data into every RPC and event it
sends, and our outbox does the same, so each worker downstream sees it.
`CorrelationId` (a dependency provider every service declares) copies it into
a greenlet-local slot at worker setup, and `JsonFormatter` adds it to every
line that worker logs.

Wire it up in a service's nameko YAML:

    LOGGING:
      version: 1
      formatters: {json: {(): wijkwijzer.logs.JsonFormatter}}
      handlers: {console: {class: logging.StreamHandler, formatter: json}}
      root: {level: ${LOG_LEVEL:INFO}, handlers: [console]}
"""
from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from eventlet.corolocal import local
from nameko.extensions import DependencyProvider

CONTEXT_KEY = "correlation_id"

_current = local()


def current_correlation_id() -> str | None:
    return getattr(_current, "correlation_id", None)


def set_correlation_id(value: str | None) -> None:
    _current.correlation_id = value


class CorrelationId(DependencyProvider):
    """Makes the worker's correlation id visible to logging; injects it as a str."""

    def worker_setup(self, worker_ctx) -> None:
        set_correlation_id(worker_ctx.data.get(CONTEXT_KEY))

    def worker_teardown(self, worker_ctx) -> None:
        set_correlation_id(None)

    def get_dependency(self, worker_ctx) -> str | None:
        return worker_ctx.data.get(CONTEXT_KEY)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": current_correlation_id(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
