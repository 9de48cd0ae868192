"""Each service and the gateway starts, passes readiness and serves with only its own configuration:
the environment of each process is built here from an explicit list of what docs/operations.md
(and the Kubernetes ConfigMaps, deploy/k8s/base/kustomization.yaml) give that process, plus PATH
and HOME, never from the test's own environment. A process that came to need another one's
setting (the publications service reading SMTP_HOST, say) would not start here, and fail this test.
"""
from __future__ import annotations

import os
import subprocess
import uuid
from datetime import UTC, datetime

import pymongo
import pytest
import requests

from tests.content import Corpus
from tests.platform import (
    JWT_SECRET,
    NAMEKO,
    ROOT,
    UNSUBSCRIBE_SECRET,
    WEB_BASE_URL,
    bearer,
    free_port,
    service_list,
)
from tests.support import Broker, eventually

pytestmark = pytest.mark.reliability

ESSENTIALS = ("PATH", "HOME")   # of the machine, not of the platform
CONNECTIONS = ("AMQP_URI", "MONGODB_URI", "MONGODB_DATABASE", "OPS_ADDRESS")
OWN_SETTINGS = {
    "publications": CONNECTIONS,
    "events": (*CONNECTIONS, "WEB_BASE_URL"),
    "helpdesk": CONNECTIONS,
    "notifications": (*CONNECTIONS, "WEB_BASE_URL", "SMTP_HOST", "SMTP_PORT", "UNSUBSCRIBE_SECRET"),
    "gateway": (*CONNECTIONS, "GATEWAY_ADDRESS", "JWT_SECRET"),
}


@pytest.fixture
def separately_configured(infra, tmp_path):
    """Every process of deploy/services.list started with its own settings only, in a vhost and
    databases of this test's own; (values by setting, ops address by process)."""
    broker = Broker(infra, f"{infra['VHOST']}-own-config-{uuid.uuid4().hex[:6]}")
    broker.create()
    tag = f"own_{infra['TAG']}_{uuid.uuid4().hex[:6]}"
    gateway_address = f"127.0.0.1:{free_port()}"
    processes: dict[str, subprocess.Popen] = {}
    ops: dict[str, str] = {}
    for name, directory, target in service_list():
        ops[name] = f"127.0.0.1:{free_port()}"
        values = {"AMQP_URI": broker.amqp_uri, "MONGODB_URI": infra["MONGODB_URI"],
                  "MONGODB_DATABASE": f"{tag}_{name}", "OPS_ADDRESS": ops[name], "WEB_BASE_URL": WEB_BASE_URL,
                  "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(free_port()), "UNSUBSCRIBE_SECRET": UNSUBSCRIBE_SECRET,
                  "GATEWAY_ADDRESS": gateway_address, "JWT_SECRET": JWT_SECRET}
        env = {key: os.environ[key] for key in ESSENTIALS if key in os.environ}
        env.update({setting: values[setting] for setting in OWN_SETTINGS[name]})
        with open(tmp_path / f"{name}.log", "wb") as log:
            processes[name] = subprocess.Popen([str(NAMEKO), "run", "--config", "config.yaml", target],
                                               cwd=ROOT / directory, env=env, stdout=log, stderr=subprocess.STDOUT,
                                               start_new_session=True)
    try:
        yield f"http://{gateway_address}", ops, processes
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for name in processes:
            print(f"--- {name}\n{(tmp_path / f'{name}.log').read_text()[-2000:]}")
        broker.delete()
        with pymongo.MongoClient(infra["MONGODB_URI"], serverSelectionTimeoutMS=5000) as client:
            for name in processes:
                client.drop_database(f"{tag}_{name}")


def ready(ops: str) -> bool:
    try:
        return requests.get(f"http://{ops}/readyz", timeout=5).status_code == 200
    except requests.ConnectionError:
        return False


@pytest.mark.timeout(120)
def test_each_process_starts_is_ready_and_serves_with_only_its_own_settings(separately_configured):
    base_url, ops, processes = separately_configured

    def all_ready():
        exited = {name: p.returncode for name, p in processes.items() if p.poll() is not None}
        assert not exited, f"exited at start with only its own settings: {exited}"
        return all(ready(address) for address in ops.values())
    eventually(all_ready, timeout=60, interval=0.5, what="every process ready on its own /readyz")
    readiness = requests.get(f"{base_url}/readyz", timeout=10)
    assert readiness.status_code == 200, readiness.text   # every service answers the gateway's ping

    api = f"{base_url}/api/v1"
    fields, _ = Corpus(seed=31, anchor=datetime.now(UTC)).publication(1)
    author = bearer("auteur-sanne", "Sanne de Vries", "member", email="sanne@voorbeeld.nl")
    calls = {   # one real call each, through the gateway (the gateway's own: the taxonomy it serves)
        "publications": requests.post(f"{api}/publications", json=fields, headers=author, timeout=15),
        "events": requests.get(f"{api}/activities", timeout=15),
        "helpdesk": requests.get(f"{api}/wijkwijzen", headers=bearer("beheer", "Beheer", "admin"), timeout=15),
        "notifications": requests.get(f"{api}/me/follows", headers=author, timeout=15),
        "gateway": requests.get(f"{api}/taxonomy", timeout=15),
    }
    assert {name: r.status_code for name, r in calls.items()} == {
        "publications": 201, "events": 200, "helpdesk": 200, "notifications": 200, "gateway": 200}, \
        {name: r.text[:300] for name, r in calls.items() if r.status_code >= 300}
    assert calls["publications"].json()["title"] == fields["title"]
    assert calls["notifications"].json()["topics"] == []
