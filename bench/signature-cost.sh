#!/usr/bin/env bash
# Benchmark (issue 22): what checking signed manifests costs. One packaged hub (dev profile, everything embedded)
# with hub.ferry.signatures=warn takes blocks of 50-record packages, alternately signed (manifest v2, SM3withSM2,
# signed by OpenSSL, verified by the hub) and unsigned (v1, no cryptography), in one run, so both kinds see the
# same machine, JIT and database. Prints packages/s per kind and the rate lost by signing.
# The first rounds warm the hub (its JIT, pools and caches) and are not counted: warm against warm.
# Usage: bench/signature-cost.sh [rounds=20] [packages-per-block=80] [records=50] [warm-up rounds=10]  (about 5 min)
# Needs deployment/target/exchange-hub.jar (mvn -q -DskipTests package), python3, curl and openssl 3 with SM2.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-20}; BLOCK=${2:-80}; RECORDS=${3:-50}; WARM=${4:-10}
TOTAL=$((WARM + ROUNDS))
JAR=${JAR:-deployment/target/exchange-hub.jar}
WORK=$(mktemp -d /tmp/hub-sigbench.XXXXXX)
. bench/lib.sh   # free_port
BROKER=$(free_port); HTTP=$(free_port)
INBOX="$WORK/data/ferry/inbox"; OUTBOX="$WORK/data/ferry/outbox"
mkdir -p "$INBOX" "$OUTBOX" "$WORK/keys"

openssl genpkey -algorithm SM2 -out "$WORK/keys/bench.key.pem" 2>/dev/null
openssl pkey -in "$WORK/keys/bench.key.pem" -pubout -out "$WORK/keys/bench.pub.pem"
for r in $(seq "$TOTAL"); do
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

# the hub's CPU seconds so far (user + system, from /proc): steadier than wall time on a shared machine
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$HUB/stat"; }

# one block: data files first, then the manifests; prints the seconds from the first manifest to the block's last
# ACK and the hub's CPU seconds over the same span
run_block() {
  local dir=$1 prefix=$2 start end cpu0 cpu1
  mv "$dir"/*.jsonl "$INBOX/"
  cpu0=$(cpu_seconds)
  start=$(date +%s.%N)
  for m in "$dir"/*.manifest; do mv "$m" "$INBOX/"; done
  python3 - "$OUTBOX" "$prefix" "$BLOCK" <<'PY'
import os, sys, time
outbox, prefix, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
while sum(1 for f in os.listdir(outbox) if f.startswith(prefix + "-") and f.endswith(".ack.json")) < n:
    time.sleep(0.02)
PY
  end=$(date +%s.%N)
  cpu1=$(cpu_seconds)
  echo "$(echo "$end - $start" | bc) $(echo "$cpu1 - $cpu0" | bc)"
}

# the hub's own timers of the signed-manifest check (envelope, registry, DER, signature, payload rules): its wall
# time and its thread's CPU time; prints "count wall-seconds cpu-seconds"
check_timers() {
  for m in hub.ferry.signature.check hub.ferry.signature.check.cpu; do
    curl -fs -u operator:operator-dev "http://127.0.0.1:$HTTP/actuator/metrics/$m"; echo
  done | python3 -c '
import json, sys
t = [{s["statistic"]: s["value"] for s in json.loads(l)["measurements"]} for l in sys.stdin if l.strip()]
print(int(t[0]["COUNT"]), t[0]["TOTAL_TIME"], t[1]["TOTAL_TIME"])'
}

# the first WARM rounds are the warm-up (not counted); odd rounds start with the signed block, even rounds with the
# unsigned one
SIGNED=(); UNSIGNED=(); SIGNED_CPU=(); UNSIGNED_CPU=()
for r in $(seq "$TOTAL"); do
  if [ $((r % 2)) -eq 1 ]; then order="signed unsigned"; else order="unsigned signed"; fi
  if [ "$r" -eq $((WARM + 1)) ]; then read -r CHECKS0 CHECK_WALL0 CHECK_CPU0 < <(check_timers); fi
  for kind in $order; do
    prefix=$([ "$kind" = signed ] && echo "s$r" || echo "u$r")
    read -r secs cpu < <(run_block "$WORK/staging/$kind-$r" "$prefix")
    echo "round $r $kind: $BLOCK packages in ${secs}s, hub CPU ${cpu}s"
    if [ "$r" -gt "$WARM" ]; then
      if [ "$kind" = signed ]; then SIGNED+=("$secs"); SIGNED_CPU+=("$cpu")
      else UNSIGNED+=("$secs"); UNSIGNED_CPU+=("$cpu"); fi
    fi
  done
done
read -r CHECKS1 CHECK_WALL1 CHECK_CPU1 < <(check_timers)
echo "ACK statuses:       $(cat "$OUTBOX"/*.ack.json | grep -o '"status":"[A-Z]*"' | sort | uniq -c | tr -s ' \n' ' ')"
# medians of the counted blocks (a machine shared with other work gives outliers) and their totals (signed and
# unsigned blocks alternate, so both kinds see the same drift)
python3 - "$BLOCK" "$RECORDS" "${SIGNED[*]}" "${UNSIGNED[*]}" "${SIGNED_CPU[*]}" "${UNSIGNED_CPU[*]}" \
  "$((CHECKS1 - CHECKS0))" "$(echo "$CHECK_WALL1 - $CHECK_WALL0" | bc)" "$(echo "$CHECK_CPU1 - $CHECK_CPU0" | bc)" <<'PY'
import statistics, sys
block, records = int(sys.argv[1]), int(sys.argv[2])
med = lambda a: statistics.median(float(x) for x in a.split())
tot = lambda a: sum(float(x) for x in a.split())
s, u, sc, uc = med(sys.argv[3]), med(sys.argv[4]), med(sys.argv[5]), med(sys.argv[6])
ts, tu, tsc, tuc = tot(sys.argv[3]), tot(sys.argv[4]), tot(sys.argv[5]), tot(sys.argv[6])
blocks = len(sys.argv[3].split())
print("unsigned (v1):      %.1f packages/s (median block, %d records each), hub CPU %.1f ms a package"
      % (block / u, records, 1000 * uc / block))
print("signed (v2, SM2):   %.1f packages/s, hub CPU %.1f ms a package" % (block / s, 1000 * sc / block))
print("rate lost:          %.1f %%" % (100 * (s - u) / s))
print("CPU added:          %.1f %% (%.2f ms a package)" % (100 * (sc - uc) / uc, 1000 * (sc - uc) / block))
print("over all %d blocks of each kind: rate lost %.1f %%, CPU added %.1f %% (%.2f ms a package)"
      % (blocks, 100 * (ts - tu) / ts, 100 * (tsc - tuc) / tuc, 1000 * (tsc - tuc) / (blocks * block)))
checks, wall, cpu = int(sys.argv[7]), float(sys.argv[8]), float(sys.argv[9])
if checks:
    per = tuc / (blocks * block)  # the hub's CPU per unsigned package
    print("the check itself:   %.2f ms CPU a signed package (hub.ferry.signature.check.cpu over %d checks) = %.1f %%"
          " of the hub's CPU per unsigned package; %.2f ms wall" % (1000 * cpu / checks, checks,
                                                                   100 * cpu / checks / per, 1000 * wall / checks))
PY
