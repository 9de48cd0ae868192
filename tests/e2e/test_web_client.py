"""The web client (web/) as the front door serves it: index.html for every page of the client (the
Dutch paths the platform's e-mails link to work on reload), its hashed assets as immutable, the
runtime /config.json, and the API behind it unchanged, problem+json included."""
import re
import subprocess

import pytest
import requests

from tests.support import FrontDoor

pytestmark = pytest.mark.e2e

ROOT = FrontDoor.SCRIPT.parents[1]
CLIENT_ROUTES = ["/", "/kennisbank?q=buurt&topic=veiligheid", "/publicaties/buurtpreventie-werkt", "/agenda",
                 "/activiteiten/a1b2c3", "/activiteiten/a1b2c3/aanmelding/r9?token=abcdefghijklmnopqrstuvwxyz",
                 "/vragen/nieuw", "/vragen/q1?token=abcdefghijklmnopqrstuvwxyz", "/mijn/meldingen", "/mijn/bijdragen",
                 "/mijn/activiteiten", "/aanmelden/terug"]


@pytest.fixture(scope="module")
def front_door(platform, built_client, tmp_path_factory):
    door = FrontDoor(tmp_path_factory.mktemp("web-front-door"), f"127.0.0.1:{platform.port}")
    door.run("up")
    yield door
    door.run("down")


def test_every_page_of_the_client_is_index_html_asked_again_each_time(front_door, built_client):
    index = (built_client / "index.html").read_bytes()
    for path in CLIENT_ROUTES:
        page = requests.get(front_door.base_url + path, timeout=10)
        assert page.status_code == 200, path
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert page.content == index, path
        assert page.headers["Cache-Control"] == "no-cache"
    assert b'<html lang="nl"' in index


def test_the_page_runs_no_inline_script_and_leaks_no_token_in_a_referer(front_door):
    page = requests.get(f"{front_door.base_url}/activiteiten/a1/aanmelding/r1?token=abcdefghijklmnopqrstuvwxyz",
                        timeout=10)
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert not re.search(rb"<script(?![^>]*\bsrc=)[^>]*>", page.content), "an inline script"


def test_hashed_assets_are_kept_for_a_year_and_a_missing_one_is_not_the_page(front_door):
    index = requests.get(front_door.base_url + "/", timeout=10).text
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', index)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        answer = requests.get(front_door.base_url + asset, timeout=10)
        assert answer.status_code == 200, asset
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        kind = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "svg": "image/svg+xml"}
        assert answer.headers["Content-Type"] == kind[asset.rsplit(".", 1)[1]]
        assert re.search(r"-[A-Za-z0-9_-]{8}\.(js|css|svg)$", asset), f"{asset} has no content hash"
    missing = requests.get(f"{front_door.base_url}/assets/index-00000000.js", timeout=10)
    assert missing.status_code == 404 and "immutable" not in missing.headers.get("Cache-Control", "")


def test_the_runtime_configuration_is_served_fresh(front_door):
    answer = requests.get(f"{front_door.base_url}/config.json", timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Cache-Control"] == "no-cache"
    assert answer.json() == {"api": "/api/v1", "oidc": None}, "no identity provider: anonymous only"


def test_with_an_identity_provider_the_client_is_told_and_may_reach_it(platform, built_client, tmp_path):
    door = FrontDoor(tmp_path, f"127.0.0.1:{platform.port}")
    door.env.update(WEB_OIDC_AUTHORITY="http://127.0.0.1:8180/realms/wijkwijzer")
    door.run("up")
    try:
        config = requests.get(f"{door.base_url}/config.json", timeout=10).json()
        assert config["oidc"] == {"authority": "http://127.0.0.1:8180/realms/wijkwijzer", "client_id": "wijkwijzer-web"}
        policy = requests.get(f"{door.base_url}/agenda", timeout=10).headers["Content-Security-Policy"]
        assert "connect-src 'self' http://127.0.0.1:8180;" in policy
        assert "frame-src 'self' http://127.0.0.1:8180;" in policy
    finally:
        door.run("down")


def test_the_api_is_still_the_api_behind_the_client(front_door):
    taxonomy = requests.get(f"{front_door.base_url}/api/v1/taxonomy", timeout=10)
    assert taxonomy.status_code == 200 and taxonomy.headers["Content-Type"].startswith("application/json")
    assert taxonomy.headers["X-Cache"] in {"MISS", "HIT"}
    unknown = requests.get(f"{front_door.base_url}/api/v1/activities/nope-not-there", timeout=10)
    assert unknown.status_code == 404 and unknown.headers["Content-Type"].startswith("application/problem+json")
    assert unknown.json()["status"] == 404
    no_route = requests.get(f"{front_door.base_url}/api/v1/no-such-route", timeout=10)
    assert no_route.status_code == 404 and no_route.headers["Content-Type"].startswith("application/problem+json")
    invalid = requests.post(f"{front_door.base_url}/api/v1/activities/x/registrations", json={"email": "nope"},
                            timeout=10)
    assert invalid.headers["Content-Type"].startswith("application/problem+json")
    assert requests.get(f"{front_door.base_url}/readyz", timeout=10).status_code == 200
    assert requests.get(f"{front_door.base_url}/healthz", timeout=10).json() == {"status": "ok"}


def test_the_clients_own_unit_tests_pass(built_client):
    """vitest: the search's state in the address bar, the API's field errors in Dutch."""
    done = subprocess.run(["bash", str(ROOT / "deploy" / "web.sh"), "test"], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
