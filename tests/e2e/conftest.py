# the real browser's fixtures (tests/browser.py) for the e2e tests
import pathlib
import subprocess

import pytest

from tests.browser import browser, page  # noqa: F401

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built_client():
    """web/dist, built by `npm ci && npm run build` when its sources changed (deploy/web.sh)."""
    done = subprocess.run(["bash", str(ROOT / "deploy" / "web.sh"), "build"], capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return ROOT / "web" / "dist"
