#!/usr/bin/env bash
# Kennisbank writes under a burst of authors (pairs/s, p50/p95 per write), how soon a write shows
# in search, and whether every event arrived once; the details and the flags are in bench/writes.py.
# Usage: bash bench/writes.sh [--authors 16] [--pairs 15] [--words 300] [--visible 10]
# Starts its own platform processes (a RabbitMQ vhost and databases of their own, removed
# afterwards), so a platform from deploy/platform.sh may keep running.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE_DIR=${WIJKWIJZER_STATE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wijkwijzer/state}

bash deploy/infra.sh up >&2          # idempotent; writes the URIs to infra.env
# shellcheck disable=SC1091
set -a; . "$STATE_DIR/infra.env"; set +a
PYTHONPATH=. exec uv run --frozen python bench/writes.py "$@"   # PYTHONPATH: it reuses tests/platform.py
