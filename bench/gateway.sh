#!/usr/bin/env bash
# Requests per second through the front door and straight to the gateway (anonymous public reads,
# a signed-in read, /healthz), and a page's latency over keep-alive and new connections; the
# details are in bench/http_front.py.
# Usage: bash bench/gateway.sh [--seconds 10] [--connections 16]
# Starts its own platform processes and front door (a RabbitMQ vhost and databases of their own,
# removed afterwards), so a platform from deploy/platform.sh may keep running.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE_DIR=${WIJKWIJZER_STATE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wijkwijzer/state}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
bash deploy/infra.sh up >&2          # idempotent; writes the URIs to infra.env
# shellcheck disable=SC1091
set -a; . "$STATE_DIR/infra.env"; set +a
PYTHONPATH=. exec uv run --frozen python bench/http_front.py "$@"   # PYTHONPATH: it reuses tests/platform.py
