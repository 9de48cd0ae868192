"""The images' recipes, checked without a Docker engine (none runs on our machines).

deploy/images.sh names every image and its build arguments (`plan`); each recipe is parsed with
dockerfile-parse under those arguments and held to the rules: multi-stage, a non-root runtime user,
the OCI labels, the package built from the frozen lock, and docker-compose.yml building the same.
"""
import glob
import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from dockerfile_parse import DockerfileParser

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
VERSION = "9.8.7-test"


def images_sh(*args, env=None):
    return subprocess.run(["bash", str(ROOT / "deploy" / "images.sh"), *args], check=False, cwd=ROOT,
                          text=True,
                          capture_output=True, timeout=30, env={**os.environ, **(env or {})})


def plan():
    result = images_sh("plan", "--version", VERSION, "--registry", "registry.example/team")
    assert result.returncode == 0, result.stderr
    rows = {}
    for line in result.stdout.splitlines():
        reference, dockerfile, args = line.split("|")
        name = reference.rsplit("/", 1)[1].split(":")[0]
        rows[name] = (reference, dockerfile, dict(arg.split("=", 1) for arg in args.split()))
    return rows


PLAN = plan()
PYTHON_IMAGES = [name for name, (_, dockerfile, _) in PLAN.items() if dockerfile.endswith("python.Dockerfile")]


def services_list():
    rows = [line.split() for line in (ROOT / "deploy" / "services.list").read_text().splitlines()]
    return {row[0]: (row[1], row[2]) for row in rows if row and not row[0].startswith("#")}


def workspace_members():
    root = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return [Path(p).relative_to(ROOT).as_posix()
            for pattern in root["tool"]["uv"]["workspace"]["members"]
            for p in sorted(glob.glob(str(ROOT / pattern))) if (Path(p) / "pyproject.toml").is_file()]


def stages(parser, args):
    """Instructions per stage, as (INSTRUCTION, value), with ${ARG}s of COPY substituted as the builder does."""
    found = []
    for item in parser.structure:
        if item["instruction"] == "FROM":
            found.append([])
        if found and item["instruction"] != "COMMENT":
            value = item["value"]
            if item["instruction"] == "COPY":
                value = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], value)
            found[-1].append((item["instruction"], value))
    return found


def parsed(dockerfile, args):
    return DockerfileParser(str(ROOT / dockerfile), build_args={
        **args, "VERSION": VERSION, "REVISION": "0123abc", "SOURCE": "https://git.example/wijkwijzer"})


def test_every_process_and_the_front_door_has_one_image():
    assert set(PYTHON_IMAGES) == set(services_list())
    assert "front-door" in PLAN
    for reference, _, _ in PLAN.values():
        assert reference.startswith("registry.example/team/wijkwijzer/") and reference.endswith(f":{VERSION}")


@pytest.mark.parametrize("name", PYTHON_IMAGES)
def test_python_image_builds_its_package_from_the_lock_and_runs_unprivileged(name):
    _, dockerfile, args = PLAN[name]
    directory, service_class = services_list()[name]
    assert args == {"PACKAGE": tomllib.loads((ROOT / directory / "pyproject.toml").read_text())["project"]["name"],
                    "SERVICE_DIR": directory, "SERVICE": name, "SERVICE_CLASS": service_class}
    module, _, cls = service_class.partition(":")
    source = (ROOT / directory / (module.replace(".", "/") + ".py")).read_text()
    assert re.search(rf"^class {cls}\b", source, re.MULTILINE), f"{service_class} is not in {directory}"

    parser = parsed(dockerfile, args)
    build, runtime = stages(parser, args)
    assert [parser.parent_images[0]] * 2 == parser.parent_images == ["python:3.11-slim"] * 2

    runs = [value for instruction, value in build if instruction == "RUN"]
    assert any('"uv==0.13.8"' in value for value in runs), "uv pinned as in tests/run.sh"
    syncs = [value for value in runs if "uv sync" in value]
    assert len(syncs) == 2 and all('--frozen' in v and '--package "$PACKAGE"' in v for v in syncs)
    assert "--no-install-workspace" in syncs[0], "third-party layers first, cached until uv.lock changes"
    assert "--no-dev" in syncs[1] and "--no-editable" in syncs[1] and "--no-install" not in syncs[1]
    copied = [value for instruction, value in build if instruction == "COPY"]
    for member in workspace_members():
        assert f"{member}/pyproject.toml {member}/" in copied, f"uv needs {member}/pyproject.toml"
    assert f"{directory}/ {directory}/" in copied and "libs/wijkwijzer/ libs/wijkwijzer/" in copied
    assert (ROOT / directory / "config.yaml").is_file()

    users = [value for instruction, value in runtime if instruction == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert ("COPY", "--from=build /app/.venv /app/.venv") in runtime
    assert parser.labels["org.opencontainers.image.version"] == VERSION
    assert parser.labels["org.opencontainers.image.revision"] == "0123abc"
    assert parser.labels["org.opencontainers.image.source"] == "https://git.example/wijkwijzer"
    assert parser.envs["WIJKWIJZER_SERVICE"] == name and parser.envs["WIJKWIJZER_SERVICE_CLASS"] == service_class
    assert parser.envs["OPS_ADDRESS"] == "0.0.0.0:9100"
    assert "9100" in [value for instruction, value in runtime if instruction == "EXPOSE"]
    [health] = [value for instruction, value in runtime if instruction == "HEALTHCHECK"]
    assert "/healthz" in health and "OPS_ADDRESS" in health
    [cmd] = [value for instruction, value in runtime if instruction == "CMD"]
    assert "nameko run --config config.yaml" in cmd and "$WIJKWIJZER_SERVICE_CLASS" in cmd
    assert "SOURCE_DATE_EPOCH" in [value for instruction, value in build if instruction == "ARG"]


def test_front_door_image_carries_the_web_client_and_runs_unprivileged():
    _, dockerfile, args = PLAN["front-door"]
    parser = parsed(dockerfile, args)
    build, runtime = stages(parser, args)
    assert parser.parent_images[0].startswith("node:22")
    assert parser.parent_images[-1].startswith("nginxinc/nginx-unprivileged:1.27")
    runs = [value for instruction, value in build if instruction == "RUN"]
    assert "npm ci --no-audit --no-fund" in runs and "npm run build" in runs
    assert ("COPY", "--from=build /web/dist /usr/share/wijkwijzer/web") in runtime
    users = [value for instruction, value in runtime if instruction == "USER"]
    assert users[-1] == "101:101"
    assert parser.labels["org.opencontainers.image.version"] == VERSION


def test_compose_builds_the_same_images_with_the_same_arguments():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name, (_, dockerfile, args) in PLAN.items():
        service = compose[name]
        assert service["build"]["context"] == "."
        assert service["build"]["dockerfile"] == dockerfile
        assert service["build"].get("args", {}) == args
        assert service["image"] == f"wijkwijzer/{name}:dev"
    assert not list(ROOT.glob("services/*/Dockerfile")) and not (ROOT / "gateway" / "Dockerfile").exists()


def test_building_without_a_docker_engine_says_so_and_fails():
    result = images_sh("build", env={"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    assert result.returncode == 1
    assert "Docker engine" in result.stderr or "no docker command" in result.stderr


def test_pushing_needs_a_registry_and_unknown_images_are_refused():
    result = images_sh("push", env={"IMAGE_REGISTRY": ""})
    assert result.returncode == 2 and "--registry" in result.stderr
    result = images_sh("list", "nonesuch")
    assert result.returncode == 2 and "no image named nonesuch" in result.stderr
