"""Who is calling: bearer JWTs checked with PyJWT.

Two ways to trust a token (config): HS256 with JWT_SECRET (local runs, tests), or
RS256 with the identity provider's keys from JWT_JWKS_URL, fetched and cached by
PyJWKClient, which fetches again when a token names a key id (`kid`) it does not
know yet, so the provider can rotate keys. Claims: `sub`, `name`, `email`, `roles`.
"""
from __future__ import annotations

from dataclasses import dataclass

import jwt
from nameko.extensions import DependencyProvider
from pydantic import BaseModel, Field, ValidationError

from .problems import Problem


class Principal(BaseModel):
    sub: str = Field(min_length=1, max_length=200)
    name: str | None = None
    email: str | None = None
    roles: list[str] = []

    def has(self, role: str) -> bool:
        return role in self.roles


@dataclass
class Verifier:
    secret: str = ""
    jwks: jwt.PyJWKClient | None = None

    def claims(self, token: str) -> dict:
        """The token's claims; raises jwt.PyJWTError for any token we must not trust
        (expired, not yet valid, wrongly signed, `alg=none`, missing `exp` or `sub`)."""
        options = {"require": ["exp", "sub"]}
        if self.jwks is not None:
            key = self.jwks.get_signing_key_from_jwt(token).key
            return jwt.decode(token, key, algorithms=["RS256"], options=options)
        return jwt.decode(token, self.secret, algorithms=["HS256"], options=options)


def principal(authorization: str | None, verifier: Verifier) -> Principal | None:
    """The caller of a request, or None when it carries no token.

    A token that is present but not trusted is a 401, never an anonymous call.
    """
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise unauthorised("use an Authorization: Bearer <token> header")
    try:
        return Principal.model_validate(verifier.claims(token), strict=False)
    except (jwt.PyJWTError, ValidationError) as exc:
        raise unauthorised(f"invalid token: {exc}") from None



def unauthorised(detail: str) -> Problem:
    return Problem(401, "Unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


class Authenticator(DependencyProvider):
    """Holds the token verifier the API routes use (and injects it); refuses to start with
    no way to check tokens."""

    def setup(self) -> None:
        config = self.container.config
        jwks_url, secret = config.get("JWT_JWKS_URL") or "", config.get("JWT_SECRET") or ""
        if jwks_url:
            # an unknown kid refetches the key set, at most once per cooldown (no hammering the provider)
            cooldown = float(config.get("JWT_JWKS_COOLDOWN_S", 30))
            self.verifier = Verifier(jwks=jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5,
                                                          cooldown_duration=cooldown))
        elif secret:
            self.verifier = Verifier(secret=secret)
        else:
            raise RuntimeError("set JWT_SECRET or JWT_JWKS_URL: the gateway will not accept unchecked callers")

    def get_dependency(self, worker_ctx) -> Verifier:
        return self.verifier
