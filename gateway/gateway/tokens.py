"""Mint a development token: `wijkwijzer-token --sub anna --roles member editor`, or for an
organiser of an organisation `wijkwijzer-token --sub noor --roles organiser --organisation lpb`
(or `python -m gateway.tokens ...`).

Signs with JWT_SECRET (HS256), with the issuer and audience of JWT_ISSUER and
JWT_AUDIENCE when they are set (the gateway then requires them). For local runs and
tests only: production tokens come from the identity provider.
"""
from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime, timedelta

import jwt


def mint(secret: str, sub: str, name: str | None = None, email: str | None = None,
         roles: list[str] | None = None, lifetime: timedelta = timedelta(hours=8),
         issuer: str | None = None, audience: str | None = None, organisation: str | None = None) -> str:
    now = datetime.now(UTC)
    claims = {"sub": sub, "name": name, "email": email, "roles": roles or [], "organisation": organisation,
              "iat": now, "nbf": now, "exp": now + lifetime, "iss": issuer, "aud": audience}
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, secret, algorithm="HS256")


EXAMPLES = """examples:
  JWT_SECRET=... wijkwijzer-token --sub anna --roles member
  JWT_SECRET=... JWT_ISSUER=... JWT_AUDIENCE=wijkwijzer-api wijkwijzer-token --sub beheer --roles admin --hours 1
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wijkwijzer-token", description=__doc__, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sub", required=True, help="who the token names (the person's stable id)")
    parser.add_argument("--name", help="the person's display name")
    parser.add_argument("--email", help="the person's e-mail address")
    parser.add_argument("--roles", nargs="*", default=["member"],
                        help="member, wijkwijze, editor, organiser, admin, partner (default: member)")
    parser.add_argument("--organisation", help="the organisation an organiser acts for (a taxonomy slug)")
    parser.add_argument("--hours", type=float, default=8, help="how long the token is valid (default 8)")
    args = parser.parse_args(argv)
    secret = os.environ.get("JWT_SECRET")
    if not secret:
        parser.error("set JWT_SECRET (the gateway's signing secret)")
    print(mint(secret, args.sub, args.name, args.email, args.roles, timedelta(hours=args.hours),
               os.environ.get("JWT_ISSUER") or None, os.environ.get("JWT_AUDIENCE") or None, args.organisation))
    return 0


if __name__ == "__main__":
    sys.exit(main())
