"""A partner's webhook receiver for WijkWijzer: verifies each delivery, handles each event once.

    pip install standardwebhooks
    WEBHOOK_SECRET=whsec_... python webhook_receiver.py --port 8080 --path /wijkwijzer

WijkWijzer signs every delivery as Standard Webhooks says (https://www.standardwebhooks.com):
the headers `webhook-id` (the event's id, the same on every retry and replay), `webhook-timestamp`
and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret while a
rotated-out secret still signs). The body is the CloudEvent as JSON. This receiver

- verifies the signature and the timestamp (at most 5 minutes off) with the reference library,
  and answers 401 to anything that does not verify, so nobody can feed it forged events;
- answers 204 fast and remembers the ids it handled, so a retry or a replay of an event it already
  has changes nothing (keep them in your database in production, not in memory);
- accepts either of two secrets during a rotation: set WEBHOOK_SECRET to the new one and
  WEBHOOK_PREVIOUS_SECRET to the old one until the overlap ends.

Answer 2xx once you have stored the event; 410 Gone tells WijkWijzer to stop sending (an admin
switches the endpoint on again); 429 or 503 with Retry-After asks it to wait; anything else is
tried again later (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h).
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

MAX_BODY = 1_000_000   # WijkWijzer's events are a few kilobytes


def verifiers() -> list[Webhook]:
    secrets = [os.environ.get("WEBHOOK_SECRET"), os.environ.get("WEBHOOK_PREVIOUS_SECRET")]
    found = [Webhook(secret) for secret in secrets if secret]
    if not found:
        sys.exit("set WEBHOOK_SECRET to the secret WijkWijzer showed when the endpoint was registered")
    return found


class Receiver(BaseHTTPRequestHandler):
    path_served: ClassVar[str] = "/"
    handled: ClassVar[set[str]] = set()
    lock: ClassVar[threading.Lock] = threading.Lock()
    webhooks: ClassVar[list[Webhook]] = []

    def do_POST(self):
        if self.path != self.path_served:
            return self.answer(404)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self.answer(413)
        body = self.rfile.read(length)
        event = self.verified(body)
        if event is None:
            return self.answer(401)
        with self.lock:
            seen = self.headers["webhook-id"] in self.handled
            self.handled.add(self.headers["webhook-id"])
        if not seen:
            self.handle_event(event)
        return self.answer(204)

    def verified(self, body: bytes) -> dict | None:
        for webhook in self.webhooks:
            try:
                return webhook.verify(body, dict(self.headers.items()))
            except WebhookVerificationError:
                continue
        print(f"refused a delivery that does not verify (webhook-id {self.headers.get('webhook-id')})",
              file=sys.stderr, flush=True)
        return None

    def handle_event(self, event: dict) -> None:
        """Your work goes here: store it, update your copy of the publication or activity, ..."""
        what = event["data"].get("title") or event["data"].get("slug") or ""
        print(f"{event['type']} {event['subject']} {event['time']} {what}".rstrip(), flush=True)

    def answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):   # one line per event is printed by handle_event
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--path", default="/wijkwijzer", help="the path of the URL you registered")
    args = parser.parse_args()
    Receiver.webhooks = verifiers()
    Receiver.path_served = args.path
    server = ThreadingHTTPServer((args.host, args.port), Receiver)
    print(f"listening on http://{args.host}:{args.port}{args.path}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
