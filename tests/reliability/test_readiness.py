"""/readyz notices a service whose database hangs: it answers 503 naming the service and what
is stuck, and 200 again once the database answers; the service logs each change once.

The publications service has a database server of its own, which the test pauses (SIGSTOP):
its port still accepts connections, but nothing answers, as with a wedged server.
"""
from __future__ import annotations

import os
import signal
import threading
import uuid

import pytest
import requests

from tests.support import eventually

pytestmark = pytest.mark.reliability


def readiness(platform) -> tuple[int, dict]:
    response = requests.get(f"{platform.base_url}/readyz", timeout=10)
    return response.status_code, response.json()


def test_a_wedged_database_makes_readyz_503_naming_its_service_until_it_answers_again(own_database_platform):
    platform, server = own_database_platform
    assert readiness(platform)[0] == 200
    deadline = float(platform.env("publications")["RPC_TIMEOUT"])
    answers: list[int] = []

    def reader() -> None:   # a request whose worker hangs with the database
        url = f"{platform.base_url}/api/v1/publications/{uuid.uuid4().hex}"
        answers.append(requests.get(url, timeout=30).status_code)

    paused = server.pid()
    os.kill(paused, signal.SIGSTOP)
    try:
        waiting = threading.Thread(target=reader)
        waiting.start()

        def publications_reported(saying: str):
            status, body = readiness(platform)
            state = body["services"]["publications"]
            return status == 503 and saying in state and body
        body = eventually(lambda: publications_reported("database read timed out after 1s"), timeout=10,
                          interval=0.2, what="/readyz to name the publications service's database")
        assert {name: state for name, state in body["services"].items() if name != "publications"} == \
            {"events": "ok", "helpdesk": "ok", "notifications": "ok"}
        body = eventually(lambda: publications_reported(f"1 worker busy for more than {deadline:g}s: "
                                                        "publications.get"),
                          timeout=10, interval=0.2, what="/readyz to name the stuck worker")
    finally:
        os.kill(paused, signal.SIGCONT)
    eventually(lambda: readiness(platform)[0] == 200, timeout=10, interval=0.2, what="/readyz to be 200 again")
    waiting.join(timeout=30)
    assert answers == [504]   # its caller had been told in time

    log = platform.log("publications").read_text()
    assert log.count("publications is not healthy: database read timed out after 1s") == 1, log[-3000:]
    assert log.count("publications is healthy again") == 1, log[-3000:]
