"""Over HTTP: the security headers on every kind of response, the server's own refusals as
problems (431 for headers over 8 KiB), and refusals that say what is wrong in plain words."""
import socket
from datetime import timedelta
from urllib.parse import urlsplit

import jwt
import pytest
import requests
from gateway.tokens import mint

from tests.platform import JWT_SECRET

pytestmark = pytest.mark.e2e

URL = "/api/v1/publications"
DRAFT = {"title": "Samen de straat vergroenen", "kind": "praktijkvoorbeeld", "topics": ["ontmoeting"]}
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
LIBRARY_WORDS = ("input_value", "pydantic", "Signature has expired", "Invalid audience", "Traceback")


def bearer(who, *roles, **claims):
    token = mint(JWT_SECRET, who, who.title(), None, list(roles or ["member"]))
    if claims:
        token = jwt.encode({**jwt.decode(token, JWT_SECRET, algorithms=["HS256"]), **claims}, JWT_SECRET)
    return {"Authorization": f"Bearer {token}"}


def problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def assert_hardened(response, policy=API_POLICY):
    assert response.headers["Content-Security-Policy"] == policy, response.headers
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("method, path, headers, status", [
    ("GET", "/healthz", {}, 200),                                           # JSON
    ("GET", "/api/v1/openapi.json", {}, 200),
    ("GET", "/api/docs/docs.js", {}, 200),
    ("POST", URL, {}, 401),                                                 # problem from a route
    ("GET", "/api/v1/nothing-here", {}, 404),                               # the router's 404
    ("DELETE", "/healthz", {}, 405),                                        # and its 405
    ("OPTIONS", URL, {"Origin": "https://wijkwijzer.example", "Access-Control-Request-Method": "POST"}, 204),
    ("OPTIONS", URL, {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}, 403),
    ("GET", "/healthz", {"X-Padding": "x" * 9000}, 431),                    # refused by the server itself
])
def test_every_kind_of_response_carries_the_security_headers(platform, method, path, headers, status):
    response = requests.request(method, platform.base_url + path, headers=headers, timeout=10)
    assert response.status_code == status, response.text
    assert_hardened(response)


def test_the_docs_page_may_load_its_own_script_and_stylesheet_and_nothing_inline(platform):
    page = requests.get(f"{platform.base_url}/api/docs", timeout=5)
    policy = page.headers["Content-Security-Policy"]
    assert_hardened(page, policy)
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert directives["script-src"] == directives["style-src"] == directives["connect-src"] == "'self'"
    assert "unsafe-inline" not in policy and "nonce" not in policy


def test_an_authorization_header_over_8_kib_is_a_431_problem(platform):
    token = "x" * 9000
    body = problem(requests.post(platform.base_url + URL, json=DRAFT, timeout=10,
                                 headers={"Authorization": f"Bearer {token}"}), 431)
    assert body["title"] == "Request header fields too large" and "8 KiB" in body["detail"]
    # many headers that are small on their own but over 64 KiB together, and over 100 of them
    problem(requests.get(f"{platform.base_url}/healthz", timeout=10,
                         headers={f"X-Note-{n}": "y" * 1000 for n in range(70)}), 431)
    problem(requests.get(f"{platform.base_url}/healthz", timeout=10,
                         headers={f"X-Note-{n}": "y" for n in range(101)}), 431)
    # the server answers the next caller as ever
    assert requests.get(f"{platform.base_url}/healthz", timeout=5).status_code == 200


def test_a_request_line_over_8_kib_is_a_414_problem(platform):
    body = problem(requests.get(f"{platform.base_url}/api/v1/publications?q={'a' * 9000}", timeout=10), 414)
    assert "8 KiB" in body["detail"]


@pytest.mark.parametrize("raw, status, words", [
    (b"POST /api/v1/publications HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400, "Content-Length"),
    (b"POST /api/v1/publications HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked"
     + b"\r\n\r\n{}", 400, "not both"),
    (b"GET /healthz HTTP/7.0\r\nHost: x\r\n\r\n", 505, "HTTP version"),
])
def test_requests_the_server_cannot_read_are_problems(platform, raw, status, words):
    address = urlsplit(platform.base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(raw)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert int(head.split(b" ")[1]) == status, head
    assert b"Content-Type: application/problem+json" in head and b"X-Frame-Options: DENY" in head
    assert words in body.decode()


@pytest.mark.parametrize("headers, words", [
    ({"Authorization": f"Bearer {mint('another-secret-just-as-long-as-the-real-one', 'mallory')}"},
     "the token's signature does not match"),
    (bearer("erik", sub="x" * 300), "'sub' must be a text of 1 to 200 characters"),
    (bearer("erik", roles="member"), "'roles' must be a list of role names"),
    ({"Authorization": "Bearer not-a-jwt"}, "the token is not a well-formed JWT"),
])
def test_a_refused_token_is_explained_in_plain_words(platform, headers, words):
    body = problem(requests.post(platform.base_url + URL, json=DRAFT, headers=headers, timeout=10), 401)
    assert words in body["detail"]
    assert not any(word in body["detail"] for word in LIBRARY_WORDS), body["detail"]


def test_a_missing_role_is_named(platform):
    body = problem(requests.get(f"{platform.base_url}/api/v1/review-queue", headers=bearer("frits"), timeout=10),
                   403)
    assert body["detail"] == "this route needs the editor role"


def test_a_publication_that_is_not_found_is_named_as_the_caller_asked(platform):
    body = problem(requests.get(f"{platform.base_url}{URL}/no-such-slug", timeout=10), 404)
    assert body["detail"] == "no publication 'no-such-slug'"
    draft = requests.post(platform.base_url + URL, json=DRAFT, headers=bearer("gerda"), timeout=10)
    assert draft.status_code == 201, draft.text
    slug, publication_id = draft.json()["slug"], draft.json()["id"]
    for response in (requests.get(f"{platform.base_url}{URL}/{slug}", timeout=10),
                     requests.patch(f"{platform.base_url}{URL}/{slug}", json={"title": "Overgenomen"},
                                    headers=bearer("hein"), timeout=10)):
        body = problem(response, 404)
        assert body["detail"] == f"no publication '{slug}'" and publication_id not in body["detail"]


def test_editing_someone_elses_publication_is_refused_as_an_edit(platform):
    author, editor = bearer("ilse"), bearer("joop", "editor")
    created = requests.post(platform.base_url + URL, json=DRAFT, headers=author, timeout=10).json()
    url = f"{platform.base_url}{URL}/{created['id']}"
    requests.post(f"{url}/submit", headers=author, timeout=10).raise_for_status()
    requests.post(f"{url}/review", json={"decision": "publish"}, headers=editor, timeout=10).raise_for_status()
    body = problem(requests.patch(url, json={"title": "Van mij nu"}, headers=bearer("kees"), timeout=10), 403)
    assert body["detail"] == "only the author or editor may edit this publication"


def test_an_expired_token_minted_in_the_past_is_explained(platform):
    expired = mint(JWT_SECRET, "lotte", None, None, ["member"], timedelta(seconds=-10))
    body = problem(requests.post(platform.base_url + URL, json=DRAFT, timeout=10,
                                 headers={"Authorization": f"Bearer {expired}"}), 401)
    assert body["detail"] == "the token has expired"
