"""Names of the config keys the shared plumbing reads, with their defaults.

Services get their config from a nameko YAML file whose values come from the
environment (`${VAR:default}`), so these defaults only apply when a key is
missing from that file, as in tests that build a config dict by hand.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

AMQP_URI = "AMQP_URI"
MONGODB_URI = "MONGODB_URI"
MONGODB_DATABASE = "MONGODB_DATABASE"          # default: the service name
MONGODB_TIMEOUT_MS = "MONGODB_TIMEOUT_MS"      # ms an operation waits for a reachable server
MONGODB_SOCKET_TIMEOUT_MS = "MONGODB_SOCKET_TIMEOUT_MS"  # ms an operation waits for the server's answer

EVENT_MAX_RETRIES = "EVENT_MAX_RETRIES"        # attempts after the first, then dead letter
EVENT_RETRY_DELAY_MS = "EVENT_RETRY_DELAY_MS"  # first backoff; doubles per attempt
OUTBOX_RELAY_INTERVAL = "OUTBOX_RELAY_INTERVAL"  # seconds between relay sweeps
RPC_TIMEOUT = "RPC_TIMEOUT"                    # seconds the gateway waits for a service
HEALTH_READ_TIMEOUT = "HEALTH_READ_TIMEOUT"    # seconds the health check's database read may take
OPS_ADDRESS = "OPS_ADDRESS"                    # host:port of /healthz, /readyz and /metrics (wijkwijzer.ops)

DEFAULTS: dict[str, Any] = {
    # pymongo looks again every 0.5 s, so an unreachable server fails an operation after 1 to 1.5 s:
    # a 503 within 2 s
    MONGODB_TIMEOUT_MS: 1000,
    MONGODB_SOCKET_TIMEOUT_MS: 30_000,
    EVENT_MAX_RETRIES: 3,
    EVENT_RETRY_DELAY_MS: 1000,
    OUTBOX_RELAY_INTERVAL: 2,
    RPC_TIMEOUT: 5,
    HEALTH_READ_TIMEOUT: 1,   # under the gateway's READY_TIMEOUT (2), so the ping says what is wrong
    # The config files give 0.0.0.0:9100 (one process per pod); a config built by hand (tests that
    # run containers in-process, several at once) gets a free loopback port: nothing clashes.
    OPS_ADDRESS: "127.0.0.1:0",
}


def get(config: Mapping[str, Any], key: str) -> Any:
    return config.get(key, DEFAULTS.get(key))
