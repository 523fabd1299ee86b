#!/usr/bin/env bash
# Stop all components: SIGTERM, then SIGKILL after INFRA_STOP_TIMEOUT. Idempotent.
set -euo pipefail
# shellcheck source=scripts/infra/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# FerretDB before its PostgreSQL backend; postgres is stopped even if the backend setting
# changed since it was started (its pid file says whether it runs).
for c in ferretdb kafka nats postgres; do
  if pid="$(component_pid "$c")"; then
    step "stopping $c (pid $pid)"
    # SIGINT is PostgreSQL's "fast" shutdown; its SIGTERM ("smart") waits for clients to leave.
    sig=TERM
    [[ "$c" == postgres ]] && sig=INT
    stop_pid "$c" "$pid" "$sig"
    step_done
  else
    [[ "$c" == postgres ]] || log "$c not running"
  fi
  rm -f "$(pid_file "$c")"
done
