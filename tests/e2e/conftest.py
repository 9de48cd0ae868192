# the real browser's fixtures (tests/browser.py) for the e2e tests, and the web client's own site
import pathlib
import subprocess

import pytest

from tests.browser import Visitor, browser, new_context, page  # noqa: F401 (fixtures)
from tests.support import FrontDoor

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built_client():
    """web/dist, built by `npm ci && npm run build` when its sources changed (deploy/web.sh)."""
    done = subprocess.run(["bash", str(ROOT / "deploy" / "web.sh"), "build"], capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return ROOT / "web" / "dist"


# The provider sends browsers back only to addresses its realm lists: this one is the browser tests'
# front door there (deploy/keycloak/wijkwijzer-realm.json)
ADDRESS = "127.0.0.1:8099"


@pytest.fixture(scope="module")
def site_platform(infra, keycloak, tmp_path_factory):
    """Every service and a gateway that takes the provider's RS256 tokens, in a vhost of its own."""
    from tests.platform import platform_in_vhost

    trust = {"JWT_JWKS_URL": keycloak.endpoints["jwks_uri"], "JWT_ISSUER": keycloak.endpoints["issuer"],
             "JWT_AUDIENCE": keycloak.audience}
    # the wijkwijze opens a question long after it is routed to them: no rerouting meanwhile
    patient = {"ASSIGNMENT_TIMEOUT": "600"}
    with platform_in_vhost(infra, f"{infra['VHOST']}-web-pages", tmp_path_factory.mktemp("web-pages-logs"),
                           env_of={"gateway": trust, "helpdesk": patient}) as running:
        yield running


@pytest.fixture(scope="module")
def site(site_platform, keycloak, built_client, tmp_path_factory):
    """The front door at ADDRESS serving web/dist, its /config.json naming the provider."""
    client = keycloak.realm["clients"][0]
    assert f"http://{ADDRESS}/*" in client["redirectUris"], f"the realm does not send browsers back to {ADDRESS}"
    door = FrontDoor(tmp_path_factory.mktemp("web-pages-front-door"), f"127.0.0.1:{site_platform.port}", ADDRESS)
    door.env.update(WEB_OIDC_AUTHORITY=keycloak.issuer, WEB_OIDC_CLIENT_ID=keycloak.client_id)
    door.run("up")
    yield door
    door.run("down")


@pytest.fixture
def visitor(browser, site):  # noqa: F811 (the fixture imported above)
    """A browser context of a person of its own (no cookies or session of another), on the site."""
    opened = []

    def open_as() -> Visitor:
        context = new_context(browser)
        context.set_default_timeout(15_000)
        opened.append(context)
        return Visitor(context.new_page(), site.base_url)

    yield open_as
    for context in opened:
        context.close()
