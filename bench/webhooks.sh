#!/usr/bin/env bash
# Partner webhook deliveries per second for 1, 10 and 100 partners, and the latency from a gateway
# write to the partner's endpoint, with missing, duplicated and unverified deliveries counted; the
# details and the flags are in bench/webhooks.py.
# Usage: bash bench/webhooks.sh [--burst 1:200,10:100,100:30] [--trickle 1,10] [--trickle-writes 100]
#                               [--rate 10] [--clients 16] [--timeout 600]
# Starts its own platform processes and a webhook receiver (a RabbitMQ vhost and databases of their
# own, removed afterwards), so a platform from deploy/platform.sh may keep running.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE_DIR=${WIJKWIJZER_STATE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wijkwijzer/state}

bash deploy/infra.sh up >&2          # idempotent; writes the URIs to infra.env
# shellcheck disable=SC1091
set -a; . "$STATE_DIR/infra.env"; set +a
PYTHONPATH=. exec uv run --frozen python bench/webhooks.py "$@"   # PYTHONPATH: it reuses tests/platform.py and tests/support.py
