"""Calling services over nameko RPC with a deadline.

nameko 2.14's RpcProxy waits for a reply forever; the gateway must not, so every
call goes through `call`, which also tells the service the deadline (services drop
calls still queued after it, see wijkwijzer.rpc). Outcomes for the client:

- 503: the request certainly did not reach the service (no broker connection, or
  no such service): nothing happened; retry later;
- 504: no answer within RPC_TIMEOUT, or the broker failed while the request was in
  flight: it may or may not have been carried out; retry with the same
  Idempotency-Key.

To tell those apart, request publishes are not retried by kombu (`service_proxy`):
a retry after a publish that failed half-way would turn "may have been sent" into
a connection refusal that looks like "never sent".
"""
from __future__ import annotations

import time

import eventlet
from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy
from wijkwijzer.rpc import BROKER_ERRORS, DEADLINE_KEY

from .problems import Problem, unavailable


def service_proxy(name: str) -> RpcProxy:
    return RpcProxy(name, retry=False)


def _refused(exc: BaseException | None) -> bool:
    """Did the request certainly not reach the broker? Only when the connection was
    refused: a reset can come after the broker took the publish (it resets its
    sockets when it stops), so it stays "may have been carried out"."""
    while exc is not None:
        if isinstance(exc, ConnectionRefusedError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def call(method, *args, timeout: float, **kwargs):
    """Call an RPC method proxy (e.g. `self.publications.get`) within `timeout` seconds."""
    service = getattr(method, "service_name", "a")
    method.worker_ctx.data[DEADLINE_KEY] = time.time() + timeout
    deadline = eventlet.Timeout(timeout)
    sent = False
    try:
        reply = method.call_async(*args, **kwargs)
        sent = True
        return reply.result()
    except eventlet.Timeout as exc:
        if exc is not deadline:
            raise
        if not sent:  # could not even hand the request to the broker
            raise unavailable("the message broker") from None
        raise Problem(504, "Gateway timeout",
                      f"the {service} service did not answer within {timeout:g}s") from None
    except UnknownService:
        raise unavailable(f"the {service} service") from None
    except BROKER_ERRORS as exc:
        if not sent and _refused(exc):
            raise unavailable("the message broker") from None
        raise Problem(504, "Gateway timeout",
                      "the message broker failed while the request was in flight; it may have been "
                      "carried out: retry with the same Idempotency-Key") from None
    finally:
        deadline.cancel()
