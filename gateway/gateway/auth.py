"""Who is calling: bearer JWTs (HS256 with JWT_SECRET), checked with PyJWT."""
from __future__ import annotations

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


def principal(authorization: str | None, secret: str) -> Principal | None:
    """The caller of a request, or None when it carries no token.

    A token that is present but expired, not yet valid, wrongly signed or
    unsigned (`alg=none`) is a 401, never an anonymous call.
    """
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise unauthorised("use an Authorization: Bearer <token> header")
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"],
                            options={"require": ["exp", "sub"]})
        return Principal.model_validate(claims, strict=False)
    except (jwt.PyJWTError, ValidationError) as exc:
        raise unauthorised(f"invalid token: {exc}") from None


def require(caller: Principal | None, role: str) -> Principal:
    if caller is None:
        raise unauthorised("this route needs a signed-in user")
    if not caller.has(role):
        raise Problem(403, "Forbidden", f"this route needs the {role} role")
    return caller


def unauthorised(detail: str) -> Problem:
    return Problem(401, "Unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


class Authenticator(DependencyProvider):
    """Injects `caller(request) -> Principal | None`; refuses to start without a secret."""

    def setup(self) -> None:
        self.secret = self.container.config.get("JWT_SECRET") or ""
        if not self.secret:
            raise RuntimeError("JWT_SECRET is not set: the gateway will not accept unsigned callers")

    def get_dependency(self, worker_ctx):
        return lambda request: principal(request.headers.get("Authorization"), self.secret)
