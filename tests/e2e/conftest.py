# the real browser's fixtures (tests/browser.py) for the e2e tests
from tests.browser import browser, page  # noqa: F401
