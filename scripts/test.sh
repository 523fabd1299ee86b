#!/usr/bin/env bash
# The one test command (README): lint and types, build, then the three tiers: unit, then
# integration and end-to-end against real NATS, Kafka and a MongoDB-wire server (started
# here or by the harness if none is given). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node-env.sh
ensure_dependencies

echo "[test] lint, format and types…"
npm run --silent lint
echo "[test] build…"
npm run --silent build

mkdir -p .run
status=0
npx jest --selectProjects unit --ci --json --outputFile=.run/jest-unit.json || status=1
# Integration and e2e share one infrastructure and start real processes. They run as
# INFRA_SHARDS jest processes side by side (default 2; 1 runs them all in one), each taking its
# shard of the suites one at a time (--runInBand) under its own bus namespace (NATS subjects,
# Kafka topics and rate-limit counters: libs/testing/src/global-setup.ts) and its own databases,
# so the shards never read each other's messages. Suites are dealt by their usual length
# (test/support/balanced-sequencer.js). The infrastructure is resolved once, before the shards.
# --forceExit: a failed suite can leave a client or child process behind, and a run that never
# exits hides its own result.
shards="${INFRA_SHARDS:-2}"
if [[ -z "${NATS_URL:-}" || -z "${KAFKA_BROKERS:-}" || -z "${MONGO_URL:-}" ]] &&
  { [[ "${CRM_TEST_INFRA:-}" == local ]] || ! docker info >/dev/null 2>&1; }; then
  bash scripts/infra/up.sh
  export NATS_URL="nats://127.0.0.1:${NATS_PORT:-4222}" KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-9092}"
  export MONGO_URL="mongodb://127.0.0.1:${MONGO_PORT:-27017}"
fi
rm -f .run/jest-infra-*.json
pids=()
for ((k = 1; k <= shards; k++)); do
  (
    set -o pipefail
    npx jest --selectProjects integration e2e --ci --runInBand --forceExit --shard="$k/$shards" \
      --json --outputFile=".run/jest-infra-$k.json" 2>&1 | sed -u "s|^|[infra $k/$shards] |"
  ) &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done

SHARDS="$shards" node -e '
  const files = [".run/jest-unit.json"];
  for (let k = 1; k <= Number(process.env.SHARDS); k++) files.push(`.run/jest-infra-${k}.json`);
  let passed = 0, failed = 0;
  for (const f of files) { try { const r = require("./" + f); passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites; } catch { console.log(`no results in ${f}`); failed++; } }
  console.log(`tests: ${passed} passed, ${failed} failed`);
'
exit $status
