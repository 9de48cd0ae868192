"""Helpers shared by the integration, e2e and reliability tests."""
from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(probe: Callable[[], T], timeout: float = 20, interval: float = 0.1,
               what: str = "condition") -> T:
    """Poll `probe` until it returns something truthy or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def amqp_answers(amqp_uri: str) -> bool:
    """True when the broker accepts an AMQP connection (not merely its TCP port)."""
    from kombu import Connection

    try:
        with Connection(amqp_uri, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
        return True
    except Exception:  # noqa: BLE001 (any failure means: not yet)
        return False


@contextlib.contextmanager
def broker_stopped(amqp_uri: str):
    """Stop the RabbitMQ application (the node stays up) and always start it again.

    Every later test needs the broker, hence the `finally`.
    """
    subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, capture_output=True)
    try:
        yield
    finally:
        subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, capture_output=True)
        eventually(lambda: amqp_answers(amqp_uri), timeout=60, interval=0.5, what="RabbitMQ to accept connections")
