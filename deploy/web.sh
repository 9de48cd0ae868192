#!/usr/bin/env bash
# The web client (web/): `npm ci && npm run build` into web/dist, only when its sources changed since
# the last build (a hash of them is kept in web/dist/.source-hash). The front door serves web/dist.
# Usage: deploy/web.sh build|hash
set -euo pipefail
shopt -s inherit_errexit
WEB=$(cd "$(dirname "${BASH_SOURCE[0]}")/../web" && pwd)
cd "$WEB"

log() { echo "[web] $*" >&2; }

# what the build is made of: everything but what it makes and installs
source_hash() {
  local parts=(index.html package.json package-lock.json tsconfig.json vite.config.ts src)
  [ -d public ] && parts+=(public)
  find "${parts[@]}" -type f -not -name '*.test.ts' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16
}

build() {
  local hash; hash=$(source_hash)
  if [ -f dist/index.html ] && [ "$(cat dist/.source-hash 2>/dev/null)" = "$hash" ]; then
    log "web/dist is up to date ($hash)"; return
  fi
  if ! command -v npm >/dev/null; then
    log "installing Debian's nodejs and npm"
    apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
  fi
  # one build at a time (platform.sh and the tests may both ask)
  exec 9>"$WEB/.build.lock"
  flock 9
  if [ -f dist/index.html ] && [ "$(cat dist/.source-hash 2>/dev/null)" = "$hash" ]; then return; fi
  log "building the web client ($hash)"
  npm ci --no-audit --no-fund --loglevel=error >&2
  npm run --silent build >&2
  echo "$hash" > dist/.source-hash
}

case "${1:-}" in
  build) build ;;
  hash) source_hash ;;
  *) echo "usage: $0 build|hash" >&2; exit 2 ;;
esac
