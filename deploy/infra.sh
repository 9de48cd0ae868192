#!/usr/bin/env bash
# Ensures a RabbitMQ broker and a MongoDB-wire server exist and answer, in the
# order of shared/spec/infra.md: env URIs, a Docker engine, mongod on the PATH,
# else Debian's rabbitmq-server and FerretDB v1.24.2 built from the Go module proxy,
# and if that build fails, mongo-java-server (H2 backend) fetched from Maven Central.
# Usage: deploy/infra.sh up|down|status   (idempotent; prints where each server listens)
# Writes the resolved URIs to $STATE_DIR/infra.env for other commands to source.
# Environment:
#   AMQP_URI / MONGODB_URI    use that server; `down` then leaves it alone (someone else owns it)
#   WIJKWIJZER_MONGO_PORT     port for a MongoDB-wire server started here (27017)
#   WIJKWIJZER_STATE_DIR      data, logs, pid files and infra.env ($CACHE_DIR/state)
#   WIJKWIJZER_MONGO_SERVER   "mongo-java-server" skips Docker/mongod/FerretDB and starts the fallback
set -euo pipefail
# Functions run inside $(...) below; without this bash drops -e there and a failed step goes unnoticed.
shopt -s inherit_errexit

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FERRETDB_VERSION=v1.24.2
MJS_VERSION=1.47.0                                          # de.bwaldvogel:mongo-java-server(-h2-backend)
CACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/wijkwijzer       # outside the repo: survives clones
STATE_DIR=${WIJKWIJZER_STATE_DIR:-$CACHE_DIR/state}
MONGO_PORT=${WIJKWIJZER_MONGO_PORT:-27017}
MONGO_SERVER=${WIJKWIJZER_MONGO_SERVER:-auto}
# Our fixes to FerretDB v1.24 (deploy/ferretdb/*.patch, each says what and why; docs/operations.md).
# The binary is named by the version and a hash of the patches, so a changed patch builds anew
# and a binary built without it is never reused.
FERRETDB_PATCHES=$SCRIPT_DIR/ferretdb
FERRETDB_BIN=$CACHE_DIR/ferretdb-$FERRETDB_VERSION+$(cat "$FERRETDB_PATCHES"/*.patch | sha256sum | cut -c1-12)
# SQLite in WAL mode syncs the log to disk at checkpoints, not at every commit: a write survives a
# crash of the server, not a power cut of the machine, as MongoDB's default write concern (w: 1,
# no journal wait). Every commit synced made each write wait for the disk (955 against 1,609
# small writes/s here), and this server is for local runs and tests only.
FERRETDB_SQLITE_URL="file:$STATE_DIR/ferretdb-data/?_pragma=synchronous(normal)"
MJS_LACKS="mongo-java-server lacks one thing: find_one_and_update may return a document that a concurrent write changed since (docs/database.md)"
MJS_SRC=$SCRIPT_DIR/mongo-java-server                      # Launcher.java + pom.xml (dependency list)
MJS_DIR=$CACHE_DIR/mongo-java-server-$MJS_VERSION          # lib/ (jars) and launcher-<hash>/ (classes)
mkdir -p "$CACHE_DIR" "$STATE_DIR"

log() { echo "[infra] $*" >&2; }

case "$MONGO_SERVER" in
  auto|mongo-java-server) ;;
  *) log "WIJKWIJZER_MONGO_SERVER must be 'auto' or 'mongo-java-server', not '$MONGO_SERVER'"; exit 2 ;;
esac

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

apply_patches() {  # $1 = a writable copy of the module; each patch must apply exactly
  local patch
  for patch in "$FERRETDB_PATCHES"/*.patch; do
    patch --quiet --forward --batch -p1 -d "$1" < "$patch" >&2 || { log "FerretDB patch $patch does not apply"; return 1; }
  done
}

# Returns non-zero when FerretDB cannot be built. It is called as an `if` condition, where bash
# ignores -e, so every step checks its own failure (else a failed `go build` would look like success).
build_ferretdb() {
  [ -x "$FERRETDB_BIN" ] && return 0
  command -v go >/dev/null || { log "no Go toolchain: cannot build FerretDB"; return 1; }
  log "building FerretDB $FERRETDB_VERSION (once; cached at $FERRETDB_BIN)"
  local dir src
  dir=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" \
        | python3 -c 'import json,sys;print(json.load(sys.stdin)["Dir"])' 2>/dev/null) && [ -d "$dir" ] \
    || { log "could not download the FerretDB $FERRETDB_VERSION module"; return 1; }
  src=$(mktemp -d)
  # The module zip lacks build/version/version.txt; without it the binary panics at start.
  if cp -r "$dir/." "$src/" && chmod -R u+w "$src" \
     && echo "$FERRETDB_VERSION" > "$src/build/version/version.txt" \
     && apply_patches "$src" \
     && (cd "$src" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb) >&2 \
     && mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"; then
    rm -rf "$src"; return 0
  fi
  rm -rf "$src" "$FERRETDB_BIN.tmp"; log "go build of FerretDB $FERRETDB_VERSION failed"; return 1
}

# Step 5 of infra.md: jars fetched once per version, launcher compiled once per source hash, both
# into $MJS_DIR (outside the repo), so a second run downloads and compiles nothing.
# Sets MJS_CLASSPATH. Each piece is built in a temp dir and moved into place whole, so an
# interrupted run or two runs at once never leave a half-filled cache behind.
mjs_prepare() {
  local tool tmp hash
  for tool in java javac mvn; do
    command -v "$tool" >/dev/null || { log "no '$tool' on the PATH: cannot run mongo-java-server"; return 1; }
  done
  mkdir -p "$MJS_DIR"
  if [ ! -d "$MJS_DIR/lib" ]; then
    log "fetching mongo-java-server $MJS_VERSION and its jars with Maven (once; cached at $MJS_DIR/lib)"
    tmp=$(mktemp -d "$MJS_DIR/.lib.XXXXXX")
    # stdout is this script's answer (the URI), so Maven's output goes to stderr; Debian's
    # Maven 3.8 prints bare colour resets even with -q -B, hence the sed (pipefail keeps mvn's status)
    if ! mvn -q -B -f "$MJS_SRC/pom.xml" -Dmongo-java-server.version="$MJS_VERSION" \
         dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1 \
         | sed 's/\x1b\[0m//g' >&2; then
      rm -rf "$tmp"; log "Maven could not fetch mongo-java-server $MJS_VERSION"; return 1
    fi
    chmod 755 "$tmp"   # mktemp made it private; the cache is not secret
    mv -T "$tmp" "$MJS_DIR/lib" 2>/dev/null || rm -rf "$tmp"   # lost a race: the other copy is as good
  fi
  hash=$(sha256sum "$MJS_SRC/Launcher.java" | cut -c1-12)
  if [ ! -f "$MJS_DIR/launcher-$hash/Launcher.class" ]; then
    tmp=$(mktemp -d "$MJS_DIR/.launcher.XXXXXX")
    if ! javac --release 17 -d "$tmp" -cp "$MJS_DIR/lib/*" "$MJS_SRC/Launcher.java" >&2; then
      rm -rf "$tmp"; log "javac failed on $MJS_SRC/Launcher.java"; return 1
    fi
    chmod 755 "$tmp"
    mv -T "$tmp" "$MJS_DIR/launcher-$hash" 2>/dev/null || rm -rf "$tmp"
  fi
  MJS_CLASSPATH="$MJS_DIR/launcher-$hash:$MJS_DIR/lib/*"
}

mjs_start() {
  mjs_prepare || return 1
  # Data in one H2 MVStore file under $STATE_DIR. stdin/stdout/stderr are detached from the caller:
  # a server holding the caller's pipe would keep `$(infra.sh up)` or subprocess.run waiting.
  nohup java -Xmx512m -cp "$MJS_CLASSPATH" Launcher 127.0.0.1 "$MONGO_PORT" "$STATE_DIR/mongo-java-server.mv.db" \
    < /dev/null > "$STATE_DIR/mongo-java-server.log" 2>&1 &
  echo $! > "$STATE_DIR/mongo-java-server.pid"
  log "mongo-java-server $MJS_VERSION (H2 backend): data $STATE_DIR/mongo-java-server.mv.db, log $STATE_DIR/mongo-java-server.log"
}

alive() { ps -p "$1" -o stat= 2>/dev/null | grep -qv '^Z'; }   # a zombie counts as stopped

# Stops the process in pid file $1, but only if its command line contains $2: after a reboot
# the pid may belong to something else. Waits for it to exit so its port is free afterwards.
stop_pidfile() {
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if alive "$pid" && ps -p "$pid" -o args= | grep -F -- "$2" >/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do alive "$pid" || break; sleep 0.25; done
    if alive "$pid"; then log "pid $pid ($2) ignored SIGTERM for 10s; killing it"; kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$pidfile"
}

mongo_up() {
  if [ -n "${MONGODB_URI:-}" ]; then echo "$MONGODB_URI"; return; fi
  local uri="mongodb://127.0.0.1:$MONGO_PORT/" pidfile="" running
  running=$(cat "$STATE_DIR/ferretdb.pid" 2>/dev/null || true)
  if [ -n "$running" ] && alive "$running" \
     && ! ps -p "$running" -o args= | grep -qF -- "$FERRETDB_BIN --handler=sqlite --sqlite-url=$FERRETDB_SQLITE_URL "; then
    log "the FerretDB started here was built without the current patches or runs with other settings: restarting it"
    stop_pidfile "$STATE_DIR/ferretdb.pid" ferretdb
  fi
  if mongo_ping "$uri"; then
    # forced but what answers is not our mongo-java-server (e.g. FerretDB on 27017): say which wins
    if [ "$MONGO_SERVER" = mongo-java-server ] && ! alive "$(cat "$STATE_DIR/mongo-java-server.pid" 2>/dev/null)"; then
      log "another server already answers on $uri: using it, starting no mongo-java-server (pick another WIJKWIJZER_MONGO_PORT)"
    fi
    echo "$uri"; return
  fi
  if [ "$MONGO_SERVER" = mongo-java-server ]; then
    log "using mongo-java-server (H2 backend), forced by WIJKWIJZER_MONGO_SERVER"
    log "$MJS_LACKS"
    mjs_start; pidfile=$STATE_DIR/mongo-java-server.pid
  elif docker_engine; then
    docker run -d --rm --name wijkwijzer-mongo -p "127.0.0.1:$MONGO_PORT:27017" mongo:7 >/dev/null
  elif command -v mongod >/dev/null; then
    mkdir -p "$STATE_DIR/mongod"
    mongod --bind_ip 127.0.0.1 --port "$MONGO_PORT" --dbpath "$STATE_DIR/mongod" --fork --logpath "$STATE_DIR/mongod.log" >/dev/null
  elif build_ferretdb; then
    mkdir -p "$STATE_DIR/ferretdb-data"
    nohup "$FERRETDB_BIN" --handler=sqlite --sqlite-url="$FERRETDB_SQLITE_URL" \
      --listen-addr="127.0.0.1:$MONGO_PORT" --state-dir="$STATE_DIR/ferretdb-data" \
      --debug-addr=- --telemetry=disable < /dev/null > "$STATE_DIR/ferretdb.log" 2>&1 &
    echo $! > "$STATE_DIR/ferretdb.pid"; pidfile=$STATE_DIR/ferretdb.pid
  else
    log "FerretDB build failed; falling back to mongo-java-server (H2 backend)"
    log "$MJS_LACKS"
    mjs_start; pidfile=$STATE_DIR/mongo-java-server.pid
  fi
  for _ in $(seq 1 60); do
    mongo_ping "$uri" && { echo "$uri"; return; }
    # a server that died (port taken, bad jar) will never answer: say so now, not in 30 s
    if [ -n "$pidfile" ] && ! alive "$(cat "$pidfile")"; then
      log "the MongoDB-wire server started here exited; last lines of its log:"
      tail -n 20 "${pidfile%.pid}.log" >&2 || true
      rm -f "$pidfile"; return 1
    fi
    sleep 0.5
  done
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
    # A URI given in the environment names a server that someone else runs (other tests, CI,
    # a shared broker): `down` stops only what `up` would have started itself.
    if [ -n "${MONGODB_URI:-}" ]; then
      log "MONGODB_URI is set: leaving that MongoDB server alone"
    else
      stop_pidfile "$STATE_DIR/ferretdb.pid" ferretdb
      stop_pidfile "$STATE_DIR/mongo-java-server.pid" mongo-java-server
      if docker_engine; then docker rm -f wijkwijzer-mongo >/dev/null 2>&1 || true; fi
    fi
    if [ -n "${AMQP_URI:-}" ]; then
      log "AMQP_URI is set: leaving that RabbitMQ alone"
    elif docker_engine; then docker rm -f wijkwijzer-rabbitmq >/dev/null 2>&1 || true
    elif command -v rabbitmqctl >/dev/null; then
      # with the pid file, stop waits until the Erlang VM has exited; epmd (Erlang's port
      # mapper, started with the node) would otherwise outlive it
      rabbitmqctl -q stop "/var/lib/rabbitmq/mnesia/rabbit@$(hostname -s).pid" >/dev/null 2>&1 || true
      if command -v epmd >/dev/null; then epmd -kill >/dev/null 2>&1 || true; fi
    fi
    rm -f "$STATE_DIR/infra.env"; echo "infra stopped"
    ;;
  status)
    cat "$STATE_DIR/infra.env" 2>/dev/null || echo "not running"
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
