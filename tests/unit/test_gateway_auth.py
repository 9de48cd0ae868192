"""Which tokens the gateway trusts, and what a refused caller is told (gateway/auth.py)."""
import base64
import hmac
import json
import time
from types import SimpleNamespace

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from gateway.auth import Authenticator, Verifier, principal
from gateway.problems import Problem

pytestmark = pytest.mark.unit

SECRET = "unit-test-secret-long-enough-for-hs256-keys"
ISSUER, AUDIENCE = "https://login.wijkwijzer.example/realms/wijk", "wijkwijzer-api"
CHECKED = Verifier(secret=SECRET, issuer=ISSUER, audience=AUDIENCE)
LIBRARY_WORDS = ("input_value", "pydantic", "Signature has expired", "Invalid audience", "Invalid issuer",
                 "Traceback", "Error")


def token(secret=SECRET, algorithm="HS256", **claims):
    # made when the tests are collected, which may be many minutes before they run: valid for a week
    body = {"sub": "anna", "roles": ["member"], "exp": int(time.time()) + 7 * 86400, **claims}
    return jwt.encode({k: v for k, v in body.items() if v is not None}, secret, algorithm=algorithm)


def refusal(verifier, bearer) -> str:
    with pytest.raises(Problem) as refused:
        principal(f"Bearer {bearer}", verifier)
    assert refused.value.status == 401 and refused.value.headers["WWW-Authenticate"] == "Bearer"
    detail = refused.value.detail
    assert not any(word in detail for word in LIBRARY_WORDS), detail
    return detail


@pytest.mark.parametrize("aud", [AUDIENCE, ["account", AUDIENCE]])
def test_a_token_for_this_api_from_the_configured_issuer_is_trusted(aud):
    assert principal(f"Bearer {token(iss=ISSUER, aud=aud)}", CHECKED).sub == "anna"


@pytest.mark.parametrize("claims, words", [
    ({"iss": "https://elsewhere.example", "aud": AUDIENCE}, "not issued by the identity provider"),
    ({"iss": None, "aud": AUDIENCE}, "has no issuer (iss)"),
    ({"iss": ISSUER, "aud": "another-api"}, "not issued for this API (audience)"),
    ({"iss": ISSUER, "aud": ["account", "another-api"]}, "not issued for this API (audience)"),
    ({"iss": ISSUER, "aud": None}, "has no audience (aud)"),
    ({"iss": ISSUER, "aud": AUDIENCE, "exp": int(time.time()) - 5}, "the token has expired"),
    ({"iss": ISSUER, "aud": AUDIENCE, "nbf": int(time.time()) + 86400}, "not valid yet"),
    ({"iss": ISSUER, "aud": AUDIENCE, "exp": None}, "has no expiry time (exp)"),
    ({"iss": ISSUER, "aud": AUDIENCE, "sub": None}, "has no subject (sub)"),
])
def test_a_token_with_the_wrong_standard_claims_is_refused_saying_which(claims, words):
    assert words in refusal(CHECKED, token(**claims))


def test_without_an_audience_configured_a_token_carrying_one_is_trusted():
    """OpenID Connect access tokens carry `aud`; PyJWT refuses them unless told not to look."""
    local = Verifier(secret=SECRET)
    assert principal(f"Bearer {token(aud='account')}", local).sub == "anna"
    assert principal(f"Bearer {token(aud=['account', 'x'], iss='anyone')}", local).sub == "anna"


def test_the_authorised_party_is_checked_only_when_clients_are_configured():
    clients = Verifier(secret=SECRET, parties=frozenset({"wijkwijzer-web", "wijkwijzer-app"}))
    assert principal(f"Bearer {token(azp='wijkwijzer-app')}", clients).sub == "anna"
    assert "a client this API does not accept (azp)" in refusal(clients, token(azp="some-other-client"))
    assert "a client this API does not accept (azp)" in refusal(clients, token(azp=["wijkwijzer-web"]))
    assert "has no authorised party (azp)" in refusal(clients, token())
    assert principal(f"Bearer {token(azp='some-other-client')}", Verifier(secret=SECRET)).sub == "anna"


@pytest.mark.parametrize("bearer, words", [
    (token(secret="x" * 40), "signature does not match"),
    ("not.a.token", "not a well-formed JWT"),
    ("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIiwiZXhwIjo5OTk5OTk5OTk5fQ.", "algorithm this API does not accept"),
    (token(exp="tomorrow"), "not a number"),
    (token(sub=12), "subject (sub) is not a text"),
])
def test_an_untrusted_token_is_explained_in_plain_words(bearer, words):
    assert words in refusal(Verifier(secret=SECRET), bearer)


@pytest.mark.parametrize("claims, claim", [
    ({"sub": "x" * 201}, "'sub' must be a text of 1 to 200 characters"),
    ({"roles": "member"}, "'roles' must be a list of role names"),
    ({"roles": ["member", 7]}, "'roles' must be a list of role names"),
    ({"name": {"first": "Anna"}}, "'name' must be a text"),
])
def test_claims_the_gateway_cannot_use_are_named_without_library_text(claims, claim):
    detail = refusal(Verifier(secret=SECRET), token(**claims))
    assert detail.startswith("the token's claims are not acceptable") and claim in detail


def authenticator(**config):
    provider = Authenticator()
    provider.container = SimpleNamespace(config=config)
    provider.setup()
    return provider.verifier


@pytest.mark.parametrize("config, missing", [
    ({}, "JWT_ISSUER and JWT_AUDIENCE"),
    ({"JWT_ISSUER": ISSUER, "JWT_AUDIENCE": ""}, "JWT_AUDIENCE"),
    ({"JWT_AUDIENCE": AUDIENCE}, "JWT_ISSUER"),
])
def test_with_an_identity_provider_the_issuer_and_audience_are_required(config, missing):
    with pytest.raises(RuntimeError, match=f"set {missing} too"):
        authenticator(JWT_JWKS_URL="https://login.wijkwijzer.example/certs", **config)


def test_local_runs_with_a_secret_need_no_issuer_or_audience_but_check_them_when_set():
    assert authenticator(JWT_SECRET=SECRET).audience is None
    verifier = authenticator(JWT_SECRET=SECRET, JWT_ISSUER=ISSUER, JWT_AUDIENCE=AUDIENCE,
                             JWT_AUTHORISED_PARTIES="wijkwijzer-web, wijkwijzer-app,")
    assert (verifier.issuer, verifier.audience) == (ISSUER, AUDIENCE)
    assert verifier.parties == {"wijkwijzer-web", "wijkwijzer-app"}
    assert authenticator(JWT_JWKS_URL="https://login.wijkwijzer.example/certs", JWT_ISSUER=ISSUER,
                         JWT_AUDIENCE=AUDIENCE).jwks is not None
    both = authenticator(JWT_JWKS_URL="https://login.wijkwijzer.example/certs", JWT_ISSUER=ISSUER,
                         JWT_AUDIENCE=AUDIENCE, JWT_SECRET=SECRET)
    assert both.jwks is not None and both.secret == SECRET   # the local platform keeps its secret


def test_keys_out_of_reach_are_a_503_not_the_callers_fault():
    unreachable = Verifier(jwks=jwt.PyJWKClient("http://127.0.0.1:9/certs", timeout=1), issuer=ISSUER,
                           audience=AUDIENCE)
    bearer = jwt.encode({"sub": "anna", "exp": int(time.time()) + 60}, "s" * 40, headers={"kid": "k1"})
    with pytest.raises(Problem) as refused:
        principal(f"Bearer {bearer}", unreachable)
    assert refused.value.status == 503 and refused.value.headers["Retry-After"]
    assert refused.value.detail == "the identity provider is unavailable; try again shortly"


class Jwks:
    """The provider's published key, as PyJWKClient hands it over, without HTTP."""

    def __init__(self, public_key):
        self.public_key = public_key

    def get_signing_key_from_jwt(self, bearer):
        return SimpleNamespace(key=self.public_key)


PROVIDER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = PROVIDER_KEY.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
BOTH = Verifier(secret=SECRET, jwks=Jwks(PROVIDER_KEY.public_key()), issuer=ISSUER, audience=AUDIENCE)


def rs256(**claims):
    return token(secret=PROVIDER_KEY, algorithm="RS256", **{"iss": ISSUER, "aud": AUDIENCE, **claims})


def test_with_a_secret_and_a_provider_both_kinds_of_token_are_trusted():
    """The local platform: Keycloak's RS256 tokens beside the development secret's HS256 ones."""
    assert principal(f"Bearer {rs256(sub='eva')}", BOTH).sub == "eva"
    assert principal(f"Bearer {token(sub='anna', iss=ISSUER, aud=AUDIENCE)}", BOTH).sub == "anna"


def hs256_with_the_public_key() -> str:
    """Algorithm confusion: an HS256 token whose HMAC secret is the provider's public key (PyJWT
    will not make one, so it is made by hand)."""
    def part(value: dict) -> bytes:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=")

    body = part({"alg": "HS256", "typ": "JWT"}) + b"." + part(
        {"sub": "anna", "roles": ["admin"], "exp": int(time.time()) + 7 * 86400, "iss": ISSUER, "aud": AUDIENCE})
    signature = base64.urlsafe_b64encode(hmac.digest(PUBLIC_PEM, body, "sha256")).rstrip(b"=")
    return (body + b"." + signature).decode()


@pytest.mark.parametrize("bearer, words", [
    (rs256(iss="https://elsewhere.example"), "not issued by the identity provider"),
    (rs256(aud="another-api"), "not issued for this API (audience)"),
    (token(iss="https://elsewhere.example", aud=AUDIENCE), "not issued by the identity provider"),
    (token(iss=ISSUER, aud=AUDIENCE, secret="x" * 40), "signature does not match"),
    (hs256_with_the_public_key(), "signature does not match"),
    ("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIiwiZXhwIjo5OTk5OTk5OTk5fQ.", "algorithm this API does not accept"),
])
def test_with_both_each_token_is_held_to_its_own_key_and_the_same_claims(bearer, words):
    assert words in refusal(BOTH, bearer)


def test_with_a_provider_alone_hs256_is_never_tried():
    provider_only = Verifier(jwks=Jwks(PROVIDER_KEY.public_key()), issuer=ISSUER, audience=AUDIENCE)
    assert principal(f"Bearer {rs256()}", provider_only).sub == "anna"
    assert "algorithm this API does not accept" in refusal(provider_only, hs256_with_the_public_key())
    assert "algorithm this API does not accept" in refusal(provider_only, token(iss=ISSUER, aud=AUDIENCE))
