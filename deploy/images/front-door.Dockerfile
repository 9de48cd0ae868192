# The front door's image: nginx with the built web client. Build context: the repository root
# (deploy/images.sh, docker-compose.yml). The configuration is deploy/nginx/wijkwijzer.conf.template,
# mounted into /etc/nginx/templates (compose: a bind mount; Kubernetes: a ConfigMap made from that
# file); the image's entrypoint fills in the WIJKWIJZER_* settings, among them the client's
# /config.json (WIJKWIJZER_WEB_CONFIG). nginx-unprivileged: NGINX's own build of the official image
# that runs as uid 101 with its pid and temp files under /tmp, so the root filesystem can be read-only.
FROM node:22-alpine AS build
ARG SOURCE_DATE_EPOCH
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM nginxinc/nginx-unprivileged:1.27-alpine AS runtime
ARG VERSION=dev
ARG REVISION=unknown
ARG SOURCE=
LABEL org.opencontainers.image.title="wijkwijzer-front-door" \
      org.opencontainers.image.description="WijkWijzer front door: nginx with the web client" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"
USER root
# the image's default server (port 8080, the nginx welcome page) is not ours
RUN rm -f /etc/nginx/conf.d/default.conf
COPY --from=build /web/dist /usr/share/wijkwijzer/web
USER 101:101
EXPOSE 8000
