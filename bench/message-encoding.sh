#!/bin/sh
# Bytes and time per chunk of the queue-message encodings (docs/queue-contract.md).
# Needs the bench module built: mvn -q -DskipTests package
#   bench/message-encoding.sh [records per chunk, default 500]
set -e
cd "$(dirname "$0")/.."
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "bench/target/classes:bench/target/lib/*" \
  energyhub.bench.MessageEncodingBench "$@"
