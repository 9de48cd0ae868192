#!/usr/bin/env bash
# Questions routed per second through the gateway, with 20 and with 200 wijkwijzen on the roster, with
# one and with two helpdesk services, and whether any load count went wrong or anyone over capacity
# (must be 0); the details and the flags are in bench/questions.py.
# Usage: bash bench/questions.sh [--questions 400] [--clients 32] [--rosters 20 200] [--capacity 10]
# Starts its own platform processes (a RabbitMQ vhost and databases of their own, removed
# afterwards), so a platform from deploy/platform.sh may keep running.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE_DIR=${WIJKWIJZER_STATE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wijkwijzer/state}

bash deploy/infra.sh up >&2          # idempotent; writes the URIs to infra.env
# shellcheck disable=SC1091
set -a; . "$STATE_DIR/infra.env"; set +a
PYTHONPATH=. exec uv run --frozen python bench/questions.py "$@"   # PYTHONPATH: it reuses tests/platform.py
