#!/usr/bin/env bash
# Events per second from RabbitMQ to sent e-mail (a local aiosmtpd sink), for fan-out to 1 follower
# and to 1,000; prints a table. The details and the flags are in bench/notifications.py.
# Usage: bash bench/notifications.sh [--events-1 200] [--events-1000 5] [--followers 1000] [--replicas 1]
# Starts its own notifications process(es) in a RabbitMQ vhost and a database of their own (removed
# afterwards), so a platform from deploy/platform.sh may keep running.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE_DIR=${WIJKWIJZER_STATE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wijkwijzer/state}

bash deploy/infra.sh up >&2          # idempotent; writes the URIs to infra.env
# shellcheck disable=SC1091
set -a; . "$STATE_DIR/infra.env"; set +a
PYTHONPATH=. exec uv run --frozen python bench/notifications.py "$@"   # PYTHONPATH: it reuses tests/support.py
