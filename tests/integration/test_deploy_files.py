"""The deployment files are valid and complete: docker-compose.yml builds every image from the shared
recipes in deploy/images/.

No Docker engine is needed. `docker-compose config` (Debian's docker-compose 1.29;
tests/run.sh installs it when missing) validates the file against the compose
schema offline: unknown keys, wrong types and values, undefined services in
`depends_on`. It does not look at the Dockerfiles: tests/unit/test_images.py parses them.
"""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"

# compose service / nameko service name -> (directory, project name, import package)
APPS = {
    "publications": ("services/publications", "wijkwijzer-publications", "publications"),
    "events": ("services/events", "wijkwijzer-events", "activities"),
    "helpdesk": ("services/helpdesk", "wijkwijzer-helpdesk", "helpdesk"),
    "notifications": ("services/notifications", "wijkwijzer-notifications", "notifications"),
    "gateway": ("gateway", "wijkwijzer-gateway", "gateway"),
}
BACKENDS = [name for name in APPS if name != "gateway"]


def docker_compose(*args, compose_file=COMPOSE):
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.fail("docker-compose is not installed; tests/run.sh installs it (apt-get install docker-compose)")
    # An engine socket that cannot exist: proves the validation never needs one.
    env = {**os.environ, "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    return subprocess.run(
        [exe, "-f", str(compose_file), "--project-directory", str(ROOT), *args],
        check=False, capture_output=True, text=True, env=env, timeout=60,
    )


@pytest.fixture(scope="module")
def compose():
    """The compose file as docker-compose resolves it (anchors merged, paths absolute)."""
    result = docker_compose("config")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_file_is_valid_without_a_docker_engine():
    result = docker_compose("config", "-q")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("good", "bad", "complaint"), [
    ("condition: service_healthy", "condition: service_heathy", "service_heathy"),
    ("    healthcheck:\n", "    helthcheck:\n", "helthcheck"),
    ("      mailpit:\n        condition:", "      mail_pit:\n        condition:", "mail_pit"),
    ("retries: 5\n", "retries: five\n", "five"),
])
def test_compose_validation_rejects_a_broken_copy(tmp_path, good, bad, complaint):
    text = COMPOSE.read_text()
    assert good in text, f"the breakage no longer applies: {good!r} is not in docker-compose.yml"
    intact = tmp_path / "intact.yml"
    intact.write_text(text)
    assert docker_compose("config", "-q", compose_file=intact).returncode == 0  # a copy as such is fine
    broken = tmp_path / "broken.yml"
    broken.write_text(text.replace(good, bad))
    result = docker_compose("config", "-q", compose_file=broken)
    assert result.returncode != 0
    assert complaint in result.stderr


def test_infrastructure_images_healthchecks_and_volumes(compose):
    services = compose["services"]
    rabbitmq, mongo, mailpit = services["rabbitmq"], services["mongo"], services["mailpit"]
    assert rabbitmq["image"].startswith("rabbitmq:3.13") and rabbitmq["image"].endswith("-management")
    assert "rabbitmq-diagnostics" in rabbitmq["healthcheck"]["test"]
    assert mongo["image"] == "mongo:7"
    assert "mongosh" in mongo["healthcheck"]["test"]
    assert mailpit["image"].startswith("axllent/mailpit")
    assert mailpit["healthcheck"]["test"]
    assert {"mongo-data", "rabbitmq-data"} <= set(compose["volumes"])
    assert any(v.startswith("mongo-data:/data/db") for v in mongo["volumes"])
    assert any(v.startswith("rabbitmq-data:/var/lib/rabbitmq") for v in rabbitmq["volumes"])


@pytest.mark.parametrize("name", APPS)
def test_app_service_is_built_from_the_shared_recipe_and_waits_for_healthy_dependencies(compose, name):
    directory, project, package = APPS[name]
    service = compose["services"][name]
    build = service["build"]
    assert Path(build["context"]) == ROOT
    assert Path(build["context"]) / build["dockerfile"] == ROOT / "deploy" / "images" / "python.Dockerfile"
    # the same build arguments as deploy/images.sh gives (from deploy/services.list)
    [line] = [row.split() for row in (ROOT / "deploy" / "services.list").read_text().splitlines()
              if row.split()[:1] == [name]]
    assert build["args"] == {"PACKAGE": project, "SERVICE_DIR": directory, "SERVICE": name,
                             "SERVICE_CLASS": line[2]}
    assert line[2].startswith(f"{package}.service:")
    assert service["image"] == f"wijkwijzer/{name}:dev"
    assert service["environment"]["AMQP_URI"] == "amqp://guest:guest@rabbitmq:5672/"
    assert service["environment"]["MONGODB_URI"] == "mongodb://mongo:27017/"

    health = " ".join(service["healthcheck"]["test"])
    if name == "gateway":
        assert "/healthz" in health and "8000" in health
    else:
        assert f"wijkwijzer.ping {name}" in health

    depends_on = service["depends_on"]
    assert depends_on and all(dep["condition"] == "service_healthy" for dep in depends_on.values())
    # the gateway calls the four services, keeps its rate-limit counters in mongo and trusts
    # Keycloak's keys
    expected = {*BACKENDS, "mongo", "keycloak"} if name == "gateway" else {"rabbitmq", "mongo"}
    if name == "notifications":
        expected.add("mailpit")
        assert service["environment"]["SMTP_HOST"] == "mailpit"
        assert str(service["environment"]["SMTP_PORT"]) == "1025"
    assert set(depends_on) == expected
    for dep in depends_on:
        assert "healthcheck" in compose["services"][dep], f"{dep} needs a healthcheck to be waited for"


def test_keycloak_imports_the_realm_file_and_the_gateway_checks_its_issuer(compose):
    """The same realm as deploy/keycloak.sh; the issuer the gateway checks is the one browsers see."""
    keycloak, gateway = compose["services"]["keycloak"], compose["services"]["gateway"]
    assert keycloak["image"] == "quay.io/keycloak/keycloak:26.5.6"
    assert keycloak["command"][:2] == ["start-dev", "--import-realm"]
    realm = ROOT / "deploy" / "keycloak" / "wijkwijzer-realm.json"
    assert f"{realm}:/opt/keycloak/data/import/wijkwijzer-realm.json:ro" in keycloak["volumes"]
    assert {"published": 8180, "target": 8180} in [
        {"published": int(p["published"]), "target": int(p["target"])} for p in keycloak["ports"]]
    env = gateway["environment"]
    assert env["JWT_ISSUER"] == f"{keycloak['environment']['KC_HOSTNAME']}/realms/wijkwijzer"
    assert env["JWT_JWKS_URL"] == "http://keycloak:8180/realms/wijkwijzer/protocol/openid-connect/certs"
    assert env["JWT_AUDIENCE"] == "wijkwijzer-api" and env["JWT_SECRET"]


def test_the_front_door_publishes_port_8000_and_the_gateway_nothing(compose):
    door, gateway = compose["services"]["front-door"], compose["services"]["gateway"]
    assert {"published": 8000, "target": 8000} in [
        {"published": int(p["published"]), "target": int(p["target"])} for p in door["ports"]
    ]
    assert "ports" not in gateway, "readers reach the gateway through the front door only"
    assert gateway["environment"]["GATEWAY_ADDRESS"] == "0.0.0.0:8000"
    assert door["environment"]["WIJKWIJZER_GATEWAY"] == "gateway:8000"
    assert door["depends_on"] == {"gateway": {"condition": "service_healthy"}}
    # the same nginx configuration as local runs (deploy/frontdoor.sh)
    [mount] = door["volumes"]
    assert Path(mount["source"] if isinstance(mount, dict) else mount.split(":")[0]) == \
        ROOT / "deploy" / "nginx" / "wijkwijzer.conf.template"
    subnet = compose["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert gateway["environment"]["TRUSTED_PROXIES"] == subnet


def test_the_front_door_image_carries_the_web_client_and_every_setting_of_its_template(compose):
    """docker-compose's front door is nginx with the web client built in (its Dockerfile is checked
    in tests/unit/test_images.py); each ${WIJKWIJZER_...} of the template has a value, else
    the image's envsubst would leave it for nginx to refuse."""
    door = compose["services"]["front-door"]
    assert door["build"]["dockerfile"] == "deploy/images/front-door.Dockerfile"
    web_root = door["environment"]["WIJKWIJZER_WEB_ROOT"]
    assert f"COPY --from=build /web/dist {web_root}\n" in (ROOT / door["build"]["dockerfile"]).read_text()
    # the client signs in with the keycloak service, at the issuer the gateway checks
    config = json.loads(door["environment"]["WIJKWIJZER_WEB_CONFIG"])
    gateway = compose["services"]["gateway"]["environment"]
    assert config == {"api": "/api/v1", "oidc": {"authority": gateway["JWT_ISSUER"], "client_id": "wijkwijzer-web"}}
    assert config["oidc"]["authority"].startswith(door["environment"]["WIJKWIJZER_IDP_ORIGIN"] + "/")
    template = (ROOT / "deploy" / "nginx" / "wijkwijzer.conf.template").read_text()
    for name in set(re.findall(r"\$\{(WIJKWIJZER_[A-Z_]+)\}", template)):
        assert door["environment"].get(name) is not None, f"{name} is not set for the front door"
