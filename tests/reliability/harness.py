"""Helpers for the reliability tests: one RabbitMQ vhost with its management API and
queue probes, a small test event, publishing, calling a container, running a command."""
from __future__ import annotations

import contextlib
import os
import pathlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import yaml
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_hook
from wijkwijzer.cloudevents import CloudEvent, EventData, envelope

ROOT = pathlib.Path(__file__).resolve().parents[2]


class ThingHappened(EventData):
    """The payload of the events the test services consume."""

    event_type = "thing.happened"

    thing: str


def thing_happened(source: str, thing: str = "lamp post fixed") -> CloudEvent:
    return envelope(source, ThingHappened(thing=thing), subject=f"thing-{thing.replace(' ', '-')}")


def consumer_queue(source: str, event_type: str, service: str, method: str) -> str:
    """The queue nameko's EventHandler (so `event_consumer`) declares for one handler."""
    return f"evt-{source}-{event_type}--{service}.{method}"


def publish(config: dict, source: str, event: CloudEvent) -> None:
    """Dispatch `event` on `<source>.events` exactly as a nameko service does, with confirms."""
    event_dispatcher(config)(source, event.routing_key, event.model_dump(mode="json"))


def call(container, method: str, *args: Any) -> Any:
    with entrypoint_hook(container, method) as hook:
        return hook(*args)


def run_module(module: str, *args: str, amqp_uri: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """`python -m <module> <args>` as a real subprocess against `amqp_uri`; fails loudly."""
    env = {**os.environ, "AMQP_URI": amqp_uri, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", module, *args], check=False, cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{module} {args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done



NAMEKO = ROOT / ".venv" / "bin" / "nameko"
_LOG_TO_STDERR = {"version": 1, "disable_existing_loggers": False,
                  "handlers": {"console": {"class": "logging.StreamHandler"}},
                  "root": {"level": "INFO", "handlers": ["console"]}}


@contextlib.contextmanager
def nameko_processes(log_dir: pathlib.Path, name: str, target: str, config: dict, cwd: pathlib.Path = ROOT,
                     env: dict | None = None) -> Iterator[Callable[[], subprocess.Popen]]:
    """`start()` runs `nameko run <target>` with `config` as a process of its own (a test may kill
    it); all are killed afterwards, and their logs printed (pytest shows them when a test failed)."""
    config_file = log_dir / f"{name}.yaml"
    config_file.write_text(yaml.safe_dump({**config, "LOGGING": _LOG_TO_STDERR}))
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        with open(log_dir / f"{name}-{len(started) + 1}.log", "w") as log:   # the process keeps its own copy
            process = subprocess.Popen([str(NAMEKO) if NAMEKO.exists() else "nameko", "run", "--config",
                                        str(config_file), target], cwd=cwd, env=env or os.environ.copy(),
                                       stdout=log, stderr=subprocess.STDOUT)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)
        for path in sorted(log_dir.glob(f"{name}-*.log")):
            print(f"--- {path.name}\n{path.read_text()[-4000:]}")
