#!/usr/bin/env bash
# Benchmark: one large ferry package through the packaged hub (embedded Artemis and PostgreSQL),
# from the manifest's arrival to its ACK, with a small heap to show that packages stream.
# Usage: bench/ferry-throughput.sh [records=200000] [heap=256m]; BENCH_ARGS adds hub options, e.g.
#   BENCH_ARGS='--hub.monitoring.camel-debugger=false --camel.trace.standby=false'
# Needs deployment/target/exchange-hub.jar (mvn -q -DskipTests package) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${1:-200000}
HEAP=${2:-256m}
JAR=${JAR:-deployment/target/exchange-hub.jar}
WORK=$(mktemp -d /tmp/hub-bench.XXXXXX)
. bench/lib.sh   # free_port
BROKER=$(free_port); HTTP=$(free_port)

mkdir -p "$WORK/staging" "$WORK/data/ferry/inbox"
read -r DATA BYTES < <(python3 bench/make_package.py "$WORK/staging" "$RECORDS")

# an unsigned (v1) package: the dev profile requires signatures, measured apart by bench/signature-cost.sh
java -Xmx"$HEAP" ${JAVA_OPTS:-} -jar "$JAR" --spring.profiles.active=dev --hub.ferry.signatures=off ${BENCH_ARGS:-} --hub.data-dir="$WORK/data" \
  --hub.broker.port="$BROKER" --server.port="$HTTP" > "$WORK/hub.log" 2>&1 &
HUB=$!
trap 'kill $HUB 2>/dev/null; wait $HUB 2>/dev/null; rm -rf "$WORK"' EXIT
until curl -fs "http://127.0.0.1:$HTTP/actuator/health/readiness" 2>/dev/null | grep -q UP; do
  kill -0 $HUB 2>/dev/null || { echo "hub did not start, see log:"; tail -20 "$WORK/hub.log"; exit 1; }
  sleep 0.5
done
RSS_IDLE=$(awk '/VmRSS/ {print $2}' /proc/$HUB/status)

mv "$DATA" "$WORK/data/ferry/inbox/"
START=$(date +%s.%N)
mv "$DATA.manifest" "$WORK/data/ferry/inbox/"
ACK="$WORK/data/ferry/outbox/$(basename "$DATA").ack.json"
until [ -f "$ACK" ]; do sleep 0.1; done
END=$(date +%s.%N)

SECS=$(echo "$END - $START" | bc)
echo "records:            $RECORDS ($(( BYTES / 1024 / 1024 )) MiB of JSONL)"
echo "manifest to ACK:    ${SECS}s (includes the manifest's 1 s minimum age)"
echo "throughput:         $(echo "$RECORDS / $SECS" | bc) records/s to both queues"
echo "heap limit:         $HEAP"
echo "resident idle:      $(( RSS_IDLE / 1024 )) MiB"
echo "resident peak:      $(( $(awk '/VmHWM/ {print $2}' /proc/$HUB/status) / 1024 )) MiB"
echo "ACK:                $(head -c 200 "$ACK")"
