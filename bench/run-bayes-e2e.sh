#!/bin/bash
# End-to-end throughput of the bayes job through a real Kafka broker on this machine: a local KRaft
# broker (bin/quiver broker), N generated observations published to quiver.observations, then the
# job run over them as a bounded backfill (--until-latest: read to the offsets at start, write every
# result exactly once, stop) and timed from launch to exit. Prints events/s over the whole run, and
# net of the job's fixed cost (JVM and MiniCluster start, the last checkpoint, shutdown), measured
# by the same run over a topic holding one observation. A few minutes on a 2-core machine.
#
#   bench/run-bayes-e2e.sh [--events N] [--keys K] [--parallelism P] [--port PORT] [--no-check]
#                          [-- JOB OPTIONS...]
#
# e.g. bench/run-bayes-e2e.sh --events 1000000 -- --model normal --window 100
#
# Observations come from `quiver publish --generate` (seeded 0/1 values over K keys, so any model
# that accepts 0/1 values runs on them); auto-created topics have one partition. Unless --no-check,
# the results are read back (read_committed) and counted.
set -euo pipefail

bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/.." && pwd)
quiver=$root/bin/quiver
events=500000
keys=1000
parallelism=2
port=19092
check=1
while [ $# -gt 0 ]; do
    case $1 in
        --events) events=$2; shift ;;
        --keys) keys=$2; shift ;;
        --parallelism) parallelism=$2; shift ;;
        --port) port=$2; shift ;;
        --no-check) check=0 ;;
        --) shift; break ;;
        *) echo "run-bayes-e2e.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
job_options=("$@")

run_dir=$bench/target/bayes-e2e-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run_dir"
bootstrap=localhost:$port

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

"$quiver" broker --port "$port" >"$run_dir/broker.log" 2>&1 &
broker_pid=$!
trap 'kill "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    grep -q "Kafka broker ready" "$run_dir/broker.log" && break
    kill -0 "$broker_pid" 2>/dev/null || { cat "$run_dir/broker.log" >&2; exit 1; }
    sleep 0.5
done
grep -q "Kafka broker ready" "$run_dir/broker.log" || { echo "broker did not start" >&2; exit 1; }

run_job() { # $1 observations topic, $2 results topic, $3 group; prints the seconds the run took
    local start
    start=$(now)
    # --create-topics: the job checks its topics at start; its result topics do not exist yet.
    "$quiver" run bayes --bootstrap "$bootstrap" --create-topics --until-latest \
        --parallelism "$parallelism" --observations-topic "$1" --posteriors-topic "$2" --deadletter-topic "$2.deadletter" \
        --group-id "$3" "${job_options[@]}" >>"$run_dir/job.log" 2>&1
    elapsed "$start" "$(now)"
}

"$quiver" publish --bootstrap "$bootstrap" --type observation --topic bench.one --generate 1 \
    >>"$run_dir/publish.log"
fixed=$(run_job bench.one bench.one.posteriors bench-fixed)

start=$(now)
"$quiver" publish --bootstrap "$bootstrap" --type observation --generate "$events" --keys "$keys" \
    >>"$run_dir/publish.log"
publish_s=$(elapsed "$start" "$(now)")

total=$(run_job quiver.observations quiver.posteriors bench-run)

{
    echo "bayes job end to end, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
    echo "  $events observations over $keys keys, parallelism $parallelism, job options: ${job_options[*]:-(defaults)}"
    printf "  published in %.1f s (%.0f records/s, quiver publish)\n" "$publish_s" "$(echo "$events / $publish_s" | bc -l)"
    printf "  job run: %.1f s wall, %.0f events/s including its fixed cost\n" "$total" "$(echo "$events / $total" | bc -l)"
    printf "  fixed cost (same run over one observation): %.1f s; net: %.0f events/s\n" "$fixed" "$(echo "$events / ($total - $fixed)" | bc -l)"
} | tee "$run_dir/report.txt"

if [ "$check" = 1 ]; then
    read_back=$("$quiver" consume --bootstrap "$bootstrap" --topic quiver.posteriors \
        --from-beginning --max "$events" --timeout 60 2>>"$run_dir/consume.log" | wc -l)
    echo "  results read back (read_committed): $read_back" | tee -a "$run_dir/report.txt"
fi
echo "  logs and report in $run_dir"
