"""A real browser for the e2e tests: Playwright for Python driving Debian's `chromium` (Playwright's
own browser download is not reachable from our machines). Fixtures `browser` (one per session)
and `page` (a fresh context per test, in Dutch and Amsterdam time); `screenshot(page, name)`
writes `screenshots/<name>-1280.png` and `-375.png`; `accessibility(page)` lists axe-core's
serious and critical violations, so a test asserts `== []`.

The suite runs under eventlet (conftest.py). Navigation, locators and their waits, `evaluate`,
console events, screenshots and axe work under it; Playwright's request interception
(`page.route`) and its `expect_response`/`expect_request` waiters never return there: check what
the page shows, or `page.url` after `wait_for_url(..., wait_until="commit")`, instead."""
from __future__ import annotations

import os
import pathlib
import re
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "screenshots"   # git-ignored; emptied when a test session starts the browser
WIDTHS = (1280, 375)                 # a desktop and a small phone
HEIGHT = 800
SERIOUS = ("serious", "critical")


def chromium_path() -> str:
    """Debian's chromium (`CHROMIUM` overrides), which tests/run.sh installs with apt."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not found:
        raise RuntimeError("no chromium on the PATH: apt-get install -y chromium (tests/run.sh does)")
    return found


def launch(playwright):
    """Headless chromium. Chromium's sandbox refuses to start as root (our machines and CI run as
    root), so only there it runs without it; as anyone else the sandbox stays on."""
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                      chromium_sandbox=os.geteuid() != 0)


def new_context(browser, **options):
    """A context as a Dutch reader's browser has it."""
    return browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam",
                               viewport={"width": WIDTHS[0], "height": HEIGHT}, **options)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    shutil.rmtree(SCREENSHOTS, ignore_errors=True)   # the folder shows this run's pages only
    SCREENSHOTS.mkdir()
    playwright = sync_playwright().start()
    try:
        running = launch(playwright)
        yield running
        running.close()
    finally:
        import eventlet

        # Under the tests' eventlet (conftest.py) asyncio never hears that Playwright's driver
        # process has ended (it has: its pipe is closed), so stopping would wait for ever
        with eventlet.Timeout(2, False):
            playwright.stop()


@pytest.fixture
def page(browser) -> Iterator:
    """A page in a context of its own (no cookies or storage from another test)."""
    context = new_context(browser)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def screenshot(page, name: str) -> list[pathlib.Path]:
    """The whole page at each of WIDTHS, as `screenshots/<name>-<width>.png`; the viewport is
    put back afterwards."""
    before = page.viewport_size
    written = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        path = SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(path=path, full_page=True)
        written.append(path)
    page.set_viewport_size(before)
    return written


def accessibility(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line per
    element: rule id, impact, the element's selector and what the rule asks."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{rule['id']} ({rule['impact']}) at {' '.join(map(str, node['target']))}: {rule['help']}"
            for rule in found if rule["impact"] in SERIOUS for node in rule["nodes"]]


class Visitor:
    """One person's page, with what the flows do often."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url

    def open(self, path: str, heading: str):
        self.page.goto(self.base_url + path)
        return self.shows(heading)

    def shows(self, heading: str):
        """Waits for the page's main heading, then holds the page to axe-core."""
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        self.accessible()
        return self.page

    def accessible(self) -> None:
        assert accessibility(self.page) == [], self.page.url

    def sign_in(self, keycloak, username: str) -> None:
        """With the header's "Inloggen", on the provider's login page, back where it started."""
        page = self.page
        user = keycloak.users[username]
        before = page.url
        page.get_by_role("banner").get_by_role("button", name="Inloggen").click()
        expect(page).to_have_url(re.compile(f"^{re.escape(keycloak.issuer)}/protocol/openid-connect/auth"))
        page.locator("#username").wait_for()
        self.accessible()   # the provider's page is on the way too
        page.locator("#username").fill(username)
        page.locator("#password").fill(keycloak.PASSWORD)
        page.locator("#kc-login").click()
        banner = page.get_by_role("banner")
        expect(banner.get_by_text(f"{user['firstName']} {user['lastName']}", exact=True)).to_be_visible()
        expect(banner.get_by_role("button", name="Uitloggen")).to_be_visible()
        expect(page).to_have_url(before)

    def refused(self, field, message: str) -> None:
        """The form field `field` is marked invalid, with the error (a regular expression) in what
        a screen reader says of it: tied to it, not just shown near it."""
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile(message))

    def fact(self, key: str):
        """The value of a row of the page's facts (a data list): "Status", "Naam", ..."""
        row = self.page.locator(".utrecht-data-list__item").filter(
            has=self.page.locator("dt").get_by_text(key, exact=True))
        return row.locator("dd")
