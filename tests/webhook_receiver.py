"""A partner's webhook endpoint for the tests and benchmarks, in a process of its own:
`python tests/webhook_receiver.py <directory> <port>`.

It verifies every delivery with the reference `standardwebhooks` library against the secrets in
`<directory>/secrets.json` ({path: [secret, ...]}, read again when it changes) and appends one
JSON line per request to `<directory>/received.jsonl`: path, webhook-id, timestamp, whether the
signature verified, the status it answered, the body. What it answers comes from
`<directory>/script.json` ({path: [status or [status, {header: value}, seconds to wait first], ...]}),
taken in order per path, or `"*"` for every request there; when a path's script is used up it
answers 204. It writes `<directory>/ready-<port>` once it
listens.
"""
from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class State:
    def __init__(self, directory: Path):
        self.directory = directory
        self.lock = threading.Lock()
        self.used: dict[str, int] = {}
        self._secrets: tuple[float, dict] = (0.0, {})
        self.log = open(directory / "received.jsonl", "a", encoding="utf-8")  # noqa: SIM115

    def secrets(self, path: str) -> list[str]:
        file = self.directory / "secrets.json"
        mtime = file.stat().st_mtime if file.exists() else 0.0
        if mtime != self._secrets[0]:
            self._secrets = (mtime, json.loads(file.read_text()) if mtime else {})
        return self._secrets[1].get(path, [])

    def answer(self, path: str) -> tuple[int, dict, float]:
        file = self.directory / "script.json"
        script = json.loads(file.read_text()).get(path, []) if file.exists() else []
        turn = self.used.get(path, 0)
        self.used[path] = turn + 1
        if isinstance(script, dict):    # {"*": step}: the same answer every time
            step = script["*"]
        elif turn < len(script):
            step = script[turn]
        else:
            return 204, {}, 0.0
        step = step if isinstance(step, list) else [step]
        return step[0], step[1] if len(step) > 1 else {}, step[2] if len(step) > 2 else 0.0

    def record(self, entry: dict) -> None:
        self.log.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.log.flush()


def handler(state: State) -> type[BaseHTTPRequestHandler]:
    class Receive(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            with state.lock:
                verified = False
                for secret in state.secrets(self.path):
                    try:
                        Webhook(secret).verify(body, dict(self.headers.items()))
                        verified = True
                        break
                    except WebhookVerificationError:
                        continue
                status, headers, wait = state.answer(self.path)
                state.record({"path": self.path, "webhook_id": self.headers.get("webhook-id"),
                              "timestamp": self.headers.get("webhook-timestamp"),
                              "signatures": self.headers.get("webhook-signature"), "verified": verified,
                              "content_type": self.headers.get("Content-Type"), "status": status,
                              "received_at": time.time(), "body": body})
            time.sleep(wait)   # outside the lock: a slow endpoint holds up only its own requests
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Receive


def main() -> None:
    directory, port = Path(sys.argv[1]), int(sys.argv[2])
    server = ThreadingHTTPServer(("127.0.0.1", port), handler(State(directory)))
    server.daemon_threads = True
    (directory / f"ready-{port}").touch()
    server.serve_forever()


if __name__ == "__main__":
    main()
