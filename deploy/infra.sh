#!/usr/bin/env bash
# Ensures a RabbitMQ broker and a MongoDB-wire server exist and answer, in the
# order of shared/spec/infra.md: env URIs, a Docker engine, mongod on the PATH,
# else Debian's rabbitmq-server and FerretDB v1.24.2 built from the Go module proxy.
# Usage: deploy/infra.sh up|down|status   (idempotent; prints where each server listens)
# Writes the resolved URIs to $STATE_DIR/infra.env for other commands to source.
set -euo pipefail

FERRETDB_VERSION=v1.24.2
CACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/wijkwijzer       # outside the repo: survives clones
STATE_DIR=${WIJKWIJZER_STATE_DIR:-$CACHE_DIR/state}
MONGO_PORT=${WIJKWIJZER_MONGO_PORT:-27017}
FERRETDB_BIN=$CACHE_DIR/ferretdb-$FERRETDB_VERSION
mkdir -p "$CACHE_DIR" "$STATE_DIR"

log() { echo "[infra] $*" >&2; }

docker_engine() { command -v docker >/dev/null && docker info >/dev/null 2>&1; }

mongo_ping() {  # $1 = uri; a real MongoDB-wire round trip, no python deps needed beyond pymongo when present
  python3 - "$1" <<'PY' 2>/dev/null
import socket, struct, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1]); host, port = u.hostname or "127.0.0.1", u.port or 27017
# OP_MSG {ping: 1, $db: "admin"}: answers only when the server speaks the wire protocol
def bson_doc(items):
    body = b""
    for k, v in items:
        if isinstance(v, int): body += b"\x10" + k.encode() + b"\0" + struct.pack("<i", v)
        else: s = v.encode() + b"\0"; body += b"\x02" + k.encode() + b"\0" + struct.pack("<i", len(s)) + s
    return struct.pack("<i", len(body) + 5) + body + b"\0"
doc = bson_doc([("ping", 1), ("$db", "admin")])
msg = struct.pack("<I", 0) + b"\0" + doc
header = struct.pack("<iiii", 16 + len(msg), 1, 0, 2013)
s = socket.create_connection((host, port), timeout=2); s.sendall(header + msg)
data = s.recv(4096); sys.exit(0 if len(data) > 16 and b"ok" in data else 1)
PY
}

build_ferretdb() {
  [ -x "$FERRETDB_BIN" ] && return 0
  command -v go >/dev/null || { log "no Go toolchain: cannot build FerretDB"; return 1; }
  log "building FerretDB $FERRETDB_VERSION (once; cached at $FERRETDB_BIN)"
  local dir src
  dir=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | python3 -c 'import json,sys;print(json.load(sys.stdin)["Dir"])')
  src=$(mktemp -d)
  cp -r "$dir/." "$src/" && chmod -R u+w "$src"
  # The module zip lacks build/version/version.txt; without it the binary panics at start.
  echo "$FERRETDB_VERSION" > "$src/build/version/version.txt"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb)
  mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"; rm -rf "$src"
}

mongo_up() {
  if [ -n "${MONGODB_URI:-}" ]; then echo "$MONGODB_URI"; return; fi
  local uri="mongodb://127.0.0.1:$MONGO_PORT/"
  if mongo_ping "$uri"; then echo "$uri"; return; fi
  if docker_engine; then
    docker run -d --rm --name wijkwijzer-mongo -p "127.0.0.1:$MONGO_PORT:27017" mongo:7 >/dev/null
  elif command -v mongod >/dev/null; then
    mkdir -p "$STATE_DIR/mongod"
    mongod --bind_ip 127.0.0.1 --port "$MONGO_PORT" --dbpath "$STATE_DIR/mongod" --fork --logpath "$STATE_DIR/mongod.log" >/dev/null
  else
    build_ferretdb
    mkdir -p "$STATE_DIR/ferretdb-data"
    nohup "$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$STATE_DIR/ferretdb-data/" \
      --listen-addr="127.0.0.1:$MONGO_PORT" --state-dir="$STATE_DIR/ferretdb-data" \
      --debug-addr=- --telemetry=disable > "$STATE_DIR/ferretdb.log" 2>&1 &
    echo $! > "$STATE_DIR/ferretdb.pid"
  fi
  for _ in $(seq 1 60); do mongo_ping "$uri" && { echo "$uri"; return; }; sleep 0.5; done
  log "MongoDB-wire server did not answer on $uri"; return 1
}

rabbit_up() {
  if [ -n "${AMQP_URI:-}" ]; then echo "$AMQP_URI"; return; fi
  local uri="amqp://guest:guest@127.0.0.1:5672/"
  if docker_engine; then
    docker run -d --rm --name wijkwijzer-rabbitmq -p 127.0.0.1:5672:5672 -p 127.0.0.1:15672:15672 rabbitmq:3.13-management >/dev/null
  else
    if ! command -v rabbitmq-server >/dev/null; then
      log "installing Debian's rabbitmq-server"
      apt-get update -qq && apt-get install -y -qq rabbitmq-server >/dev/null
    fi
    if ! rabbitmqctl -q status >/dev/null 2>&1; then
      rabbitmq-server -detached
      rabbitmqctl wait --timeout 60 "/var/lib/rabbitmq/mnesia/rabbit@$(hostname -s).pid" >/dev/null
    fi
    rabbitmq-plugins -q enable rabbitmq_management >/dev/null
  fi
  for _ in $(seq 1 120); do
    python3 -c 'import socket;socket.create_connection(("127.0.0.1",5672),1)' 2>/dev/null && { echo "$uri"; return; }
    sleep 0.5
  done
  log "RabbitMQ did not answer on 5672"; return 1
}

case "${1:-up}" in
  up)
    start=$(date +%s)
    amqp=$(rabbit_up); mongo=$(mongo_up)
    printf 'AMQP_URI=%s\nMONGODB_URI=%s\n' "$amqp" "$mongo" > "$STATE_DIR/infra.env"
    echo "RabbitMQ: $amqp (management http://127.0.0.1:15672)"
    echo "MongoDB:  $mongo"
    echo "ready in $(( $(date +%s) - start ))s; URIs in $STATE_DIR/infra.env"
    ;;
  down)
    if [ -f "$STATE_DIR/ferretdb.pid" ]; then kill "$(cat "$STATE_DIR/ferretdb.pid")" 2>/dev/null || true; rm -f "$STATE_DIR/ferretdb.pid"; fi
    if docker_engine; then docker rm -f wijkwijzer-mongo wijkwijzer-rabbitmq >/dev/null 2>&1 || true
    elif command -v rabbitmqctl >/dev/null; then rabbitmqctl -q stop >/dev/null 2>&1 || true; fi
    rm -f "$STATE_DIR/infra.env"; echo "infra stopped"
    ;;
  status)
    cat "$STATE_DIR/infra.env" 2>/dev/null || echo "not running"
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
