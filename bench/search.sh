#!/usr/bin/env bash
# Publication search latency at 1,000 / 10,000 / 100,000 publications, over the publications.search
# RPC and through the gateway; the details and the flags are in bench/search.py.
# Usage: bash bench/search.sh [sizes...] [--samples N] [--samples-100k N] [--budget S] [--seed N] [--keep] [--database NAME] [--quick]
# Starts its own publications service and gateway (in a RabbitMQ vhost and database of their own,
# removed afterwards), so a platform from deploy/platform.sh may keep running.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE_DIR=${WIJKWIJZER_STATE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wijkwijzer/state}

bash deploy/infra.sh up >&2          # idempotent; writes the URIs to infra.env
# shellcheck disable=SC1091
set -a; . "$STATE_DIR/infra.env"; set +a
PYTHONPATH=. exec uv run --frozen python bench/search.py "$@"   # PYTHONPATH: it reuses tests/platform.py
