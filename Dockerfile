# syntax=docker/dockerfile:1
# Kalibra's container image: every bin/ command, run from its TypeScript sources by Node 24's
# own type stripping (nothing compiled, the same way as on a developer's machine), on a slim
# Node runtime as a non-root user. One image for all components; Kubernetes picks the command
# with `args` (k8s/base): /app/bin/calibrator, /app/bin/sink --mapping raw|calibrated, /app/bin/replay.
# No secret is ever baked in: credentials arrive at run time as mounted files (*_FILE).

ARG NODE_VERSION=24.22

# --- sources: what the commands run, and nothing else -----------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS sources
WORKDIR /src
# .dockerignore keeps tests, benchmarks, dev tooling, k8s/, local state and secrets out.
COPY . .
# The library, the domain, the connectors and the application (with their SQL and other
# files read at run time), the command wrappers without the dev-only ones, and example
# profiles as a default (Kubernetes mounts the real ones at KALIBRA_PROFILES_DIR).
RUN mkdir -p /out/bin \
 && for dir in topology contract calibration connectors app calibration-profiles; do \
      if [ -d "$dir" ]; then cp -r "$dir" /out/; fi; \
    done \
 && for f in bin/*; do \
      case "$f" in bin/dev-stack|bin/demo|bin/demo.ts) ;; *) cp "$f" /out/bin/ ;; esac; \
    done

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
COPY --from=sources /out/ ./
# The `node` user of the official image (uid 1000), numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8080
# For plain Docker; Kubernetes uses the liveness/readiness probes in k8s/base instead.
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.KALIBRA_HTTP_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["/app/bin/calibrator"]
