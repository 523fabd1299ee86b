# shellcheck shell=bash disable=SC2034 # (variables are used by the scripts sourcing this)
# Shared settings and helpers for scripts/infra/*.sh (sourced, never executed).
# Local, Docker-free infra: NATS (JetStream), Kafka (KRaft, single node), FerretDB (MongoDB wire).
# Everything lives under CRM_INFRA_HOME, outside the repo, because our machines keep nothing
# installed by hand: the scripts must (re)install idempotently into this cache.

CRM_INFRA_HOME="${CRM_INFRA_HOME:-${CRM_HOME:-$HOME/.cache/pharmacy-crm}/infra}"

# Ports (loopback only).
NATS_PORT="${NATS_PORT:-4222}"
NATS_MONITOR_PORT="${NATS_MONITOR_PORT:-8222}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
MONGO_PORT="${MONGO_PORT:-27017}"
# FerretDB storage: postgresql (default) or sqlite. FerretDB v1's SQLite backend filters every
# non-_id query in Go over the whole collection (~100x slower findOne/updateOne at 5k-50k docs,
# see bench/ferretdb-backend/README.md). postgresql runs a private cluster on FERRETDB_PG_PORT
# (Debian's postgresql package, data in $CRM_INFRA_HOME or, as root, under /var/lib/postgresql).
FERRETDB_BACKEND="${FERRETDB_BACKEND:-postgresql}"
FERRETDB_PG_PORT="${FERRETDB_PG_PORT:-5433}"
# JVM heap for the broker; small because the machines have 2 cores and everything shares them.
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
# Bounded waits (seconds) for a port to answer after start and for a process to exit after SIGTERM.
INFRA_START_TIMEOUT="${INFRA_START_TIMEOUT:-180}"
INFRA_STOP_TIMEOUT="${INFRA_STOP_TIMEOUT:-20}"

INFRA_BIN_DIR="$CRM_INFRA_HOME/bin"
INFRA_LOG_DIR="$CRM_INFRA_HOME/logs"
INFRA_RUN_DIR="$CRM_INFRA_HOME/run"
INFRA_DATA_DIR="$CRM_INFRA_HOME/data"
KAFKA_HOME="$CRM_INFRA_HOME/kafka"

# Pinned versions. FerretDB stays on v1 (v2 needs the DocumentDB Postgres extension, not packaged).
NATS_VERSION="v2.15.2"
KAFKA_VERSION="3.9.2" # newest 3.9 patch on Maven Central; keep scripts/infra/kafka/pom.xml in sync
FERRETDB_VERSION="v1.24.2"
FERRETDB_COMMIT="cda72d440810406a208c4670aa7047f5bc8d528f" # tag v1.24.2, recorded in `ferretdb --version`

INFRA_COMPONENTS=(nats kafka ferretdb)
INFRA_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# --- output -----------------------------------------------------------------

log() { printf '[infra] %s\n' "$*"; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

# Microseconds since the epoch, from bash's own clock (no fork).
_now_us() { local t="${EPOCHREALTIME/[.,]/}"; printf '%s' "$((10#$t))"; }
_fmt_secs() { printf '%d.%ds' "$(($1 / 1000000))" "$(($1 % 1000000 / 100000))"; }

# step MSG: announce a unit of work; step_done closes the innermost open step with its duration.
_STEP_T0=() _STEP_MSG=()
step() { _STEP_T0+=("$(_now_us)"); _STEP_MSG+=("$*"); printf '[infra] %s…\n' "$*"; }
step_done() {
  local i=$((${#_STEP_T0[@]} - 1))
  ((i >= 0)) || return 0
  printf '[infra]   done: %s (%s)\n' "${_STEP_MSG[i]}" "$(_fmt_secs $(($(_now_us) - _STEP_T0[i])))"
  unset '_STEP_T0[i]' '_STEP_MSG[i]'
}

# --- components -------------------------------------------------------------

valid_component() {
  case "$1" in nats | kafka | ferretdb | postgres) return 0 ;; *) return 1 ;; esac
}

component_port() {
  case "$1" in
    nats) echo "$NATS_PORT" ;;
    kafka) echo "$KAFKA_PORT" ;;
    ferretdb) echo "$MONGO_PORT" ;;
    postgres) echo "$FERRETDB_PG_PORT" ;;
  esac
}

pid_file() { echo "$INFRA_RUN_DIR/$1.pid"; }
log_file() { echo "$INFRA_LOG_DIR/$1.log"; }

# Alive = exists and is not a zombie: our daemons are reparented to PID 1, which may reap
# them late, and kill -0 succeeds on zombies.
pid_alive() {
  local st
  kill -0 "$1" 2>/dev/null || return 1
  st="$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ "$st" != Z && "$st" != X ]]
}

# Prints the recorded pid if that process is still alive.
component_pid() {
  local f pid
  f="$(pid_file "$1")"
  [[ -s "$f" ]] || return 1
  pid="$(<"$f")"
  [[ "$pid" =~ ^[0-9]+$ ]] && pid_alive "$pid" || return 1
  echo "$pid"
}

# True if something accepts TCP connections on 127.0.0.1:PORT (bash /dev/tcp, no extra tools).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Running = our pid alive AND its port answers.
is_running() { component_pid "$1" >/dev/null && port_open "$(component_port "$1")"; }

# wait_port NAME: bounded wait for NAME's port; fails fast if the process died, naming its log.
wait_port() {
  local name="$1" port log deadline pid
  port="$(component_port "$name")"
  log="$(log_file "$name")"
  deadline=$((SECONDS + INFRA_START_TIMEOUT))
  until port_open "$port"; do
    if ! pid="$(component_pid "$name")"; then
      tail -n 20 "$log" >&2 2>/dev/null || true
      die "$name exited during startup; see $log"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 20 "$log" >&2 2>/dev/null || true
      die "$name (pid $pid) did not answer on 127.0.0.1:$port within ${INFRA_START_TIMEOUT}s; see $log"
    fi
    sleep 0.2
  done
}

# launch NAME CMD...: start CMD detached in its own session (setsid: no controlling terminal,
# so it outlives the calling shell and never gets its SIGHUP), stdin closed, output appended to
# NAME's log. The inner shell writes its own pid and then execs CMD, so the pid file is exact.
launch() {
  local name="$1"; shift
  local log pidf
  log="$(log_file "$name")"
  pidf="$(pid_file "$name")"
  mkdir -p "$INFRA_LOG_DIR" "$INFRA_RUN_DIR"
  printf '\n===== %s starting %s =====\n' "$(date -Is)" "$name" >>"$log"
  rm -f "$pidf"
  # shellcheck disable=SC2016 # $$ and $@ are for the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" </dev/null >>"$log" 2>&1 &
  local i
  for ((i = 0; i < 50; i++)); do [[ -s "$pidf" ]] && return 0; sleep 0.1; done
  die "$name: launcher did not record a pid; see $log"
}

# stop_pid NAME PID [SIGNAL]: SIGNAL (default TERM), wait up to INFRA_STOP_TIMEOUT, then SIGKILL.
stop_pid() {
  local name="$1" pid="$2" sig="${3:-TERM}" deadline
  kill -"$sig" "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + INFRA_STOP_TIMEOUT))
  while pid_alive "$pid"; do
    if ((SECONDS >= deadline)); then
      log "$name (pid $pid) ignored SIG$sig for ${INFRA_STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.2
  done
}

# --- PostgreSQL (only for FERRETDB_BACKEND=postgresql) -----------------------

pg_bindir() {
  local d
  d="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$d" && -x "$d/postgres" ]] && echo "$d"
}

# PostgreSQL refuses to run as root, so as root it runs as Debian's `postgres` user. That user
# usually cannot traverse $HOME (/root is 0700), so the cluster then lives in postgres' own home.
pg_run_as() { if ((EUID == 0)); then echo postgres; fi; }
pg_datadir() {
  if [[ -n "${FERRETDB_PG_DATA:-}" ]]; then
    echo "$FERRETDB_PG_DATA"
  elif ((EUID == 0)) && ! setpriv --reuid=postgres --regid=postgres --init-groups test -x "$CRM_INFRA_HOME" 2>/dev/null; then
    echo "/var/lib/postgresql/pharmacy-crm-infra/data"
  else
    echo "$INFRA_DATA_DIR/postgres"
  fi
}
# pg_exec CMD...: run CMD as the cluster owner (exec-style, so pids stay exact).
pg_exec() {
  local u
  u="$(pg_run_as)"
  if [[ -n "$u" ]]; then
    setpriv --reuid="$u" --regid="$u" --init-groups "$@"
  else
    "$@"
  fi
}
# ensure_pg_database NAME: create it in the running cluster unless it exists.
ensure_pg_database() {
  local bindir psql
  bindir="$(pg_bindir)"
  psql=("$bindir/psql" -X -q -h 127.0.0.1 -p "$FERRETDB_PG_PORT" -U postgres -d postgres -tA)
  [[ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" == 1 ]] ||
    "${psql[@]}" -c "CREATE DATABASE \"$1\""
}
ferretdb_pg_url() { echo "postgres://postgres@127.0.0.1:$FERRETDB_PG_PORT/${1:-ferretdb}"; }

# --- Kafka config (rewritten on install and on every start so port overrides apply) ----------

write_kafka_config() {
  local cfg="$KAFKA_HOME/config"
  mkdir -p "$cfg" "$INFRA_DATA_DIR/kafka"
  # Static quorum (controller.quorum.voters) rather than 3.9's dynamic `format --standalone`:
  # the dynamic voter set records the controller endpoint at format time, so a later
  # KAFKA_CONTROLLER_PORT override would break a formatted node; the static one does not.
  cat >"$cfg/server.properties" <<PROPS
# Generated by scripts/infra (common.sh write_kafka_config); edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$INFRA_DATA_DIR/kafka
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
# 50 (default) offsets partitions make the first consumer-group join slow on 2 cores.
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
auto.create.topics.enable=true
delete.topic.enable=true
group.initial.rebalance.delay.ms=0
# Sized for a 2-core dev box.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=24
PROPS
  # Broker logs go to stdout, which launch() appends to logs/kafka.log.
  cat >"$cfg/log4j.properties" <<'PROPS'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.clients=WARN
PROPS
  # CLI tools (StorageTool): warnings only, to stderr.
  cat >"$cfg/tools-log4j.properties" <<'PROPS'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
PROPS
}

