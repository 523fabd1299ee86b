#!/usr/bin/env bash
# Idempotent install of the local infra into $CRM_INFRA_HOME (outside the repo).
# Usage: install.sh [nats|kafka|ferretdb|postgres ...]   (default: all that are needed)
# Each component is skipped when its pinned version is already present.
set -euo pipefail
# shellcheck source=scripts/infra/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

mkdir -p "$INFRA_BIN_DIR" "$INFRA_LOG_DIR" "$INFRA_RUN_DIR" "$INFRA_DATA_DIR"
cd "$CRM_INFRA_HOME" # keep `go` away from any go.mod in the caller's directory

# Go caches live in the infra home too: a wiped cache means a genuinely cold, reproducible
# install, and -modcacherw keeps `rm -rf $CRM_INFRA_HOME` working (module files are read-only
# by default). GOTOOLCHAIN=local: never try to download another Go toolchain.
export GOMODCACHE="$CRM_INFRA_HOME/go/mod" GOCACHE="$CRM_INFRA_HOME/go/build"
export GOFLAGS="-modcacherw" GOTOOLCHAIN=local CGO_ENABLED=0

need() { command -v "$1" >/dev/null || die "'$1' is required on PATH ($2)"; }

# quiet CMD...: keep go/maven download chatter out of the terminal but in a log; show it on failure.
INSTALL_LOG="$INFRA_LOG_DIR/install.log"
quiet() {
  printf '\n===== %s: %s\n' "$(date -Is)" "$*" >>"$INSTALL_LOG"
  "$@" >>"$INSTALL_LOG" 2>&1 || { tail -n 30 "$INSTALL_LOG" >&2; die "failed: $* (full log: $INSTALL_LOG)"; }
}

install_nats() {
  local bin="$INFRA_BIN_DIR/nats-server"
  if [[ -x "$bin" ]] && [[ "$("$bin" --version 2>/dev/null)" == *"$NATS_VERSION"* ]]; then
    log "nats-server $NATS_VERSION already installed ($bin)"
    return
  fi
  need go "Go toolchain"
  step "installing nats-server $NATS_VERSION (go install)"
  GOBIN="$INFRA_BIN_DIR" quiet go install "github.com/nats-io/nats-server/v2@$NATS_VERSION"
  step_done
}

install_ferretdb() {
  local bin="$INFRA_BIN_DIR/ferretdb" src
  if [[ -x "$bin" ]] && [[ "$("$bin" --version 2>/dev/null | head -n 1)" == "version: $FERRETDB_VERSION" ]]; then
    log "ferretdb $FERRETDB_VERSION already installed ($bin)"
    return
  fi
  need go "Go toolchain"
  step "installing ferretdb $FERRETDB_VERSION (go build from module source)"
  # Not `go install …@version`, for two reasons: (1) it looks up the module's version list for
  # deprecation notices and the proxy answers 403 for FerretDB's list (single versions work);
  # (2) FerretDB panics at start unless build/version/version.txt exists, and the module zip
  # lacks it. So: download the exact version, copy it, add version files, build.
  local dir
  dir="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$dir" ]] || die "go mod download of FerretDB $FERRETDB_VERSION gave no source dir"
  src="$CRM_INFRA_HOME/src/ferretdb-$FERRETDB_VERSION"
  rm -rf "$src"
  mkdir -p "$(dirname "$src")"
  cp -r "$dir" "$src"
  chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  echo "$FERRETDB_COMMIT" >"$src/build/version/commit.txt"
  (cd "$src" && quiet go build -trimpath -o "$bin" ./cmd/ferretdb)
  rm -rf "$src" # source only needed for the build; module + build caches stay for rebuilds
  step_done
}

install_kafka() {
  local libs="$KAFKA_HOME/libs" stamp="$KAFKA_HOME/libs/.installed-$KAFKA_VERSION"
  if [[ -f "$stamp" ]]; then
    log "kafka $KAFKA_VERSION already installed ($libs)"
  else
    need mvn "Maven"
    need java "a JDK 17+"
    step "installing kafka $KAFKA_VERSION jars (maven)"
    rm -rf "$libs"
    quiet mvn -q -B -Dstyle.color=never -f "$INFRA_SCRIPT_DIR/kafka/pom.xml" \
      -Dmaven.repo.local="$CRM_INFRA_HOME/m2" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs"
    [[ -f "$libs/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "maven did not produce kafka_2.13-$KAFKA_VERSION.jar"
    touch "$stamp"
    step_done
  fi
  write_kafka_config
}

install_postgres() {
  if pg_bindir >/dev/null; then
    log "postgresql already installed ($(pg_bindir))"
    return
  fi
  ((EUID == 0)) || die "postgresql is missing and apt-get needs root: apt-get install postgresql"
  step "installing postgresql (apt-get)"
  quiet apt-get update -qq
  # Debian's package creates and may start a default cluster on 5432; ours is a separate one.
  DEBIAN_FRONTEND=noninteractive quiet apt-get install -y -qq --no-install-recommends postgresql
  pg_bindir >/dev/null || die "postgresql installed but no /usr/lib/postgresql/*/bin/postgres"
  step_done
}

if (($# == 0)); then
  set -- "${INFRA_COMPONENTS[@]}"
  [[ "$FERRETDB_BACKEND" == postgresql ]] && set -- "$@" postgres
fi
for c in "$@"; do
  case "$c" in
    nats) install_nats ;;
    kafka) install_kafka ;;
    ferretdb) install_ferretdb ;;
    postgres) install_postgres ;;
    *) die "unknown component '$c' (nats|kafka|ferretdb|postgres)" ;;
  esac
done
