# Shared by the deploy/local scripts (sourced, not run): the run directory, process bookkeeping,
# starting the broker, the JobManager and TaskManagers, and the Flink REST API.
#
# Run dir ${QUIVER_RUN_DIR:-<repo>/.run/local}: <proc>.pid and <proc>.log per process (kafka,
# jobmanager, taskmanager-N), kafka/ (broker data), checkpoints/, savepoints/, work/, conf/ (the Flink
# configuration the processes read) and cluster.env (the ports and slots fixed by `up`).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
BUILT_JOB_JAR="$ROOT/jobs/target/quiver-jobs-0.1.0-SNAPSHOT.jar"
# The jar that submit runs: the build's, or QUIVER_JOB_JAR, e.g. an upgraded job restarted from a
# savepoint of the old one.
JOB_JAR="${QUIVER_JOB_JAR:-$BUILT_JOB_JAR}"
FLINK_CLASSPATH_FILE="$ROOT/deploy/flink-runtime/target/classpath.txt"
CLI_CLASSES="$ROOT/jobs/target/classes"
CLI_CLASSPATH_FILES=("$ROOT/jobs/target/classpath-compile.txt" "$ROOT/jobs/target/classpath-runtime.txt")

# Seconds to wait for a process to start or stop; a loaded machine may need more.
START_TIMEOUT_S="${QUIVER_START_TIMEOUT_S:-300}"
STOP_TIMEOUT_S="${QUIVER_STOP_TIMEOUT_S:-60}"

RUN_DIR="${QUIVER_RUN_DIR:-$ROOT/.run/local}"
if [[ -d "$RUN_DIR" ]]; then
  RUN_DIR="$(cd "$RUN_DIR" && pwd -P)"
elif [[ "$RUN_DIR" != /* ]]; then
  RUN_DIR="$PWD/$RUN_DIR"
fi
CONF_DIR="$RUN_DIR/conf"
CLUSTER_ENV="$RUN_DIR/cluster.env"

SCRIPT_NAME="deploy/local/$(basename "$0")"

die() {
  echo "$SCRIPT_NAME: $*" >&2
  exit 1
}

info() {
  echo "$*" >&2
}

need_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || die "needs '$tool' on the PATH"
  done
}

# The ports and slots of this run dir: fixed by `up` in cluster.env while anything runs, so every
# later command talks to the same cluster whatever the environment says; defaults otherwise.
load_cluster_env() {
  if [[ -f "$CLUSTER_ENV" ]]; then
    # shellcheck source=/dev/null
    source "$CLUSTER_ENV"
  fi
  KAFKA_PORT="${KAFKA_PORT:-${QUIVER_KAFKA_PORT:-9092}}"
  FLINK_PORT="${FLINK_PORT:-${QUIVER_FLINK_PORT:-8081}}"
  FLINK_RPC_PORT="${FLINK_RPC_PORT:-${QUIVER_FLINK_RPC_PORT:-6123}}"
  PROM_PORTS="${PROM_PORTS:-${QUIVER_PROM_PORTS:-9250-9269}}"
  KAFKA_PARTITIONS="${KAFKA_PARTITIONS:-${QUIVER_KAFKA_PARTITIONS:-4}}"
  SLOTS="${SLOTS:-2}"
  BOOTSTRAP="localhost:$KAFKA_PORT"
  REST_URL="http://localhost:$FLINK_PORT"
}

# Fixes ports and slots for this run from the environment (only when nothing runs).
write_cluster_env() {
  mkdir -p "$RUN_DIR"
  KAFKA_PORT="${QUIVER_KAFKA_PORT:-9092}"
  FLINK_PORT="${QUIVER_FLINK_PORT:-8081}"
  FLINK_RPC_PORT="${QUIVER_FLINK_RPC_PORT:-6123}"
  PROM_PORTS="${QUIVER_PROM_PORTS:-9250-9269}"
  KAFKA_PARTITIONS="${QUIVER_KAFKA_PARTITIONS:-4}"
  SLOTS="$1"
  cat >"$CLUSTER_ENV" <<EOF
KAFKA_PORT=$KAFKA_PORT
FLINK_PORT=$FLINK_PORT
FLINK_RPC_PORT=$FLINK_RPC_PORT
PROM_PORTS=$PROM_PORTS
KAFKA_PARTITIONS=$KAFKA_PARTITIONS
SLOTS=$SLOTS
EOF
  load_cluster_env
}

pid_file() { echo "$RUN_DIR/$1.pid"; }
log_file() { echo "$RUN_DIR/$1.log"; }

# The pid recorded for a process, or nothing.
pid_of() {
  local file
  file="$(pid_file "$1")"
  [[ -f "$file" ]] && cat "$file"
  return 0
}

# Whether the process is alive and still ours: every JVM started here names its log file in this
# run dir on its command line, so a recycled pid is not mistaken for it.
is_alive() {
  local pid
  pid="$(pid_of "$1")"
  [[ -n "$pid" ]] && ps -ww -p "$pid" -o args= 2>/dev/null | grep -F -- "$(log_file "$1")" >/dev/null
}

# Process names with a pid file: kafka, jobmanager, then taskmanager-N by N.
known_procs() {
  local file name
  for name in kafka jobmanager; do
    if [[ -f "$(pid_file "$name")" ]]; then echo "$name"; fi
  done
  for file in "$RUN_DIR"/taskmanager-*.pid; do
    if [[ -f "$file" ]]; then basename "$file" .pid; fi
  done | sort -t- -k2 -n
}

any_alive() {
  local name
  for name in $(known_procs); do
    is_alive "$name" && return 0
  done
  return 1
}

# The last lines of a process's log, for failure messages.
log_tail() {
  local file
  file="$(log_file "$1")"
  if [[ -f "$file" ]]; then
    echo "--- last lines of $file:" >&2
    tail -n "${2:-30}" "$file" >&2
    echo "---" >&2
  fi
}

# Starts "$@" as process $1's JVM in its own session (so a terminal's Ctrl-C or hang-up does not
# reach it), output appended to its log, pid in its pid file.
start_proc() {
  local name="$1" pidf
  shift
  pidf="$(pid_file "$name")"
  rm -f "$pidf"
  echo "=== $(date '+%F %T') starting $name" >>"$(log_file "$name")"
  local launcher=()
  command -v setsid >/dev/null && launcher=(setsid)
  "${launcher[@]}" bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" \
    >>"$(log_file "$name")" 2>&1 </dev/null &
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s "$pidf" ]] && return 0
    sleep 0.1
  done
  die "$name did not start"
}

# Stops a process: SIGTERM, then waits; SIGKILL after STOP_TIMEOUT_S. Removes its pid file.
stop_proc() {
  local name="$1" pid i
  pid="$(pid_of "$name")"
  if is_alive "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_TIMEOUT_S * 5; i++)); do
      is_alive "$name" || break
      sleep 0.2
    done
    if is_alive "$name"; then
      info "$name (pid $pid) still running after ${STOP_TIMEOUT_S}s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
      while is_alive "$name"; do sleep 0.2; done
    fi
    info "stopped $name (pid $pid)"
  fi
  rm -f "$(pid_file "$name")"
}

# Waits until "$@" succeeds, checking every half second that process $2 is still alive.
# Usage: wait_until DESCRIPTION PROC COMMAND...
wait_until() {
  local what="$1" proc="$2" deadline
  shift 2
  deadline=$((SECONDS + START_TIMEOUT_S))
  until "$@"; do
    if [[ -n "$proc" ]] && ! is_alive "$proc"; then
      log_tail "$proc"
      die "$proc exited while waiting for $what"
    fi
    if ((SECONDS >= deadline)); then
      [[ -n "$proc" ]] && log_tail "$proc"
      die "timed out after ${START_TIMEOUT_S}s waiting for $what"
    fi
    sleep 0.5
  done
}

# Builds the job jar, the cluster classpath and the CLI classes if any is missing.
build_if_missing() {
  local missing=0 file
  for file in "$BUILT_JOB_JAR" "$FLINK_CLASSPATH_FILE" "${CLI_CLASSPATH_FILES[@]}"; do
    [[ -f "$file" ]] || missing=1
  done
  [[ -d "$CLI_CLASSES" ]] || missing=1
  ((missing)) || return 0
  info "building the job jar and the Flink runtime classpath with ./mvnw (a few minutes the first time)..."
  local log="$RUN_DIR/build.log"
  mkdir -p "$RUN_DIR"
  if ! (cd "$ROOT" && ./mvnw -B -q -DskipTests package -pl jobs,deploy/flink-runtime -am) >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "build failed, see $log"
  fi
}

# conf/ from deploy/flink with this run's directory and ports filled in.
write_conf() {
  mkdir -p "$CONF_DIR" "$RUN_DIR/checkpoints" "$RUN_DIR/savepoints" "$RUN_DIR/jobmanager-uploads"
  sed -e "s|\${QUIVER_RUN_DIR}|$RUN_DIR|g" \
    -e "s|\${QUIVER_FLINK_PORT}|$FLINK_PORT|g" \
    -e "s|\${QUIVER_FLINK_RPC_PORT}|$FLINK_RPC_PORT|g" \
    -e "s|\${QUIVER_PROM_PORTS}|$PROM_PORTS|g" \
    "$ROOT/deploy/flink/config.yaml" >"$CONF_DIR/config.yaml.tmp"
  mv "$CONF_DIR/config.yaml.tmp" "$CONF_DIR/config.yaml"
  cp "$ROOT/deploy/flink/log4j.properties" "$CONF_DIR/log4j.properties"
}

# env.java.opts.all from the configuration, as Flink's own scripts read it.
java_opts_all() {
  sed -n 's/^env\.java\.opts\.all:[[:space:]]*//p' "$CONF_DIR/config.yaml" | tr -d "\"'"
}

# --- Kafka -----------------------------------------------------------------------------------

kafka_answers() {
  # The broker prints its ready line once it answers an admin request; only this start's lines
  # count. grep reads to the end (no -q): under pipefail, a grep that quits at the first match
  # can kill the writer with SIGPIPE and turn a match into a failure.
  tail -c +"$KAFKA_LOG_OFFSET" "$(log_file kafka)" 2>/dev/null | grep -F "Kafka broker ready at" >/dev/null
}

# Starts the broker (quiver broker: a real KRaft broker and controller) on its port and data dir.
start_kafka() {
  local log
  log="$(log_file kafka)"
  touch "$log"
  KAFKA_LOG_OFFSET=$(($(wc -c <"$log") + 1))
  local cp="$CLI_CLASSES:$(cat "${CLI_CLASSPATH_FILES[0]}"):$(cat "${CLI_CLASSPATH_FILES[1]}")"
  # shellcheck disable=SC2046
  start_proc kafka "$JAVA" ${QUIVER_KAFKA_JAVA_OPTS:--Xms256m -Xmx512m} $(java_opts_all) \
    -Dquiver.log.file="$log" -cp "$cp" dev.quiver.cli.QuiverCli broker \
    --port "$KAFKA_PORT" --data-dir "$RUN_DIR/kafka" --partitions "$KAFKA_PARTITIONS"
  info "started kafka (pid $(pid_of kafka)), log $log"
}

wait_kafka() {
  wait_until "the Kafka broker at $BOOTSTRAP" kafka kafka_answers
}

# --- Flink -----------------------------------------------------------------------------------

flink_classpath() {
  cat "$FLINK_CLASSPATH_FILE"
}

# Runs BashJavaUtils (what Flink's scripts run) for a process's JVM flags and the memory settings
# it must be given; prints two lines: JVM flags, then -D options.
resource_params() {
  local out
  out="$("$JAVA" -Xmx128m -cp "$(flink_classpath)" org.apache.flink.runtime.util.bash.BashJavaUtils \
    "$1" --configDir "$CONF_DIR" "${@:2}" 2>&1)" || {
    echo "$out" >&2
    die "BashJavaUtils $1 failed"
  }
  echo "$out" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' | tail -n 2
}

# Starts a Flink process: $1 its name, $2 the BashJavaUtils command, $3 the main class, then
# dynamic properties (-D key=value ...) for both.
start_flink_proc() {
  local name="$1" params_cmd="$2" main="$3"
  shift 3
  local params jvm_params dynamic_params log
  params="$(resource_params "$params_cmd" "$@")"
  # The first and last lines by expansion, not `echo | head`: under pipefail (and errexit) head's
  # early exit can fail the assignment with echo's SIGPIPE (exit 141), at random.
  jvm_params="${params%%$'\n'*}"
  dynamic_params="${params##*$'\n'}"
  log="$(log_file "$name")"
  # shellcheck disable=SC2046,SC2086
  start_proc "$name" "$JAVA" $jvm_params $(java_opts_all) \
    -Dlog.file="$log" -Dlog4j.configurationFile="file:$CONF_DIR/log4j.properties" \
    -cp "$(flink_classpath)" "$main" --configDir "$CONF_DIR" "$@" $dynamic_params
  info "started $name (pid $(pid_of "$name")), log $log"
}

start_jobmanager() {
  start_flink_proc jobmanager GET_JM_RESOURCE_PARAMS \
    org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
}

start_taskmanager() {
  start_flink_proc "$1" GET_TM_RESOURCE_PARAMS org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    -D "taskmanager.resource-id=$1" -D "taskmanager.numberOfTaskSlots=$SLOTS"
}

rest_answers() {
  curl -fsS --max-time 5 "$REST_URL/overview" >/dev/null 2>&1
}

wait_jobmanager() {
  wait_until "the Flink REST API at $REST_URL" jobmanager rest_answers
}

# Names of the TaskManagers registered with the JobManager (their resource ids).
registered_taskmanagers() {
  rest GET /taskmanagers | jq -r '.taskmanagers[].id'
}

tm_registered() {
  registered_taskmanagers 2>/dev/null | grep -x -- "$1" >/dev/null
}

wait_taskmanager() {
  wait_until "$1 to register with the JobManager" "$1" tm_registered "$1"
}

# The highest N of the taskmanager-N seen in this run dir, or 0.
last_taskmanager_index() {
  local max=0 name n
  for name in $(known_procs); do
    if [[ "$name" == taskmanager-* ]]; then
      n="${name#taskmanager-}"
      if ((n > max)); then max="$n"; fi
    fi
  done
  echo "$max"
}

# The Prometheus port a process serves metrics on (a listening port of its pid in the reporter's
# range), or nothing.
prom_port() {
  local pid="$1" lo="${PROM_PORTS%-*}" hi="${PROM_PORTS#*-}" port
  command -v ss >/dev/null || return 0
  ss -Hltnp 2>/dev/null | grep -F "pid=$pid," | awk '{print $4}' | sed 's/.*://' | while read -r port; do
    if ((port >= lo && port <= hi)); then echo "$port"; fi
  done | head -n 1 || true
}

# Calls the Flink REST API: rest METHOD PATH [JSON-BODY]. Prints the response body; on an HTTP
# error prints Flink's error messages to stderr and fails.
rest() {
  local method="$1" path="$2" body="${3:-}" out code
  local args=(-sS --max-time 60 -X "$method" -w '\n%{http_code}')
  [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' -d "$body")
  out="$(curl "${args[@]}" "$REST_URL$path")" || die "no answer from the Flink REST API at $REST_URL (is the cluster up?)"
  code="${out##*$'\n'}"
  out="${out%$'\n'*}"
  if ((code >= 400)); then
    echo "$SCRIPT_NAME: $method $path: HTTP $code" >&2
    { echo "$out" | jq -r '.errors[]?' 2>/dev/null || echo "$out"; } >&2
    return 1
  fi
  echo "$out"
}

require_jobmanager() {
  is_alive jobmanager && rest_answers ||
    die "no Flink cluster answers at $REST_URL (run dir $RUN_DIR); start one with deploy/local/up"
}

job_state() {
  rest GET "/jobs/$1" | jq -r '.state'
}

is_terminal_state() {
  [[ "$1" =~ ^(FINISHED|CANCELED|FAILED)$ ]]
}
