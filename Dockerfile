# syntax=docker/dockerfile:1
# tierflow worker and intake image (one image, two commands: see docker-compose.yml).
#
# tierflow runs its TypeScript sources with tsx, exactly as `npm start` does, so what runs in the
# container is what the tests ran. tsx is a devDependency, so the runtime gets the production
# dependency tree (`npm ci --omit=dev`) plus tsx and its own dependency closure (esbuild and its
# platform binary) from a full install of the same lockfile. test/deploy checks that list against
# package-lock.json, so a tsx upgrade that adds a dependency fails the tests, not the container.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# Full install (dev dependencies included): only tsx and its dependencies are taken from it.
FROM base AS deps-all
COPY package.json package-lock.json ./
RUN npm ci --include=dev

# Production dependencies only.
FROM base AS deps-prod
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

FROM base AS runtime
ENV NODE_ENV=production
# A font for the text of the weekly SLA digest's chart (resvg draws with the system's fonts; the
# slim image has none, and the digest refuses to post a chart with blank labels).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY --from=deps-prod /app/node_modules ./node_modules
COPY --from=deps-all /app/node_modules/tsx ./node_modules/tsx
COPY --from=deps-all /app/node_modules/esbuild ./node_modules/esbuild
COPY --from=deps-all /app/node_modules/@esbuild ./node_modules/@esbuild
# Sources (see .dockerignore), owned by root and read-only for the process user.
COPY . .
# Fail the build, not the container, if the TypeScript loader cannot start.
RUN node --import tsx --eval "process.exit(0)"
# The official Node image's unprivileged user (uid 1000).
USER node
# The intake binds HOST (default 127.0.0.1, the container's own loopback) on PORT, and serves
# Prometheus on METRICS_ADDRESS (default 127.0.0.1:9091); a worker's runtime metrics bind
# WORKER_METRICS_ADDRESS (default 127.0.0.1:9464). Nothing is reachable from outside the container
# unless asked for: docker-compose.yml sets HOST=0.0.0.0 for the intake.
ENV PORT=3000
EXPOSE 3000
# docker-compose.yml runs the worker (workers/worker.ts) and the intake (workers/intake.ts) from this
# image with explicit commands; this default runs the worker. Both stop cleanly on SIGTERM (drain,
# then close their connections).
CMD ["node", "--import", "tsx", "workers/worker.ts"]
