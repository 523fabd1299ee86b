#!/usr/bin/env bash
# The one test command (README): lint and types, build, then the three tiers: unit, then
# integration and end-to-end against real NATS, Kafka and a MongoDB-wire server (started
# by the harness if none is given). Exits non-zero on any failure.
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
# Integration and e2e share one infrastructure and start real processes: one at a time.
# --forceExit: a failed suite can leave a client or child process behind, and a run that
# never exits hides its own result.
npx jest --selectProjects integration e2e --ci --runInBand --forceExit --json \
  --outputFile=.run/jest-infra.json || status=1

node -e '
  const files = [".run/jest-unit.json", ".run/jest-infra.json"];
  let passed = 0, failed = 0;
  for (const f of files) { try { const r = require("./" + f); passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites; } catch { failed++; } }
  console.log(`tests: ${passed} passed, ${failed} failed`);
'
exit $status
