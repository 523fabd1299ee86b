#!/usr/bin/env bash
# `npm stop`: stops the six services (SIGTERM, so they drain); `npm stop -- --infra` also
# stops the local infrastructure.
set -euo pipefail
cd "$(dirname "$0")/../.."
for pidfile in .run/pids/*.pid; do
  [ -f "$pidfile" ] || continue
  service=$(basename "$pidfile" .pid)
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    echo "[stop] stopping $service (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { echo "[stop] $service did not drain in 15 s: SIGKILL"; kill -KILL "$pid"; }
  fi
  rm -f "$pidfile"
done
if [ "${1:-}" = "--infra" ]; then bash scripts/infra/down.sh; fi
