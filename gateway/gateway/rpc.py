"""Calling services over nameko RPC with a deadline.

nameko 2.14's RpcProxy waits for a reply forever; the gateway must not, so
every call goes through `call`: 503 when the broker or the service is not
there, 504 when it does not answer within RPC_TIMEOUT seconds.
"""
from __future__ import annotations

import eventlet
from nameko.exceptions import UnknownService
from wijkwijzer.rpc import BROKER_ERRORS

from .problems import Problem, unavailable


def call(method, *args, timeout: float, **kwargs):
    """Call an RPC method proxy (e.g. `self.publications.get`) within `timeout` seconds."""
    service = getattr(method, "service_name", "a")
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
    except BROKER_ERRORS:
        raise unavailable("the message broker") from None
    finally:
        deadline.cancel()
