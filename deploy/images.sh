#!/usr/bin/env bash
# Builds (and pushes) the platform's images where a Docker engine runs (BuildKit).
# Usage: deploy/images.sh build|push|list|plan [--version V] [--registry R] [image...]
#   build    build every image (or the ones named): <registry/>wijkwijzer/<name>:<version>
#   push     push them (build first); needs --registry (or IMAGE_REGISTRY)
#   list     print the image references, one a line (no engine needed)
#   plan     print reference|Dockerfile|build arguments of each image (no engine needed)
#   --version  the tag and the image's org.opencontainers.image.version (default: `git describe`, else dev)
#   --registry a prefix such as registry.example.nl/team (default: IMAGE_REGISTRY, else none)
# Images: one per line of deploy/services.list from deploy/images/python.Dockerfile (the package
# named in its directory's pyproject.toml), and front-door (nginx with the web client) from
# deploy/images/front-door.Dockerfile. SOURCE_DATE_EPOCH is the last commit's time, so a rebuild of
# the same commit gives the same layers; IMAGE_SOURCE sets org.opencontainers.image.source.
set -euo pipefail
shopt -s inherit_errexit
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
log() { echo "[images] $*" >&2; }

# name|dockerfile|build args (space-separated KEY=VALUE)
images() {
  local name dir class package
  while read -r name dir class; do
    case "$name" in ''|'#'*) continue ;; esac
    package=$(sed -n 's/^name = "\(.*\)"$/\1/p' "$dir/pyproject.toml" | head -1)
    echo "$name|deploy/images/python.Dockerfile|PACKAGE=$package SERVICE_DIR=$dir SERVICE=$name SERVICE_CLASS=$class"
  done < deploy/services.list
  echo "front-door|deploy/images/front-door.Dockerfile|"
}

command=${1:-}; [ $# -gt 0 ] && shift
VERSION=${IMAGE_VERSION:-}
REGISTRY=${IMAGE_REGISTRY:-}
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --version) VERSION=${2:?--version needs a value}; shift 2 ;;
    --registry) REGISTRY=${2:?--registry needs a value}; shift 2 ;;
    -h|--help) usage ;;
    -*) log "unknown option $1"; usage ;;
    *) only+=("$1"); shift ;;
  esac
done
for wanted in ${only[@]+"${only[@]}"}; do
  grep -q "^$wanted|" <(images) || { log "no image named $wanted (list: deploy/images.sh list)"; exit 2; }
done
[ -n "$VERSION" ] || VERSION=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || echo 0)
SOURCE=${IMAGE_SOURCE:-$(git config --get remote.origin.url 2>/dev/null || true)}

reference() { echo "${REGISTRY:+${REGISTRY%/}/}wijkwijzer/$1:$VERSION"; }

selected() {
  local name=$1
  [ ${#only[@]} -eq 0 ] && return 0
  local wanted; for wanted in "${only[@]}"; do [ "$wanted" = "$name" ] && return 0; done
  return 1
}

need_engine() {
  if ! command -v docker >/dev/null; then
    log "no docker command on this machine: install Docker (with BuildKit) to build the images"; exit 1
  fi
  if ! docker info >/dev/null 2>&1; then
    log "no Docker engine answers here (docker info failed: is the daemon running, DOCKER_HOST right?);"
    log "images can only be built where one runs"; exit 1
  fi
}

build() {
  need_engine
  local name dockerfile args arg flags
  while IFS='|' read -r name dockerfile args; do
    selected "$name" || continue
    flags=(--build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION" --build-arg "SOURCE=$SOURCE"
           --build-arg "SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH")
    for arg in $args; do flags+=(--build-arg "$arg"); done
    log "building $(reference "$name") from $dockerfile"
    SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH DOCKER_BUILDKIT=1 \
      docker build -f "$dockerfile" "${flags[@]}" -t "$(reference "$name")" .
  done < <(images)
}

push() {
  [ -n "$REGISTRY" ] || { log "push needs --registry (or IMAGE_REGISTRY): where to push to"; exit 2; }
  build
  local name
  while IFS='|' read -r name _; do
    selected "$name" || continue
    docker push "$(reference "$name")"
  done < <(images)
}

case "$command" in
  build) build ;;
  push) push ;;
  list) while IFS='|' read -r name _; do selected "$name" && reference "$name"; done < <(images) ;;
  plan) while IFS='|' read -r name dockerfile args; do
          selected "$name" && echo "$(reference "$name")|$dockerfile|$args"
        done < <(images) ;;
  *) usage ;;
esac
