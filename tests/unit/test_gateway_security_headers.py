"""Every response's security headers, decided in one place (gateway/security_headers.py)."""
import json

import pytest
from gateway.problems import Problem
from gateway.security_headers import API_POLICY, PAGE_POLICY, harden
from werkzeug.wrappers import Response

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("response, policy", [
    (Response(json.dumps({"status": "ok"}), content_type="application/json; charset=utf-8"), API_POLICY),
    (Problem(404, "Not found").response(), API_POLICY),
    (Response(status=204), API_POLICY),
    (Response("BEGIN:VCALENDAR", content_type="text/calendar"), API_POLICY),
    (Response("<!doctype html>", content_type="text/html; charset=utf-8"), PAGE_POLICY),
])
def test_every_response_gets_the_headers_with_the_policy_of_its_type(response, policy):
    headers = harden(response).headers
    assert headers["Content-Security-Policy"] == policy
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_the_policies_forbid_framing_and_inline_code():
    assert API_POLICY == "default-src 'none'; frame-ancestors 'none'"
    assert "frame-ancestors 'none'" in PAGE_POLICY and "unsafe-inline" not in PAGE_POLICY
    assert "script-src 'self'" in PAGE_POLICY and "connect-src 'self'" in PAGE_POLICY


def test_a_route_cannot_weaken_them():
    loose = Response("<p>", content_type="text/html", headers={"Content-Security-Policy": "default-src *",
                                                               "X-Frame-Options": "ALLOWALL"})
    headers = harden(loose).headers
    assert headers["Content-Security-Policy"] == PAGE_POLICY and headers["X-Frame-Options"] == "DENY"
