"""Why a token is not trusted, in plain words for the caller.

PyJWT's messages ("Signature has expired", "Invalid audience") and pydantic's (with
`input_value=…` and a link to its docs) are written for programmers of those libraries;
a 401 says what is wrong with the token instead. Only the token's own claims are named,
never a key, a configured value or a library's internals.
"""
from __future__ import annotations

import jwt
from pydantic import ValidationError


class InvalidPartyError(jwt.InvalidTokenError):
    """The token was issued to a client (`azp`) that is not among JWT_AUTHORISED_PARTIES."""


# the claims a token must carry, as a caller reads them
_CLAIMS = {"exp": "expiry time (exp)", "sub": "subject (sub)", "iss": "issuer (iss)",
           "aud": "audience (aud)", "azp": "authorised party (azp)"}

# most specific first: InvalidSignatureError is a DecodeError, every one an InvalidTokenError
_REASONS: tuple[tuple[type[Exception], str], ...] = (
    (jwt.ExpiredSignatureError, "the token has expired"),
    (jwt.ImmatureSignatureError, "the token is not valid yet (nbf or iat lies in the future)"),
    (jwt.InvalidAudienceError, "the token was not issued for this API (audience)"),
    (jwt.InvalidIssuerError, "the token was not issued by the identity provider this API trusts (issuer)"),
    (InvalidPartyError, "the token was issued to a client this API does not accept (azp)"),
    (jwt.InvalidSignatureError, "the token's signature does not match"),
    (jwt.InvalidAlgorithmError, "the token is signed with an algorithm this API does not accept"),
    (jwt.PyJWKClientError, "the token is signed with a key the identity provider does not publish (kid)"),
    (jwt.InvalidIssuedAtError, "the token's issue time (iat) is not a number"),
    (jwt.exceptions.InvalidSubjectError, "the token's subject (sub) is not a text"),
    (jwt.exceptions.InvalidJTIError, "the token's id (jti) is not a text"),
    (jwt.InvalidKeyError, "the token's key is not usable"),
    (jwt.DecodeError, "the token is not a well-formed JWT, or a time in it (exp, nbf) is not a number"),
)

# what the gateway reads from a token, as a caller reads it (auth.Principal)
_EXPECTED = {"sub": "a text of 1 to 200 characters", "name": "a text", "email": "a text",
             "roles": "a list of role names"}


def reason(exc: jwt.PyJWTError) -> str:
    """Why PyJWT did not trust the token."""
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"the token has no {_CLAIMS.get(exc.claim, repr(exc.claim) + ' claim')}"
    for kind, text in _REASONS:
        if isinstance(exc, kind):
            return text
    return "the token cannot be trusted"


def claims_reason(exc: ValidationError) -> str:
    """Which of the token's claims are not what the gateway expects (auth.Principal)."""
    wrong = []
    for error in exc.errors():
        claim = str(error["loc"][0]) if error["loc"] else "claims"
        text = f"'{claim}' must be {_EXPECTED.get(claim, 'something else')}"
        if text not in wrong:
            wrong.append(text)
    return "the token's claims are not acceptable: " + "; ".join(wrong)
