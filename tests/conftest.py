# nameko runs on eventlet; patch before anything imports socket or threading.
import eventlet

eventlet.monkey_patch()

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def infra():
    """Resolve RabbitMQ and MongoDB the way infra.md orders it, via deploy/infra.sh."""
    out = subprocess.run(
        ["bash", str(ROOT / "deploy" / "infra.sh"), "up"],
        check=True, capture_output=True, text=True, env=os.environ.copy(),
    ).stdout
    # lines look like "RabbitMQ: amqp://... (management ...)" and "MongoDB:  mongodb://..."
    where = {line.split()[0].rstrip(":"): line.split()[1] for line in out.splitlines() if ": " in line}
    return {"AMQP_URI": where["RabbitMQ"], "MONGODB_URI": where["MongoDB"]}
