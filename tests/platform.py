"""Runs every service and the gateway as separate processes, as deploy/platform.sh does,
but inside the test session's vhost and with databases of their own."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pymongo
import requests

from tests.support import Broker, SmtpSink

ROOT = Path(__file__).resolve().parents[1]
NAMEKO = Path(sys.executable).with_name("nameko")
JWT_SECRET = "e2e-test-secret-long-enough-for-hs256-keys"
UNSUBSCRIBE_SECRET = "e2e-unsubscribe-secret-of-the-tests"
WEB_BASE_URL = "https://wijkwijzer.example"


def bearer(sub: str, name: str, *roles: str, email: str | None = None, organisation: str | None = None) -> dict:
    """The Authorization header of someone signed in, as the platform's tests sign tokens."""
    from gateway.tokens import mint

    return {"Authorization": f"Bearer {mint(JWT_SECRET, sub, name, email, list(roles), organisation=organisation)}"}


def service_list() -> list[tuple[str, str, str]]:
    rows = []
    for line in (ROOT / "deploy" / "services.list").read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and not line.startswith("#"):
            rows.append((parts[0], parts[1], parts[2]))
    return rows


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Platform:
    infra: dict
    log_dir: Path
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    # environment of one process over the defaults, e.g. {"publications": {"MONGODB_URI": ...}}
    # for a database server only that service uses, which a test may stop
    env_of: dict[str, dict[str, str]] = field(default_factory=dict)
    mail: SmtpSink | None = None   # the SMTP server the notifications service sends to (aiosmtpd)
    # each process's operations port (/healthz, /readyz, /metrics: wijkwijzer.ops), by its key in
    # `processes`: every process on this machine needs a port of its own
    ops: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def broker(self) -> Broker:
        """The platform's vhost on the broker, for the management API (partners provisioned there)."""
        vhost = urllib.parse.unquote(urllib.parse.urlsplit(self.infra["AMQP_URI"]).path[1:]) or "/"
        return Broker(self.infra, vhost)

    def database(self, name: str) -> str:
        """Tagged like every test database (tests/conftest.py), so the session drops what is left."""
        return f"e2e_{self.infra.get('TAG', 'x')}_{self.run_id}_{name}"

    def env(self, name: str) -> dict[str, str]:
        return {
            **os.environ,
            "AMQP_URI": self.infra["AMQP_URI"],
            "MONGODB_URI": self.infra["MONGODB_URI"],
            "MONGODB_DATABASE": self.database(name),
            "GATEWAY_ADDRESS": f"127.0.0.1:{self.port}",
            "JWT_SECRET": JWT_SECRET,
            "UNSUBSCRIBE_SECRET": UNSUBSCRIBE_SECRET,
            "SMTP_PORT": str(self.mail.port if self.mail else 9),
            "SEND_INTERVAL": "0.5",
            "WEB_BASE_URL": WEB_BASE_URL,
            "EVENT_RETRY_DELAY_MS": "200",
            "OUTBOX_RELAY_INTERVAL": "0.5",
            "REVIEW_DUE_INTERVAL": "0.5",
            "DEADLINE_INTERVAL": "0.5",      # the helpdesk's sweep of timeouts and SLA deadlines
            "ASSIGNMENT_TIMEOUT": "6",       # a question not opened by its wijkwijze in 6 s is routed again
            "RELATED_TIMEOUT": "1",
            "RPC_TIMEOUT": "3",
            "RATE_LIMIT_WRITES": "10000",  # the tests write fast; limits have their own test
            "TRUSTED_PROXIES": "127.0.0.1",  # the front door of test_front_door.py, as on a platform
            "CORS_ALLOWED_ORIGINS": "https://wijkwijzer.example, http://localhost:3000",
            "LOG_LEVEL": "INFO",
            # partner webhooks: receivers on this machine, and the retry schedule a thousand times faster
            "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8,::1/128",
            "WEBHOOK_TIME_SCALE": "0.001",
            "WEBHOOK_INTERVAL": "0.2",
            **self.env_of.get(name, {}),
        }

    def log(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def start(self, name: str, replica: int = 1, env: dict[str, str] | None = None) -> str:
        """Start a process of the service `name`; `replica` 2, 3, ... starts another one beside it
        (same database and queues: the broker shares the work out); `env`: variables over the usual
        ones (e.g. `WIJKWIJZER_VERSION`, the version its image would have). Returns its key in `processes`."""
        directory, target = next((d, t) for n, d, t in service_list() if n == name)
        key = name if replica == 1 else f"{name}-{replica}"
        self.ops[key] = f"127.0.0.1:{free_port()}"
        with open(self.log(key), "ab") as out:
            self.processes[key] = subprocess.Popen(
                [str(NAMEKO), "run", "--config", "config.yaml", target],
                cwd=ROOT / directory, env={**self.env(name), "OPS_ADDRESS": self.ops[key], **(env or {})},
                stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return key

    def ready(self, key: str) -> bool:
        """Whether the process `key` answers 200 on its own /readyz (its broker, consumers and database)."""
        try:
            return requests.get(f"http://{self.ops[key]}/readyz", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        """Stop the process `name` (a key of `processes`), gracefully by default; its operations port
        is forgotten with it, so `ops` names the processes that run."""
        process = self.processes.pop(name, None)
        self.ops.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def up(self) -> None:
        (self.log_dir / "smtp").mkdir(exist_ok=True)
        self.mail = SmtpSink(self.log_dir / "smtp").start()
        subprocess.run([sys.executable, "-m", "wijkwijzer.topology", *[t for _, _, t in service_list()]],
                       env=self.env("topology"), check=True, capture_output=True, cwd=ROOT)
        for name, _, _ in service_list():
            self.start(name)
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            exited = [n for n, p in self.processes.items() if p.poll() is not None]
            if exited:
                raise AssertionError(f"{exited} exited at start:\n{self.log(exited[0]).read_text()[-3000:]}")
            try:
                last = requests.get(f"{self.base_url}/readyz", timeout=5)
                if last.status_code == 200:
                    return last.json()
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        logs = {n: self.log(n).read_text()[-2000:] for n, _, _ in service_list() if self.log(n).exists()}
        raise AssertionError(f"platform not ready: {last and last.text}\n{logs}")

    def down(self) -> None:
        """Stop every process and drop the databases they had on the shared server."""
        for name in list(self.processes):
            self.stop(name)
        if self.mail is not None:
            self.mail.stop()
        with pymongo.MongoClient(self.infra["MONGODB_URI"], serverSelectionTimeoutMS=5000) as client:
            for name, _, _ in service_list():
                client.drop_database(self.database(name))


@contextlib.contextmanager
def platform_in_vhost(infra: dict, vhost: str, log_dir: Path, env_of: dict | None = None) -> Iterator[Platform]:
    """The whole platform, up, in a RabbitMQ vhost of its own on `infra`'s broker (so its services
    answer no one else's calls and take no one else's events); down, its databases dropped and
    the vhost deleted afterwards."""
    from tests.support import Broker

    broker = Broker(infra, vhost)
    broker.create()
    running = Platform({**infra, "AMQP_URI": broker.amqp_uri}, log_dir, env_of=env_of or {})
    try:
        running.up()
        yield running
    finally:
        running.down()
        broker.delete()
