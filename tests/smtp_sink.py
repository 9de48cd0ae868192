"""A real SMTP server for the tests (aiosmtpd), run as a process of its own: aiosmtpd runs on
asyncio, and the tests' process is monkey-patched by eventlet for nameko.

    python -P tests/smtp_sink.py DIR PORT    (-P: tests/platform.py is not the standard library's)

Every message it accepts is written to DIR/<n>.eml (with the envelope's recipients in
DIR/<n>.rcpt). While the file DIR/stall exists, it holds each message at DATA, and when the file
is gone answers 451 without keeping it: a server that had not accepted the message yet (the
tests kill the sending service meanwhile). The sink serves until it is killed.
"""
from __future__ import annotations

import asyncio
import itertools
import os
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, directory: Path):
        self.directory = directory
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        stall = self.directory / "stall"
        if stall.exists():
            while stall.exists():
                await asyncio.sleep(0.05)
            return "451 4.3.0 not kept, try again later"
        n = next(self.numbers)
        tmp = self.directory / f".{n}.tmp"
        tmp.write_bytes(envelope.original_content or envelope.content)
        (self.directory / f"{n}.rcpt").write_text("\n".join(envelope.rcpt_tos))
        os.replace(tmp, self.directory / f"{n:06d}.eml")
        return "250 2.0.0 kept"


def main() -> None:
    directory, port = Path(sys.argv[1]), int(sys.argv[2])
    directory.mkdir(parents=True, exist_ok=True)
    controller = Controller(Keep(directory), hostname="127.0.0.1", port=port)
    controller.start()
    (directory / f"ready-{port}").write_text(str(os.getpid()))
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
