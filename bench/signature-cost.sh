#!/usr/bin/env bash
# Benchmark (issue 22): what checking signed manifests costs. One packaged hub (dev profile, everything embedded)
# with hub.ferry.signatures=warn takes blocks of 50-record packages, alternately signed (manifest v2, SM3withSM2,
# signed by OpenSSL, verified by the hub) and unsigned (v1, no cryptography), in one run, so both kinds see the
# same machine, JIT and database. Prints packages/s per kind and the rate lost by signing.
# Usage: bench/signature-cost.sh [rounds=4] [packages-per-block=40] [records=50]
# Needs deployment/target/exchange-hub.jar (mvn -q -DskipTests package), python3, curl and openssl 3 with SM2.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-4}; BLOCK=${2:-40}; RECORDS=${3:-50}
JAR=${JAR:-deployment/target/exchange-hub.jar}
WORK=$(mktemp -d /tmp/hub-sigbench.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
BROKER=$(free_port); HTTP=$(free_port)
INBOX="$WORK/data/ferry/inbox"; OUTBOX="$WORK/data/ferry/outbox"
mkdir -p "$INBOX" "$OUTBOX" "$WORK/keys"

openssl genpkey -algorithm SM2 -out "$WORK/keys/bench.key.pem" 2>/dev/null
openssl pkey -in "$WORK/keys/bench.key.pem" -pubout -out "$WORK/keys/bench.pub.pem"
for r in $(seq "$ROUNDS"); do
  python3 bench/make_signed_packages.py "$WORK/staging/signed-$r" "$BLOCK" "$RECORDS" "s$r" \
    "$WORK/keys/bench.key.pem" bench-exchange 53
  python3 bench/make_signed_packages.py "$WORK/staging/unsigned-$r" "$BLOCK" "$RECORDS" "u$r"
done

java -Xmx1g ${JAVA_OPTS:-} -jar "$JAR" --spring.profiles.active=dev ${BENCH_ARGS:-} --hub.data-dir="$WORK/data" \
  --hub.broker.port="$BROKER" --server.port="$HTTP" --hub.ferry.signatures=warn --hub.ferry.target=53 \
  > "$WORK/hub.log" 2>&1 &
HUB=$!
trap 'kill $HUB 2>/dev/null; wait $HUB 2>/dev/null; rm -rf "$WORK"' EXIT
until curl -fs "http://127.0.0.1:$HTTP/actuator/health/readiness" 2>/dev/null | grep -q UP; do
  kill -0 $HUB 2>/dev/null || { echo "hub did not start, see log:"; tail -20 "$WORK/hub.log"; exit 1; }
  sleep 0.5
done
python3 -c 'import json,sys; print(json.dumps({"keyId":"bench-exchange","ownerKind":"EXCHANGE","owner":"bench",
  "publicKey":open(sys.argv[1]).read()}))' "$WORK/keys/bench.pub.pem" \
  | curl -fs -u operator:operator-dev -H 'Content-Type: application/json' -d @- \
    "http://127.0.0.1:$HTTP/api/operator/ferry-keys" > /dev/null

# one block: data files first, then the manifests; seconds from the first manifest to the block's last ACK
run_block() {
  local dir=$1 prefix=$2 start end
  mv "$dir"/*.jsonl "$INBOX/"
  start=$(date +%s.%N)
  for m in "$dir"/*.manifest; do mv "$m" "$INBOX/"; done
  python3 - "$OUTBOX" "$prefix" "$BLOCK" <<'PY'
import os, sys, time
outbox, prefix, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
while sum(1 for f in os.listdir(outbox) if f.startswith(prefix + "-") and f.endswith(".ack.json")) < n:
    time.sleep(0.02)
PY
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

# round 1 is the warm-up (not counted); odd rounds start with the signed block, even rounds with the unsigned one
SIGNED=(); UNSIGNED=()
for r in $(seq "$ROUNDS"); do
  if [ $((r % 2)) -eq 1 ]; then order="signed unsigned"; else order="unsigned signed"; fi
  for kind in $order; do
    prefix=$([ "$kind" = signed ] && echo "s$r" || echo "u$r")
    secs=$(run_block "$WORK/staging/$kind-$r" "$prefix")
    echo "round $r $kind: $BLOCK packages in ${secs}s"
    if [ "$r" -gt 1 ]; then
      if [ "$kind" = signed ]; then SIGNED+=("$secs"); else UNSIGNED+=("$secs"); fi
    fi
  done
done
echo "ACK statuses:       $(cat "$OUTBOX"/*.ack.json | grep -o '"status":"[A-Z]*"' | sort | uniq -c | tr -s ' \n' ' ')"
# medians of the blocks (round 1 is the warm-up): a machine shared with other work gives outliers
python3 - "$BLOCK" "$RECORDS" "${SIGNED[*]}" "${UNSIGNED[*]}" <<'PY'
import statistics, sys
block, records = int(sys.argv[1]), int(sys.argv[2])
s = statistics.median(float(x) for x in sys.argv[3].split())
u = statistics.median(float(x) for x in sys.argv[4].split())
print("unsigned (v1):      %.1f packages/s (median block, %d records each)" % (block / u, records))
print("signed (v2, SM2):   %.1f packages/s" % (block / s))
print("rate lost:          %.1f %%" % (100 * (s - u) / s))
PY
