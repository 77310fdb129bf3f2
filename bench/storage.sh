#!/usr/bin/env bash
# Storage figures (issue 23 item 3; docs/operations.md "Storage"): what one million records cost on disk in every
# store the hub keeps, measured on the load shape a province sends (many packages of 50 records), and projected to a
# province-year with and without retention.
#
#   bench/storage.sh [--packages N] [--records-per-package N] [--work DIR] [--db-url URL]
#
#   --packages             packages sent (default 4000: two quarter-hours of 2,000 enterprises, 200,000 records)
#   --records-per-package  records per package (default 50)
#   --work                 cache and run folder (default /tmp/hub-storage)
#   --admin-db             a PostgreSQL the script may create a fresh database in (default
#                          postgresql://postgres@127.0.0.1:5432/postgres; psql and createdb on the PATH)
# Sizes are bytes on disk (PostgreSQL: pg_relation_size of each table, its indexes and its TOAST; files: du),
# measured twice: once every ACK is written and every batch delivered (the platforms have consumed nothing), and
# again once both queues are drained by the verifier (which also checks every record is there exactly once).
# Needs deployment/target/exchange-hub.jar and bench/target (mvn -B -o -q -DskipTests package), java, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PACKAGES=4000
PER=50
WORK=/tmp/hub-storage
ADMIN=postgresql://postgres@127.0.0.1:5432/postgres
while [ $# -gt 0 ]; do
  case "$1" in
    --packages) PACKAGES=$2; shift 2 ;;
    --records-per-package) PER=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --admin-db) ADMIN=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
JAR=${HUB_JAR:-$ROOT/deployment/target/exchange-hub.jar}
CP="$ROOT/bench/target/classes:$ROOT/bench/target/lib/*"
[ -f "$JAR" ] || { echo "missing $JAR: mvn -B -o -q -DskipTests package" >&2; exit 1; }
[ -d "$ROOT/bench/target/lib" ] || { echo "missing bench/target/lib: mvn -B -o -q -DskipTests package" >&2; exit 1; }
TOOL=(java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP")
. "$ROOT/bench/lib.sh"
new_run hub_storage
sql() { psql -X -q -A -t "$DB_URL" -c "$1"; }
measure() { # PHASE: prints PHASE.<store>.<part>=bytes lines
  local phase=$1
  sql "vacuum analyze" >/dev/null 2>&1 || true
  sql "select format('%s.pg.%s.table=%s', '$phase', c.relname, pg_relation_size(c.oid)) || chr(10)
            || format('%s.pg.%s.indexes=%s', '$phase', c.relname, pg_indexes_size(c.oid)) || chr(10)
            || format('%s.pg.%s.toast=%s', '$phase', c.relname,
                      pg_total_relation_size(c.oid) - pg_relation_size(c.oid) - pg_indexes_size(c.oid)) || chr(10)
            || format('%s.pg.%s.rows=%s', '$phase', c.relname, c.reltuples::bigint)
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind = 'r' and n.nspname = 'public' order by c.relname"
  for d in broker/journal broker/paging broker/large-messages broker/bindings ferry/archive ferry/outbox ferry/quarantine; do
    [ -d "$HUBDIR/$d" ] && echo "$phase.files.${d//\//-}=$(du -sb "$HUBDIR/$d" | cut -f1)"
  done
  return 0
}

DATA=$WORK/province-p$PACKAGES-r$PER
if [ ! -f "$DATA/.complete" ]; then
  rm -rf "$DATA"; say "generating $PACKAGES packages of $PER records into $DATA"
  "${TOOL[@]}" energyhub.bench.Generate "$DATA" province "$PACKAGES" "$PER" 42 >&2
  touch "$DATA/.complete"
fi
RECORDS=$(( PACKAGES * PER ))

createdb -h 127.0.0.1 -U postgres "$DB"
HUB_PID=""
cleanup() { [ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null && wait "$HUB_PID" 2>/dev/null; return 0; }
trap cleanup EXIT
BROKER=$(free_port); HTTP=$(free_port); TCP=$(free_port)
# unsigned (v1) packages, as the other benchmarks: storage does not depend on signatures
java -Xmx1g -jar "$JAR" --spring.profiles.active=dev --hub.ferry.signatures=off --hub.data-dir="$HUBDIR" --hub.broker.port="$BROKER" \
  --server.port="$HTTP" --hub.tcp.port="$TCP" \
  --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$DB" >> "$RUN/hub.log" 2>&1 &
HUB_PID=$!
until curl -fs "http://127.0.0.1:$HTTP/actuator/health/readiness" 2>/dev/null | grep -q UP; do
  kill -0 $HUB_PID 2>/dev/null || { say "hub did not start, see $RUN/hub.log"; tail -20 "$RUN/hub.log" >&2; exit 1; }
  sleep 0.2
done
RESULTS=$RUN/results.properties
{ echo "records=$RECORDS"; echo "packages=$PACKAGES"; echo "records_per_package=$PER"
  echo "data_bytes=$(cat "$DATA"/*.jsonl | wc -c)"; measure baseline; } > "$RESULTS"
say "hub up; sending $PACKAGES packages ($RECORDS records)"
"${TOOL[@]}" energyhub.bench.Ferry storage "$HUBDIR" "$DATA" "" 3600 > "$RUN/ferry.out" 2> "$RUN/ferry.log" \
  || { say "not every package was ACCEPTED, see $RUN/ferry.log"; exit 1; }
say "every ACK written; waiting for every delivery and the audit trail to catch up"
until [ "$(sql "select (select count(*) from delivery where status <> 'DELIVERED') + (select count(*) from audit_pending)")" = 0 ]; do
  sleep 1
done

measure delivered >> "$RESULTS"
say "measured; draining both queues (and verifying every record once in each)"
secret() { sed -n "s/^$1=//p" "$HUBDIR/dev-secrets.properties"; }
"${TOOL[@]}" -Xmx1g energyhub.bench.Verify storage "tcp://127.0.0.1:$BROKER" national "$(secret hub.broker.national.password)" \
  provincial "$(secret hub.broker.provincial.password)" "$HUBDIR/../storage-landed.txt" >> "$RESULTS" 2> "$RUN/verify.log" \
  || { say "verification FAILED, see $RUN/verify.log"; exit 1; }
# the broker reclaims journal files as their messages are acknowledged; give it its compaction cycle
sleep 5
measure consumed >> "$RESULTS"
kill "$HUB_PID"; wait "$HUB_PID" 2>/dev/null || true; HUB_PID=""
dropdb -h 127.0.0.1 -U postgres "$DB"
python3 "$ROOT/bench/storage_report.py" "$RESULTS" > "$RUN/report.md"
mkdir -p "$ROOT/bench/results"
cp "$RUN/report.md" "$ROOT/bench/results/storage-$STAMP.md"
cp "$RESULTS" "$ROOT/bench/results/storage-$STAMP.properties"
cat "$RUN/report.md"
