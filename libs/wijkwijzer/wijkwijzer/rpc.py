"""`rpc`: nameko's RPC entrypoint, except that a lost broker does not kill the service.

nameko 2.14 sends the reply from the worker; when the broker went away while the
worker ran, that publish raises and the exception takes the whole container (so
the process) down. Here the failure is logged instead: the caller gets no reply
and times out (the gateway answers 504, outcome unknown), the request message
stays unacked and the broker redelivers it when it is back, and the service keeps
running and reconnects by itself.
"""
from __future__ import annotations

import logging
import socket

from amqp.exceptions import AMQPError
from kombu.exceptions import OperationalError
from nameko.rpc import Rpc

log = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, AMQPError, socket.error, ConnectionError)


class ResilientRpc(Rpc):
    def handle_result(self, message, worker_ctx, result, exc_info):
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except BROKER_ERRORS as exc:
            log.warning("reply to %s not sent, the broker is unavailable: %s", self.method_name, exc)
            return result, exc_info


rpc = ResilientRpc.decorator
