#!/usr/bin/env bash
# Fault injection: SIGKILL one component (no graceful shutdown). Restart it with start-one.sh.
set -euo pipefail
# shellcheck source=scripts/infra/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if (($# != 1)) || ! valid_component "$1"; then die "usage: $0 nats|kafka|ferretdb|postgres"; fi
if pid="$(component_pid "$1")"; then
  kill -KILL "$pid"
  # Wait for the kernel to reap it so the caller sees the port closed right away.
  for ((i = 0; i < 50; i++)); do pid_alive "$pid" || break; sleep 0.1; done
  log "$1 killed (SIGKILL, pid $pid)"
else
  log "$1 not running"
fi
rm -f "$(pid_file "$1")"
