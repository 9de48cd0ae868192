"""Every error the API returns, as RFC 9457 `application/problem+json`, mapped in one place.

Services raise the shared errors of `wijkwijzer.errors`, which nameko's
remote-error registry turns back into the same types here; broker and
timeout trouble become 503 and 504, and so does a service's database outage
(nothing changed: 503; may have changed: 504); anything unexpected is a 500
whose details go to the log, never to the client.
"""
from __future__ import annotations

import json
import logging

from nameko.exceptions import RemoteError, UnknownService
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response
from wijkwijzer.errors import (
    Conflict,
    DatabaseInterrupted,
    DatabaseUnavailable,
    Forbidden,
    Invalid,
    NotFound,
    field_errors,
)
from wijkwijzer.mongo import is_outage

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://wijkwijzer.nl/problems/"


class Problem(Exception):
    def __init__(self, status: int, title: str, detail: str | None = None,
                 errors: list[dict] | None = None, headers: dict | None = None):
        super().__init__(detail or title)
        self.status, self.title, self.detail = status, title, detail
        self.errors, self.headers = errors, headers or {}

    def response(self, request_id: str | None = None) -> Response:
        body = {
            "type": TYPE_BASE + self.title.lower().replace(" ", "-"),
            "title": self.title,
            "status": self.status,
            "detail": self.detail or self.title,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        headers = dict(self.headers)
        if request_id:
            headers["X-Request-ID"] = request_id
        return Response(json.dumps(body, ensure_ascii=False), status=self.status,
                        headers=headers, content_type=f"{PROBLEM_JSON}; charset=utf-8")


def validation_problem(exc: ValidationError) -> Problem:
    return Problem(422, "Invalid fields", "the request has invalid fields", field_errors(exc))


RETRY_AFTER_S = "5"


def unavailable(what: str) -> Problem:
    return Problem(503, "Service unavailable", f"{what} is unavailable; try again shortly",
                   headers={"Retry-After": RETRY_AFTER_S})


_SERVICE_ERRORS = ((NotFound, 404, "Not found"), (Conflict, 409, "Conflict"),
                   (Forbidden, 403, "Forbidden"), (Invalid, 422, "Invalid fields"))


def from_exception(exc: Exception) -> Problem:
    """The one mapping from anything raised while handling a request to a problem."""
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, ValidationError):
        return validation_problem(exc)
    message = str(exc.args[0]) if exc.args else None   # the services' errors are safe to show
    for kind, status, title in _SERVICE_ERRORS:
        if isinstance(exc, kind):
            errors = None
            if isinstance(exc, Invalid):
                errors = exc.args[1] if len(exc.args) > 1 else []
            return Problem(status, title, message, errors)
    if isinstance(exc, DatabaseUnavailable):
        return Problem(503, "Service unavailable", f"{message}; try again shortly",
                       headers={"Retry-After": RETRY_AFTER_S})
    if isinstance(exc, DatabaseInterrupted):
        return Problem(504, "Gateway timeout", message)
    if is_outage(exc):   # the gateway's own database (rate limits): the request went nowhere
        log.warning("the gateway's database is unavailable: %s", exc)
        return unavailable("the gateway's database")
    if isinstance(exc, UnknownService):
        return unavailable(f"the {exc.args[0] if exc.args else ''} service".replace("  ", " "))
    if isinstance(exc, HTTPException):
        allow = dict(exc.get_headers()).get("Allow")   # a 405 says which methods would do
        return Problem(exc.code or 400, exc.name, exc.description, headers={"Allow": allow} if allow else None)
    if isinstance(exc, RemoteError):
        log.error("service failed: %s", exc)
    else:
        log.exception("unexpected error handling a request")
    return Problem(500, "Internal error", "something went wrong on our side; it has been logged")
