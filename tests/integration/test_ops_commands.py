"""The operators' commands are installed as scripts of their packages (`[project.scripts]`), each
with a `--help` that says what it does and shows examples, and still run as `python -m <module>`."""
import pathlib
import shutil
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.integration


def scripts() -> dict[str, str]:
    """Every script a package of the workspace declares: name -> `module:function`."""
    found: dict[str, str] = {}
    for pyproject in [ROOT / "libs/wijkwijzer/pyproject.toml", *ROOT.glob("services/*/pyproject.toml"),
                      ROOT / "gateway/pyproject.toml"]:
        found.update(tomllib.loads(pathlib.Path(pyproject).read_text())["project"].get("scripts", {}))
    return found


def test_every_ops_command_is_a_script():
    assert set(scripts()) == {"wijkwijzer-deadletters", "wijkwijzer-migrate", "wijkwijzer-ping", "wijkwijzer-topology",
                              "wijkwijzer-publications-reindex", "wijkwijzer-stream-access", "wijkwijzer-token"}


@pytest.mark.parametrize("script", sorted(scripts()))
def test_each_script_runs_from_the_installed_environment_and_explains_itself(script):
    uv = shutil.which("uv")
    assert uv, "uv is on the PATH (tests/run.sh installs it)"
    done = subprocess.run([uv, "run", "--frozen", script, "--help"], check=False, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: {script} ")
    assert "\nexamples:\n" in done.stdout
    assert done.stderr == "", "nothing else on stderr (no import warnings)"


@pytest.mark.parametrize("script", sorted(scripts()))
def test_each_still_runs_as_a_module(script):
    module = scripts()[script].split(":")[0]
    done = subprocess.run([sys.executable, "-m", module, "--help"], check=False, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: {script} ")
