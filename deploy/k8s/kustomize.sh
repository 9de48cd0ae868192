#!/usr/bin/env bash
# Runs kustomize (v5) on the manifests, e.g.  bash deploy/k8s/kustomize.sh build deploy/k8s/overlays/dev
# Uses, in this order: $KUSTOMIZE; a `kustomize` on PATH; kubectl's built-in one (`kubectl kustomize`,
# for `build` only); else builds kustomize v5.5.0 once from the Go module proxy (needs Go; about a
# minute) into ~/.cache/wijkwijzer/ like deploy/infra.sh does FerretDB.
set -euo pipefail
VERSION=v5.5.0
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/wijkwijzer
BUILT=$CACHE/kustomize-$VERSION

if [ -n "${KUSTOMIZE:-}" ]; then exec "$KUSTOMIZE" "$@"; fi
if command -v kustomize >/dev/null; then exec kustomize "$@"; fi
if [ "${1:-}" = build ] && command -v kubectl >/dev/null; then shift; exec kubectl kustomize "$@"; fi
if [ ! -x "$BUILT" ]; then
  command -v go >/dev/null || { echo "kustomize.sh: no kustomize, no kubectl and no Go to build kustomize with" >&2; exit 1; }
  echo "kustomize.sh: building kustomize $VERSION from the Go module proxy (once)" >&2
  mkdir -p "$CACHE"
  tmp=$(mktemp -d)
  GOBIN=$tmp GOFLAGS=-mod=mod go install "sigs.k8s.io/kustomize/kustomize/v5@$VERSION" >&2
  mv "$tmp/kustomize" "$BUILT"
  rmdir "$tmp"
fi
exec "$BUILT" "$@"
