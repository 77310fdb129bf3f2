#!/usr/bin/env bash
# Benchmark (issue 21): the national uplink's records/s to the national-platform simulator, one record per request and
# batched (JSON arrays), beside a plain JDK HttpClient loop sending the same requests to the same simulator in the same
# run (goal: the hub at least 0.8x the loop), and the CPU the uplink adds per record. UplinkBench.java says how each
# figure is taken (docs/benchmarks.md, "The national uplink").
#
#   bench/uplink.sh [--records N] [--batched-records N] [--batch-size N] [--concurrency N] [--work DIR]
#
#   --records          records of the one-per-request mode (default 20000)
#   --batched-records  records of the batched mode (default 100000)
#   --batch-size       records per JSON array in the batched mode (default 50)
#   --concurrency      requests in flight, the hub's hub.uplink.concurrency and the loop's threads (default 4)
# HUB_ARGS adds options to every hub start, HUB_JVM_OPTS JVM options ({label} is replaced by the start's name, e.g.
# HUB_JVM_OPTS='-XX:StartFlightRecording=filename=/tmp/{label}.jfr'). Each hub gets a fresh database on the PostgreSQL at 127.0.0.1:5432 when
# one answers (dropped at the end), else its embedded one.
# Needs deployment/target/exchange-hub.jar and bench/target (mvn -B -o -q -DskipTests package), java, psql for the databases.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

RECORDS=20000
BATCHED_RECORDS=100000
BATCH_SIZE=50
CONCURRENCY=4
WORK=/tmp/hub-bench-uplink
while [ $# -gt 0 ]; do
  case "$1" in
    --records) RECORDS=$2; shift 2 ;;
    --batched-records) BATCHED_RECORDS=$2; shift 2 ;;
    --batch-size) BATCH_SIZE=$2; shift 2 ;;
    --concurrency) CONCURRENCY=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

JAR=${HUB_JAR:-$ROOT/deployment/target/exchange-hub.jar}
[ -f "$JAR" ] || { echo "missing $JAR: mvn -B -o -q -DskipTests package" >&2; exit 1; }
[ -f "$ROOT/bench/target/classes/energyhub/bench/UplinkBench.class" ] || { echo "missing bench/target: mvn -B -o -q -DskipTests package" >&2; exit 1; }

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN=$WORK/run-$STAMP
mkdir -p "$RUN"
REPORT=$ROOT/bench/results/$STAMP-uplink.md
RESULTS=$ROOT/bench/results/$STAMP-uplink.properties

# a fresh database per hub start (one per mode), dropped at the end
DBS=()
cleanup() {
  for d in "${DBS[@]:-}"; do [ -n "$d" ] && psql -h 127.0.0.1 -U postgres -qc "drop database if exists $d" >/dev/null 2>&1; done
  rm -rf "$RUN/single" "$RUN/batched" # the hubs' data (broker journal); their logs stay in $RUN
  return 0
}
trap cleanup EXIT
database() { # MODE: sets DB to a fresh database's JDBC URL, or "-" (the hub's embedded PostgreSQL)
  DB=-
  if command -v psql >/dev/null && pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    local name="uplink_bench_${STAMP,,}_$1"
    psql -h 127.0.0.1 -U postgres -qc "create database $name" >&2
    DBS+=("$name")
    DB="jdbc:postgresql://127.0.0.1:5432/$name"
  fi
}
database single; DB_SINGLE=$DB
database batched; DB_BATCHED=$DB

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "uplink bench: $RECORDS records one per request, $BATCHED_RECORDS in arrays of $BATCH_SIZE, concurrency $CONCURRENCY; work in $RUN" >&2
java -Dclk.tck="$(getconf CLK_TCK)" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$ROOT/bench/target/classes:$ROOT/bench/target/lib/*" energyhub.bench.UplinkBench \
  "$JAR" "$RUN" "$DB_SINGLE" "$DB_BATCHED" "$RECORDS" "$BATCHED_RECORDS" "$BATCH_SIZE" "$CONCURRENCY" > "$RESULTS"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "machine=$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "loadavg_before=$LOAD_BEFORE"
  echo "loadavg_after=$LOAD_AFTER"
  echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo -)"
  echo "jar=$JAR"
  echo "hub_jvm_opts=${HUB_JVM_OPTS:--}"
  echo "hub_args=${HUB_ARGS:--}"
} >> "$RESULTS"

get() { sed -n "s/^$1=//p" "$RESULTS" | tail -1; }
{
  echo "# National uplink benchmark, $STAMP"
  echo
  echo "\`bench/uplink.sh --records $RECORDS --batched-records $BATCHED_RECORDS --batch-size $BATCH_SIZE --concurrency $CONCURRENCY\`" \
       "on commit $(get commit), hub jar $(get jar) (HUB_JVM_OPTS: $(get hub_jvm_opts); HUB_ARGS: $(get hub_args));" \
       "$(get machine); load average $(get loadavg_before) before, $(get loadavg_after) after."
  echo
  echo "| mode | records | plain loop, records/s (before / after) | hub, records/s | hub ÷ loop (goal ≥ 0.8) | every record once from the hub |"
  echo "|---|---|---|---|---|---|"
  for m in single batched; do
    echo "| $m | $(get $m.records) ($(get $m.requests) requests) | $(get $m.loop_before.rate) / $(get $m.loop_after.rate) | $(get $m.hub.rate) | **$(get $m.hub_vs_loop)** | $(get $m.ok) |"
  done
  echo
  echo "Warm-up, records/s of each round (rounds until one is less than $(get warm_up.steady_percent) % faster than the one before, at most $(get warm_up.max_rounds)):" \
       "the plain loop one per request $(get loop.warm_up_rates); the hub one per request $(get single.hub.warm_up_rates)," \
       "in arrays $(get batched.hub.warm_up_rates)."
  echo
  echo "CPU time per record (µs), by thread (\`jcmd Thread.print\`): the plain loop's threads (senders, the client's executor" \
       "and selector); the uplink's queue consumer while the records were staged (energy.national into uplink_record);" \
       "its senders while they sent (workers, whose database calls count there, and the HttpClient's executor and" \
       "selector); the two together; and the hub JVM's whole process while it sent (JIT, GC and all else included;" \
       "PostgreSQL's apart); then every process of this machine named postgres while the hub sent (the server's" \
       "backends of the hub's pool, its WAL writer and the rest). The JIT's and GC's seconds while sending are beside it."
  echo
  echo "| mode | plain loop | uplink consumer | uplink senders | uplink in all | hub process while sending (JIT s, GC s) | PostgreSQL while sending |"
  echo "|---|---|---|---|---|---|---|"
  for m in single batched; do
    echo "| $m | $(get $m.loop.cpu_us_per_record) | $(get $m.hub.consumer_cpu_us_per_record) | $(get $m.hub.senders_cpu_us_per_record) | $(get $m.hub.uplink_cpu_us_per_record) | $(get $m.hub.process_cpu_us_per_record_sending) ($(get $m.hub.sending_cpu_s.jit), $(get $m.hub.sending_cpu_s.gc)) | $(get $m.hub.postgres_cpu_us_per_record_sending) |"
  done
  echo
  echo "Raw figures: \`bench/results/$STAMP-uplink.properties\`."
} > "$REPORT"
cat "$REPORT"
echo "report written to $REPORT" >&2
