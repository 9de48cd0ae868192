#!/usr/bin/env bash
# Requests per second of the gateway, measured by wrk from a second process:
#   GET /healthz            (the gateway alone)
#   GET /api/v1/activities  (one RPC to the events service, which reads MongoDB)
# Usage: bash bench/gateway.sh [seconds per run, default 10] [connections, default 16]
# Brings the platform up with deploy/platform.sh when it is not running (and leaves it up).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
CONNECTIONS=${2:-16}
BASE=http://${GATEWAY_ADDRESS:-127.0.0.1:8000}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=3)" "$BASE/readyz" 2>/dev/null \
  || bash deploy/platform.sh up >/dev/null

echo "gateway at $BASE; wrk, 2 threads, $CONNECTIONS connections, ${SECONDS_PER_RUN}s per route; $(nproc) cores"
printf '%-28s %12s %10s %10s %10s\n' route requests/s p50 p99 non-2xx
for path in /healthz /api/v1/activities; do
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$BASE$path" > /tmp/wrk.$$ 2>&1
  rps=$(awk '/Requests\/sec/ {print $2}' /tmp/wrk.$$)
  p50=$(awk '$1=="50%" {print $2}' /tmp/wrk.$$)
  p99=$(awk '$1=="99%" {print $2}' /tmp/wrk.$$)
  bad=$(awk '/Non-2xx/ {print $NF}' /tmp/wrk.$$); bad=${bad:-0}
  printf '%-28s %12s %10s %10s %10s\n' "GET $path" "$rps" "$p50" "$p99" "$bad"
done
rm -f /tmp/wrk.$$
