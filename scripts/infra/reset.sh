#!/usr/bin/env bash
# Stop the given components (default: all) and delete their data, so the next up.sh starts
# them empty. For CI and for a local broker whose state went bad; it never touches installs.
#   reset.sh [nats|kafka|ferretdb ...]
set -euo pipefail
# shellcheck source=scripts/infra/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

targets=("$@")
((${#targets[@]})) || targets=("${INFRA_COMPONENTS[@]}")
for c in "${targets[@]}"; do
  case "$c" in nats | kafka | ferretdb) ;; *) die "usage: $0 [nats|kafka|ferretdb ...]" ;; esac
done

stop_component() {
  local pid
  if pid="$(component_pid "$1")"; then
    step "stopping $1 (pid $pid)"
    stop_pid "$1" "$pid" TERM
    step_done
  fi
  rm -f "$(pid_file "$1")"
}

for c in "${targets[@]}"; do
  stop_component "$c"
  step "deleting $c data"
  case "$c" in
    nats) rm -rf "$INFRA_DATA_DIR/nats" ;;
    # meta.properties goes with it, so start-one.sh formats the storage again.
    kafka) rm -rf "$INFRA_DATA_DIR/kafka" ;;
    ferretdb)
      rm -rf "$INFRA_DATA_DIR/ferretdb-sqlite" "$INFRA_DATA_DIR/ferretdb-state"
      # The PostgreSQL backend keeps everything in one database; the cluster itself stays.
      if [[ -f "$(pg_datadir)/PG_VERSION" ]]; then
        "$INFRA_SCRIPT_DIR/start-one.sh" postgres >/dev/null
        "$(pg_bindir)/psql" -X -q -h 127.0.0.1 -p "$FERRETDB_PG_PORT" -U postgres -d postgres \
          -c 'DROP DATABASE IF EXISTS ferretdb WITH (FORCE)'
      fi
      ;;
  esac
  step_done
done
