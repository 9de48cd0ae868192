"""A graceful stop (SIGTERM, as Kubernetes sends it in a rolling update) that lets every message
in hand be settled on the connection it came on.

nameko 2.14 stops a container by cancelling its consumers, waiting for the running workers, then
stopping the rest. But its QueueConsumer leaves its consume loop, and closes its broker connection,
as soon as the last consumer is cancelled (kombu's loop notices within its 1 s drain timeout):
a worker still running then finds the connection gone, its ack is skipped, and the broker has
already handed the message to another replica. An RPC call running for more than about a second
when the stop began was carried out twice (its caller got the first reply; the second run wrote
again), and an event handler's message came again. Only services whose QueueConsumer also carries
an RPC proxy's reply queue (which is cancelled after the workers) escaped it.

`GracefulQueueConsumer` keeps the connection until every message it delivered has been acked or
requeued, or its connection is gone anyway (then the broker has taken it back), at most
SETTLE_TIMEOUT seconds after the last consumer was cancelled. `ResilientRpc` (wijkwijzer.rpc) and
`EventConsumer` (wijkwijzer.consumer) use it; docs/operations.md (Rolling updates) tells the whole stop.
"""
from __future__ import annotations

import logging
import time

from nameko.messaging import QueueConsumer
from nameko.rpc import RpcConsumer

log = logging.getLogger(__name__)

# How long a stopping process keeps its connection for messages still unsettled: above the callers'
# RPC_TIMEOUT and an SMTP exchange, below the pods' terminationGracePeriodSeconds (60, deploy/k8s),
# after which Kubernetes sends SIGKILL.
SETTLE_TIMEOUT = 25.0


class GracefulQueueConsumer(QueueConsumer):
    def __init__(self):
        super().__init__()
        self._unsettled: set = set()   # messages delivered to a provider, not yet acked or requeued
        self._cancelled_at: float | None = None

    def handle_message(self, provider, body, message):
        self._unsettled.add(message)
        super().handle_message(provider, body, message)

    def ack_message(self, message):
        try:
            super().ack_message(message)
        finally:
            self._unsettled.discard(message)

    def requeue_message(self, message):
        try:
            super().requeue_message(message)
        finally:
            self._unsettled.discard(message)

    def on_iteration(self):
        self._cancel_consumers_if_requested()
        if self._consumers:
            return
        # a message whose channel closed (a broker restart) was taken back by the broker: nothing to wait for
        self._unsettled = {message for message in self._unsettled if message.channel.connection}
        if self._cancelled_at is None:
            self._cancelled_at = time.monotonic()
        if not self._unsettled:
            self.should_stop = True
        elif time.monotonic() - self._cancelled_at > SETTLE_TIMEOUT:
            log.warning("stopping with %d messages unsettled after %.0fs: the broker delivers them again",
                        len(self._unsettled), SETTLE_TIMEOUT)
            self.should_stop = True


class GracefulRpcConsumer(RpcConsumer):
    queue_consumer = GracefulQueueConsumer()
