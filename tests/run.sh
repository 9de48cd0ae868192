#!/usr/bin/env bash
# Runs every test. Installs what it needs on a fresh Debian 12 machine:
# uv (from PyPI), the locked Python environment, nginx (the front door), Debian's chromium (the browser
# tests), Java 17, and through deploy/infra.sh
# RabbitMQ and a MongoDB-wire server (FerretDB built from the Go module proxy). The tests' `keycloak`
# fixture runs deploy/keycloak.sh up: the first run downloads Keycloak (~165 MB, cached in
# ~/.cache/wijkwijzer like FerretDB), later runs start it from the cache.
# The Kubernetes manifests' test renders them with deploy/k8s/kustomize.sh: kubectl's kustomize where
# kubectl is installed, else kustomize v5.5.0 built once from the Go module proxy (cached the same way).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v uv >/dev/null || python3 -m pip install -q "uv==0.13.8"
command -v docker-compose >/dev/null || { apt-get update -qq && apt-get install -y -qq docker-compose >/dev/null; }
command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }   # the front door
# the browser tests' chromium (tests/browser.py): Playwright's own browser download is not reachable
command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
# Keycloak (the sign-in tests) and the mongo-java-server fallback run on Java 17
command -v java >/dev/null || { apt-get update -qq && apt-get install -y -qq openjdk-17-jdk-headless >/dev/null; }
uv sync --frozen --all-packages -q
bash deploy/infra.sh up
uv run --frozen pytest -q -rs "$@"
