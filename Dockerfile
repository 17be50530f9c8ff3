# syntax=docker/dockerfile:1
# Kalibra's container image: every bin/ command, compiled, on a slim Node runtime as a
# non-root user. One image for all components; Kubernetes picks the command with `args`
# (k8s/base): /app/bin/calibrator, /app/bin/sink --mapping raw|calibrated, /app/bin/replay.
# bin/run-ts runs dist/bin/<name>.js here because bin/<name>.ts is not in the image.
# No secret is ever baked in: credentials arrive at run time as mounted files (*_FILE).

ARG NODE_VERSION=20.20

# --- build: all dependencies, compile TypeScript to dist/ -------------------------------
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# .dockerignore keeps tests, benchmarks, k8s/, local state and secrets out of the context.
COPY . .
RUN npm run build
# tsc emits only .js: carry the other files the code reads at run time (e.g. SQL migrations).
RUN for dir in topology connectors; do \
      if [ -d "$dir" ]; then find "$dir" -type f ! -name '*.ts' -exec cp --parents {} dist/ \; ; fi; \
    done
# The command wrappers and their launcher, without the .ts entry points and dev-only tools;
# example profiles as a default (Kubernetes mounts the real ones at KALIBRA_PROFILES_DIR).
RUN mkdir -p /out/bin /out/calibration-profiles \
 && for f in bin/*; do \
      case "$f" in *.ts|bin/dev-stack|bin/demo) ;; *) cp "$f" /out/bin/ ;; esac; \
    done \
 && if [ -d calibration-profiles ]; then cp -r calibration-profiles/. /out/calibration-profiles/; fi

# --- deps: production dependencies only -------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# --- runtime ------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# tini as PID 1 forwards SIGTERM to node (clean shutdown) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    KALIBRA_HTTP_PORT=8080
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /out/bin ./bin
COPY --from=build /out/calibration-profiles ./calibration-profiles
# The `node` user of the official image (uid 1000), numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8080
# For plain Docker; Kubernetes uses the liveness/readiness probes in k8s/base instead.
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.KALIBRA_HTTP_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["/app/bin/calibrator"]
