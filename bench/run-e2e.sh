#!/bin/bash
# End to end, every Quiver job family against its peers, on one local KRaft broker in one run.
#
#   bench/run-e2e.sh [--events N] [--repeat R] [--quick] [--rows ROW,ROW...] [--keys K]
#                    [--parallelism P] [--checkpoint-interval-ms MS] [--port PORT]
#                    [--jfr] [--latency RATE] [--latency-seconds S] [--latency-warmup S]
#                    [--kafka-property KEY=VALUE]... [--job-arg ARG]... [--baseline DIR] [--no-build]
#
# What it does, in order:
#   1. builds the jobs and the bench module (unless --no-build; ./mvnw package, never install);
#   2. starts a broker (bin/quiver broker), publishes the 100-tree oracle model to quiver.models
#      and one record to each of the one-record topics (bench.one.*) over which each job row's
#      fixed cost is measured (JVM and MiniCluster start, the last checkpoint, shutdown);
#   3. publishes the rest: N observations with 30 features (quiver.observations), 0.9 N vectors and
#      0.1 N queries at d = 3 (quiver.vectors, quiver.queries; one namespace per 10^5 vectors),
#      N/4 vectors and queries at d = 128 (bench.vectors128, bench.queries128);
#   4. runs R rounds; each round runs every row once, starting one row further along the list than
#      the round before (so no row is always first or last). Jobs run as bounded backfills
#      (--until-latest: read to the offsets at start, write every result exactly once, stop),
#      each right after its fixed-cost run over the one-record topics, both timed from launch to
#      exit; events/s is N / (run - fixed cost of the same round) (the pipeline, which reads only
#      the default topics, has one fixed cost, measured before the rest is published);
#   5. prints the table (median and range over the rounds, CPU seconds of the job and of the broker
#      during the row, load average at start and end, ratios to the passthrough peers), the JFR
#      hot methods with --jfr, and the latency rows with --latency RATE.
#
# Rows (events counted are the input records the row reads):
#   raw-producer       RawProducer: the same observations sent with a plain KafkaProducer (in-JVM timing)
#   raw-consumer       RawConsumer: quiver.observations read back to its end, read_committed (in-JVM timing)
#   passthrough-bytes  PassthroughPeer --mode bytes: Kafka -> keyBy(key) -> exactly-once Kafka
#   passthrough-avro   PassthroughPeer --mode avro: the same, each value decoded and encoded again
#   bayes-beta         quiver run bayes (beta-bernoulli, a result per event)
#   bayes-normal       quiver run bayes --model normal
#   score              quiver run score, xgb_synth_d6_100t.json (100 trees, depth 6, 30 features)
#   walk               quiver run walk --trigger 10 --paths 1000 --steps 100 (simple +-1 steps)
#   match-d3           quiver run match, d = 3, 90% upserts / 10% k = 10 queries
#   pipeline           dev.quiver.jobs.PipelineJob with --score-model-id: bayes, match, walk, score
#                      (observations + d = 3 vectors + queries)
#   match-d128         quiver run match at d = 128 (brute force), N/4 events; reported, no target
#
# --latency RATE: afterwards, each observation row runs unbounded on a fresh topic while
# RawProducer sends at RATE events/s (use about half the row's measured events/s) with event
# time = send time; LatencyProbe reports p50/p99 of (result's Kafka timestamp - event time).
# read_committed consumers see a result only at the next checkpoint: add up to one
# --checkpoint-interval-ms (default 2000) to what a consumer observes. --latency-seconds S sends
# for S seconds (default 20); --latency-warmup W leaves out the results of the first W seconds of
# sends (default 0), the job's warm-up (JIT, its first checkpoints with data), so that a transient
# at the start does not stand for the steady state.
#
# --kafka-property KEY=VALUE (repeatable) hands a Kafka client setting to every Flink row, Quiver's
# jobs and the passthrough peers alike (sources and sinks; the raw rows keep theirs): how candidate
# client settings are measured (docs/operations.md, "Kafka client settings"). Without it the peers
# run with Kafka's defaults and the jobs with Quiver's. --job-arg ARG (repeatable) appends ARG to
# the command of every Quiver job row (e.g. --job-arg --batch-timeout-ms --job-arg 10).
#
# --baseline DIR: also runs each Quiver row with DIR's bin/quiver (a copy of the checkout built
# before a change, its jobs/target/classpath-*.txt pointing into DIR) as ROW.base, in the same
# rounds and against the same broker, so a change and its baseline alternate under the same load.
#
# --jfr records every timed job run of the Quiver rows with JDK Flight Recorder (profile settings;
# its overhead is in the timings) and prints each row's top methods by execution samples.
#
# --quick: N = 2,000, latency over 5 s; `bench/run-e2e.sh --quick --repeat 1` is the smoke test
# (every row, about 30 minutes on the loaded 2-core development VM, too long for a unit test; at
# that N the fixed cost dominates and a figure can come out n/a). Everything lands in
# bench/target/e2e-<time>/.
set -euo pipefail

bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/.." && pwd)
quiver=$root/bin/quiver
oracles=${QUIVER_ORACLES:-$root/../shared/oracles}
model_file=$oracles/xgb_synth_d6_100t.json

all_rows=(raw-producer raw-consumer passthrough-bytes passthrough-avro bayes-beta bayes-normal
    score walk match-d3 pipeline match-d128)
latency_rows=(passthrough-bytes passthrough-avro bayes-beta bayes-normal score walk)
events=200000
repeat=3
keys=1000
features=30
parallelism=2
checkpoint_ms=2000
port=19093
jfr=0
latency_rate=0
latency_seconds=20
latency_warmup=0
build=1
baseline=
kafka_properties=()
job_args=()
rows=("${all_rows[@]}")

usage() {
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

parse_options() {
    while [ $# -gt 0 ]; do
        case $1 in
            --events) events=$2; shift ;;
            --repeat) repeat=$2; shift ;;
            --quick) events=2000; latency_seconds=5 ;;
            --rows) IFS=, read -r -a rows <<<"$2"; shift ;;
            --keys) keys=$2; shift ;;
            --parallelism) parallelism=$2; shift ;;
            --checkpoint-interval-ms) checkpoint_ms=$2; shift ;;
            --port) port=$2; shift ;;
            --jfr) jfr=1 ;;
            --latency) latency_rate=$2; shift ;;
            --baseline) baseline=$(cd "$2" && pwd); shift ;;
            --latency-seconds) latency_seconds=$2; shift ;;
            --latency-warmup) latency_warmup=$2; shift ;;
            --kafka-property) kafka_properties+=(--kafka-property "$2"); shift ;;
            --job-arg) job_args+=("$2"); shift ;;
            --no-build) build=0 ;;
            -h|--help) usage ;;
            *) echo "run-e2e.sh: unknown option $1" >&2; usage ;;
        esac
        shift
    done
    local row
    for row in "${rows[@]}"; do
        [[ " ${all_rows[*]} " == *" $row "* ]] || { echo "run-e2e.sh: unknown row $row" >&2; exit 2; }
    done
    if [ -n "$baseline" ]; then
        [ -x "$baseline/bin/quiver" ] || { echo "run-e2e.sh: no bin/quiver in $baseline" >&2; exit 2; }
        for row in "${rows[@]}"; do
            # Not the pipeline, whose one fixed cost is measured before the rounds.
            if is_quiver_job "$row" && [ "$row" != pipeline ]; then rows+=("$row.base"); fi
        done
    fi
}

# --- processes: everything started here is killed on exit -------------------------------------

broker_pid=
job_pid=
# Stops PID and its children (a job runs as /usr/bin/time's child, which SIGTERM alone would orphan).
stop() { # PID
    pkill -TERM -P "$1" 2>/dev/null || true
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

cleanup() {
    [ -n "$job_pid" ] && stop "$job_pid"
    [ -n "$broker_pid" ] && stop "$broker_pid"
    return 0
}

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$run_dir/progress.log" >&2; }

build_jars() {
    log "building jobs and bench (./mvnw package)"
    (cd "$root" && ./mvnw -B -ntp -o -q -DskipTests package -pl bench -am) >"$run_dir/build.log" 2>&1 ||
        { echo "build failed, see $run_dir/build.log" >&2; exit 1; }
    # bin/quiver rebuilds when the sources are newer than this file; the build just ran.
    touch "$root/jobs/target/classpath-compile.txt"
}

start_broker() {
    "$quiver" broker --port "$port" >"$run_dir/broker.log" 2>&1 &
    broker_pid=$!
    for _ in $(seq 1 240); do
        grep -q "Kafka broker ready" "$run_dir/broker.log" && return 0
        kill -0 "$broker_pid" 2>/dev/null || break
        sleep 0.5
    done
    cat "$run_dir/broker.log" >&2
    echo "broker did not start" >&2
    exit 1
}

# CPU seconds (user + system) the broker has used so far.
broker_cpu() {
    awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$broker_pid/stat"
}

load1() { cut -d' ' -f1 /proc/loadavg; }

# --- data ------------------------------------------------------------------------------------

publish() { # TYPE TOPIC COUNT [OPTIONS...]
    local type=$1 topic=$2 count=$3
    shift 3
    "$quiver" publish --bootstrap "$bootstrap" --type "$type" --topic "$topic" --generate "$count" \
        "$@" >>"$run_dir/publish.log" 2>&1
}

# The model, and the topics of one record each over which every round measures each row's fixed
# cost (bench.one.*); the pipeline, which reads only the default topics, has its fixed cost
# measured once, over one record in each of those, before the rest is published.
publish_firsts() {
    log "publishing the model and one record per input topic"
    "$quiver" publish-model --bootstrap "$bootstrap" --file "$model_file" --model-id bench \
        >>"$run_dir/publish.log" 2>&1
    publish observation bench.one.observations 1 --keys "$keys" --features "$features"
    if wants match-d3; then
        publish vector bench.one.vectors 1 --dim 3 --namespace ns-0
        publish query bench.one.queries 1 --dim 3 --namespace ns-0
    fi
    if wants match-d128; then
        publish vector bench.one.vectors128 1 --dim 128 --namespace ns-0
        publish query bench.one.queries128 1 --dim 128 --namespace ns-0
    fi
    if wants pipeline; then
        publish observation quiver.observations 1 --keys "$keys" --features "$features"
        publish vector quiver.vectors 1 --dim 3 --namespace ns-0
        publish query quiver.queries 1 --dim 3 --namespace ns-0
        log "fixed cost: pipeline over one record per topic"
        time_row pipeline fixed-pipeline "$run_dir/logs/fixed-pipeline.log"
        pipeline_fixed=$t_seconds
        pipeline_fixed_cpu=$t_job_cpu
    fi
}

# Vectors and queries of one dimension over namespaces of about 10^5 vectors each.
publish_match_data() { # DIM VECTORS QUERIES VECTORS_TOPIC QUERIES_TOPIC
    local dim=$1 vectors=$2 queries=$3 namespaces i
    namespaces=$(( (vectors + 99999) / 100000 ))
    for i in $(seq 0 $((namespaces - 1))); do
        publish vector "$4" $((vectors / namespaces)) --dim "$dim" --namespace "ns-$i" --seed $((100 + i))
        publish query "$5" $((queries / namespaces)) --dim "$dim" --namespace "ns-$i" --seed $((200 + i))
    done
}

publish_bulk() {
    log "publishing $events observations, match data at d = 3 and d = 128"
    local start
    start=$(date +%s.%N)
    publish observation quiver.observations $((events - $(wants pipeline && echo 1 || echo 0))) \
        --keys "$keys" --features "$features" --seed 43
    publish_seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
    # What each row reads, counted from the topics (publish may round per namespace).
    n_obs=$(topic_size quiver.observations)
    n_d3=0
    n_d128=0
    if wants match-d3 pipeline; then
        publish_match_data 3 $((events * 9 / 10)) $((events / 10)) quiver.vectors quiver.queries
        n_d3=$(( $(topic_size quiver.vectors) + $(topic_size quiver.queries) ))
    fi
    if wants match-d128; then
        publish_match_data 128 $((events / 4 * 9 / 10)) $((events / 40)) bench.vectors128 bench.queries128
        n_d128=$(( $(topic_size bench.vectors128) + $(topic_size bench.queries128) ))
    fi
}

# Whether any of ROWS is among the rows of this run.
wants() { # ROW...
    local row
    for row in "$@"; do [[ " ${rows[*]} " == *" $row "* ]] && return 0; done
    return 1
}

topic_size() {
    QUIVER_MAIN=dev.quiver.bench.e2e.RawConsumer QUIVER_EXTRA_CLASSPATH=$bench/target/classes \
        "$quiver" --bootstrap "$bootstrap" --topic "$1" 2>>"$run_dir/consume.log" |
        sed -n 's/.* events=\([0-9]*\).*/\1/p'
}

row_events() { # ROW
    case ${1%.base} in
        match-d3) echo "$n_d3" ;;
        match-d128) echo "$n_d128" ;;
        pipeline) echo $((n_obs + n_d3)) ;;
        *) echo "$n_obs" ;;
    esac
}

# --- rows ------------------------------------------------------------------------------------

# The command of ROW reading with consumer group GROUP, in the array `command`; `main` and
# `in_jvm_timing` say how it is launched and timed. Mode `bulk` (default) reads the published
# topics, `one` the one-record topics (the fixed cost), `unbounded IN OUT` runs until stopped.
row_command() { # ROW GROUP [bulk | one | unbounded INPUT_TOPIC OUTPUT_TOPIC]
    local row=${1%.base} group=$2 bound=--until-latest in=quiver.observations out=bench.out.$1 prefix=quiver
    launcher=$quiver
    [ "$row" != "$1" ] && launcher=$baseline/bin/quiver
    case ${3:-bulk} in
        one) in=bench.one.observations; out=bench.one.out.$1; prefix=bench.one ;;
        unbounded) bound=; in=$4; out=$5 ;;
    esac
    local common=(--bootstrap "$bootstrap" --create-topics $bound --parallelism "$parallelism"
        --checkpoint-interval-ms "$checkpoint_ms" --group-id "$group" --deadletter-topic "$out.deadletter"
        ${kafka_properties[@]+"${kafka_properties[@]}"})
    local peer=(--bootstrap "$bootstrap" $bound --parallelism "$parallelism"
        --checkpoint-interval-ms "$checkpoint_ms" --group-id "$group" --input "$in" --output "$out"
        ${kafka_properties[@]+"${kafka_properties[@]}"})
    main=
    case $row in
        raw-producer) main=dev.quiver.bench.e2e.RawProducer
            command=(--bootstrap "$bootstrap" --topic "bench.raw.$group" --events "$events" --keys "$keys"
                --features "$features") ;;
        raw-consumer) main=dev.quiver.bench.e2e.RawConsumer
            command=(--bootstrap "$bootstrap" --topic quiver.observations) ;;
        passthrough-bytes) main=dev.quiver.bench.e2e.PassthroughPeer; command=("${peer[@]}" --mode bytes) ;;
        passthrough-avro) main=dev.quiver.bench.e2e.PassthroughPeer; command=("${peer[@]}" --mode avro) ;;
        bayes-beta) command=(run bayes "${common[@]}" --observations-topic "$in" --posteriors-topic "$out") ;;
        bayes-normal) command=(run bayes "${common[@]}" --observations-topic "$in" --posteriors-topic "$out"
            --model normal) ;;
        score) command=(run score "${common[@]}" --observations-topic "$in" --scores-topic "$out"
            --model-id bench) ;;
        walk) command=(run walk "${common[@]}" --observations-topic "$in" --walks-topic "$out"
            --model simple --trigger 10 --paths 1000 --steps 100) ;;
        match-d3) command=(run match "${common[@]}" --vectors-topic "$prefix.vectors"
            --queries-topic "$prefix.queries" --matches-topic "$out") ;;
        match-d128) command=(run match "${common[@]}" --vectors-topic "${prefix/quiver/bench}.vectors128"
            --queries-topic "${prefix/quiver/bench}.queries128" --matches-topic "$out") ;;
        pipeline) main=dev.quiver.jobs.PipelineJob
            command=("${common[@]}" --score-model-id bench) ;;
    esac
    if is_quiver_job "$row"; then command+=(${job_args[@]+"${job_args[@]}"}); fi
    in_jvm_timing=0
    case $row in raw-*) in_jvm_timing=1 ;; esac
}

is_quiver_job() { case $1 in raw-*|passthrough-*) return 1 ;; *) return 0 ;; esac; }


# Launches the command of row_command in the background (pid in job_pid), output to LOG.
launch() { # ROW LOG [JFR_FILE]
    local java_opts="-Xmx2g"
    [ -n "${3:-}" ] && java_opts="$java_opts -XX:StartFlightRecording=filename=$3,settings=profile,dumponexit=true"
    QUIVER_MAIN=$main QUIVER_EXTRA_CLASSPATH=$bench/target/classes QUIVER_JAVA_OPTS=$java_opts \
        /usr/bin/time -f "cpu %U %S" -o "$2.time" "$launcher" "${command[@]}" >"$2" 2>&1 &
    job_pid=$!
}

# Runs ROW to its end, setting t_seconds, t_job_cpu, t_broker_cpu, t_load_start and t_load_end
# (globals, not output: a command substitution's subshell would hide the job from cleanup).
time_row() { # ROW GROUP LOG [JFR_FILE [MODE]]
    row_command "$1" "$2" "${5:-bulk}"
    local cpu_start start status=0
    t_load_start=$(load1)
    cpu_start=$(broker_cpu)
    start=$(date +%s.%N)
    launch "$1" "$3" "${4:-}"
    wait "$job_pid" || status=$?
    job_pid=
    t_seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
    t_load_end=$(load1)
    t_broker_cpu=$(echo "$(broker_cpu) - $cpu_start" | bc -l)
    if [ "$status" != 0 ]; then
        tail -5 "$3" >&2
        echo "row $1 failed (exit $status), log $3" >&2
        exit 1
    fi
    if [ "$in_jvm_timing" = 1 ]; then
        t_seconds=$(sed -n 's/.* seconds=\([0-9.]*\).*/\1/p' "$3")
    fi
    t_job_cpu=$(awk '/^cpu/ { print $2 + $3 }' "$3.time")
}

# One timed run of ROW in ROUND, right after its fixed cost over the one-record topics (so both
# see the same load; the raw rows time themselves in the JVM and have none), to results.tsv.
record_row() { # ROUND ROW
    local round=$1 row=$2 jfr_file= fixed=0 fixed_cpu=0
    case $row in
        raw-*) ;;
        pipeline) fixed=$pipeline_fixed; fixed_cpu=$pipeline_fixed_cpu ;;
        *) time_row "$row" "fixed-$row-$round" "$run_dir/logs/fixed-$row-$round.log" "" one
           fixed=$t_seconds
           fixed_cpu=$t_job_cpu ;;
    esac
    if [ "$jfr" = 1 ] && is_quiver_job "$row"; then jfr_file=$run_dir/jfr/$row-$round.jfr; fi
    time_row "$row" "run-$row-$round" "$run_dir/logs/$row-$round.log" "$jfr_file"
    printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$round" "$row" "$(row_events "$row")" "$t_seconds" \
        "$fixed" \
        "$t_job_cpu" "$t_broker_cpu" "$t_load_start" "$t_load_end" "$fixed_cpu" >>"$run_dir/results.tsv"
}

run_rounds() {
    local round i n=${#rows[@]}
    printf "round\trow\tevents\tseconds\tfixed\tjob_cpu\tbroker_cpu\tload_start\tload_end\tfixed_cpu\n" >"$run_dir/results.tsv"
    for round in $(seq 1 "$repeat"); do
        for i in $(seq 0 $((n - 1))); do
            local row=${rows[$(( (i + round - 1) % n ))]}
            log "round $round/$repeat: $row"
            record_row "$round" "$row"
        done
    done
}

# Every row's results read back (read_committed): what each run wrote, committed. A row over the
# observations writes a result per observation (walk: per 10th of a key; match: per query).
check_results() {
    local topics=() row
    for row in "${rows[@]}"; do
        case $row in raw-*|pipeline) ;; *) topics+=("bench.out.$row") ;; esac
    done
    if wants pipeline; then topics+=(quiver.posteriors quiver.scores quiver.walks quiver.matches); fi
    [ ${#topics[@]} = 0 ] && return 0
    log "reading the results back"
    local IFS=,
    bench_tool RawConsumer --bootstrap "$bootstrap" --topic "${topics[*]}" >"$run_dir/results-read-back.txt"
}

# --- JFR -------------------------------------------------------------------------------------

# Top methods of ROW's recordings: execution samples counted by their top frame.
hot_methods() { # ROW
    local files=("$run_dir/jfr/$1"-*.jfr) file
    [ -e "${files[0]}" ] || return 0
    echo "hot methods, $1 (top frames of jdk.ExecutionSample, all rounds):"
    for file in "${files[@]}"; do jfr print --events jdk.ExecutionSample "$file"; done |
        awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); n[$0]++; total++ }
             END { for (m in n) printf "%7.1f%%  %s\n", 100 * n[m] / total, m }' |
        sort -rn | head -12
}

# --- latency ---------------------------------------------------------------------------------

measure_latency() { # ROW
    local row=$1 in=bench.latency.in.$1 out=bench.latency.out.$1 sent expect skip
    sent=$(echo "$latency_rate * $latency_seconds / 1" | bc)
    # The priming record's result, then those of the warm-up's sends.
    skip=$(echo "1 + $latency_rate * $latency_warmup / 1" | bc)
    log "latency: $row at $latency_rate events/s for $latency_seconds s"
    bench_tool RawProducer --bootstrap "$bootstrap" --topic "$in" --events 1 --keys "$keys" \
        --features "$features" >/dev/null
    row_command "$row" "latency-$row" unbounded "$in" "$out"
    launch "$row" "$run_dir/logs/latency-$row.log"
    # The job is up once the priming record's result is visible.
    bench_tool LatencyProbe --bootstrap "$bootstrap" --topic "$out" --expect 1 --timeout-s 180 >/dev/null
    bench_tool RawProducer --bootstrap "$bootstrap" --topic "$in" --events "$sent" --keys "$keys" \
        --features "$features" --rate "$latency_rate" >>"$run_dir/logs/latency-$row.producer.log"
    expect=$((sent + 1))
    # The walk job answers only some observations (every 10th of a key): read until quiet.
    if [ "$row" = walk ]; then
        expect=$((sent * 10))
        skip=$(( (skip - 1) / 10 + 1 ))
    fi
    printf "%s\t%s\t%s\n" "$row" "$latency_rate" "$(bench_tool LatencyProbe --bootstrap "$bootstrap" \
        --topic "$out" --expect "$expect" --skip "$skip" --timeout-s $((3 * checkpoint_ms / 1000 + 5)))" \
        >>"$run_dir/latency.tsv"
    stop "$job_pid"
    job_pid=
}

bench_tool() { # CLASS ARGS...
    local class=$1
    shift
    QUIVER_MAIN=dev.quiver.bench.e2e.$class QUIVER_EXTRA_CLASSPATH=$bench/target/classes \
        "$quiver" "$@" 2>>"$run_dir/tools.log"
}

# --- report ----------------------------------------------------------------------------------

report() {
    {
        echo "Quiver end to end, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(java -version 2>&1 | head -1)"
        echo "  N = $n_obs observations ($features features, $keys keys), match d=3 $n_d3 events, d=128 $n_d128 events (0: row not run);"
        echo "  parallelism $parallelism, checkpoints every $checkpoint_ms ms, $repeat round(s), one-partition topics"
        printf "  quiver publish of the observations: %.1f s\n" "$publish_seconds"
        echo "  load average at start $load_at_start, now $(cut -d' ' -f1-3 /proc/loadavg)"
        /usr/bin/python3 "$bench/peers/e2e_report.py" "$run_dir/results.tsv"
        echo
        echo "results read back (read_committed), each topic over $repeat round(s) (fixed-cost runs write to bench.one.out.*);"
        echo "a result per observation expected in the passthrough, bayes and score topics: $((repeat * n_obs))"
        sed 's/^raw-consumer //; s/ seconds=.*//' "$run_dir/results-read-back.txt" | sed 's/^/  /'
        if [ -s "$run_dir/latency.tsv" ]; then
            echo
            echo "latency, producer paced (row, events/s, figures); read_committed visibility adds up to $checkpoint_ms ms (one checkpoint interval)"
            cat "$run_dir/latency.tsv"
        fi
        if [ "$jfr" = 1 ]; then
            local row
            for row in "${rows[@]}"; do echo; hot_methods "$row"; done
        fi
        echo
        echo "command: bench/run-e2e.sh $original_args"
        echo "logs in $run_dir"
    } | tee "$run_dir/report.txt"
}

main() {
    original_args="$*"
    parse_options "$@"
    run_dir=$bench/target/e2e-$(date +%Y%m%d-%H%M%S)
    mkdir -p "$run_dir/logs" "$run_dir/jfr"
    bootstrap=localhost:$port
    load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
    [ -f "$model_file" ] || { echo "no model at $model_file (set QUIVER_ORACLES)" >&2; exit 1; }
    trap cleanup EXIT
    trap 'exit 130' INT TERM  # so that the EXIT trap runs when the run is stopped
    [ "$build" = 1 ] && build_jars
    start_broker
    publish_firsts
    publish_bulk
    run_rounds
    check_results
    if [ "$latency_rate" != 0 ]; then
        local row
        for row in "${latency_rows[@]}"; do
            if wants "$row"; then measure_latency "$row"; fi
        done
    fi
    report
}

main "$@"
