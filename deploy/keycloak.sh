#!/usr/bin/env bash
# The local platform's OpenID Connect provider, as shared/spec/infra.md says: Keycloak 26.5.6
# (org.keycloak:keycloak-quarkus-dist from Maven Central, about 165 MB, fetched once and cached
# outside the repo like FerretDB) running `kc.sh start-dev` on Debian's Java 17, with the realm
# deploy/keycloak/wijkwijzer-realm.json (client wijkwijzer-web, the platform's roles, demo users)
# imported at start. Development mode: plain http, an H2 database in the state dir.
# Usage: deploy/keycloak.sh up|down|status   (idempotent; `up` prints the issuer)
# Environment:
#   KEYCLOAK_ADDRESS             where it listens (127.0.0.1:8180); the issuer is
#                                http://$KEYCLOAK_ADDRESS/realms/wijkwijzer
#   KC_BOOTSTRAP_ADMIN_USERNAME  the admin console's user (admin), made when the database is new
#   KC_BOOTSTRAP_ADMIN_PASSWORD  its password (admin): local use only
#   WIJKWIJZER_STATE_DIR         pid file, log and database ($CACHE_DIR/state/keycloak)
#   KEYCLOAK_START_TIMEOUT       seconds `up` waits for the realm to answer (180)
#   KEYCLOAK_DIST_URL            where the archive comes from (Maven Central; a mirror of it)
# Exits 3 when Java 17+ or the download is not available (deploy/platform.sh then goes on without
# it); 1 when Keycloak was there but did not start.
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KC_VERSION=26.5.6
CACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/wijkwijzer       # outside the repo: survives clones
STATE_DIR=${WIJKWIJZER_STATE_DIR:-$CACHE_DIR/state}
ADDRESS=${KEYCLOAK_ADDRESS:-127.0.0.1:8180}
KC_HOME=$CACHE_DIR/keycloak-$KC_VERSION
DIST_URL=${KEYCLOAK_DIST_URL:-https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist/$KC_VERSION/keycloak-quarkus-dist-$KC_VERSION.tar.gz}
REALM_FILE=$ROOT/deploy/keycloak/wijkwijzer-realm.json
DATA=$STATE_DIR/keycloak                                   # H2 database, realm hash, log, pid file
PIDFILE=$DATA/keycloak.pid
ISSUER=http://$ADDRESS/realms/wijkwijzer
export KC_BOOTSTRAP_ADMIN_USERNAME=${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}
export KC_BOOTSTRAP_ADMIN_PASSWORD=${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}
mkdir -p "$CACHE_DIR" "$DATA"

log() { echo "[keycloak] $*" >&2; }
alive() { [ -n "${1:-}" ] && ps -p "$1" -o stat= 2>/dev/null | grep -qv '^Z'; }
discovery() {  # true when the realm's OpenID Connect discovery document answers
  python3 -c 'import sys,urllib.request;urllib.request.urlopen(sys.argv[1],timeout=2)' \
    "$ISSUER/.well-known/openid-configuration" 2>/dev/null
}
answers() {  # true when something accepts a TCP connection on $ADDRESS
  python3 -c 'import socket,sys;h,p=sys.argv[1].rsplit(":",1);socket.create_connection((h,int(p)),1)' "$ADDRESS" 2>/dev/null
}
realm_hash() { sha256sum "$REALM_FILE" | cut -c1-16; }

java_ok() {  # Keycloak 26 needs Java 17 or later
  command -v java >/dev/null || { log "no Java on the PATH (apt-get install -y openjdk-17-jre-headless)"; return 1; }
  local major
  major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  [ "${major:-0}" -ge 17 ] || { log "Java $major is too old: Keycloak $KC_VERSION needs 17 or later"; return 1; }
}

# Returns non-zero when the distribution cannot be had. Called as an `if` condition (bash ignores
# -e there), so every step checks its own failure. The archive is checked against Maven Central's
# SHA-1 and unpacked beside the cache dir first, so a broken download never looks like a cached one.
fetch() {
  [ -x "$KC_HOME/bin/kc.sh" ] && return 0
  command -v curl >/dev/null || { log "no curl: cannot download Keycloak"; return 1; }
  log "downloading Keycloak $KC_VERSION (once, ~165 MB; cached at $KC_HOME)"
  local archive=$CACHE_DIR/keycloak-$KC_VERSION.tar.gz.part unpack expected
  curl -fsSL --retry 3 -o "$archive" "$DIST_URL" || { rm -f "$archive"; log "could not download $DIST_URL"; return 1; }
  expected=$(curl -fsSL --retry 3 "$DIST_URL.sha1" | cut -c1-40) || expected=""
  if [ -z "$expected" ] || [ "$(sha1sum "$archive" | cut -c1-40)" != "$expected" ]; then
    rm -f "$archive"; log "the download does not match Maven Central's SHA-1 ($DIST_URL.sha1)"; return 1
  fi
  unpack=$(mktemp -d "$CACHE_DIR/keycloak-unpack.XXXXXX")
  if tar -xzf "$archive" -C "$unpack" && mv "$unpack/keycloak-$KC_VERSION" "$KC_HOME"; then
    rm -rf "$unpack" "$archive"; return 0
  fi
  rm -rf "$unpack" "$archive"; log "could not unpack the Keycloak archive"; return 1
}

stop() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null || true)
  # only our kc.sh (a reused pid is left alone); it runs in a process group of its own with its java
  if alive "$pid" && ps -p "$pid" -o args= | grep -qF -- "$KC_HOME"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do alive "$pid" || break; sleep 0.25; done
    if alive "$pid"; then log "did not stop in 15 s; killing it"; kill -KILL -- "-$pid" 2>/dev/null || true; fi
  fi
  rm -f "$PIDFILE"
}

up() {
  local pid hash
  pid=$(cat "$PIDFILE" 2>/dev/null || true)
  hash=$(realm_hash)
  if alive "$pid"; then
    if [ "$(cat "$DATA/realm.sha256" 2>/dev/null)" = "$hash" ] && discovery; then
      log "already runs (pid $pid)"; echo "Keycloak $KC_VERSION: issuer $ISSUER"; return
    fi
    log "the realm file changed (or the running Keycloak does not answer): restarting it"; stop
  elif discovery; then
    log "something else already serves $ISSUER: using it, starting nothing"; echo "Keycloak: issuer $ISSUER"; return
  elif answers; then
    log "port ${ADDRESS##*:} is taken by something that is not this realm's Keycloak (KEYCLOAK_ADDRESS to move)"; return 1
  fi
  java_ok || return 3
  fetch || return 3
  # --import-realm skips a realm that already exists in the database, so a changed realm file would
  # be ignored: the realm file is the truth, and the database is made afresh whenever its hash
  # changed (changes made in the admin console survive restarts until then).
  if [ "$(cat "$DATA/realm.sha256" 2>/dev/null)" != "$hash" ]; then
    [ -d "$DATA/h2" ] && log "the realm file changed: starting from a fresh database"
    rm -rf "$DATA/h2"
  fi
  # --import-realm reads the distribution's data/import only; this clone's realm file goes there
  mkdir -p "$KC_HOME/data/import"
  rm -f "$KC_HOME/data/import/"*.json
  cp "$REALM_FILE" "$KC_HOME/data/import/"
  # setsid: a process group of its own (kc.sh runs java as its child), so `down` stops both
  (exec setsid "$KC_HOME/bin/kc.sh" start-dev --import-realm \
      --http-host "${ADDRESS%:*}" --http-port "${ADDRESS##*:}" --hostname "http://$ADDRESS" \
      --db dev-file --db-url "jdbc:h2:file:$DATA/h2/keycloakdb;NON_KEYWORDS=VALUE" \
      < /dev/null >> "$DATA/keycloak.log" 2>&1) &
  echo $! > "$PIDFILE"
  echo "$hash" > "$DATA/realm.sha256"
  pid=$(cat "$PIDFILE")
  # about 10 s warm, 15-35 s with a fresh database, up to a minute on a busy machine's first start
  local deadline=$((SECONDS + ${KEYCLOAK_START_TIMEOUT:-180}))
  while [ "$SECONDS" -lt "$deadline" ] && alive "$pid" && ! discovery; do sleep 0.25; done
  if ! discovery; then
    log "Keycloak did not start; the end of its log ($DATA/keycloak.log):"; tail -n 25 "$DATA/keycloak.log" >&2
    stop; rm -f "$DATA/realm.sha256"; return 1
  fi
  echo "Keycloak $KC_VERSION: issuer $ISSUER (admin console http://$ADDRESS/admin, $KC_BOOTSTRAP_ADMIN_USERNAME)"
}

status() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null || true)
  if alive "$pid"; then
    echo "keycloak: running (pid $pid), issuer $ISSUER$(discovery || echo ' (not answering)')"
  else
    echo "keycloak: stopped"
  fi
}

case "${1:-}" in
  up) up ;;
  down) stop; echo "keycloak stopped" ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
