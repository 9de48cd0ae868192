#!/usr/bin/env bash
# Registrations per second through the gateway for one popular activity (every registration claims
# a place in one document) and spread over many, with one and with two events services, and the
# overbooking count (must be 0); the details and the flags are in bench/registrations.py.
# Usage: bash bench/registrations.sh [--registrations 400] [--clients 32] [--capacity 100] [--activities 40]
# Starts its own platform processes (a RabbitMQ vhost and databases of their own, removed
# afterwards), so a platform from deploy/platform.sh may keep running.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE_DIR=${WIJKWIJZER_STATE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wijkwijzer/state}

bash deploy/infra.sh up >&2          # idempotent; writes the URIs to infra.env
# shellcheck disable=SC1091
set -a; . "$STATE_DIR/infra.env"; set +a
PYTHONPATH=. exec uv run --frozen python bench/registrations.py "$@"   # PYTHONPATH: it reuses tests/platform.py
