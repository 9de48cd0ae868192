# The one image recipe of every Python process: the four services and the gateway. Build context: the
# repository root; deploy/images.sh (and docker-compose.yml) pass the build arguments, e.g.
#   docker build -f deploy/images/python.Dockerfile --build-arg PACKAGE=wijkwijzer-events \
#     --build-arg SERVICE_DIR=services/events --build-arg SERVICE=events \
#     --build-arg SERVICE_CLASS=activities.service:EventsService -t wijkwijzer/events:dev .
# Reproducible from uv.lock: the same lock, sources and SOURCE_DATE_EPOCH give the same venv, and
# BuildKit stamps the layers with SOURCE_DATE_EPOCH instead of the build's time.
ARG PYTHON_IMAGE=python:3.11-slim

# ---- build: a self-contained venv with one workspace package and its locked deps ----
FROM ${PYTHON_IMAGE} AS build
ARG PACKAGE
ARG SERVICE_DIR
ARG SOURCE_DATE_EPOCH
RUN test -n "$PACKAGE" && test -n "$SERVICE_DIR" \
 && pip install --no-cache-dir "uv==0.13.8"
ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
WORKDIR /src
# Third-party dependencies first (cached until uv.lock changes). uv resolves the
# workspace from the pyproject files, so every member's pyproject.toml is needed.
COPY pyproject.toml uv.lock ./
COPY libs/wijkwijzer/pyproject.toml libs/wijkwijzer/
COPY services/publications/pyproject.toml services/publications/
COPY services/events/pyproject.toml services/events/
COPY services/helpdesk/pyproject.toml services/helpdesk/
COPY services/notifications/pyproject.toml services/notifications/
COPY gateway/pyproject.toml gateway/
RUN uv sync --frozen --no-dev --no-editable --no-install-workspace --package "$PACKAGE"
# Then our own code, installed as wheels (not editable): the runtime needs no sources.
COPY libs/wijkwijzer/ libs/wijkwijzer/
COPY ${SERVICE_DIR}/ ${SERVICE_DIR}/
RUN uv sync --frozen --no-dev --no-editable --package "$PACKAGE" \
 && cp "$SERVICE_DIR/config.yaml" /app/config.yaml

# ---- runtime ----
FROM ${PYTHON_IMAGE} AS runtime
ARG PACKAGE
ARG SERVICE
ARG SERVICE_CLASS
ARG VERSION=dev
ARG REVISION=unknown
# where the sources live (deploy/images.sh: IMAGE_SOURCE, else the git remote)
ARG SOURCE=
LABEL org.opencontainers.image.title="${PACKAGE}" \
      org.opencontainers.image.description="WijkWijzer ${SERVICE} (nameko ${SERVICE_CLASS})" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"
RUN groupadd --system --gid 10001 wijkwijzer \
 && useradd --system --uid 10001 --gid wijkwijzer --home-dir /app --no-create-home wijkwijzer
WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY --from=build /app/config.yaml ./config.yaml
# WIJKWIJZER_SERVICE names the process to the ops commands (ping, topology); the start command
# reads WIJKWIJZER_SERVICE_CLASS at run time (CMD cannot see build arguments).
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    WIJKWIJZER_SERVICE=${SERVICE} \
    WIJKWIJZER_SERVICE_CLASS=${SERVICE_CLASS} \
    WIJKWIJZER_VERSION=${VERSION} \
    OPS_ADDRESS=0.0.0.0:9100
USER 10001:10001
# 9100: the operations port (/healthz, /readyz, /metrics); the gateway's API is on GATEWAY_ADDRESS
EXPOSE 9100
HEALTHCHECK --interval=15s --timeout=10s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; port = os.environ['OPS_ADDRESS'].rpartition(':')[2]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=5)"]
CMD ["sh", "-c", "exec nameko run --config config.yaml \"$WIJKWIJZER_SERVICE_CLASS\""]
