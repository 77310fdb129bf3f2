#!/usr/bin/env bash
# Prepares the hub for a fast start: extracts the jar and records a class-data-sharing (CDS) archive of
# its start-up, so the JVM maps the ~20,000 classes of Spring, Camel, Artemis and Hawtio instead of
# loading and verifying them (measured: start-up to readiness 40 % shorter; docs/benchmarks.md).
#   deployment/bin/cds-archive.sh deployment/target/exchange-hub.jar /opt/exchange-hub/app
#   java -XX:SharedArchiveFile=/opt/exchange-hub/app/exchange-hub.jsa -jar /opt/exchange-hub/app/exchange-hub.jar ...
# Run it again after every upgrade of the jar: the JVM ignores (with a warning) an archive made from
# another build and starts the slow way. The training start uses the dev profile in a temporary data
# directory (embedded broker and database, free ports) and stops once the application context is up.
set -euo pipefail
JAR=${1:?usage: cds-archive.sh JAR DEST}
DEST=${2:?usage: cds-archive.sh JAR DEST}
mkdir -p "$DEST"
# always exchange-hub.jar, whatever the given jar is called (a renamed copy, a versioned file name)
java -Djarmode=tools -jar "$JAR" extract --force --destination "$DEST" --application-filename exchange-hub.jar
TRAIN=$(mktemp -d /tmp/exchange-hub-cds.XXXXXX)
trap 'rm -rf "$TRAIN"' EXIT
if ! java -XX:ArchiveClassesAtExit="$DEST/exchange-hub.jsa" -Dspring.context.exit=onRefresh \
    -jar "$DEST/exchange-hub.jar" --spring.profiles.active=dev --hub.data-dir="$TRAIN/data" \
    --hub.broker.port=0 --server.port=0 --hub.tcp.port=0 > "$TRAIN/training.log" 2>&1; then
  echo "the training start failed; its log:" >&2
  tail -30 "$TRAIN/training.log" >&2
  exit 1
fi
echo "$DEST/exchange-hub.jar and $DEST/exchange-hub.jsa are ready; start with"
echo "  java -XX:SharedArchiveFile=$DEST/exchange-hub.jsa -jar $DEST/exchange-hub.jar ..."
