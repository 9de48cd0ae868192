"""wijkwijzer.rpc: calls whose caller already gave up are not carried out."""
import time
from typing import ClassVar

import pytest
from nameko.containers import ServiceContainer
from nameko.exceptions import RpcTimeout
from nameko.standalone.rpc import ClusterRpcProxy
from wijkwijzer.rpc import DEADLINE_KEY, rpc

pytestmark = pytest.mark.integration


class Counter:
    name = "counter"
    calls: ClassVar[list[str]] = []

    @rpc
    def bump(self, label):
        Counter.calls.append(label)
        return len(Counter.calls)


def test_a_call_past_its_deadline_is_dropped_and_one_within_it_runs(service_config):
    container = ServiceContainer(Counter, service_config)
    container.start()
    try:
        late = {DEADLINE_KEY: time.time() - 1}
        with ClusterRpcProxy(service_config, context_data=late, timeout=2) as proxy, \
                pytest.raises(RpcTimeout):
            proxy.counter.bump("too late")
        in_time = {DEADLINE_KEY: time.time() + 10}
        with ClusterRpcProxy(service_config, context_data=in_time, timeout=5) as proxy:
            assert proxy.counter.bump("in time") == 1
        assert Counter.calls == ["in time"]
    finally:
        container.stop()
