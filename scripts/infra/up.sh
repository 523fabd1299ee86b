#!/usr/bin/env bash
# Install (idempotent) and start NATS, Kafka and FerretDB in the background; already-running
# components are left alone, so re-running is harmless. Prints the endpoints for the apps.
set -euo pipefail
# shellcheck source=scripts/infra/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

step "infra up (home: $CRM_INFRA_HOME, ferretdb backend: $FERRETDB_BACKEND)"
"$INFRA_SCRIPT_DIR/install.sh"
for c in "${INFRA_COMPONENTS[@]}"; do
  "$INFRA_SCRIPT_DIR/start-one.sh" "$c"
done
step_done

cat <<EOF2
NATS_URL=nats://127.0.0.1:$NATS_PORT
KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
MONGO_URL=mongodb://127.0.0.1:$MONGO_PORT
EOF2
