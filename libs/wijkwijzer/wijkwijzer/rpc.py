"""`rpc`: nameko's RPC entrypoint, made safe for broker trouble and impatient callers.

- nameko 2.14 sends the reply from the worker; when the broker went away while the
  worker ran, that publish raises and the exception takes the whole container (so
  the process) down. Here the failure is logged instead: the caller gets no reply
  and times out, and the service keeps running and reconnects by itself.
- A caller may put a `deadline` (Unix time) into the context data, as the gateway
  does: a request still waiting in the queue after it (the broker was down, the
  service busy) is dropped unexecuted, because its caller has already answered its
  client. A write the client was told failed must not happen later.
- A graceful stop (SIGTERM) lets a call in hand finish and be acked on its own connection
  (wijkwijzer.graceful), so it is not delivered again to another replica and carried out twice.
"""
from __future__ import annotations

import logging
import socket
import time

from amqp.exceptions import AMQPError
from kombu.exceptions import OperationalError
from nameko.rpc import Rpc

from wijkwijzer.graceful import GracefulRpcConsumer
from wijkwijzer.mongo import MongoDatabase

log = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, AMQPError, socket.error, ConnectionError)
DEADLINE_KEY = "deadline"
_DEADLINE_HEADER = f"nameko.{DEADLINE_KEY}"


class ResilientRpc(Rpc):
    rpc_consumer = GracefulRpcConsumer()

    def setup(self) -> None:
        super().setup()
        self.database = next((d for d in self.container.dependencies if isinstance(d, MongoDatabase)), None)

    def handle_message(self, body, message):
        deadline = (message.headers or {}).get(_DEADLINE_HEADER)
        if isinstance(deadline, int | float) and time.time() > deadline:
            log.warning("dropped a call of %s whose caller gave up %.1fs ago",
                        self.method_name, time.time() - deadline)
            self.rpc_consumer.queue_consumer.ack_message(message)
            return
        super().handle_message(body, message)

    def handle_result(self, message, worker_ctx, result, exc_info):
        outage = exc_info and self.database and self.database.outage(exc_info[1])
        if outage:
            exc_info = (type(outage), outage, exc_info[2])
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except BROKER_ERRORS as exc:
            log.warning("reply to %s not sent, the broker is unavailable: %s", self.method_name, exc)
            return result, exc_info


rpc = ResilientRpc.decorator
