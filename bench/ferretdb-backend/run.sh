#!/usr/bin/env bash
# FerretDB backend benchmark (SQLite vs PostgreSQL). See README.md for results.
# Installs what it needs through scripts/infra (FerretDB, Debian's postgresql) and the `mongodb`
# driver into BENCH_DEPS_DIR (default /tmp/ferretbench), never into the repo.
# Env passed through to run.mjs: N_DOCS BATCH N_FIND N_UPDATE REPS BACKENDS BENCH_PORT_BASE BENCH_JSON
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
infra="$here/../../scripts/infra"
# shellcheck source=scripts/infra/common.sh
source "$infra/common.sh"
export BENCH_DEPS_DIR="${BENCH_DEPS_DIR:-/tmp/ferretbench}"

"$infra/install.sh" ferretdb postgres
if [[ ! -d "$BENCH_DEPS_DIR/node_modules/mongodb" ]]; then
  step "installing mongodb driver into $BENCH_DEPS_DIR (npm)"
  mkdir -p "$BENCH_DEPS_DIR"
  [[ -f "$BENCH_DEPS_DIR/package.json" ]] || echo '{"private":true}' >"$BENCH_DEPS_DIR/package.json"
  npm install --prefix "$BENCH_DEPS_DIR" --no-audit --no-fund --loglevel=error mongodb@6 >/dev/null
  step_done
fi

# Reuse the infra PostgreSQL cluster (own database); stop it afterwards only if we started it.
started_pg=
if ! is_running postgres; then
  "$infra/start-one.sh" postgres
  started_pg=1
fi
stop_pg() { [[ -z "$started_pg" ]] || stop_pid postgres "$(component_pid postgres)" INT; }
trap stop_pg EXIT
ensure_pg_database ferretbench

FERRETDB_BIN="$INFRA_BIN_DIR/ferretdb" BENCH_PG_URL="$(ferretdb_pg_url ferretbench)" \
  node "$here/run.mjs"
