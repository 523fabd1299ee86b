#!/usr/bin/env bash
# One line per component: state, pid, port, version. Exit 0 only if all are up.
set -euo pipefail
# shellcheck source=scripts/infra/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

version() {
  case "$1" in
    nats) "$INFRA_BIN_DIR/nats-server" --version 2>/dev/null | sed 's/^nats-server: //' ;;
    kafka) [[ -f "$KAFKA_HOME/libs/kafka_2.13-$KAFKA_VERSION.jar" ]] && echo "$KAFKA_VERSION" ;;
    ferretdb) "$INFRA_BIN_DIR/ferretdb" --version 2>/dev/null | sed -n 's/^version: //p' ;;
    postgres) b="$(pg_bindir)" && "$b/postgres" --version | awk '{print $3}' ;;
  esac || true
}

components=("${INFRA_COMPONENTS[@]}")
[[ "$FERRETDB_BACKEND" == postgresql ]] && components+=(postgres)
rc=0
for c in "${components[@]}"; do
  port="$(component_port "$c")"
  v="$(version "$c")"
  if pid="$(component_pid "$c")"; then
    if port_open "$port"; then
      state=running
    else
      state=starting # pid alive, port not answering (yet)
      rc=1
    fi
  else
    state=stopped pid=-
    rc=1
  fi
  printf '%-9s %-8s pid=%-7s port=%-5s version=%s\n' "$c" "$state" "$pid" "$port" "${v:-not-installed}"
done
exit "$rc"
