#!/usr/bin/env bash
# Runs every test. Installs what it needs on a fresh Debian 12 machine:
# uv (from PyPI), the locked Python environment, nginx (the front door), and through deploy/infra.sh
# RabbitMQ and a MongoDB-wire server (FerretDB built from the Go module proxy).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v uv >/dev/null || python3 -m pip install -q "uv==0.13.8"
command -v docker-compose >/dev/null || { apt-get update -qq && apt-get install -y -qq docker-compose >/dev/null; }
command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }   # the front door
uv sync --frozen --all-packages -q
bash deploy/infra.sh up
uv run --frozen pytest -q -rs "$@"
