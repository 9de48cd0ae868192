#!/usr/bin/env bash
# The front door: nginx in front of the gateway, caching anonymous public reads
# (deploy/nginx/wijkwijzer.conf.template says what and why).
# Usage: deploy/frontdoor.sh up|down|status   (idempotent)
# Environment:
#   FRONT_DOOR_ADDRESS   where readers connect (127.0.0.1:8000)
#   GATEWAY_UPSTREAM     where the gateway listens (127.0.0.1:8001)
#   WIJKWIJZER_STATE_DIR configuration, cache, pid and logs under <it>/nginx ($HOME/.cache/wijkwijzer/state)
#   WEB_DIST             the built web client it serves (web/dist: deploy/web.sh build)
#   WEB_OIDC_AUTHORITY   the identity provider the client signs in with, e.g.
#                        http://127.0.0.1:8180/realms/wijkwijzer (none: the client is anonymous only)
#   WEB_OIDC_CLIENT_ID   the client's id there (wijkwijzer-web)
set -euo pipefail
shopt -s inherit_errexit

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE_DIR=${WIJKWIJZER_STATE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wijkwijzer/state}
DIR=$STATE_DIR/nginx
LISTEN=${FRONT_DOOR_ADDRESS:-127.0.0.1:8000}
UPSTREAM=${GATEWAY_UPSTREAM:-127.0.0.1:8001}
# the web client: its files, and the /config.json it reads at start (no identity provider: anonymous only)
WEB_DIST=${WEB_DIST:-$(cd "$SCRIPT_DIR/../web" && pwd)/dist}
WEB_OIDC_AUTHORITY=${WEB_OIDC_AUTHORITY:-}
WEB_OIDC_CLIENT_ID=${WEB_OIDC_CLIENT_ID:-wijkwijzer-web}
if [ -n "$WEB_OIDC_AUTHORITY" ]; then
  WEB_CONFIG="{\"api\": \"/api/v1\", \"oidc\": {\"authority\": \"$WEB_OIDC_AUTHORITY\", \"client_id\": \"$WEB_OIDC_CLIENT_ID\"}}"
  IDP_ORIGIN=$(echo "$WEB_OIDC_AUTHORITY" | sed -E 's|^(https?://[^/]+).*|\1|')
else
  WEB_CONFIG='{"api": "/api/v1", "oidc": null}'
  IDP_ORIGIN=
fi

log() { echo "[frontdoor] $*" >&2; }
running() { [ -f "$DIR/nginx.pid" ] && kill -0 "$(cat "$DIR/nginx.pid")" 2>/dev/null; }
nginx_() { nginx -p "$DIR" -c "$DIR/nginx.conf" "$@"; }

up() {
  if ! command -v nginx >/dev/null; then
    log "installing Debian's nginx"
    apt-get update -qq && apt-get install -y -qq nginx >/dev/null
  fi
  # a new gateway may answer with other headers for the same body: a revalidation (304) would keep
  # the old ones, so what the front door kept before goes
  rm -rf "$DIR/cache"
  mkdir -p "$DIR/cache" "$DIR/tmp"
  sed -e "s|\${WIJKWIJZER_LISTEN}|$LISTEN|g" -e "s|\${WIJKWIJZER_GATEWAY}|$UPSTREAM|g" \
      -e "s|\${WIJKWIJZER_NGINX_CACHE}|$DIR/cache|g" -e "s|\${WIJKWIJZER_WEB_ROOT}|$WEB_DIST|g" \
      -e "s|\${WIJKWIJZER_WEB_CONFIG}|$WEB_CONFIG|g" -e "s|\${WIJKWIJZER_IDP_ORIGIN}|$IDP_ORIGIN|g" \
      "$SCRIPT_DIR/nginx/wijkwijzer.conf.template" > "$DIR/wijkwijzer.conf"
  # workers run as whoever runs this (the state dir is theirs), not as nginx's default user
  cat > "$DIR/nginx.conf" <<CONF
user $(id -un);
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $DIR/tmp/body;
    proxy_temp_path $DIR/tmp/proxy;
    fastcgi_temp_path $DIR/tmp/fastcgi;
    uwsgi_temp_path $DIR/tmp/uwsgi;
    scgi_temp_path $DIR/tmp/scgi;
    include $DIR/wijkwijzer.conf;
}
CONF
  nginx_ -t -q 2>&1 | grep -v "the \"user\" directive makes sense only" >&2 || true
  if running; then nginx_ -s reload; else nginx_; fi
  for _ in $(seq 1 40); do
    python3 -c 'import socket,sys;h,p=sys.argv[1].rsplit(":",1);socket.create_connection((h,int(p)),1)' "$LISTEN" 2>/dev/null \
      && { echo "front door: http://$LISTEN -> gateway $UPSTREAM"; return; }
    sleep 0.25
  done
  log "nginx did not listen on $LISTEN; see $DIR/error.log"; return 1
}

down() {
  if running; then
    local pid; pid=$(cat "$DIR/nginx.pid")
    nginx_ -s quit 2>/dev/null || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    log "front door stopped"
  fi
  rm -f "$DIR/nginx.pid"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) if running; then echo "front door: running (pid $(cat "$DIR/nginx.pid")) on $LISTEN"; else echo "front door: stopped"; fi ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
