"""The browser harness on what the platform has today (tests/browser.py): a demo user signs in on
the identity provider's own login page in a real chromium, and the gateway's readable API page
passes axe-core and is photographed at both widths."""
import urllib.parse

import jwt
import pytest

from tests.browser import accessibility, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def redirect_target(keycloak):
    """Something that answers at the realm's redirect address (127.0.0.1:8000), so the browser's
    navigation back there commits: a local platform's front door when one runs, else a stand-in
    for the test (on a CI machine nothing else listens there)."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    address = urllib.parse.urlsplit(keycloak.REDIRECT_URI)
    try:
        server = HTTPServer((address.hostname, address.port), Answer)
    except OSError:   # taken: a local platform answers there
        yield
        return
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield
    server.shutdown()
    server.server_close()


def test_a_demo_user_signs_in_on_the_providers_login_page_and_comes_back_with_a_code(keycloak, page,
                                                                                       redirect_target):
    username = next(iter(keycloak.users))
    url, verifier, state = keycloak.authorization_request()
    page.goto(url)
    screenshot(page, "keycloak-aanmelden")
    page.locator("#username").fill(username)
    page.locator("#password").fill(keycloak.PASSWORD)
    page.locator("#kc-login").click()
    # the redirect is what counts, which the browser has made once the navigation commits
    page.wait_for_url(f"{keycloak.REDIRECT_URI}?*", wait_until="commit")

    returned = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert returned["state"] == [state] and "error" not in returned
    tokens = keycloak.exchange(returned["code"][0], verifier)
    assert jwt.decode(tokens["access_token"], options={"verify_signature": False})["sub"] == username


def test_a_wrong_password_keeps_the_user_on_the_login_page_with_a_message(keycloak, page):
    url, _, _ = keycloak.authorization_request()
    page.goto(url)
    page.locator("#username").fill(next(iter(keycloak.users)))
    page.locator("#password").fill("niet-het-wachtwoord")
    page.locator("#kc-login").click()
    assert page.locator("#input-error-username").inner_text().strip()   # in Dutch: the realm's default
    assert page.locator("#username").get_attribute("aria-invalid") == "true"
    assert urllib.parse.urlsplit(page.url).netloc == urllib.parse.urlsplit(keycloak.issuer).netloc


def test_the_api_page_has_no_serious_accessibility_violations(platform, page):
    page.goto(f"{platform.base_url}/api/docs")
    page.get_by_role("heading", name="publications").first.wait_for()   # drawn from the OpenAPI document
    assert accessibility(page) == []
    written = screenshot(page, "api-docs")
    assert [path.name for path in written] == ["api-docs-1280.png", "api-docs-375.png"]
    assert all(path.stat().st_size > 0 for path in written)
