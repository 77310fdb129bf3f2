#!/usr/bin/env bash
# Soak (issue 23 item 4; docs/benchmarks.md "Soak"): the packaged hub for an hour under a province's shape of load at
# ten times its rate, with the gate, both platforms, a TCP client and an energy supplier beside it, one retention purge
# cycle inside the run, sampled every 10 s, and a report with the verdict against issue 23's criteria.
#
#   bench/soak.sh [--duration 1h] [--enterprises 2000] [--records 50] [--quarter-seconds 90] [--quick] [--work DIR] ...
#
#   --duration          how long the gate writes (s, m or h; default 1h); then the run drains (at most --drain-timeout)
#   --enterprises       packages per quarter-hour, one per enterprise (default 2000)
#   --records           records per package (default 50: 100,000 records a burst, 1,111 records/s on average; the
#                       issue's "≈ 450 records/s" is --records 20)
#   --quarter-seconds   a quarter-hour compressed to this (default 90: ten times a province's rate); every quarter's
#                       packages land as one burst from its start (data file, then manifest, package after package)
#   --burst-rate        records/s at which a burst lands (default 7000: ten times a province's ≈ 700 records/s at the
#                       quarter-hour, issue 23; 0 = every package of the burst at once)
#   --tcp-batches       DATA frames the TCP client (dev client city-dev) sends a quarter-hour, spread over it (default
#                       20, 0 = no TCP client); --tcp-records records in each (default 50)
#   --supplier-accounts accounts of the energy supplier soak-grid (electricity-csv, drop folder polled every 5 s),
#                       imported through the registry folder; one CSV of a day's readings a quarter-hour (default 100,
#                       0 = no supplier)
#   --retention-interval, --body-retention, --batch-retention   the shortened retention (defaults: duration/12,
#                       duration/6, duration/4, e.g. 5m, 10m, 15m for an hour), so that chunk bodies and batch rows
#                       are purged inside the run (the Retention routes first run 2-3 min after start)
#   --drain-timeout     seconds to wait after the writing for every answer and record (default 600)
#   --quick             a try-out: --duration 5m --enterprises 200 --tcp-batches 5 --supplier-accounts 20 (each
#                       still overridable)
#   --work              run folder (default /tmp/hub-soak); --keep keeps the hub's data folder after the run
#   --admin-db          a PostgreSQL the script may create a fresh database in (default
#                       postgresql://postgres@127.0.0.1:5432/postgres; psql, createdb and dropdb on the PATH)
# The hub: deployment/target/exchange-hub.jar (HUB_JAR to change), dev profile, -Xmx1g, GC log (two thirds into each
# quarter-hour, once its burst is answered, the soak asks it for one full collection, jcmd PID GC.run, whose heap
# after is the live heap the verdict compares; jcmd on the PATH), its own data folder,
# free ports, a fresh database (dropped at the end). Unsigned packages (--hub.ferry.signatures=off): the cost of
# signed manifests is measured apart by bench/signature-cost.sh. Extra hub options: HUB_ARGS; extra JVM options:
# HUB_JVM_OPTS (e.g. -XX:CICompilerCount=4).
# What is not here: the energy supplier is the local drop folder of electricity-csv (a scheduled poll); the SFTP and
# heat-API pulls are not driven. The national uplink is off.
# The report: bench/results/soak-<UTC stamp>.md, the samples beside it (.csv). Exit status 0 when every criterion
# passed. Everything started here is stopped on exit, Ctrl-C included.
# Needs deployment/target/exchange-hub.jar and bench/target (mvn -B -o -q -DskipTests package), java, curl, python3, bc,
# psql, createdb, dropdb and jcmd.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ARGS="$*"

DURATION=1h
ENTERPRISES=
RECORDS=50
QUARTER=90
BURST_RATE=7000
TCP_BATCHES=
TCP_RECORDS=50
SUPPLIER_ACCOUNTS=
RET_INTERVAL=
BODY_RET=
BATCH_RET=
DRAIN=600
QUICK=no
KEEP=no
WORK=/tmp/hub-soak
ADMIN=postgresql://postgres@127.0.0.1:5432/postgres
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; QUICK_DURATION=given; shift 2 ;;
    --enterprises) ENTERPRISES=$2; shift 2 ;;
    --records) RECORDS=$2; shift 2 ;;
    --quarter-seconds) QUARTER=$2; shift 2 ;;
    --burst-rate) BURST_RATE=$2; shift 2 ;;
    --tcp-batches) TCP_BATCHES=$2; shift 2 ;;
    --tcp-records) TCP_RECORDS=$2; shift 2 ;;
    --supplier-accounts) SUPPLIER_ACCOUNTS=$2; shift 2 ;;
    --retention-interval) RET_INTERVAL=$2; shift 2 ;;
    --body-retention) BODY_RET=$2; shift 2 ;;
    --batch-retention) BATCH_RET=$2; shift 2 ;;
    --drain-timeout) DRAIN=$2; shift 2 ;;
    --quick) QUICK=yes; shift ;;
    --keep) KEEP=yes; shift ;;
    --work) WORK=$2; shift 2 ;;
    --admin-db) ADMIN=$2; shift 2 ;;
    -h|--help) sed -n '2,38p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ $BURST_RATE =~ ^[0-9]+$ ]] || { echo "--burst-rate: a whole number of records/s (0 = the whole burst at once), not '$BURST_RATE'" >&2; exit 2; }
if [ $QUICK = yes ]; then
  [ "${QUICK_DURATION:-}" = given ] || DURATION=5m
  ENTERPRISES=${ENTERPRISES:-200}; TCP_BATCHES=${TCP_BATCHES:-5}; SUPPLIER_ACCOUNTS=${SUPPLIER_ACCOUNTS:-20}
fi
ENTERPRISES=${ENTERPRISES:-2000}; TCP_BATCHES=${TCP_BATCHES:-20}; SUPPLIER_ACCOUNTS=${SUPPLIER_ACCOUNTS:-100}
seconds() { # 90, 90s, 5m, 1h -> seconds
  case "$1" in
    *h) echo $(( ${1%h} * 3600 )) ;; *m) echo $(( ${1%m} * 60 )) ;; *s) echo "${1%s}" ;; *) echo "$1" ;;
  esac
}
DURATION_S=$(seconds "$DURATION")
[ "$DURATION_S" -ge "$QUARTER" ] || { echo "--duration must be at least one quarter (--quarter-seconds $QUARTER)" >&2; exit 2; }
RET_INTERVAL=${RET_INTERVAL:-$(( DURATION_S / 12 ))s}
BODY_RET=${BODY_RET:-$(( DURATION_S / 6 ))s}
BATCH_RET=${BATCH_RET:-$(( DURATION_S / 4 ))s}

JAR=${HUB_JAR:-$ROOT/deployment/target/exchange-hub.jar}
CP="$ROOT/bench/target/classes:$ROOT/bench/target/lib/*"
[ -f "$JAR" ] || { echo "missing $JAR: mvn -B -o -q -DskipTests package" >&2; exit 1; }
[ -f "$ROOT/bench/target/classes/energyhub/bench/Soak.class" ] || { echo "missing bench/target: mvn -B -o -q -DskipTests package" >&2; exit 1; }
. "$ROOT/bench/lib.sh"
new_run hub_soak

HUB_PID=""; DRIVER_PID=""; DB_MADE=no
cleanup() {
  trap - EXIT INT TERM
  for p in $DRIVER_PID $HUB_PID; do
    if kill -0 "$p" 2>/dev/null; then
      kill "$p" 2>/dev/null || true
      for _ in $(seq 60); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$p" 2>/dev/null || true
    fi
    wait "$p" 2>/dev/null || true
  done
  [ $DB_MADE = yes ] && dropdb -h 127.0.0.1 -U postgres --if-exists "$DB" 2>/dev/null
  # the hub's data (broker journal, archive, gate staging); its log, GC log and the driver's log stay in $RUN
  [ $KEEP = yes ] || rm -rf "$HUBDIR" "$RUN/gate-staging" "$RUN/supplier-staging"
  return 0
}
trap cleanup EXIT
trap 'say "interrupted: stopping everything"; exit 130' INT TERM

createdb -h 127.0.0.1 -U postgres "$DB"; DB_MADE=yes
# retention only keeps the tables flat where vacuum reclaims what it deletes (docs/operations.md, Retention)
AUTOVACUUM=$(psql -X -A -t "$ADMIN" -c 'show autovacuum' 2>/dev/null || echo unknown)
[ "$AUTOVACUUM" = on ] || say "warning: this PostgreSQL runs with autovacuum $AUTOVACUUM: no table stays flat on it, whatever the hub purges"
BROKER=$(free_port); HTTP=$(free_port); TCP=$(free_port)
HUB_OPTS=(--spring.profiles.active=dev --hub.ferry.signatures=off
  --hub.retention.interval="$RET_INTERVAL" --hub.routing.body-retention="$BODY_RET"
  --hub.retention.batches="$BATCH_RET" --hub.ferry.max-package-lifetime="$BATCH_RET")
if [ "$SUPPLIER_ACCOUNTS" -gt 0 ]; then
  HUB_OPTS+=(--hub.suppliers.soak-grid.type=electricity-csv --hub.suppliers.soak-grid.supplier-code=SOAK
    "--hub.suppliers.soak-grid.schedule=0/5 * * * * ?")
fi
say "soak $STAMP: $DURATION of $ENTERPRISES enterprises x $RECORDS records every $QUARTER s; work in $RUN"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# shellcheck disable=SC2086
java -Xmx1g "-Xlog:gc:file=$RUN/gc.log:utctime:filecount=0" ${HUB_JVM_OPTS:-} -jar "$JAR" "${HUB_OPTS[@]}" ${HUB_ARGS:-} --hub.data-dir="$HUBDIR" \
  --hub.broker.port="$BROKER" --server.port="$HTTP" --hub.tcp.port="$TCP" \
  --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$DB" >> "$RUN/hub.log" 2>&1 &
HUB_PID=$!
T_START=$(date +%s.%N)
until curl -fs "http://127.0.0.1:$HTTP/actuator/health/readiness" 2>/dev/null | grep -q UP; do
  kill -0 $HUB_PID 2>/dev/null || { say "hub did not start, see $RUN/hub.log"; tail -20 "$RUN/hub.log" >&2; exit 1; }
  sleep 0.5
done
say "hub ready in $(printf '%.1f' "$(echo "$(date +%s.%N) - $T_START" | bc)") s (pid $HUB_PID); starting the gate, platforms, TCP client and supplier"

java -Xmx1g -Dclk.tck="$(getconf CLK_TCK)" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" energyhub.bench.Soak \
  hubPid=$HUB_PID hubData="$HUBDIR" httpPort="$HTTP" brokerPort="$BROKER" tcpPort="$TCP" dbUrl="$DB_URL" \
  gcLog="$RUN/gc.log" hubLog="$RUN/hub.log" work="$RUN" results="$ROOT/bench/results" stamp="$STAMP" \
  durationS="$DURATION_S" enterprises="$ENTERPRISES" records="$RECORDS" quarterS="$QUARTER" burstRate="$BURST_RATE" \
  tcpBatches="$TCP_BATCHES" tcpRecords="$TCP_RECORDS" supplierAccounts="$SUPPLIER_ACCOUNTS" drainTimeoutS="$DRAIN" \
  command="bench/soak.sh $ARGS" commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench/results' || echo ' (with local changes)')" \
  machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)" loadBefore="$LOAD_BEFORE" \
  hubArgs="java -Xmx1g -Xlog:gc ${HUB_JVM_OPTS:-} -jar exchange-hub.jar ${HUB_OPTS[*]} ${HUB_ARGS:-}, a fresh database on 127.0.0.1:5432 (autovacuum $AUTOVACUUM)" autovacuum="$AUTOVACUUM" \
  retention="hub.retention.interval $RET_INTERVAL, hub.routing.body-retention $BODY_RET, hub.retention.batches $BATCH_RET (and hub.ferry.max-package-lifetime, which it may not be shorter than)" \
  2> >(tee "$RUN/driver.log" >&2) > "$RUN/report.md" &
DRIVER_PID=$!
STATUS=0
wait $DRIVER_PID || STATUS=$?
DRIVER_PID=""
# the driver stopped the hub to read its whole log; make sure it is gone
wait $HUB_PID 2>/dev/null || true
HUB_PID=""
say "report: bench/results/soak-$STAMP.md (samples: bench/results/soak-$STAMP.csv); logs in $RUN"
exit $STATUS
