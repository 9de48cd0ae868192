"""A fresh partner follows docs/partners.md step by step, both ways: the commands are taken from
each section's ```sh blocks, so the guide and these tests cannot drift.

- "The public event stream (AMQP)": the operator's command provisions the partner on the e2e
  platform's vhost; the example consumer runs as the guide says with the URI it printed; a
  publication published through the API shows up in the consumer's output as
  `nl.wijkwijzer.publication.published`; Ctrl-C stops it cleanly.
- "Signed webhooks": the admin's curl registers the endpoint, the example receiver runs with the
  secret it showed, and prints the same publication's `nl.wijkwijzer.publication.published`."""
import importlib.metadata
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.platform import bearer, free_port
from tests.support import Api, eventually, provisioned_uri, stream_access_env

pytestmark = pytest.mark.e2e

DOCS = Path(__file__).resolve().parents[2] / "docs"
SECTION = "## The public event stream (AMQP)"
EXAMPLE_SLUG = "gemeente-utrecht"   # the partner the guide provisions; this test's own slug replaces it
ANNA = bearer("anna-gids", "Anna Gids", "member", email="anna@voorbeeld.nl")
EVA = bearer("eva-gids", "Eva Gids", "editor")


def publish(platform, title: str, topic: str, body: str) -> dict:
    """A member's publication, submitted and published by an editor, through the API."""
    api = Api(platform.base_url)
    draft = api("POST", "/publications", ANNA, 201, json={
        "title": f"{title} {uuid.uuid4().hex[:6]}", "summary": "Een praktijkvoorbeeld uit de wijk",
        "kind": "praktijkvoorbeeld", "topics": [topic], "body": body})
    api("POST", f"/publications/{draft['id']}/submit", ANNA)
    api("POST", f"/publications/{draft['id']}/review", EVA, json={"decision": "publish"})
    return draft


def guide_commands(heading: str = SECTION) -> list[str]:
    """The shell commands of one section's ```sh blocks, in order (a line ending in `\\` goes on)."""
    text = (DOCS / "partners.md").read_text()
    section = text[text.index(heading):]
    following = re.search(r"^## ", section[len(heading):], re.MULTILINE)
    section = section[:len(heading) + following.start()] if following else section
    blocks = re.findall(r"^```sh\n(.*?)^```", section, re.MULTILINE | re.DOTALL)
    joined = [block.replace("\\\n", " ") for block in blocks]
    return [line.strip() for block in joined for line in block.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def installed(command: str) -> None:
    """A `pip install` step: what it asks for is in this environment already (not installed here)."""
    for word in shlex.split(command)[2:]:
        requirement = Requirement(word)
        version = importlib.metadata.version(requirement.name)
        assert requirement.specifier.contains(version), f"{requirement}: {version} here"


@pytest.fixture
def slug(platform):
    slug = f"guide-{uuid.uuid4().hex[:8]}"
    yield slug
    broker = platform.broker
    for queue in broker.api("GET", f"queues/{broker._vhost}").json():
        if queue["name"].startswith(f"partner.{slug}."):
            broker.api("DELETE", f"queues/{broker._vhost}/{queue['name']}")
    broker.api("DELETE", f"users/partner-{slug}")


def test_a_new_partner_follows_the_guide_and_receives_a_publication(platform, slug, tmp_path):
    commands = [c.replace(EXAMPLE_SLUG, slug) for c in guide_commands()]
    assert any("stream_access provision" in c for c in commands) and any("stream_consumer.py" in c for c in commands)
    assert all(slug in c for c in commands if "provision" in c or "stream_consumer.py" in c)
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"   # `python`: this environment's
    operator = {**stream_access_env(platform.broker), "PATH": path}
    uri, consumer = None, None
    out, err = tmp_path / "consumer.out", tmp_path / "consumer.err"
    try:
        for command in commands:
            if command.startswith("pip install"):
                installed(command)
            elif "stream_consumer.py" in command:
                assert uri, "the guide runs the consumer before the partner has a URI"
                partner = {k: v for k, v in os.environ.items() if not k.startswith(("AMQP", "RABBITMQ"))}
                consumer = subprocess.Popen(["bash", "-c", command], cwd=DOCS / "examples", stdout=out.open("w"),
                                            stderr=err.open("w"), start_new_session=True,
                                            env={**partner, "PATH": path, "WIJKWIJZER_AMQP_URI": uri})
                eventually(lambda process=consumer: "listening on" in err.read_text() or process.poll() is not None,
                           what="the example consumer to listen")
                assert consumer.poll() is None, err.read_text()
            else:
                done = subprocess.run(["bash", "-c", command], env=operator, capture_output=True, text=True,
                                      timeout=60, check=False)
                assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
                if "AMQP URI" in done.stdout:
                    uri = provisioned_uri(done.stdout)
        assert consumer is not None

        draft = publish(platform, "Repaircafé als ontmoetingsplek", "ontmoeting", "Elke zaterdag in het buurthuis.")
        line = f"nl.wijkwijzer.publication.published subject={draft['id']}"
        eventually(lambda: line in out.read_text(), timeout=30, what=f"the consumer to print {line!r}")
        assert f"nl.wijkwijzer.publication.submitted subject={draft['id']}" in out.read_text()

        os.killpg(consumer.pid, signal.SIGINT)   # Ctrl-C
        assert consumer.wait(timeout=15) == 0 and "stopped" in err.read_text(), err.read_text()
    finally:
        if consumer is not None and consumer.poll() is None:
            os.killpg(consumer.pid, signal.SIGKILL)
            consumer.wait()


def test_a_new_partner_follows_the_guide_and_gets_a_publication_by_webhook(platform, tmp_path):
    commands = guide_commands("## Signed webhooks")
    register = next(c for c in commands if c.startswith("curl") and "/api/v1/partners" in c)
    receive = next(c for c in commands if "webhook_receiver.py" in c)
    port = free_port()
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"   # `python`: this environment's
    admin = bearer("beheer-gids", "Beheer Gids", "admin")["Authorization"].removeprefix("Bearer ")
    env = {**os.environ, "PATH": path, "WIJKWIJZER": platform.base_url, "ADMIN_TOKEN": admin,
           "RECEIVER_URL": f"http://127.0.0.1:{port}/wijkwijzer", "RECEIVER_PORT": str(port)}
    done = subprocess.run(["bash", "-c", register], env=env, capture_output=True, text=True, timeout=30, check=False)
    partner = json.loads(done.stdout)
    assert partner["secret"].startswith("whsec_"), done.stdout + done.stderr
    out, err = tmp_path / "receiver.out", tmp_path / "receiver.err"
    receiver = subprocess.Popen(["bash", "-c", receive], cwd=DOCS.parent, stdout=out.open("w"), stderr=err.open("w"),
                                start_new_session=True, env={**env, "SECRET": partner["secret"]})
    try:
        eventually(lambda: "listening on" in err.read_text() or receiver.poll() is not None,
                   what="the example receiver to listen")
        assert receiver.poll() is None, err.read_text()
        draft = publish(platform, "Buurtpreventie met de wijkagent", "veiligheid", "Een WhatsApp-groep per straat.")
        line = f"nl.wijkwijzer.publication.published {draft['id']}"
        eventually(lambda: line in out.read_text(), timeout=30, what=f"the receiver to print {line!r}")
        assert "refused" not in err.read_text(), "every delivery verified"
        assert f"nl.wijkwijzer.publication.submitted {draft['id']}" not in out.read_text(), "the filter holds"
    finally:
        os.killpg(receiver.pid, signal.SIGKILL)
        receiver.wait()
        api = Api(platform.base_url)
        api("PATCH", f"/partners/{partner['id']}", {"Authorization": f"Bearer {admin}"}, json={"active": False})
