"""Give a partner access to the public event stream on RabbitMQ, or take it away.

    wijkwijzer-stream-access provision <partner-slug>
    wijkwijzer-stream-access revoke <partner-slug>

(or `python -m notifications.stream_access ...`).

The partner gets a RabbitMQ user `partner-<slug>` (a generated password, no tags: no management
UI) on the platform's vhost that may declare, bind and read only queues named
`partner.<slug>.<anything>`, bind them only to `wijkwijzer.public`, and nothing else: it cannot
publish to any exchange of ours (the default one included) nor read any other queue.
Provisioning again rotates the password and closes the partner's open connections. A policy on
every `partner.*` queue bounds it (PARTNER_QUEUE_MAX_LENGTH messages, PARTNER_QUEUE_MAX_BYTES
bytes, the oldest dropped first), so a queue nobody reads cannot fill the broker.

Environment: RABBITMQ_MANAGEMENT_URL, the management API with an administrator's credentials
(http://user:password@host:15672); AMQP_URI, whose vhost is the platform's (or --vhost);
PARTNER_AMQP_ADDRESS, the host:port partners connect to (default: AMQP_URI's).
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
import urllib.parse

import requests
from wijkwijzer.amqp import PUBLIC_EXCHANGE

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
POLICY = "partner-queues"
# A public event is about 1 KB: 100,000 of them (at most 100 MiB) is weeks of the platform's events
# for a partner that stopped reading. Past that the oldest go (drop-head): reject-publish would
# refuse our publishes and with them the publisher confirms the outbox waits for.
PARTNER_QUEUE_MAX_LENGTH = int(os.environ.get("PARTNER_QUEUE_MAX_LENGTH", "100000"))
PARTNER_QUEUE_MAX_BYTES = int(os.environ.get("PARTNER_QUEUE_MAX_BYTES", str(100 * 1024 * 1024)))
TIMEOUT = 10


def user_name(slug: str) -> str:
    return f"partner-{slug}"


def queue_prefix(slug: str) -> str:
    return f"partner.{slug}."


def permissions(slug: str) -> dict[str, str]:
    """RabbitMQ permissions (regexes over resource names; the default exchange is `amq.default`).
    Declaring or deleting a queue needs configure on it; binding needs write on the queue and read
    on the exchange; consuming needs read on the queue; publishing needs write on the exchange."""
    own = "partner\\." + re.escape(slug) + "\\..+"
    return {"configure": f"^{own}$", "write": f"^{own}$",
            "read": f"^({re.escape(PUBLIC_EXCHANGE)}|{own})$"}


def policy() -> dict:
    return {"pattern": "^partner\\.", "apply-to": "queues", "priority": 0,
            "definition": {"max-length": PARTNER_QUEUE_MAX_LENGTH, "max-length-bytes": PARTNER_QUEUE_MAX_BYTES,
                           "overflow": "drop-head"}}


class Management:
    """The few calls of the RabbitMQ management HTTP API this command makes."""

    def __init__(self, url: str, vhost: str):
        parts = urllib.parse.urlsplit(url)
        self.auth = (urllib.parse.unquote(parts.username or ""), urllib.parse.unquote(parts.password or ""))
        self.base = parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")).geturl()
        self.vhost = vhost

    def call(self, method: str, path: str, ok=(200, 201, 204), **kwargs) -> requests.Response:
        response = requests.request(method, f"{self.base.rstrip('/')}/api/{path}", auth=self.auth,
                                    timeout=TIMEOUT, **kwargs)
        if response.status_code not in ok:
            raise SystemExit(f"{method} /api/{path}: {response.status_code} {response.text}")
        return response

    @staticmethod
    def quoted(name: str) -> str:
        return urllib.parse.quote(name, safe="")

    def close_connections(self, user: str) -> int:
        connections = self.call("GET", f"vhosts/{self.quoted(self.vhost)}/connections").json()
        mine = [c["name"] for c in connections if c.get("user") == user]
        for name in mine:
            self.call("DELETE", f"connections/{self.quoted(name)}", ok=(200, 204, 404),
                      headers={"X-Reason": "partner access changed"})
        return len(mine)


def vhost_of(amqp_uri: str) -> str:
    path = urllib.parse.urlsplit(amqp_uri).path
    return urllib.parse.unquote(path[1:]) if len(path) > 1 else "/"


def provision(api: Management, slug: str, address: str, scheme: str) -> str:
    user = user_name(slug)
    existed = api.call("GET", f"users/{api.quoted(user)}", ok=(200, 404)).status_code == 200
    password = secrets.token_urlsafe(32)
    api.call("PUT", f"users/{api.quoted(user)}", json={"password": password, "tags": ""})
    api.call("PUT", f"permissions/{api.quoted(api.vhost)}/{api.quoted(user)}", json=permissions(slug))
    api.call("PUT", f"policies/{api.quoted(api.vhost)}/{POLICY}", json=policy())
    closed = api.close_connections(user) if existed else 0
    uri = f"{scheme}://{user}:{urllib.parse.quote(password, safe='')}@{address}/{api.quoted(api.vhost)}"
    return "\n".join([
        f"{'Rotated the password of' if existed else 'Provisioned'} {user} on vhost {api.vhost!r}"
        + (f" (the old password no longer works; {closed} open connection(s) closed)" if existed else "") + ".",
        "Give the partner, over a secure channel (the password is shown only now):",
        f"  AMQP URI:       {uri}",
        f"  queue prefix:   {queue_prefix(slug)}   (e.g. {queue_prefix(slug)}events; durable)",
        f"  bind it to:     exchange {PUBLIC_EXCHANGE} (topic), with nl.wijkwijzer.# (everything) "
        + "or e.g. nl.wijkwijzer.publication.*",
        f"  queue limit:    {PARTNER_QUEUE_MAX_LENGTH} messages / {PARTNER_QUEUE_MAX_BYTES} bytes, oldest dropped first",
    ])


def revoke(api: Management, slug: str) -> str:
    user = user_name(slug)
    closed = api.close_connections(user)
    queues = api.call("GET", f"queues/{api.quoted(api.vhost)}").json()
    deleted = [q["name"] for q in queues if q["name"].startswith(queue_prefix(slug))]
    for name in deleted:
        api.call("DELETE", f"queues/{api.quoted(api.vhost)}/{api.quoted(name)}", ok=(200, 204, 404))
    gone = api.call("DELETE", f"users/{api.quoted(user)}", ok=(200, 204, 404)).status_code != 404
    return (f"{'Revoked' if gone else 'No user'} {user}: {closed} connection(s) closed, "
            f"queues deleted: {', '.join(deleted) or 'none'}.")


EXAMPLES = """examples:
  RABBITMQ_MANAGEMENT_URL=http://admin:...@rabbitmq:15672 AMQP_URI=amqp://.../wijkwijzer \\
    wijkwijzer-stream-access provision gemeente-utrecht
  RABBITMQ_MANAGEMENT_URL=... AMQP_URI=... wijkwijzer-stream-access revoke gemeente-utrecht
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wijkwijzer-stream-access", description=__doc__, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["provision", "revoke"])
    parser.add_argument("slug", help="the partner's slug: lowercase letters, digits and hyphens")
    parser.add_argument("--vhost", help="the platform's vhost (default: AMQP_URI's)")
    args = parser.parse_args(argv)
    if not SLUG.match(args.slug):
        parser.error(f"invalid partner slug {args.slug!r}: lowercase letters, digits and hyphens, "
                     "starting and ending with a letter or digit, at most 40")
    management = os.environ.get("RABBITMQ_MANAGEMENT_URL")
    if not management:
        parser.error("set RABBITMQ_MANAGEMENT_URL (http://user:password@host:15672)")
    amqp_uri = urllib.parse.urlsplit(os.environ.get("AMQP_URI", "amqp://127.0.0.1:5672/"))
    api = Management(management, args.vhost or vhost_of(amqp_uri.geturl()))
    if args.action == "provision":
        default_port = 5671 if amqp_uri.scheme == "amqps" else 5672
        address = os.environ.get("PARTNER_AMQP_ADDRESS") or f"{amqp_uri.hostname}:{amqp_uri.port or default_port}"
        print(provision(api, args.slug, address, amqp_uri.scheme or "amqp"))
    else:
        print(revoke(api, args.slug))
    return 0


if __name__ == "__main__":
    sys.exit(main())
