#!/usr/bin/env bash
# The web client (web/): `npm ci && npm run build` into web/dist, only when its sources changed since
# the last build (a hash of them is kept in web/dist/.source-hash). The front door serves web/dist.
# Usage: deploy/web.sh build|test|hash   (test: the client's unit tests, vitest, after a build)
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
  # Vite 8 needs Node.js 20.19 or newer (Debian 12's own nodejs is 18: not enough)
  if ! command -v npm >/dev/null || ! node -e 'const [a, b] = process.versions.node.split(".").map(Number);
      process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
    log "building the web client needs Node.js 20.19 or newer with npm on the PATH"; return 1
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
  test) build && npm test --silent ;;
  hash) source_hash ;;
  *) echo "usage: $0 build|test|hash" >&2; exit 2 ;;
esac
