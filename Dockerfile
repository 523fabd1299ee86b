# syntax=docker/dockerfile:1
# One image for every process of the platform. The built image holds all six services; which one
# a container runs is chosen by SERVICE (build arg, or env at run time), or by overriding the
# command as deploy/k8s does: `node services/<name>/dist/main.js`.
#
#   docker build --build-arg SERVICE=members -t pharmacy-crm/members .
#
# Keep the workspace manifest lists below in sync with libs/* and services/*
# (test/deploy-manifests.spec.ts checks it).

ARG NODE_IMAGE=node:22-bookworm-slim

# --- manifests: only what `npm ci` needs, so dependency layers survive source edits ---------
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/config/package.json libs/config/
COPY libs/contracts/package.json libs/contracts/
COPY libs/crypto/package.json libs/crypto/
COPY libs/messaging/package.json libs/messaging/
COPY libs/observability/package.json libs/observability/
COPY libs/service-kit/package.json libs/service-kit/
COPY libs/testing/package.json libs/testing/
COPY services/care-plans/package.json services/care-plans/
COPY services/complaints/package.json services/complaints/
COPY services/gateway/package.json services/gateway/
COPY services/loyalty/package.json services/loyalty/
COPY services/members/package.json services/members/
COPY services/notifications/package.json services/notifications/

# --- build: all dependencies, swc compile of every workspace ----------------------------------
FROM manifests AS build
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY .swcrc ./
COPY scripts/build.mjs scripts/
COPY libs/ libs/
COPY services/ services/
RUN npm run build \
  && mkdir -p /out \
  && for pkg in libs/* services/*; do \
       mkdir -p "/out/$pkg" && cp -r "$pkg/package.json" "$pkg/dist" "/out/$pkg/"; \
     done

# --- deps: production dependencies only (workspaces are symlinked under node_modules/@crm) ---
FROM manifests AS deps
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

# --- runtime ---------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/ ./
COPY --from=build /out/ ./
COPY config/ config/
ARG SERVICE=""
ENV SERVICE=${SERVICE}
RUN if [ -n "$SERVICE" ] && [ ! -f "services/$SERVICE/dist/main.js" ]; then \
      echo "SERVICE=$SERVICE: no services/$SERVICE/dist/main.js" >&2; exit 1; \
    fi
# The `node` user of the base image, by number so Kubernetes can verify runAsNonRoot.
USER 1000:1000
# `exec` keeps node as PID 1 so it receives SIGTERM and drains (SHUTDOWN_GRACE_MS).
CMD ["sh", "-c", "exec node \"services/${SERVICE:?set SERVICE to a folder of services/}/dist/main.js\""]
