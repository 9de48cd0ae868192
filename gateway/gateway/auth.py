"""Who is calling: bearer JWTs checked with PyJWT.

Two ways to trust a token (config): HS256 with JWT_SECRET (local runs, tests), and
RS256 with the identity provider's keys from JWT_JWKS_URL, fetched and cached by
PyJWKClient, which fetches again when a token names a key id (`kid`) it does not
know yet, so the provider can rotate keys. With both configured (the local platform: Keycloak
beside the development secret) the token's `alg` header chooses: HS256 is checked with the
secret, anything else with the JWKS and RS256 only. So `none` is never accepted, nor an HS256
token "signed" with the provider's public key, and issuer and audience apply to both. Claims: `sub`, `name`, `email`, `roles`, `organisation`
(the organisation an organiser acts for).

The standard claims are checked when configured: `iss` against JWT_ISSUER, `aud` (a text
or a list) against JWT_AUDIENCE, and `azp` (the client the token was issued to) against
JWT_AUTHORISED_PARTIES. Unconfigured, they are not read: identity providers put `aud` in
their access tokens (RFC 9068 requires it), and PyJWT refuses a token with `aud` when it is
given no audience ("Invalid audience"). With a JWKS (production) JWT_ISSUER and
JWT_AUDIENCE are required.

`azp` is not compared with JWT_AUDIENCE: in an access token it names the client app that
asked for the token (the website, say), while `aud` names the API it is for, so they
differ by design; OpenID Connect's rule that `azp` equals the client id is for ID tokens,
checked by the client itself.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import jwt
from nameko.extensions import DependencyProvider
from pydantic import BaseModel, Field, ValidationError

from .problems import Problem, unavailable
from .token_errors import InvalidPartyError, claims_reason, reason

log = logging.getLogger(__name__)


class Principal(BaseModel):
    sub: str = Field(min_length=1, max_length=200)
    name: str | None = None
    email: str | None = None
    roles: list[str] = []
    # the organisation (taxonomy slug) an organiser acts for; the services decide what it may do
    organisation: str | None = Field(default=None, min_length=1, max_length=100)

    def has(self, role: str) -> bool:
        return role in self.roles


@dataclass
class Verifier:
    secret: str = ""
    jwks: jwt.PyJWKClient | None = None
    issuer: str | None = None      # `iss` must be this, when set
    audience: str | None = None    # `aud` must be or contain this, when set; not read otherwise
    parties: frozenset[str] = frozenset()   # `azp` must be one of these, when any are set

    def claims(self, token: str) -> dict:
        """The token's claims; raises jwt.PyJWTError for any token we must not trust
        (expired, not yet valid, wrongly signed, `alg=none`, missing `exp` or `sub`, another
        issuer, audience or authorised party than configured)."""
        options = {"require": ["exp", "sub"], "verify_aud": self.audience is not None}
        checks = {"options": options, "issuer": self.issuer, "audience": self.audience}
        if self.jwks is not None and not (self.secret and _algorithm(token) == "HS256"):
            key = self.jwks.get_signing_key_from_jwt(token).key
            claims = jwt.decode(token, key, algorithms=["RS256"], **checks)
        else:
            claims = jwt.decode(token, self.secret, algorithms=["HS256"], **checks)
        if self.parties:
            if claims.get("azp") is None:
                raise jwt.MissingRequiredClaimError("azp")
            if not isinstance(claims["azp"], str) or claims["azp"] not in self.parties:
                raise InvalidPartyError("azp")
        return claims


def _algorithm(token: str) -> str | None:
    """The `alg` the token's header names (unverified: it only picks which check to run)."""
    return jwt.get_unverified_header(token).get("alg")


def principal(authorization: str | None, verifier: Verifier) -> Principal | None:
    """The caller of a request, or None when it carries no token.

    A token that is present but not trusted is a 401 saying why in plain words, never an
    anonymous call; when the identity provider's keys cannot be fetched, a 503.
    """
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise unauthorised("use an Authorization: Bearer <token> header")
    try:
        return Principal.model_validate(verifier.claims(token), strict=False)
    except jwt.PyJWKClientConnectionError as exc:
        log.warning("the identity provider's keys could not be fetched: %s", exc)
        raise unavailable("the identity provider") from None
    except jwt.PyJWTError as exc:
        raise unauthorised(reason(exc)) from None
    except ValidationError as exc:
        raise unauthorised(claims_reason(exc)) from None


def unauthorised(detail: str) -> Problem:
    return Problem(401, "Unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


class Authenticator(DependencyProvider):
    """Holds the token verifier the API routes use (and injects it); refuses to start with
    no way to check tokens."""

    def setup(self) -> None:
        config = self.container.config

        def setting(name: str) -> str:
            return str(config.get(name) or "").strip()

        jwks_url, secret = setting("JWT_JWKS_URL"), config.get("JWT_SECRET") or ""
        parties = frozenset(p.strip() for p in setting("JWT_AUTHORISED_PARTIES").split(",") if p.strip())
        checks = {"issuer": setting("JWT_ISSUER") or None, "audience": setting("JWT_AUDIENCE") or None,
                  "parties": parties}
        if jwks_url:
            missing = [name for name in ("JWT_ISSUER", "JWT_AUDIENCE") if not setting(name)]
            if missing:
                raise RuntimeError(
                    f"JWT_JWKS_URL is set, so set {' and '.join(missing)} too: without them the gateway "
                    "would trust every token the identity provider signs, also those for other applications")
            # an unknown kid refetches the key set, at most once per cooldown (no hammering the provider)
            cooldown = float(config.get("JWT_JWKS_COOLDOWN_S", 30))
            self.verifier = Verifier(secret=secret, jwks=jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5,
                                                          cooldown_duration=cooldown), **checks)
        elif secret:
            self.verifier = Verifier(secret=secret, **checks)
        else:
            raise RuntimeError("set JWT_SECRET or JWT_JWKS_URL: the gateway will not accept unchecked callers")

    def get_dependency(self, worker_ctx) -> Verifier:
        return self.verifier
