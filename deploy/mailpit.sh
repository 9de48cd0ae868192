#!/usr/bin/env bash
# A mail server for the local platform, as shared/spec/infra.md says: Mailpit v1.33.1 built from
# the Go module proxy (its web UI first built with the module's own npm lock file and esbuild),
# cached outside the repo like FerretDB. Every mail the platform sends is caught and shown at
# http://127.0.0.1:8025; nothing leaves the machine.
# Usage: deploy/mailpit.sh up|down|status   (idempotent)
# Environment:
#   MAILPIT_SMTP_ADDRESS   where Mailpit accepts mail (127.0.0.1:1025)
#   MAILPIT_UI_ADDRESS     its web UI and /api/v1 (127.0.0.1:8025)
#   WIJKWIJZER_STATE_DIR   pid file, log and mail database ($CACHE_DIR/state)
# If Mailpit cannot be built at all, `up` says so plainly and starts an aiosmtpd sink on the SMTP
# address instead (mail is then accepted and written to its log, and there is no web UI).
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MAILPIT_VERSION=v1.33.1
CACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/wijkwijzer       # outside the repo: survives clones
STATE_DIR=${WIJKWIJZER_STATE_DIR:-$CACHE_DIR/state}
SMTP_ADDRESS=${MAILPIT_SMTP_ADDRESS:-127.0.0.1:1025}
UI_ADDRESS=${MAILPIT_UI_ADDRESS:-127.0.0.1:8025}
MAILPIT_BIN=$CACHE_DIR/mailpit-$MAILPIT_VERSION
PIDFILE=$STATE_DIR/mailpit.pid
SINK_PIDFILE=$STATE_DIR/mail-sink.pid
export PATH=$PATH:/usr/local/go/bin
mkdir -p "$CACHE_DIR" "$STATE_DIR"

log() { echo "[mailpit] $*" >&2; }
alive() { [ -n "${1:-}" ] && ps -p "$1" -o stat= 2>/dev/null | grep -qv '^Z'; }
answers() {  # $1 = host:port; true when something accepts a TCP connection there
  python3 -c 'import socket,sys;h,p=sys.argv[1].rsplit(":",1);socket.create_connection((h,int(p)),1)' "$1" 2>/dev/null
}

# Returns non-zero when Mailpit cannot be built. Called as an `if` condition (bash ignores -e
# there), so every step checks its own failure. The UI is part of the binary (go:embed): the npm
# build runs first; if npm cannot build it the binary is still built, with SMTP and /api/v1
# working and the UI pages empty, and that is said.
build_mailpit() {
  [ -x "$MAILPIT_BIN" ] && return 0
  command -v go >/dev/null || { log "no Go toolchain: cannot build Mailpit"; return 1; }
  log "building Mailpit $MAILPIT_VERSION (once; cached at $MAILPIT_BIN)"
  local dir src
  dir=$(go mod download -json "github.com/axllent/mailpit@$MAILPIT_VERSION" \
        | python3 -c 'import json,sys;print(json.load(sys.stdin)["Dir"])' 2>/dev/null) && [ -d "$dir" ] \
    || { log "could not download the Mailpit $MAILPIT_VERSION module"; return 1; }
  src=$(mktemp -d)
  if ! { cp -r "$dir/." "$src/" && chmod -R u+w "$src"; }; then
    rm -rf "$src"; log "could not copy the Mailpit module"; return 1
  fi
  # npm ci first; the registry this machine reaches lacks two locked versions (sass-embedded
  # 1.108.1, rapidoc 12.1.0), so then the nearest served ones, pinned (esbuild builds with both).
  if command -v npm >/dev/null && (cd "$src" && { npm ci --no-audit --no-fund --loglevel=error \
        || npm install -E sass-embedded@1.105.0 rapidoc@9.3.8 --no-audit --no-fund --loglevel=error; } \
        && npm run package) >&2; then
    log "Mailpit's web UI built"
  else
    log "npm could not build Mailpit's web UI: SMTP and /api/v1 work, the pages at $UI_ADDRESS do not"
  fi
  if (cd "$src" && CGO_ENABLED=0 go build -trimpath -buildvcs=false \
        -ldflags "-X github.com/axllent/mailpit/config.Version=$MAILPIT_VERSION" -o "$MAILPIT_BIN.tmp" .) >&2 \
     && mv "$MAILPIT_BIN.tmp" "$MAILPIT_BIN"; then
    rm -rf "$src"; return 0
  fi
  rm -rf "$src" "$MAILPIT_BIN.tmp"; log "go build of Mailpit $MAILPIT_VERSION failed"; return 1
}

stop_pidfile() {  # $1 pid file, $2 text its command line must contain (a reused pid is left alone)
  local pid
  [ -f "$1" ] || return 0
  pid=$(cat "$1")
  if alive "$pid" && ps -p "$pid" -o args= | grep -qF -- "$2"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do alive "$pid" || break; sleep 0.25; done
    alive "$pid" && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

up() {
  if alive "$(cat "$PIDFILE" 2>/dev/null || true)" || alive "$(cat "$SINK_PIDFILE" 2>/dev/null || true)"; then
    log "already runs"; status; return
  fi
  if answers "$SMTP_ADDRESS"; then
    log "something else already accepts mail on $SMTP_ADDRESS: using it, starting nothing"; return
  fi
  if build_mailpit; then
    nohup "$MAILPIT_BIN" --smtp "$SMTP_ADDRESS" --listen "$UI_ADDRESS" \
      --database "$STATE_DIR/mailpit.db" --smtp-auth-accept-any --smtp-auth-allow-insecure \
      < /dev/null > "$STATE_DIR/mailpit.log" 2>&1 &
    echo $! > "$PIDFILE"
    for _ in $(seq 1 40); do answers "$SMTP_ADDRESS" && answers "$UI_ADDRESS" && break; sleep 0.25; done
    answers "$SMTP_ADDRESS" || { log "Mailpit did not start; its log:"; tail -n 20 "$STATE_DIR/mailpit.log" >&2; return 1; }
    echo "Mailpit $MAILPIT_VERSION: SMTP $SMTP_ADDRESS, mail shown at http://$UI_ADDRESS"
  else
    log "MAILPIT COULD NOT BE BUILT: starting an aiosmtpd sink on $SMTP_ADDRESS instead (no web UI;"
    log "every mail is written to $STATE_DIR/mail-sink.log)"
    local host=${SMTP_ADDRESS%:*} port=${SMTP_ADDRESS##*:}
    nohup "$ROOT/.venv/bin/python" -m aiosmtpd -n -c aiosmtpd.handlers.Debugging -l "$host:$port" \
      < /dev/null > "$STATE_DIR/mail-sink.log" 2>&1 &
    echo $! > "$SINK_PIDFILE"
    for _ in $(seq 1 40); do answers "$SMTP_ADDRESS" && break; sleep 0.25; done
    echo "aiosmtpd sink (not Mailpit): SMTP $SMTP_ADDRESS, mail in $STATE_DIR/mail-sink.log"
  fi
}

status() {
  if alive "$(cat "$PIDFILE" 2>/dev/null || true)"; then
    echo "mailpit: running (pid $(cat "$PIDFILE")), SMTP $SMTP_ADDRESS, UI http://$UI_ADDRESS"
  elif alive "$(cat "$SINK_PIDFILE" 2>/dev/null || true)"; then
    echo "mail sink (aiosmtpd): running (pid $(cat "$SINK_PIDFILE")), SMTP $SMTP_ADDRESS"
  else
    echo "mailpit: stopped"
  fi
}

case "${1:-}" in
  up) up ;;
  down) stop_pidfile "$PIDFILE" mailpit; stop_pidfile "$SINK_PIDFILE" aiosmtpd; echo "mailpit stopped" ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
