"""The local platform's OpenID Connect provider (deploy/keycloak.sh, Keycloak with
deploy/keycloak/wijkwijzer-realm.json): a demo user signs in with the Authorization Code flow and
PKCE as the web client will, and the gateway trusts the access token it gets, by the provider's
keys, beside the development secret's HS256 tokens."""
import base64
import json

import jwt
import pytest
import requests
from gateway.service import GatewayService
from gateway.tokens import mint
from nameko.containers import ServiceContainer
from notifications.service import NotificationsService
from publications.service import PublicationsService

from tests.platform import JWT_SECRET, free_port

pytestmark = pytest.mark.integration


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_a_demo_user_signs_in_with_pkce_and_gets_the_claims_the_gateway_reads(keycloak):
    for username, user in keycloak.users.items():
        access = claims(keycloak.sign_in(username)["access_token"])
        assert access["iss"] == keycloak.issuer and access["azp"] == keycloak.client_id
        assert keycloak.audience in ([access["aud"]] if isinstance(access["aud"], str) else access["aud"])
        assert access["sub"] == username == access["preferred_username"]
        assert sorted(access["roles"]) == sorted(user["realmRoles"]) and "member" in access["roles"]
        assert access["name"] == f"{user['firstName']} {user['lastName']}"
        assert access["email"] == user["email"] and access["email"].endswith("@voorbeeld.nl")
        assert access.get("organisation") == user.get("attributes", {}).get("organisation", [None])[0]
        assert "realm_access" not in access
    noor = claims(keycloak.sign_in("noor")["access_token"])
    assert noor["organisation"] == "lpb" and "organiser" in noor["roles"]


def test_the_web_client_may_use_no_password_grant_and_no_flow_without_pkce(keycloak):
    refused = requests.post(keycloak.endpoints["token_endpoint"], timeout=10, data={
        "grant_type": "password", "client_id": keycloak.client_id, "username": "anna",
        "password": keycloak.PASSWORD, "scope": "openid"})
    assert refused.status_code in (400, 401) and refused.json()["error"] == "unauthorized_client"
    without_pkce = requests.get(keycloak.endpoints["authorization_endpoint"], allow_redirects=False, timeout=10,
                                params={"client_id": keycloak.client_id, "redirect_uri": keycloak.REDIRECT_URI,
                                        "response_type": "code", "scope": "openid", "state": "s"})
    assert without_pkce.status_code == 302 and "error=invalid_request" in without_pkce.headers["Location"]
    assert "code=" not in without_pkce.headers["Location"]


@pytest.fixture
def gateway(keycloak, service_config):
    """The gateway as deploy/platform.sh runs it: the provider's keys and the development secret,
    with the services behind the routes used here."""
    port = free_port()
    containers = [ServiceContainer(cls, {**service_config, **settings}) for cls, settings in (
        (NotificationsService, {}), (PublicationsService, {}),
        (GatewayService, {"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "JWT_SECRET": JWT_SECRET,
                          "JWT_JWKS_URL": keycloak.endpoints["jwks_uri"], "JWT_ISSUER": keycloak.issuer,
                          "JWT_AUDIENCE": keycloak.audience}))]
    for container in containers:
        container.start()
    yield f"http://127.0.0.1:{port}/api/v1"
    for container in containers:
        container.stop()


def get(gateway: str, path: str, token: str) -> requests.Response:
    return requests.get(f"{gateway}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=15)


def test_the_gateway_trusts_the_providers_tokens_by_role_and_refuses_others(keycloak, gateway):
    anna, eva = keycloak.sign_in("anna"), keycloak.sign_in("eva")
    assert get(gateway, "/me/follows", anna["access_token"]).status_code == 200
    refused = get(gateway, "/review-queue", anna["access_token"])
    assert refused.status_code == 403, refused.text
    assert get(gateway, "/review-queue", eva["access_token"]).status_code == 200

    # anna makes herself an editor in her token: the provider's signature no longer matches
    header, _, signature = anna["access_token"].split(".")
    raised = {**claims(anna["access_token"]), "roles": ["member", "editor"]}
    body = base64.urlsafe_b64encode(json.dumps(raised).encode()).rstrip(b"=").decode()
    answer = get(gateway, "/review-queue", f"{header}.{body}.{signature}")
    assert answer.status_code == 401 and answer.json()["detail"] == "the token's signature does not match"
    # the ID token is signed by the same provider but is for the web client, not for this API
    answer = get(gateway, "/me/follows", anna["id_token"])
    assert answer.status_code == 401 and answer.json()["detail"] == "the token was not issued for this API (audience)"


def test_an_hs256_development_token_still_works_beside_the_provider(keycloak, gateway):
    development = mint(JWT_SECRET, "eva", "Eva Ünal", None, ["member", "editor"], issuer=keycloak.issuer,
                       audience=keycloak.audience)
    assert get(gateway, "/review-queue", development).status_code == 200
    assert get(gateway, "/review-queue", mint("another-secret-long-enough-for-hs256", "eva", roles=["editor"],
                                              issuer=keycloak.issuer, audience=keycloak.audience)).status_code == 401
