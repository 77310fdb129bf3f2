#!/usr/bin/env bash
# One-command benchmark of the hub against baselines measured in the same run (issue 12; docs/benchmarks.md).
# The machine is shared, so absolute figures move; the ratios to the baselines of the same run are the result.
#
#   bench/run.sh [--only PARTS] [--records N] [--packages N] [--naive-sample N] [--big-records N]
#                [--live N] [--work DIR]
#
# PARTS (comma-separated, default all): ceiling, naive, hub, gzip, big, startup, small.
#   ceiling, hub, gzip: warm against warm (issue 23): each process drains the backlog once under other batchIds
#          (the verifier drains those messages), then the timed drain
#   small: --small-packages packages of 50 records (default 6000, three quarter-hours of 2,000 units) against
#          4 packages of 50,000, in one hub, warm against warm (the large ones once before, then the first two
#          thirds of the small ones, then the last third and the large ones again: these two are compared)
#   --records       backlog records in total (default 1000000), spread over --packages (default 20)
#   --naive-sample  records the naive route is measured on (default 5000; it manages ~130 records/s)
#   --big-records   records of the one large package (default 3600000, about 1 GB)
#   --live          live packages available for the latency probe (default 600; one lands per second)
#   --work          cache and run folder (default /tmp/hub-bench); generated data is reused by parameters
# HUB_ARGS adds options to every hub start, e.g. HUB_ARGS='--hub.monitoring.camel-debugger=false'.
# JVM_START replaces '-jar <jar>' in every hub start, for JVM options (named in the report), e.g.
#   JVM_START="-XX:CICompilerCount=4 -jar $PWD/deployment/target/exchange-hub.jar".
# HUB_JAR runs another build of the hub (default deployment/target/exchange-hub.jar).
# Needs deployment/target/exchange-hub.jar and bench/target (mvn -B -o -q -DskipTests package), java, curl, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ONLY=ceiling,naive,hub,gzip,big,startup,small
SMALL_PACKAGES=6000
RECORDS=1000000
PACKAGES=20
NAIVE_SAMPLE=5000
BIG_RECORDS=3600000
LIVE=600
WORK=/tmp/hub-bench
SEED=42
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY=$2; shift 2 ;;
    --records) RECORDS=$2; shift 2 ;;
    --packages) PACKAGES=$2; shift 2 ;;
    --naive-sample) NAIVE_SAMPLE=$2; shift 2 ;;
    --big-records) BIG_RECORDS=$2; shift 2 ;;
    --live) LIVE=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --small-packages) SMALL_PACKAGES=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
wants() { [[ ",$ONLY," == *",$1,"* ]]; }

JAR=${HUB_JAR:-$ROOT/deployment/target/exchange-hub.jar}
CP="$ROOT/bench/target/classes:$ROOT/bench/target/lib/*"
[ -f "$JAR" ] || { echo "missing $JAR: mvn -B -o -q -DskipTests package" >&2; exit 1; }
[ -d "$ROOT/bench/target/lib" ] || { echo "missing bench/target/lib: mvn -B -o -q -DskipTests package" >&2; exit 1; }
TOOL=(java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP")

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN=$WORK/run-$STAMP
RESULTS=$RUN/results.properties
mkdir -p "$RUN"
: > "$RESULTS"
T_START=$(date +%s)
. "$ROOT/bench/lib.sh"   # free_port; say is this script's own (below), with the elapsed time
say() { echo "[$(date -u +%H:%M:%S) +$(( $(date +%s) - T_START ))s] $*" >&2; }
# every timed part starts once the previous part's writes have reached the disk: the page cache of a
# broker journal flushed in the background would otherwise slow the next part down (seen: a hub run right
# after the ceiling 10-20 % slower than one on its own)
settle() { sync; }
get() { sed -n "s/^$1=//p" "$RESULTS" | tail -1; }
put() { echo "$1=$2" >> "$RESULTS"; }
ratio() { python3 -c "import sys; a,b=sys.argv[1:]; print('%.2f' % (float(a)/float(b)) if a and b and float(b) else '-')" "${1:-}" "${2:-}" 2>/dev/null || echo -; }

PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; return 0; }
trap cleanup EXIT

# ---------------------------------------------------------------- data (cached by parameters)
DATA=$WORK/data-p$PACKAGES-r$RECORDS-s$SEED
BACKLOG=$DATA/backlog
LIVE_DIR=$WORK/live-n$LIVE-s$SEED
BIG_DIR=$WORK/big-r$BIG_RECORDS-s$SEED
generate() { # DIR KIND PACKAGES RECORDS_PER_PACKAGE
  if [ -f "$1/.complete" ]; then say "reusing $2 data in $1"; return; fi
  rm -rf "$1"; say "generating $2 data into $1"
  "${TOOL[@]}" energyhub.bench.Generate "$1" "$2" "$3" "$4" "$SEED" >&2
  touch "$1/.complete"
}
generate "$BACKLOG" backlog "$PACKAGES" $(( RECORDS / PACKAGES ))
BACKLOG_RECORDS=$(( RECORDS / PACKAGES * PACKAGES ))
ls "$BACKLOG"/*.jsonl > "$RUN/backlog-files.txt"
put records "$BACKLOG_RECORDS"
put packages "$PACKAGES"
put backlog_mib $(( $(cat "$BACKLOG"/*.jsonl | wc -c) / 1048576 ))

# copies of packages FROM..TO (by name order) of SRC into DST under new batchIds (a second landing of the same
# packages would be DUPLICATE), their files named LABEL_<name>
relabel() { # SRC DST LABEL FROM TO
  rm -rf "$2"; mkdir -p "$2"
  python3 - "$@" <<'PY'
import json, os, sys, uuid
src, dst, label, first, end = sys.argv[1:]
manifests = sorted(n for n in os.listdir(src) if n.endswith('.manifest'))
for name in manifests[int(first):int(end)]:
    data = name[:-len('.manifest')]
    m = json.load(open(os.path.join(src, name)))
    m['batchId'] = str(uuid.uuid5(uuid.NAMESPACE_URL, label + m['batchId']))
    os.link(os.path.join(src, data), os.path.join(dst, label + '_' + data))
    open(os.path.join(dst, label + '_' + name), 'w').write(json.dumps(m))
PY
}

# ---------------------------------------------------------------- verifier
verify() { # LABEL URL NAT_USER NAT_PASSWORD PROV_USER PROV_PASSWORD LIST_FILE
  say "verifying $1: draining both queues"
  if "${TOOL[@]}" -Xmx1g energyhub.bench.Verify "$@" >> "$RESULTS" 2> "$RUN/verify-$1.log"; then
    say "verified $1: every record exactly once in each queue"
  else
    say "verification of $1 FAILED (see $RUN/verify-$1.log and results)"
  fi
}

# a baseline process prints its figures, then serves its broker to the verifier until killed
await_line() { # FILE KEY PID
  until grep -q "^$2=" "$1" 2>/dev/null; do
    kill -0 "$3" 2>/dev/null || { say "process $3 ended early:"; tail -20 "$1.err" >&2; return 1; }
    sleep 0.5
  done
}

# ---------------------------------------------------------------- 3. raw pipeline ceiling
run_ceiling() { # LABEL VERIFY(yes|no): prints LABEL.records/seconds/rate
  local label=$1
  settle
  say "$label: $BACKLOG_RECORDS records, parse + chunk + transacted persistent sends to both queues"
  PORT=$(free_port)
  "${TOOL[@]}" -Xmx1g energyhub.bench.Ceiling "$BACKLOG" "$RUN/$label-broker" "$PORT" \
    > "$RUN/$label.out" 2> "$RUN/$label.out.err" &
  PID=$!; PIDS+=($PID)
  if await_line "$RUN/$label.out" ceiling.rate $PID; then
    sed "s/^ceiling\./$label./" "$RUN/$label.out" >> "$RESULTS"
    say "$label: $(get "$label.rate") records/s"
    [ "$2" = yes ] && verify "$label" "tcp://127.0.0.1:$PORT" "" "" "" "" "$RUN/backlog-files.txt"
  fi
  kill $PID; wait $PID 2>/dev/null || true
  rm -rf "$RUN/$label-broker"
}
if wants ceiling; then
  run_ceiling ceiling yes
fi

# ---------------------------------------------------------------- 2. naive Camel route, on a sample
if wants naive; then
  mkdir -p "$RUN/naive-inbox"
  head -n "$NAIVE_SAMPLE" "$(head -1 "$RUN/backlog-files.txt")" > "$RUN/naive-sample.jsonl"
  SAMPLE=$(wc -l < "$RUN/naive-sample.jsonl")
  echo "$RUN/naive-sample.jsonl" > "$RUN/naive-files.txt"
  settle
  say "naive: file → split → multicast to two persistent queues, on a sample of $SAMPLE records"
  PORT=$(free_port)
  "${TOOL[@]}" -Xmx512m energyhub.bench.Naive "$RUN/naive-inbox" "$RUN/naive-broker" "$PORT" "$SAMPLE" \
    > "$RUN/naive.out" 2> "$RUN/naive.out.err" &
  PID=$!; PIDS+=($PID)
  sleep 2; cp "$RUN/naive-sample.jsonl" "$RUN/naive-inbox/.sample.tmp" && mv "$RUN/naive-inbox/.sample.tmp" "$RUN/naive-inbox/sample.jsonl"
  if await_line "$RUN/naive.out" naive.rate $PID; then
    cat "$RUN/naive.out" >> "$RESULTS"
    say "naive: $(get naive.rate) records/s"
    verify naive "tcp://127.0.0.1:$PORT" "" "" "" "" "$RUN/naive-files.txt"
  fi
  kill $PID; wait $PID 2>/dev/null || true
  rm -rf "$RUN/naive-broker"
fi

# ---------------------------------------------------------------- the hub
HUB_PID=""
start_hub() { # LABEL DATA_DIR HEAP [extra hub args...]; sets HUB_PID, HUB_BROKER_PORT, HUB_READY_S
  local label=$1 dir=$2 heap=$3; shift 3
  HUB_BROKER_PORT=$(free_port); local http; http=$(free_port); local tcp; tcp=$(free_port)
  local t0; t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  # unsigned (v1) packages, as the baselines were measured: the dev profile requires signatures (bench/signature-cost.sh measures them)
  java -Xmx"$heap" ${JVM_START:--jar "$JAR"} --spring.profiles.active=dev --hub.ferry.signatures=off ${HUB_ARGS:-} "$@" --hub.data-dir="$dir" \
    --hub.broker.port="$HUB_BROKER_PORT" --server.port="$http" --hub.tcp.port="$tcp" >> "$RUN/hub-$label.log" 2>&1 &
  HUB_PID=$!; PIDS+=($HUB_PID)
  until curl -fs "http://127.0.0.1:$http/actuator/health/readiness" 2>/dev/null | grep -q UP; do
    kill -0 $HUB_PID 2>/dev/null || { say "hub did not start, see $RUN/hub-$label.log:"; tail -20 "$RUN/hub-$label.log" >&2; return 1; }
    sleep 0.1
  done
  HUB_READY_S=$(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)")
}
stop_hub() { kill "$HUB_PID" 2>/dev/null; wait "$HUB_PID" 2>/dev/null || true; HUB_PID=""; }
secret() { sed -n "s/^$2=//p" "$1/dev-secrets.properties"; }
peak_rss() { awk '/VmHWM/ {print int($2/1024)}' "/proc/$1/status"; }
# CPU seconds used so far by process PID and by the embedded PostgreSQL of hub data dir DIR (its postmaster,
# the backends alive now and those already ended): prints "JVM PG". The machine is shared and a CPU-bound
# rate moves with it; the CPU time a part spends per record moves much less, so the report gives both.
cpu_now() { # PID DIR
  python3 - "$1" "$2" <<'PY'
import os, sys
tick = os.sysconf('SC_CLK_TCK')
def fields(pid):  # /proc/PID/stat from field 3 (state) on; the command name may hold blanks and parentheses
    with open(f'/proc/{pid}/stat') as f:
        s = f.read()
    return s[s.rindex(')') + 2:].split()
def cpu(pid, ended_children=False):
    f = fields(pid)
    return (int(f[11]) + int(f[12]) + (int(f[13]) + int(f[14]) if ended_children else 0)) / tick
jvm, pg = cpu(sys.argv[1]), 0.0
pids = [p for p in os.listdir('/proc') if p.isdigit()]
for p in pids:
    try:
        cmd = open(f'/proc/{p}/cmdline', 'rb').read().split(b'\0')
    except OSError:
        continue
    if b'-D' in cmd and cmd.index(b'-D') + 1 < len(cmd) and cmd[cmd.index(b'-D') + 1] == f'{sys.argv[2]}/postgres'.encode():
        pg += cpu(p, True)
        for c in pids:
            try:
                if fields(c)[1] == p:
                    pg += cpu(c)
            except OSError:
                pass
print(f'{jvm:.2f} {pg:.2f}')
PY
}
# CPU seconds of each thread of JVM PID so far, from jstack (cpu=…ms per thread), into FILE
thread_cpu() { jstack "$1" > "$2" 2>/dev/null || : > "$2"; }
# what the threads of a JVM spent between two thread_cpu files, by what they do: prints key=value lines
# PREFIX.threads.GROUP=seconds. Threads that ended between the two (a pool's idle ones) are not counted.
thread_groups() { # BEFORE AFTER PREFIX
  python3 - "$@" <<'PY'
import re, sys, collections
def load(path):
    d = {}
    for m in re.finditer(r'^"([^"]+)".*?cpu=([\d.]+)ms', open(path).read(), re.M):
        d[m.group(1)] = d.get(m.group(1), 0) + float(m.group(2))
    return d
groups = [('jit', r'CompilerThread|Sweeper'), ('gc', r'^GC Thread|^G1 |VM Thread'),
          ('staging', r'backlog-lane|live-lane|file://'), ('sending', r'Multicast|ProducerTemplate'),
          ('broker', r'ActiveMQ|activemq|artemis|netty')]
before, after = load(sys.argv[1]), load(sys.argv[2])
out = collections.Counter()
for name, ms in after.items():
    spent = (ms - before.get(name, 0)) / 1000
    out[next((g for g, rx in groups if re.search(rx, name)), 'other')] += spent
for g in [g for g, _ in groups] + ['other']:
    print(f'{sys.argv[3]}.threads.{g}={out[g]:.1f}')
PY
}
cpu_delta() { python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }

run_hub() { # LABEL [extra hub args...]: backlog with the live probe, then verification
  local label=$1; shift
  local dir=$RUN/$label/data
  mkdir -p "$dir"
  settle
  say "$label: starting the hub (dev profile${HUB_ARGS:+, HUB_ARGS=$HUB_ARGS}${*:+, $*})"
  start_hub "$label" "$dir" 1g "$@" || { put "$label.ok" false; return; }
  # warm against warm (issue 23): the same backlog once under other batchIds, drained from both queues by the
  # verifier, then the timed landing; the ceiling drains twice likewise
  say "$label: ready in ${HUB_READY_S}s; warming it with the backlog under other batchIds"
  relabel "$BACKLOG" "$RUN/$label/warmup-src" warmup 0 "$PACKAGES"
  "${TOOL[@]}" energyhub.bench.Ferry "${label}_warmup" "$dir" "$RUN/$label/warmup-src" "" 3600 >> "$RESULTS" \
    2> "$RUN/ferry-${label}_warmup.log" || say "${label}_warmup: not every package ACCEPTED in full (see results)"
  verify "${label}_warmup" "tcp://127.0.0.1:$HUB_BROKER_PORT" national "$(secret "$dir" hub.broker.national.password)" \
    provincial "$(secret "$dir" hub.broker.provincial.password)" "$RUN/$label/${label}_warmup-landed.txt"
  rm -rf "$RUN/$label/warmup-src"
  say "$label: warm; landing $PACKAGES packages ($BACKLOG_RECORDS records), one live package a second"
  local jvm0 pg0 jvm1 pg1
  read -r jvm0 pg0 < <(cpu_now "$HUB_PID" "$dir")
  thread_cpu "$HUB_PID" "$RUN/$label-threads-before.txt"
  "${TOOL[@]}" energyhub.bench.Ferry "$label" "$dir" "$BACKLOG" "$LIVE_DIR" 3600 >> "$RESULTS" 2> "$RUN/ferry-$label.log" \
    || say "$label: not every package ACCEPTED in full (see results)"
  read -r jvm1 pg1 < <(cpu_now "$HUB_PID" "$dir")
  thread_cpu "$HUB_PID" "$RUN/$label-threads-after.txt"
  thread_groups "$RUN/$label-threads-before.txt" "$RUN/$label-threads-after.txt" "$label" >> "$RESULTS"
  put "$label.cpu_s" "$(cpu_delta "$jvm0" "$jvm1")"
  put "$label.pg_cpu_s" "$(cpu_delta "$pg0" "$pg1")"
  put "$label.peak_rss_mib" "$(peak_rss $HUB_PID)"
  say "$label: $(get "$label.rate") records/s, live p50 $(get "$label.live.p50_ms") ms"
  verify "$label" "tcp://127.0.0.1:$HUB_BROKER_PORT" national "$(secret "$dir" hub.broker.national.password)" \
    provincial "$(secret "$dir" hub.broker.provincial.password)" "$RUN/$label/$label-landed.txt"
  stop_hub
  rm -rf "$RUN/$label"
}

if wants hub || wants gzip; then
  generate "$LIVE_DIR" live "$LIVE" 10
fi
if wants hub; then
  run_hub hub
fi
if wants gzip; then
  if unzip -p "$JAR" BOOT-INF/classes/application.yml | grep -q 'national-encoding'; then
    run_hub hub_gzip --hub.routing.national-encoding=gzip --hub.routing.provincial-encoding=gzip
  else
    put hub_gzip.skipped "hub.routing.national-encoding is not a property of this jar yet"
    say "gzip: skipped, this jar has no hub.routing.national-encoding"
  fi
fi

# the ceiling again right after the hub: the machine is shared, so the hub is bracketed by two
# ceiling runs and compared with their mean (the second one is not drained again)
if wants ceiling && { wants hub || wants gzip; }; then
  run_ceiling ceiling_after no
fi
CEILING_MEAN=$(python3 -c "import sys; r=[float(x) for x in sys.argv[1:] if x]; print('%.0f' % (sum(r)/len(r)) if r else '')" \
  "$(get ceiling.rate)" "$(get ceiling_after.rate)")
put ceiling.mean_rate "$CEILING_MEAN"

# ---------------------------------------------------------------- 8. one ~1 GB package, small heap
if wants big; then
  generate "$BIG_DIR" big 1 "$BIG_RECORDS"
  put big.mib $(( $(stat -c %s "$BIG_DIR"/*.jsonl) / 1048576 ))
  dir=$RUN/big/data; mkdir -p "$dir"
  # the hub refuses data files over hub.ferry.max-package-bytes (512 MiB by default): raised for this package
  settle
  say "big: one package of $BIG_RECORDS records ($(get big.mib) MiB) through the hub with -Xmx256m"
  if start_hub big "$dir" 256m --hub.ferry.max-package-bytes=4294967296; then
    "${TOOL[@]}" energyhub.bench.Ferry big "$dir" "$BIG_DIR" "" 3600 >> "$RESULTS" 2> "$RUN/ferry-big.log" \
      || say "big: not ACCEPTED in full (see results)"
    put big.peak_rss_mib "$(peak_rss $HUB_PID)"
    say "big: $(get big.rate) records/s, $(get big.statuses), peak RSS $(get big.peak_rss_mib) MiB"
    stop_hub
  fi
  rm -rf "$RUN/big"
fi

# ---------------------------------------------------------------- 9. start-up time
if wants startup; then
  settle
  fresh=(); again=()
  for i in 1 2 3; do
    dir=$RUN/startup-$i/data; mkdir -p "$dir"
    start_hub startup "$dir" 1g && fresh+=("$HUB_READY_S"); stop_hub
    say "startup: fresh data dir ${HUB_READY_S}s"
  done
  for i in 1 2 3; do
    start_hub startup "$RUN/startup-3/data" 1g && again+=("$HUB_READY_S"); stop_hub
    say "startup: existing data dir ${HUB_READY_S}s"
  done
  # the same as the systemd unit and the container image start it: the jar extracted with a class-data-sharing
  # archive (deployment/bin/cds-archive.sh, docs/operations.md), the unit's JVM options (its -Xmx1g is the 1g here)
  cds=(); CDS_DIR=$RUN/cds
  if "$ROOT/deployment/bin/cds-archive.sh" "$JAR" "$CDS_DIR" > "$RUN/cds.log" 2>&1; then
    for i in 1 2 3; do
      JVM_START="-Xms512m -XX:+ExitOnOutOfMemoryError -XX:SharedArchiveFile=$CDS_DIR/exchange-hub.jsa -Xshare:auto -jar $CDS_DIR/exchange-hub.jar" \
        start_hub startup "$RUN/startup-3/data" 1g && cds+=("$HUB_READY_S"); stop_hub
      say "startup: existing data dir, CDS archive ${HUB_READY_S}s"
    done
  else
    say "startup: making the CDS archive failed (see $RUN/cds.log)"
  fi
  median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {if (NR) printf "%.1f", a[int((NR+1)/2)]; else print "-"}'; }
  put startup.fresh_s "$(median "${fresh[@]}")"; put startup.fresh_all "${fresh[*]}"
  put startup.restart_s "$(median "${again[@]}")"; put startup.restart_all "${again[*]}"
  put startup.cds_s "$(median "${cds[@]:-}")"; put startup.cds_all "${cds[*]:-}"
  rm -rf "$RUN"/startup-*
fi

# ---------------------------------------------------------------- 10. many small packages against a few large ones
# issue 23: a province sends one package of a few dozen records per unit per quarter-hour, thousands at once;
# they must not cost much more per record than a backlog of large packages. One hub: the large packages once to
# warm it, then the small ones in two halves, then the large ones again; the second half against the large ones
# again is the figure compared, each with its CPU.
if wants small; then
  SMALL_DIR=$WORK/province-p$SMALL_PACKAGES-r50-s$SEED
  LARGE_DIR=$WORK/data-p4-r200000-s$SEED
  generate "$SMALL_DIR" province "$SMALL_PACKAGES" 50
  generate "$LARGE_DIR" backlog 4 50000
  dir=$RUN/small/data; mkdir -p "$dir"
  settle
  if start_hub small "$dir" 1g; then
    # warm against warm: the first two thirds of the small packages (the first two quarter-hours of every unit) warm
    # the small path as the large ones warmed the large one; the last third (the next quarter-hour of the same
    # units, as a province sends them all day) is the figure compared. One quarter-hour was not enough: the JIT
    # still spent 40 % of the hub's CPU in the next one (2026-12-07, small_many.threads.jit)
    warm=$(( SMALL_PACKAGES * 2 / 3 ))
    for part in small_warmup:$LARGE_DIR:0:4 small_warm:$SMALL_DIR:0:$warm small_many:$SMALL_DIR:$warm:$SMALL_PACKAGES \
        small_large:$LARGE_DIR:0:4; do
      IFS=: read -r l src from to <<< "$part"
      relabel "$src" "$RUN/small/$l-src" "$l" "$from" "$to"
      thread_cpu "$HUB_PID" "$RUN/$l-threads-before.txt"
      read -r jvm0 pg0 < <(cpu_now "$HUB_PID" "$dir")
      "${TOOL[@]}" energyhub.bench.Ferry "$l" "$dir" "$RUN/small/$l-src" "" 3600 >> "$RESULTS" 2> "$RUN/ferry-$l.log" \
        || say "$l: not every package ACCEPTED in full (see results)"
      read -r jvm1 pg1 < <(cpu_now "$HUB_PID" "$dir")
      thread_cpu "$HUB_PID" "$RUN/$l-threads-after.txt"
      thread_groups "$RUN/$l-threads-before.txt" "$RUN/$l-threads-after.txt" "$l" >> "$RESULTS"
      put "$l.cpu_s" "$(cpu_delta "$jvm0" "$jvm1")"
      put "$l.pg_cpu_s" "$(cpu_delta "$pg0" "$pg1")"
      say "$l: $(get "$l.rate") records/s"
    done
    put small.ratio "$(ratio "$(get small_many.rate)" "$(get small_large.rate)")"
    stop_hub
  fi
  rm -rf "$RUN/small"
fi

# ---------------------------------------------------------------- report
mkdir -p "$ROOT/bench/results"
REPORT=$ROOT/bench/results/$STAMP.md
v() { local x; x=$(get "$1"); echo "${x:--}"; }
vok() { case "$(get "$1")" in true) echo "OK: $(get "$2")" ;; false) echo "FAILED: $(get "$2")" ;; *) echo "-" ;; esac; }
vsum() { # LABEL: one line on what the verifier found
  local l=$1
  [ -z "$(get "verify.$l.ok")" ] && { echo "not run"; return; }
  echo "$( [ "$(get "verify.$l.ok")" = true ] && echo OK || echo FAILED ): expected $(v "verify.$l.expected");" \
    "national $(v "verify.$l.national.records") records in $(v "verify.$l.national.messages") messages" \
    "(missing $(v "verify.$l.national.missing"), dup $(v "verify.$l.national.duplicates"), extra $(v "verify.$l.national.extras"), encodings $(v "verify.$l.national.encodings"));" \
    "provincial $(v "verify.$l.provincial.records") in $(v "verify.$l.provincial.messages")" \
    "(missing $(v "verify.$l.provincial.missing"), dup $(v "verify.$l.provincial.duplicates"), extra $(v "verify.$l.provincial.extras"), encodings $(v "verify.$l.provincial.encodings"))"
}
{
  echo "# Benchmark $STAMP"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load average at the end $(cut -d' ' -f1-3 /proc/loadavg);" \
       "commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- . ':!bench/results' || echo ' (with local changes)');" \
       "jar $JAR; HUB_ARGS='${HUB_ARGS:-}'${JVM_START:+; JVM_START='$JVM_START'}; parts: $ONLY; total time $(( $(date +%s) - T_START )) s."
  echo "Backlog: $(v packages) packages, $(v records) records ($(v backlog_mib) MiB of JSONL), 2,000 enterprises, seed $SEED."
  echo "The machine is shared: compare the ratios, which are measured in the same run; absolute rates move by ±30 %."
  echo
  echo "## Throughput (records/s to both queues)"
  echo
  echo "| pipeline | records | seconds | records/s | hub (text) ÷ this | verification |"
  echo "|---|---|---|---|---|---|"
  echo "| ceiling: parse, chunk, transacted sends (no validation, ledger, ACK) | $(v ceiling.records) | $(v ceiling.seconds) | $(v ceiling.rate) | $(ratio "$(get hub.rate)" "$(get ceiling.rate)") | $(vsum ceiling) |"
  [ -n "$(get ceiling_after.rate)" ] && echo "| the same ceiling again, right after the hub runs | $(v ceiling_after.records) | $(v ceiling_after.seconds) | $(v ceiling_after.rate) | $(ratio "$(get hub.rate)" "$(get ceiling_after.rate)") | not drained again |"
  echo "| naive Camel route (sample of the first package, one message per record) | $(v naive.records) | $(v naive.seconds) | $(v naive.rate) | $(ratio "$(get hub.rate)" "$(get naive.rate)") | $(vsum naive) |"
  echo "| **hub** (text messages) | $(v hub.records) | $(v hub.seconds) | **$(v hub.rate)** | 1.00 | $(vsum hub) |"
  if [ -n "$(get hub_gzip.skipped)" ]; then
    echo "| hub, gzip encoding | skipped: $(get hub_gzip.skipped) | | | | |"
  else
    echo "| hub, gzip encoding | $(v hub_gzip.records) | $(v hub_gzip.seconds) | $(v hub_gzip.rate) | $(ratio "$(get hub.rate)" "$(get hub_gzip.rate)") | $(vsum hub_gzip) |"
  fi
  echo
  echo "Ratios: hub ÷ ceiling = **$(ratio "$(get hub.rate)" "$(get ceiling.mean_rate)")** (mean of the ceiling runs, $(v ceiling.mean_rate) records/s; goal ≥ 0.67, issue 23), hub ÷ naive = **$(ratio "$(get hub.rate)" "$(get naive.rate)")**."
  echo "Warm against warm: the hub and each ceiling process drain the backlog once under other batchIds before the timed drain (first drains: hub $(v hub_warmup.rate) records/s; ceiling $(v ceiling.warmup_seconds) s, $(v ceiling_after.warmup_seconds) s after the hub)."
  echo "Hub clock: first manifest landing → last backlog ACK file (includes the manifest's minimum age);" \
       "ACKs: $(v hub.statuses), accepted $(v hub.accepted) of $(v hub.records); peak RSS (VmHWM) $(v hub.peak_rss_mib) MiB with -Xmx1g."
  echo "Ceiling clock: first file read → last commit. Naive: measured on a sample only (it manages ~10² records/s)."
  echo
  echo "## CPU time per million records"
  echo
  echo "What each pipeline spends, whatever else the machine does meanwhile: the ceiling's whole process (reader," \
       "senders, embedded broker) on its clock; the hub's JVM (embedded broker included) and its embedded PostgreSQL" \
       "from the first manifest landing until the last ACK (the live packages included)."
  echo
  echo "| pipeline | CPU s | per million records | × the ceiling's |"
  echo "|---|---|---|---|"
  per_m() { python3 -c "import sys; c,r=sys.argv[1:]; print('%.1f' % (float(c)*1e6/float(r)) if c and r and float(r) else '-')" "${1:-}" "${2:-}" 2>/dev/null || echo -; }
  sum2() { python3 -c "import sys; a,b=sys.argv[1:]; print('%.1f' % (float(a)+float(b)) if a and b else '')" "${1:-}" "${2:-}" 2>/dev/null; }
  CEIL_M=$(per_m "$(get ceiling.cpu_s)" "$(get ceiling.records)")
  [ -n "$(get ceiling.cpu_s)" ] && echo "| ceiling | $(v ceiling.cpu_s) | $CEIL_M | 1.00 |"
  [ -n "$(get ceiling_after.cpu_s)" ] && echo "| ceiling, after the hub runs | $(v ceiling_after.cpu_s) | $(per_m "$(get ceiling_after.cpu_s)" "$(get ceiling_after.records)") | $(ratio "$(per_m "$(get ceiling_after.cpu_s)" "$(get ceiling_after.records)")" "$CEIL_M") |"
  for l in hub hub_gzip; do
    if [ -n "$(get "$l.cpu_s")" ]; then
      t=$(sum2 "$(get "$l.cpu_s")" "$(get "$l.pg_cpu_s")")
      echo "| $l: JVM $(v "$l.cpu_s") + PostgreSQL $(v "$l.pg_cpu_s") | $t | $(per_m "$t" "$(get "$l.records")") | $(ratio "$(per_m "$t" "$(get "$l.records")")" "$CEIL_M") |"
    fi
  done
  if [ -n "$(get hub.threads.jit)$(get hub_gzip.threads.jit)" ]; then
    echo
    echo "The hub JVM's CPU seconds over the same span, by thread (jstack's per-thread CPU time; threads that ended" \
         "meanwhile are missing, so the sum can fall short of the JVM's): JIT compiler, garbage collector, staging" \
         "(the backlog lanes and the inbox), sending (the targets' chunk loops and JMS producers), the embedded broker," \
         "other (the JDBC driver has no threads of its own: database calls count where they are made)."
    echo
    echo "| run | jit | gc | staging | sending | broker | other |"
    echo "|---|---|---|---|---|---|---|"
    for l in hub hub_gzip; do
      [ -n "$(get "$l.threads.jit")" ] && echo "| $l | $(v "$l.threads.jit") | $(v "$l.threads.gc") | $(v "$l.threads.staging") | $(v "$l.threads.sending") | $(v "$l.threads.broker") | $(v "$l.threads.other") |"
    done
  fi
  echo
  echo "## Live latency while the backlog drains"
  echo
  echo "One 10-record package (another sender) lands every second, data then manifest; manifest landing → its ACK file, outbox polled every 10 ms."
  echo
  echo "| run | n | p50 ms | p99 ms | max ms | ACKs |"
  echo "|---|---|---|---|---|---|"
  for l in hub hub_gzip; do
    [ -n "$(get "$l.live.n")" ] && echo "| $l | $(v "$l.live.n") | $(v "$l.live.p50_ms") | $(v "$l.live.p99_ms") | $(v "$l.live.max_ms") | $(v "$l.live.statuses") |"
  done
  echo
  echo "## One large package, -Xmx256m"
  echo
  if [ -n "$(get big.rate)" ]; then
    echo "With \`--hub.ferry.max-package-bytes=4294967296\` (the default limit is 512 MiB)." \
         "$(v big.records) records ($(v big.mib) MiB): $(v big.seconds) s, **$(v big.rate) records/s**," \
         "$(ratio "$(get big.rate)" "$(get hub.rate)") × the backlog rate of this run; ACK $(v big.statuses), accepted $(v big.accepted);" \
         "peak RSS (VmHWM) $(v big.peak_rss_mib) MiB; all accepted with the right count: $(v big.ok)."
  else
    echo "not run"
  fi
  echo
  echo "## Start-up (java -jar → readiness UP, dev profile, median of 3)"
  echo
  echo "fresh data dir: $(v startup.fresh_s) s ($(v startup.fresh_all)); existing data dir: $(v startup.restart_s) s ($(v startup.restart_all));"
  echo "existing data dir, started as the systemd unit and the image start it (extracted jar and CDS archive of deployment/bin/cds-archive.sh): $(v startup.cds_s) s ($(v startup.cds_all))."
  echo
  echo "## Many small packages against a few large ones (one hub, warm)"
  echo
  if [ -n "$(get small.ratio)" ]; then
    echo "| run | packages | records | records/s | JVM CPU s | PostgreSQL CPU s | CPU ms per 1,000 records |"
    echo "|---|---|---|---|---|---|---|"
    for l in small_warm small_many small_large; do
      t=$(sum2 "$(get "$l.cpu_s")" "$(get "$l.pg_cpu_s")")
      echo "| $l | $(v "$l.packages") | $(v "$l.records") | $(v "$l.rate") | $(v "$l.cpu_s") | $(v "$l.pg_cpu_s") | $(python3 -c "import sys; print('%.0f' % (float(sys.argv[1]) * 1e6 / float(sys.argv[2])))" "$t" "$(get "$l.records")" 2>/dev/null || echo -) |"
    done
    echo
    echo "Records/s with 50-record packages (small_many: the third quarter-hour of the same units, after small_warm landed the first two) ÷"
    echo "with 50,000-record packages (small_large, after a first landing of the same that warmed the hub): **$(v small.ratio)** (goal ≥ 0.5)."
    echo
    echo "The hub JVM's CPU seconds of each landing by thread, grouped as in the throughput part (staging: the ferry"
    echo "lanes and the inbox; sending: the targets' chunk loops, the ACK and the JMS producers):"
    echo
    echo "| run | jit | gc | staging | sending | broker | other |"
    echo "|---|---|---|---|---|---|---|"
    for l in small_warm small_many small_large; do
      [ -n "$(get "$l.threads.jit")" ] && echo "| $l | $(v "$l.threads.jit") | $(v "$l.threads.gc") | $(v "$l.threads.staging") | $(v "$l.threads.sending") | $(v "$l.threads.broker") | $(v "$l.threads.other") |"
    done
  else
    echo "not run"
  fi
  echo
  echo "Raw figures: \`$RESULTS\`."
} > "$REPORT"
cp "$RESULTS" "$ROOT/bench/results/$STAMP.properties"
cat "$REPORT"
say "report written to $REPORT"
