"""Errors a service raises to tell its caller what went wrong.

They are registered with nameko's remote-error registry, so an RPC caller (the
gateway) receives the same type back instead of a generic RemoteError and can
map it to an HTTP status in one place. The message is safe to show a client.
"""
from __future__ import annotations

from typing import Any, TypeVar

from nameko.exceptions import deserialize_to_instance
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class ServiceError(Exception):
    """Base of the errors below; never raised itself."""


@deserialize_to_instance
class NotFound(ServiceError):
    """The entity does not exist (or the caller may not know it does)."""


@deserialize_to_instance
class Conflict(ServiceError):
    """An illegal state change or a clash with existing data."""


@deserialize_to_instance
class Forbidden(ServiceError):
    """The caller is known but may not do this (ownership rules)."""


@deserialize_to_instance
class Invalid(ServiceError):
    """The request is well-formed but breaks a domain rule."""


EXPECTED = (NotFound, Conflict, Forbidden, Invalid)


# Not the caller's fault: the RPC entrypoint (wijkwijzer.rpc) raises these in place of the
# database driver's errors, telling apart what certainly did not happen from what may have.

@deserialize_to_instance
class DatabaseUnavailable(ServiceError):
    """The service could not reach its database and wrote nothing: safe to retry later."""


@deserialize_to_instance
class DatabaseInterrupted(ServiceError):
    """The database failed while the request was being carried out: it may have happened."""


def field_errors(exc: ValidationError, prefix: str = "") -> list[dict]:
    """pydantic's errors as Invalid's [{field, message}], field a dotted path."""
    errors = []
    for error in exc.errors():
        path = ".".join(str(part) for part in error["loc"])
        cause = error.get("ctx", {}).get("error")
        message = str(cause) if error["type"] == "value_error" and cause is not None else error["msg"]
        errors.append({"field": ".".join(p for p in (prefix, path) if p) or "fields", "message": message})
    return errors


def validated(model: type[M], body: Any, what: str, prefix: str = "") -> M:
    """`body` as `model`, or Invalid ("invalid fields in <what>") naming each field (after `prefix`)."""
    try:
        return model.model_validate(body if body is not None else {})
    except ValidationError as exc:
        raise Invalid(f"invalid fields in {what}", field_errors(exc, prefix)) from None
