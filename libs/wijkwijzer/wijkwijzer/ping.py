"""What every service's `ping` RPC answers, and the command container health checks run."""
from __future__ import annotations

import argparse
import os
import sys

from pymongo.database import Database


def report(service: str, db: Database) -> dict:
    """Raises if the service's database does not answer, so the caller sees it fail."""
    db.command("ping")
    return {"service": service, "status": "ok", "database": "ok"}


def main(argv: list[str] | None = None) -> int:
    """`python -m wijkwijzer.ping <service>`: exit 0 when the service answers its ping."""
    from nameko.standalone.rpc import ClusterRpcProxy

    parser = argparse.ArgumentParser(prog="python -m wijkwijzer.ping")
    parser.add_argument("service")
    parser.add_argument("--timeout", type=float, default=5)
    args = parser.parse_args(argv)
    try:
        with ClusterRpcProxy({"AMQP_URI": os.environ["AMQP_URI"]}, timeout=args.timeout) as rpc:
            print(getattr(rpc, args.service).ping())
    except Exception as exc:  # noqa: BLE001 (any failure means not healthy)
        print(f"{args.service}: not healthy: {exc!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
