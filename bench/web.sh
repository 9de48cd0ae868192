#!/usr/bin/env bash
# The web client's JavaScript and CSS per page entry (raw and gzip) from its build, and the first
# contentful paint of a page of a running platform in headless chromium; the details and the flags
# are in bench/web.py.
# Usage: bash bench/web.sh [--dist web/dist] [--url http://127.0.0.1:8000/] [--page /] [--loads 5] [--no-sizes] [--no-paint]
# Measures what runs (deploy/platform.sh up) and what is built; starts nothing of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
PYTHONPATH=. exec uv run --frozen python bench/web.py "$@"   # PYTHONPATH: it launches chromium as tests/browser.py does
