"""Helpers shared by the integration, e2e and reliability tests."""
from __future__ import annotations

import contextlib
import email
import email.message
import email.policy
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Callable
from typing import TypeVar

import requests
from kombu import Connection

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


WEB = "https://wijkwijzer.example"   # the web client's address in the links of the tests' mails


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RabbitServer:
    """A RabbitMQ node of a test's own (Debian's rabbitmq-server, as deploy/infra.sh runs the
    machine's) on free ports with a private state dir, for a test that stops the broker: the
    machine's broker, which other test runs and a local platform use, never goes down."""

    def __init__(self, state_dir: pathlib.Path):
        self.state_dir = state_dir
        self.node = f"wwtest-{uuid.uuid4().hex[:8]}@localhost"
        self.port, self.management_port, self.dist_port = _free_port(), _free_port(), _free_port()
        self.infra = {"AMQP_URI": f"amqp://guest:guest@127.0.0.1:{self.port}/",
                      "MANAGEMENT_URL": f"http://127.0.0.1:{self.management_port}"}

    def _ctl(self, *args: str) -> None:
        subprocess.run(["rabbitmqctl", "-q", "-n", self.node, *args], check=True, capture_output=True, timeout=120)

    def up(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        (self.state_dir / "enabled_plugins").write_text("[rabbitmq_management].\n")
        (self.state_dir / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\nmanagement.tcp.ip = 127.0.0.1\n"
            f"management.tcp.port = {self.management_port}\n")
        if os.geteuid() == 0:   # Debian's rabbitmq-server runs the node as the rabbitmq user
            subprocess.run(["chown", "-R", "rabbitmq:rabbitmq", str(self.state_dir)], check=True)
        subprocess.run(["rabbitmq-server", "-detached"], check=True, capture_output=True, timeout=60, env={
            **os.environ, "RABBITMQ_NODENAME": self.node, "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.state_dir / "mnesia"), "RABBITMQ_LOG_BASE": str(self.state_dir / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.state_dir / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(self.state_dir / "rabbitmq"), "RABBITMQ_PID_FILE": str(self.state_dir / "pid")})
        self._ctl("wait", "--timeout", "60", str(self.state_dir / "pid"))
        eventually(lambda: requests.get(f"{self.infra['MANAGEMENT_URL']}/api/overview", auth=("guest", "guest"),
                                        timeout=2).ok, timeout=60, what="the management API of the test's RabbitMQ")

    def down(self) -> None:
        self._ctl("stop", str(self.state_dir / "pid"))

    @contextlib.contextmanager
    def stopped(self):
        """Stop the RabbitMQ application (the node stays up), and always start it again."""
        self._ctl("stop_app")
        try:
            yield
        finally:
            self._ctl("start_app")
            eventually(lambda: amqp_answers(self.infra["AMQP_URI"]), timeout=60, interval=0.5,
                       what="RabbitMQ to accept connections")


class Broker:
    """One vhost of the real RabbitMQ, created and deleted through the management API."""

    def __init__(self, infra: dict, vhost: str):
        uri = urllib.parse.urlparse(infra["AMQP_URI"])
        self.auth = (urllib.parse.unquote(uri.username or "guest"),
                     urllib.parse.unquote(uri.password or "guest"))
        self.management = infra["MANAGEMENT_URL"].rstrip("/")
        self.vhost = vhost
        self.amqp_uri = uri._replace(path="/" + urllib.parse.quote(vhost, safe="")).geturl()

    @property
    def management_url(self) -> str:
        """The management API's address with the administrator's credentials in it."""
        parts = urllib.parse.urlsplit(self.management)
        credentials = ":".join(urllib.parse.quote(part, safe="") for part in self.auth)
        return parts._replace(netloc=f"{credentials}@{parts.netloc}").geturl()

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.management}/api/{path}", auth=self.auth, timeout=10, **kwargs)

    def create(self) -> None:
        self.api("PUT", f"vhosts/{self._vhost}").raise_for_status()
        self.api("PUT", f"permissions/{self._vhost}/{urllib.parse.quote(self.auth[0], safe='')}",
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()

    def delete(self) -> None:
        self.api("DELETE", f"vhosts/{self._vhost}")

    @property
    def _vhost(self) -> str:
        return urllib.parse.quote(self.vhost, safe="")

    def queue(self, name: str) -> dict | None:
        """The management API's view of a queue (definition; its counters lag a few seconds)."""
        response = self.api("GET", f"queues/{self._vhost}/{urllib.parse.quote(name, safe='')}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    def exchange(self, name: str) -> dict:
        response = self.api("GET", f"exchanges/{self._vhost}/{urllib.parse.quote(name, safe='')}")
        response.raise_for_status()
        return response.json()

    def bindings(self, queue: str) -> list[dict]:
        response = self.api("GET", f"queues/{self._vhost}/{urllib.parse.quote(queue, safe='')}/bindings")
        response.raise_for_status()
        return response.json()

    def depth(self, queue: str) -> tuple[int, int] | None:
        """(ready messages, consumers) of a queue right now, by passive declare; None if it is missing."""
        with Connection(self.amqp_uri, connect_timeout=5) as connection:
            channel = connection.channel()
            try:
                _, messages, consumers = channel.queue_declare(queue=queue, passive=True)
            except connection.channel_errors:  # 404 NOT_FOUND closes the channel
                return None
            channel.close()
            return messages, consumers

    def drain(self, queue: str) -> list[dict]:
        """Take every ready message off `queue` (acked) and return the decoded bodies."""
        bodies = []
        with Connection(self.amqp_uri, connect_timeout=5) as connection:
            channel = connection.channel()
            while (message := channel.basic_get(queue, no_ack=True)) is not None:
                bodies.append(json.loads(message.body))
            channel.close()
        return bodies


def take_messages(amqp_uri: str, queue: str) -> list:
    """Every message ready on `queue` now, taken off it (acked), as the broker delivered them."""
    taken = []
    with Connection(amqp_uri, connect_timeout=5) as connection:
        channel = connection.channel()
        while (message := channel.basic_get(queue, no_ack=True)) is not None:
            taken.append(message)
        channel.close()
    return taken


class EventTap:
    """A queue of the test's own bound to an events exchange, so a test sees every copy of
    the events published there, as a partner's queue would (no ledger deduplicates them)."""

    def __init__(self, amqp_uri: str, source: str, routing_key: str = "#"):
        """`source`: a service name (its nameko events exchange) or "public" (wijkwijzer.public)."""
        from nameko.standalone.events import get_event_exchange
        from wijkwijzer import amqp

        exchange = amqp.public_exchange() if source == "public" else get_event_exchange(source, {})
        self.amqp_uri = amqp_uri
        self.queue = f"test-tap-{uuid.uuid4().hex[:8]}"
        self.received: list = []
        with Connection(amqp_uri, connect_timeout=5) as connection:
            channel = connection.channel()
            exchange(channel).declare()   # as its publisher declares it, or the broker refuses
            channel.queue_declare(self.queue, durable=False, auto_delete=False)
            channel.queue_bind(self.queue, exchange.name, routing_key)
            channel.close()

    def messages(self) -> list:
        """Every message that arrived so far as the broker delivered it (`body`, `properties`,
        `delivery_info` with its routing key), oldest first."""
        self.received += take_messages(self.amqp_uri, self.queue)
        return list(self.received)

    def events(self) -> list[dict]:
        """Every event that arrived so far, oldest first."""
        return [json.loads(message.body) for message in self.messages()]

    def types(self, subject: str | None = None) -> list[str]:
        return [e["type"].removeprefix("nl.wijkwijzer.") for e in self.events()
                if subject is None or e["subject"] == subject]

    def close(self) -> None:
        with Connection(self.amqp_uri, connect_timeout=5) as connection:
            channel = connection.channel()
            channel.queue_delete(self.queue)
            channel.close()


def stream_access_env(broker: Broker) -> dict[str, str]:
    """The environment `python -m notifications.stream_access` needs to provision partners on
    `broker`'s vhost, as an operator sets it (docs/partners.md)."""
    return {**os.environ, "RABBITMQ_MANAGEMENT_URL": broker.management_url, "AMQP_URI": broker.amqp_uri}


def stream_access(broker: Broker, *args: str) -> subprocess.CompletedProcess:
    """`python -m notifications.stream_access <args>` on `broker`'s vhost."""
    return subprocess.run([sys.executable, "-m", "notifications.stream_access", *args], check=False,
                          env=stream_access_env(broker), capture_output=True, text=True, timeout=60)


def provision_partner(broker: Broker, slug: str) -> str:
    """What provisioning the partner `slug` printed (its AMQP URI in it: `provisioned_uri`)."""
    done = stream_access(broker, "provision", slug)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def provisioned_uri(output: str) -> str:
    """The partner's AMQP URI in what the provisioning command printed."""
    return re.search(r"AMQP URI:\s+(\S+)", output).group(1)


class PartnerQueue:
    """A partner's queue bound to `wijkwijzer.public`, declared, bound and read with the partner's
    own credentials (`uri`), as docs/partners.md tells a partner; keeps every message as delivered."""

    def __init__(self, uri: str, queue: str, binding_key: str = "nl.wijkwijzer.#"):
        self.uri, self.queue, self.received = uri, queue, []
        with Connection(uri, connect_timeout=5) as connection:
            channel = connection.channel()
            channel.queue_declare(queue, durable=True, auto_delete=False)
            channel.queue_bind(queue, "wijkwijzer.public", binding_key)
            channel.close()

    def messages(self) -> list:
        self.received += take_messages(self.uri, self.queue)
        return list(self.received)


def asyncapi_message_schema(document: dict, event_type: str) -> dict:
    """The payload schema docs/asyncapi.yaml (`document`, loaded) gives a public event type
    (`nl.wijkwijzer.publication.published`), with its references resolvable for a validator."""
    message = document["components"]["messages"][event_type.removeprefix("nl.wijkwijzer.")]
    return {**message["payload"], "components": document["components"]}


class MongoServer:
    """A MongoDB-wire server of a test's own, started by deploy/infra.sh on a free port with a
    private state dir (`kind`: "auto" for what infra.md resolves, on our machines FerretDB, or
    "mongo-java-server" for the fallback). A test may stop and start it; `down` removes it."""

    INFRA_SH = pathlib.Path(__file__).resolve().parents[1] / "deploy" / "infra.sh"

    def __init__(self, state_dir: pathlib.Path, amqp_uri: str, kind: str = "auto"):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.state_dir = state_dir
        self.uri = f"mongodb://127.0.0.1:{self.port}/"
        self.env = {**os.environ, "WIJKWIJZER_MONGO_SERVER": kind, "WIJKWIJZER_MONGO_PORT": str(self.port),
                    "WIJKWIJZER_STATE_DIR": str(state_dir),
                    "AMQP_URI": amqp_uri}   # the shared broker: up uses it as it is, down leaves it
        self.env.pop("MONGODB_URI", None)   # a given URI would win over starting a server

    def infra(self, command: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(self.INFRA_SH), command], check=False, env=self.env,
                              capture_output=True, text=True, timeout=300)

    def up(self) -> subprocess.CompletedProcess:
        done = self.infra("up")
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    def down(self) -> subprocess.CompletedProcess:
        done = self.infra("down")
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    def pid(self) -> int:
        """The server process (FerretDB or mongo-java-server) started here."""
        found = [p for p in self.state_dir.glob("*.pid") if p.stem in ("ferretdb", "mongo-java-server")]
        return int(found[0].read_text())


class FrontDoor:
    """The front door (nginx, deploy/frontdoor.sh) in front of a gateway, with a state dir
    (configuration, cache) of its own: on a free port, or on `address` when the test needs a fixed
    one (an identity provider sends browsers back to the addresses its realm lists only)."""

    SCRIPT = pathlib.Path(__file__).resolve().parents[1] / "deploy" / "frontdoor.sh"

    def __init__(self, state_dir: pathlib.Path, gateway: str, address: str | None = None):
        if address is None:
            address = f"127.0.0.1:{_free_port()}"
        else:
            host, port = address.rsplit(":", 1)
            with socket.socket() as s:
                # as nginx binds: connections of an earlier run in TIME_WAIT do not count, a listener does
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    s.bind((host, int(port)))
                except OSError as exc:
                    raise RuntimeError(
                        f"{address} is taken ({exc.strerror}), and the front door must listen there: "
                        f"`ss -ltnp 'sport = :{port}'` shows what holds it (a front door an earlier run left?)"
                    ) from None
        self.address = address
        self.base_url = f"http://{self.address}"
        self.env = {**os.environ, "WIJKWIJZER_STATE_DIR": str(state_dir), "FRONT_DOOR_ADDRESS": self.address,
                    "GATEWAY_UPSTREAM": gateway}

    def run(self, command: str) -> None:
        done = subprocess.run(["bash", str(self.SCRIPT), command], env=self.env, capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


class Documented:
    """The API's OpenAPI document as the gateway serves it, to hold responses to: each one's
    status is documented for its operation, and its body fits the schema documented for that
    status and content type."""

    def __init__(self, base_url: str):
        self.document = requests.get(f"{base_url}/api/v1/openapi.json", timeout=10).json()
        # the most literal template first, as the router matches: /activities/{id}.ics before /activities/{id}
        templates = sorted(self.document["paths"].items(), key=lambda item: -len(re.sub(r"\{[^}/]+\}", "", item[0])))
        self.paths = [(re.compile("^" + re.sub(r"\{[^}/]+\}", "[^/]+", path) + "$"), operations)
                      for path, operations in templates]

    def check(self, response: requests.Response) -> None:
        from jsonschema import Draft202012Validator

        method, path = response.request.method, urllib.parse.urlsplit(response.request.url).path
        operation = next(ops for pattern, ops in self.paths if pattern.match(path))[method.lower()]
        documented = operation["responses"].get(str(response.status_code))
        assert documented, f"{method} {path}: {response.status_code} is not documented"
        if response.status_code == 304:   # no body: the client's copy is current
            assert not response.content and "content" not in documented
            return
        content_type = response.headers["Content-Type"].split(";")[0]
        assert content_type in documented["content"], f"{method} {path}: {content_type} is not documented"
        schema = {**documented["content"][content_type]["schema"], "components": self.document["components"]}
        body = response.json() if content_type.endswith("json") else response.text
        Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(body)


class Api:
    """Calls the HTTP API (`/api/v1`) as a client would and holds every answer to the OpenAPI
    document, errors included."""

    def __init__(self, base_url):
        self.base = f"{base_url}/api/v1"
        self.documented = Documented(base_url)

    def __call__(self, method, path, who=None, expect=200, **kwargs):
        """The JSON of the answer (the response itself for other content), which must have status `expect`."""
        response = self.raw(method, path, who, **kwargs)
        assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if "json" in response.headers["Content-Type"] else response

    def raw(self, method, path, who=None, headers=None, **kwargs):
        response = requests.request(method, self.base + path, headers={**(who or {}), **(headers or {})},
                                    timeout=15, **kwargs)
        self.documented.check(response)
        return response


class Replicas:
    """Replicas of one nameko service in this process, for tests of what several replicas do at
    once: `start()` one more, `stop(replica)` one, `stop_all()` at the end."""

    def __init__(self, service_class, config: dict):
        self.service_class, self.config, self.running = service_class, config, []

    def start(self):
        from nameko.containers import ServiceContainer

        container = ServiceContainer(self.service_class, dict(self.config))
        container.start()
        self.running.append(container)
        return container

    def stop(self, container) -> None:
        self.running.remove(container)
        container.stop()

    def stop_all(self) -> None:
        import eventlet

        for stopping in [eventlet.spawn(c.stop) for c in self.running]:
            stopping.wait()
        self.running.clear()


class ListenerProcess:
    """A test server (a script next to this file) in a process of its own on `self.port`, which
    touches `<directory>/ready-<port>` once it listens; `stop()` kills it, `start()` runs it again
    on the same port."""

    directory: pathlib.Path
    port: int
    process: subprocess.Popen | None = None

    def _run(self, script: str, log_name: str, what: str):
        ready = self.directory / f"ready-{self.port}"
        ready.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-P", str(pathlib.Path(__file__).with_name(script)), str(self.directory), str(self.port)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(self.directory / log_name, "ab"))  # noqa: SIM115
        eventually(ready.exists, timeout=20, what=what)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


class SmtpSink(ListenerProcess):
    """A real SMTP server (tests/smtp_sink.py, aiosmtpd) in a process of its own on a free port;
    `messages()` are the e-mails it kept, parsed. `stop()` and `start()` take it down and up on
    the same port; `stall()` holds messages at DATA until `release()` (then refuses them)."""

    def __init__(self, directory: pathlib.Path):
        self.directory = directory
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> SmtpSink:
        return self._run("smtp_sink.py", "sink.log", "the SMTP sink to listen")

    def stall(self) -> None:
        (self.directory / "stall").touch()

    def release(self) -> None:
        (self.directory / "stall").unlink(missing_ok=True)

    def messages(self) -> list[email.message.EmailMessage]:
        found = []
        for path in sorted(self.directory.glob("*.eml")):
            found.append(email.message_from_bytes(path.read_bytes(), policy=email.policy.default))
        return found


class WebhookReceiver(ListenerProcess):
    """A partner's webhook endpoint (tests/webhook_receiver.py) in a process of its own on a free
    port, verifying signatures with the reference `standardwebhooks` library. `url(path)` is an
    endpoint; `trust(path, secret)` lets it verify that path's deliveries; `script(path, [...])`
    sets its next answers; `received(path)` is every request so far. `stop()` and `start()` take
    it down and up on the same port."""

    def __init__(self, directory: pathlib.Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        self._secrets: dict[str, list[str]] = {}
        self._script: dict[str, list] = {}

    def url(self, path: str = "/hooks") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> WebhookReceiver:
        return self._run("webhook_receiver.py", "receiver.log", "the webhook receiver to listen")

    def trust(self, path: str, secret: str, only: bool = False) -> None:
        """Verify `path`'s deliveries with `secret` too (`only`: with it alone)."""
        self._secrets[path] = [secret] if only else [*self._secrets.get(path, []), secret]
        self._write("secrets.json", self._secrets)

    def script(self, path: str, answers: list | dict) -> None:
        """The next answers at `path`, in order: a status, or [status, {header: value}, seconds to wait
        first]; then 204. `{"*": answer}`: that answer every time."""
        self._script[path] = answers
        self._write("script.json", self._script)

    def _write(self, name: str, value: dict) -> None:
        temporary = self.directory / f".{name}.tmp"
        temporary.write_text(json.dumps(value))
        temporary.replace(self.directory / name)   # the receiver never reads half a file

    def received(self, path: str | None = None) -> list[dict]:
        log = self.directory / "received.jsonl"
        if not log.exists():
            return []
        lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [entry for entry in lines if path is None or entry["path"] == path]

    def delivered(self, path: str | None = None) -> list[dict]:
        """Deliveries it accepted (2xx), each with its event parsed."""
        return [{**entry, "event": json.loads(entry["body"])} for entry in self.received(path)
                if 200 <= entry["status"] < 300]


class IdentityProvider:
    """The local platform's Keycloak (deploy/keycloak.sh) and the facts of its realm, read from the
    realm file the platform imports (deploy/keycloak/wijkwijzer-realm.json), so tests repeat none."""

    SCRIPT = pathlib.Path(__file__).resolve().parents[1] / "deploy" / "keycloak.sh"
    REALM_FILE = pathlib.Path(__file__).resolve().parents[1] / "deploy" / "keycloak" / "wijkwijzer-realm.json"
    PASSWORD = "wijkwijzer"   # every demo user's, as the README says
    REDIRECT_URI = "http://127.0.0.1:8000/aangemeld"

    def __init__(self, address: str = "127.0.0.1:8180"):
        self.realm = json.loads(self.REALM_FILE.read_text(encoding="utf-8"))
        self.issuer = f"http://{address}/realms/{self.realm['realm']}"
        client = self.realm["clients"][0]
        self.client_id = client["clientId"]
        # the API the access tokens are for: the client's audience mapper
        self.audience = next(m["config"]["included.custom.audience"] for m in client["protocolMappers"]
                             if m["protocolMapper"] == "oidc-audience-mapper")
        self.users = {user["username"]: user for user in self.realm["users"]}
        self._endpoints: dict | None = None

    @property
    def endpoints(self) -> dict:
        """The realm's OpenID Connect discovery document."""
        if self._endpoints is None:
            response = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=10)
            response.raise_for_status()
            self._endpoints = response.json()
        return self._endpoints

    def authorization_request(self) -> tuple[str, str, str]:
        """An Authorization Code request with PKCE (S256) as the web client makes it: the
        authorization endpoint's URL, the code verifier to exchange the code with, and the state."""
        import base64
        import hashlib
        import secrets

        verifier, state = secrets.token_urlsafe(64), secrets.token_urlsafe(16)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urllib.parse.urlencode({
            "client_id": self.client_id, "redirect_uri": self.REDIRECT_URI, "response_type": "code",
            "scope": "openid", "state": state, "nonce": secrets.token_urlsafe(16),
            "code_challenge": challenge, "code_challenge_method": "S256"})
        return f"{self.endpoints['authorization_endpoint']}?{query}", verifier, state

    def exchange(self, code: str, verifier: str) -> dict:
        """The token response for the code of an authorization request, with its code verifier."""
        tokens = requests.post(self.endpoints["token_endpoint"], timeout=10, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": self.REDIRECT_URI,
            "client_id": self.client_id, "code_verifier": verifier})
        assert tokens.status_code == 200, tokens.text
        return tokens.json()

    def sign_in(self, username: str, password: str | None = None) -> dict:
        """The token response of the Authorization Code flow with PKCE (S256), driven as a browser
        does: the authorization endpoint, its login form posted with the session's cookies, the
        code taken from the redirect (not followed), exchanged with the code verifier."""
        import html

        url, verifier, _ = self.authorization_request()
        browser = requests.Session()
        page = browser.get(url, timeout=10)
        assert page.status_code == 200, page.text[:500]
        # Browsers count http://127.0.0.1 as a secure context and send the `Secure` cookies of the
        # login session back there; Python's cookie jar sends them over https only
        for cookie in browser.cookies:
            cookie.secure = False
        form = re.search(r'<form[^>]*id="kc-form-login"[^>]*>', page.text)
        assert form, f"no login form on the provider's page:\n{page.text[:1000]}"
        action = html.unescape(re.search(r'action="([^"]+)"', form.group(0)).group(1))
        signed_in = browser.post(action, data={"username": username, "password": password or self.PASSWORD,
                                               "credentialId": ""}, allow_redirects=False, timeout=10)
        assert signed_in.status_code == 302, f"signing in as {username}: {signed_in.status_code}"
        location = urllib.parse.urlsplit(signed_in.headers["Location"])
        assert location._replace(query="").geturl() == self.REDIRECT_URI, signed_in.headers["Location"]
        return self.exchange(urllib.parse.parse_qs(location.query)["code"][0], verifier)


def scrape(ops_address: str) -> dict[tuple[str, frozenset], float]:
    """The samples a process's /metrics serves (wijkwijzer.ops), by (name, labels): parsed by
    prometheus_client's own parser, as Prometheus reads them."""
    from prometheus_client.parser import text_string_to_metric_families

    response = requests.get(f"http://{ops_address}/metrics", timeout=10)
    response.raise_for_status()
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def sample(samples: dict, name: str, **labels: str) -> float:
    """One sample of `scrape`'s result, 0 when the series is not there yet."""
    return samples.get((name, frozenset(labels.items())), 0.0)
