"""Signed unsubscribe tokens: who (a member or an address) and which kind of message.

itsdangerous signs them (HMAC-SHA256 with the service's UNSUBSCRIBE_SECRET and a salt of its
own, URL-safe), so a token cannot be made for someone else or another kind, and tokens need no
storage. A token does not expire: an unsubscribe link in an old mail must still work (RFC 8058).
"""
from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, URLSafeSerializer
from wijkwijzer.errors import Invalid

from .domain import KINDS

_SALT = "wijkwijzer-unsubscribe-v1"


class Tokens:
    def __init__(self, secret: str):
        if not secret:
            raise ValueError("UNSUBSCRIBE_SECRET is empty")
        self.serializer = URLSafeSerializer(secret, salt=_SALT, signer_kwargs={"digest_method": hashlib.sha256})

    def make(self, recipient_key: str, kind: str) -> str:
        return self.serializer.dumps({"r": recipient_key, "k": kind})

    def read(self, token: str) -> tuple[str, str]:
        """(recipient key, kind); Invalid naming `token` for anything not made here."""
        try:
            value = self.serializer.loads(token) if isinstance(token, str) and len(token) < 1000 else None
        except BadSignature:
            value = None
        if not isinstance(value, dict) or not isinstance(value.get("r"), str) or value.get("k") not in KINDS:
            raise Invalid("invalid token", [{"field": "token", "message": "not an unsubscribe link of ours"}])
        return value["r"], value["k"]

