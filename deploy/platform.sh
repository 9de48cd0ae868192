#!/usr/bin/env bash
# The whole WijkWijzer platform on this machine: RabbitMQ, a MongoDB-wire server, Mailpit (every
# mail the platform sends, shown at http://127.0.0.1:8025), Keycloak (sign-in, demo logins printed
# at the end; deploy/keycloak.sh), the four services and the gateway as separate processes behind
# the front door (nginx), demo data loaded, and the web client (web/) built and served by the front door.
# Usage: deploy/platform.sh up|down|status
#   up      idempotent; the API on http://127.0.0.1:8000 (FRONT_DOOR_ADDRESS to change), through the
#           front door to the gateway on 127.0.0.1:8001 (GATEWAY_ADDRESS)
#   down    stops the services and the infrastructure this command started; no process stays
#   status  which processes run, what /readyz says, and each process's own /readyz
# Each process serves /healthz, /readyz and /metrics on an operations port of its own (one machine,
# five processes): 127.0.0.1:9101 and up in the order of deploy/services.list (OPS_PORT_BASE to
# change), recorded in $RUN_DIR/<name>.ops.
# Where a Docker engine runs, `up`/`down` use `docker compose` with docker-compose.yml instead.
set -euo pipefail
shopt -s inherit_errexit
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

CACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/wijkwijzer
STATE_DIR=${WIJKWIJZER_STATE_DIR:-$CACHE_DIR/state}
RUN_DIR=$STATE_DIR/platform                 # pid and log file of each process
export FRONT_DOOR_ADDRESS=${FRONT_DOOR_ADDRESS:-127.0.0.1:8000}
export GATEWAY_ADDRESS=${GATEWAY_ADDRESS:-127.0.0.1:8001}
export GATEWAY_UPSTREAM=$GATEWAY_ADDRESS
# the gateway believes the front door's X-Forwarded-For (the reader's address), nobody else's
export TRUSTED_PROXIES=${TRUSTED_PROXIES:-127.0.0.1}
# Local runs only: a documented development secret, so `python -m gateway.tokens` can mint
# tokens the gateway accepts. Never use it anywhere else; the gateway has no default.
export JWT_SECRET=${JWT_SECRET:-wijkwijzer-local-development-secret}
# the same for the notifications service's unsubscribe links; and links in mail point here
export UNSUBSCRIBE_SECRET=${UNSUBSCRIBE_SECRET:-wijkwijzer-local-unsubscribe-secret}
export WEB_BASE_URL=${WEB_BASE_URL:-http://$FRONT_DOOR_ADDRESS}
# Local runs only: partner webhook endpoints on this machine may be called (docs/partners.md);
# elsewhere only public addresses are
export WEBHOOK_ALLOWED_NETWORKS=${WEBHOOK_ALLOWED_NETWORKS:-127.0.0.0/8,::1/128}
OPS_PORT_BASE=${OPS_PORT_BASE:-9101}
mkdir -p "$RUN_DIR"

log() { echo "[platform] $*" >&2; }
docker_engine() { command -v docker >/dev/null && docker info >/dev/null 2>&1; }
alive() { [ -n "${1:-}" ] && ps -p "$1" -o stat= 2>/dev/null | grep -qv '^Z'; }
services() { grep -v '^#' deploy/services.list | awk 'NF==3'; }

wait_ready() {
  local url="http://$FRONT_DOOR_ADDRESS/readyz"
  for _ in $(seq 1 120); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=3)" "$url" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  log "the gateway did not become ready at $url; logs are in $RUN_DIR"; return 1
}

up() {
  if docker_engine; then
    docker compose up -d --build --wait
    echo "WijkWijzer runs in Docker: the web client on http://127.0.0.1:8000/, the API on http://127.0.0.1:8000/api/v1"; return
  fi
  command -v uv >/dev/null || python3 -m pip install -q "uv==0.13.8"
  uv sync --frozen --all-packages -q
  bash deploy/infra.sh up
  bash deploy/mailpit.sh up
  # The identity provider (deploy/keycloak.sh): the gateway trusts its RS256 tokens beside the
  # development secret's HS256 ones. Without Java or the download, HS256 tokens only.
  local issuer="http://${KEYCLOAK_ADDRESS:-127.0.0.1:8180}/realms/wijkwijzer" keycloak=""
  if bash deploy/keycloak.sh up >&2; then
    export JWT_JWKS_URL=$issuer/protocol/openid-connect/certs JWT_ISSUER=$issuer JWT_AUDIENCE=wijkwijzer-api
    export WEB_OIDC_AUTHORITY=$issuer   # the web client signs in there (deploy/frontdoor.sh: /config.json)
    keycloak=$issuer
  else
    log "NO IDENTITY PROVIDER: Keycloak is not running (see above); the gateway takes development tokens only"
  fi
  # shellcheck disable=SC1091
  set -a; . "$STATE_DIR/infra.env"; set +a
  # the deploy step: every consumer queue exists before any service publishes (events.md), and
  # every service's indexes before it starts (its progress in migrate.log; shown when it fails)
  .venv/bin/wijkwijzer-migrate $(services | awk '{print $3}') >/dev/null 2>"$RUN_DIR/migrate.log" \
    || { cat "$RUN_DIR/migrate.log" >&2; exit 1; }
  # publications stored by an older version get this version's search terms and HTML
  MONGODB_DATABASE=publications .venv/bin/python -m publications.reindex
  local name dir target pid ops index=0
  while read -r name dir target; do
    ops=127.0.0.1:$((OPS_PORT_BASE + index)); index=$((index + 1))
    pid=$(cat "$RUN_DIR/$name.pid" 2>/dev/null || true)
    if alive "$pid"; then log "$name already runs (pid $pid)"; continue; fi
    # exec: the recorded pid is nameko itself; setsid: in a session (and process group) of
    # its own, so `down` stops it with everything it started, and it holds none of our pipes
    (cd "$dir" && OPS_ADDRESS=$ops exec setsid "$ROOT/.venv/bin/nameko" run --config config.yaml "$target" \
        < /dev/null >> "$RUN_DIR/$name.log" 2>&1) &
    echo $! > "$RUN_DIR/$name.pid"
    echo "$ops" > "$RUN_DIR/$name.ops"
    log "$name started (pid $(cat "$RUN_DIR/$name.pid"), log $RUN_DIR/$name.log, ops http://$ops/metrics)"
  done < <(services)
  # the web client, built when its sources changed; the front door serves it
  bash deploy/web.sh build
  bash deploy/frontdoor.sh up >&2
  wait_ready
  # nameko imports eventlet, whose deprecation notice says nothing to someone starting the platform
  PYTHONWARNINGS=ignore .venv/bin/python deploy/demo_data.py
  local opsports=""
  for name in $(services | awk '{print $1}'); do opsports+=" $name http://$(cat "$RUN_DIR/$name.ops" 2>/dev/null)"; done
  cat <<EOT
WijkWijzer runs: the web client on http://$FRONT_DOOR_ADDRESS/
The API on http://$FRONT_DOOR_ADDRESS/api/v1 (try: curl -s http://$FRONT_DOOR_ADDRESS/readyz)
Every mail the platform sends: http://127.0.0.1:8025 (Mailpit)
Each process's /healthz, /readyz and /metrics:$opsports
A development token: JWT_SECRET=$JWT_SECRET JWT_ISSUER=${JWT_ISSUER:-} JWT_AUDIENCE=${JWT_AUDIENCE:-} .venv/bin/python -m gateway.tokens --sub anna --roles member
Stop everything with: bash deploy/platform.sh down
EOT
  if [ -n "$keycloak" ]; then
    cat <<EOT
Sign-in (OpenID Connect, client wijkwijzer-web): Keycloak, issuer $keycloak
  admin console http://${KEYCLOAK_ADDRESS:-127.0.0.1:8180}/admin (${KC_BOOTSTRAP_ADMIN_USERNAME:-admin} / ${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin})
  demo logins (user, password, roles), from deploy/keycloak/wijkwijzer-realm.json:
EOT
    python3 - deploy/keycloak/wijkwijzer-realm.json <<'PY'
import json, sys
for user in json.load(open(sys.argv[1], encoding="utf-8"))["users"]:
    organisation = user.get("attributes", {}).get("organisation", [""])[0]
    print("    %-7s %s  %-28s %s %s" % (user["username"], user["credentials"][0]["value"],
          ", ".join(user["realmRoles"]) + (f" ({organisation})" if organisation else ""),
          user["firstName"], user["lastName"]))
PY
  fi
}

down() {
  if docker_engine; then docker compose down; return; fi
  bash deploy/frontdoor.sh down
  local name pid
  for name in $(services | awk '{print $1}'); do
    pid=$(cat "$RUN_DIR/$name.pid" 2>/dev/null || true)
    if alive "$pid"; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do alive "$pid" || break; sleep 0.25; done
      if alive "$pid"; then log "$name did not stop in 10s; killing it"; kill -KILL -- "-$pid" 2>/dev/null || true; fi
      log "$name stopped"
    fi
    rm -f "$RUN_DIR/$name.pid" "$RUN_DIR/$name.ops"
  done
  bash deploy/mailpit.sh down
  bash deploy/keycloak.sh down
  bash deploy/infra.sh down
}

status() {
  local name pid
  for name in $(services | awk '{print $1}'); do
    pid=$(cat "$RUN_DIR/$name.pid" 2>/dev/null || true)
    if alive "$pid"; then
      ops=$(cat "$RUN_DIR/$name.ops" 2>/dev/null || true)
      echo "$name: running (pid $pid, ops http://$ops: $(python3 -c "import urllib.request,sys
try: print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())
except Exception as e: print(getattr(e, 'read', lambda: str(e).encode())().decode())" "http://$ops/readyz"))"
    else echo "$name: stopped"; fi
  done
  bash deploy/frontdoor.sh status
  bash deploy/mailpit.sh status
  bash deploy/keycloak.sh status
  python3 -c "import urllib.request,sys
try: print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())
except Exception as e: print('readyz:', getattr(e, 'read', lambda: str(e).encode())().decode())" "http://$FRONT_DOOR_ADDRESS/readyz"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
