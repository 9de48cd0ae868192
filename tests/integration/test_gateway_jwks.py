"""RS256 tokens checked against a JWKS the test serves, with key rotation by `kid`, and the
standard claims a production gateway requires (issuer, audience) and may check (azp)."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from gateway.service import GatewayService
from nameko.containers import ServiceContainer

from tests.platform import free_port

pytestmark = pytest.mark.integration


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(key, kid):
    return {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())), "kid": kid, "alg": "RS256"}


ISSUER, AUDIENCE = "https://login.wijkwijzer.example/realms/wijk", "wijkwijzer-api"


def token(key, kid, **claims):
    body = {"sub": "anna", "roles": ["member"], "exp": int(time.time()) + 600, "iss": ISSUER,
            "aud": AUDIENCE, "azp": "wijkwijzer-web", **claims}
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm="RS256",
                      headers={"kid": kid})


@pytest.fixture
def identity_provider():
    keys = {"keys": []}

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps(keys).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield keys, f"http://127.0.0.1:{server.server_port}/jwks.json"
    server.shutdown()


@pytest.fixture
def gateway(identity_provider, service_config):
    port = free_port()
    container = ServiceContainer(GatewayService, {
        **service_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "JWT_JWKS_URL": identity_provider[1],
        "JWT_ISSUER": ISSUER, "JWT_AUDIENCE": AUDIENCE, "JWT_AUTHORISED_PARTIES": "wijkwijzer-web",
        "JWT_JWKS_COOLDOWN_S": 0})  # refetch at once: the test rotates within milliseconds
    container.start()
    yield f"http://127.0.0.1:{port}"
    container.stop()


def send(gateway, bearer):
    # `{}` is an invalid draft: 422 means the token was accepted, 401 that it was not
    return requests.post(f"{gateway}/api/v1/publications", data=b"{}", timeout=10, headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {bearer}"})


def post(gateway, bearer):
    return send(gateway, bearer).status_code


def test_rs256_tokens_from_the_jwks_are_trusted_and_keys_can_rotate(identity_provider, gateway):
    keys, _ = identity_provider
    first, second, stranger = rsa_key(), rsa_key(), rsa_key()
    keys["keys"] = [jwk(first, "k1")]
    assert post(gateway, token(first, "k1")) == 422
    assert post(gateway, token(stranger, "k1")) == 401                 # right kid, wrong signature
    assert post(gateway, token(first, "k1", exp=int(time.time()) - 5)) == 401
    assert post(gateway, jwt.encode({"sub": "anna", "exp": int(time.time()) + 60}, "s" * 40)) == 401  # HS256
    keys["keys"].append(jwk(second, "k2"))                              # the provider rotates
    assert post(gateway, token(second, "k2")) == 422
    assert post(gateway, token(second, "k-unknown")) == 401


CASES = [   # claims over the right ones -> the 401's detail (None: trusted)
    ({}, None),
    ({"aud": ["account", AUDIENCE]}, None),
    ({"iss": "https://login.elsewhere.example"},
     "the token was not issued by the identity provider this API trusts (issuer)"),
    ({"iss": None}, "the token has no issuer (iss)"),
    ({"aud": "account"}, "the token was not issued for this API (audience)"),
    ({"aud": ["account", "broker"]}, "the token was not issued for this API (audience)"),
    ({"aud": None}, "the token has no audience (aud)"),
    ({"azp": "someone-elses-app"}, "the token was issued to a client this API does not accept (azp)"),
    ({"azp": None}, "the token has no authorised party (azp)"),
    ({"exp": int(time.time()) - 5}, "the token has expired"),
]


def test_issuer_audience_and_authorised_party_are_checked_and_explained(identity_provider, gateway):
    keys, _ = identity_provider
    key = rsa_key()
    keys["keys"] = [jwk(key, "k1")]
    for claims, words in CASES:
        response = send(gateway, token(key, "k1", **claims))
        if words is None:
            assert response.status_code == 422, (claims, response.text)
            continue
        assert response.status_code == 401, (claims, response.text)
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert response.json()["detail"] == words, claims


def test_a_key_the_provider_does_not_publish_is_explained(identity_provider, gateway):
    keys, _ = identity_provider
    keys["keys"] = [jwk(rsa_key(), "k1")]
    response = send(gateway, token(rsa_key(), "k-unknown"))
    assert response.status_code == 401
    assert response.json()["detail"] == "the token is signed with a key the identity provider does not publish (kid)"
