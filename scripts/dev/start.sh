#!/usr/bin/env bash
# `npm start`: the whole system on this machine — dependencies, build, local infrastructure
# (NATS, Kafka, FerretDB; installed on first use) and the six services, each in the
# background with its log in .run/logs/. Safe to run again: what runs is left running.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/node-env.sh
ensure_dependencies
echo "[start] building…"
npm run --silent build
bash scripts/infra/up.sh

set -a
# shellcheck source=/dev/null
source config/dev.env
set +a
# The services reach the infrastructure where up.sh started it (its ports are settings too).
export NATS_URL="${NATS_URL:-nats://127.0.0.1:${NATS_PORT:-4222}}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export MONGO_URL="${MONGO_URL:-mongodb://127.0.0.1:${MONGO_PORT:-27017}}"

mkdir -p .run/logs .run/pids

# The notification provider stub (services/notifications/src/provider-stub): stands in for the
# SMS and e-mail providers, and calls the gateway back with signed delivery webhooks.
stub_pidfile=.run/pids/provider-stub.pid
if [ -f "$stub_pidfile" ] && kill -0 "$(cat "$stub_pidfile")" 2>/dev/null; then
  echo "[start] provider stub already running (pid $(cat "$stub_pidfile"))"
else
  gateway_port=$(node -p "require('./config/services.json').gateway.port")
  echo "[start] starting the provider stub on :${STUB_PORT:-4010} (log: .run/logs/provider-stub.log)"
  STUB_WEBHOOK_BASE="http://127.0.0.1:$gateway_port/api/v1/webhooks/notifications" \
    setsid nohup node services/notifications/dist/provider-stub/main.js >>.run/logs/provider-stub.log 2>&1 &
  echo $! >"$stub_pidfile"
fi

services=$(node -p 'Object.keys(require("./config/services.json")).join(" ")')
for service in $services; do
  port=$(node -p "require('./config/services.json')['$service'].port")
  pidfile=.run/pids/$service.pid
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "[start] $service already running (pid $(cat "$pidfile"))"
    continue
  fi
  echo "[start] starting $service on :$port (log: .run/logs/$service.log)"
  HTTP_PORT=$port setsid nohup node "services/$service/dist/main.js" >>".run/logs/$service.log" 2>&1 &
  echo $! >"$pidfile"
done

for service in $services; do
  port=$(node -p "require('./config/services.json')['$service'].port")
  printf '[start] waiting for %s to be ready' "$service"
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$(cat ".run/pids/$service.pid")" 2>/dev/null; then
      echo; echo "[start] $service stopped while starting; its log says:"; tail -n 20 ".run/logs/$service.log"; exit 1
    fi
    printf '.'; sleep 1
  done
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 || { echo; echo "[start] $service not ready after 120 s: see .run/logs/$service.log"; exit 1; }
  echo " ok"
done

cat <<MSG

The pharmacy member CRM is running.
  API:        http://localhost:3000/api/v1
  API docs:   http://localhost:3000/api/docs  (OpenAPI JSON: /api/docs-json)
  A token:    npm run token -- --role desk_agent --store S001
  Try:        curl -H "Authorization: Bearer \$(npm run -s token -- --role desk_agent --store S001)" \\
                -H 'content-type: application/json' -d '{"name":"王芳","phone":"13800138000","channel":"store","homeStoreId":"S001"}' \\
                http://localhost:3000/api/v1/members
  Logs:       .run/logs/<service>.log     Stop: npm stop (add --infra to stop NATS, Kafka and FerretDB too)
MSG
