#!/usr/bin/env bash
# Prepares the hub for a fast start: extracts the jar and records a class-data-sharing (CDS) archive of
# its start-up, so the JVM maps the ~20,000 classes of Spring, Camel, Artemis and Hawtio instead of
# loading and verifying them (measured: start-up to readiness 40 % shorter; docs/benchmarks.md).
#   deployment/bin/cds-archive.sh deployment/target/exchange-hub.jar /opt/exchange-hub/app
#   java -XX:SharedArchiveFile=/opt/exchange-hub/app/exchange-hub.jsa -Xshare:auto -jar /opt/exchange-hub/app/exchange-hub.jar ...
# The container image (deployment/container/Containerfile) and the systemd unit (deployment/service/) run it
# and start the hub this way.
# Run it again with every new jar, the hub stopped (it rewrites the files the hub runs from): the hub runs
# the extracted jar, not the one given here. An archive made from another build is ignored with a warning
# ("The top archive failed to load") and the hub starts the slow way; a missing one silently. The training
# start uses the dev profile in a temporary data directory (embedded broker and database, free ports) and
# stops once the application context is up.
# An archive is valid only for the JVM that made it: the training start uses $JAVA (default: the java on
# PATH), which must be the java the hub is started with (the systemd unit's /usr/bin/java; the image's own).
set -euo pipefail
JAVA=${JAVA:-java}
JAR=${1:?usage: cds-archive.sh JAR DEST}
DEST=${2:?usage: cds-archive.sh JAR DEST}
mkdir -p "$DEST"
# always exchange-hub.jar, whatever the given jar is called (a renamed copy, a versioned file name)
"$JAVA" -Djarmode=tools -jar "$JAR" extract --force --destination "$DEST" --application-filename exchange-hub.jar
TRAIN=$(mktemp -d /tmp/exchange-hub-cds.XXXXXX)
trap 'rm -rf "$TRAIN"' EXIT
rm -f "$DEST/exchange-hub.jsa"
if ! "$JAVA" -XX:ArchiveClassesAtExit="$DEST/exchange-hub.jsa" -Dspring.context.exit=onRefresh \
    -jar "$DEST/exchange-hub.jar" --spring.profiles.active=dev --hub.data-dir="$TRAIN/data" \
    --hub.broker.port=0 --server.port=0 --hub.tcp.port=0 > "$TRAIN/training.log" 2>&1; then
  echo "the training start failed; its log:" >&2
  tail -30 "$TRAIN/training.log" >&2
  exit 1
fi
# the JVM writes the archive as it exits; an image or a host must not go on without it (and start slowly)
if [ ! -s "$DEST/exchange-hub.jsa" ]; then
  echo "the training start made no archive $DEST/exchange-hub.jsa; its log:" >&2
  grep -i 'cds\|shar\|archive' "$TRAIN/training.log" | tail -20 >&2 || tail -30 "$TRAIN/training.log" >&2
  exit 1
fi
echo "$DEST/exchange-hub.jar and $DEST/exchange-hub.jsa are ready; start with"
echo "  java -XX:SharedArchiveFile=$DEST/exchange-hub.jsa -Xshare:auto -jar $DEST/exchange-hub.jar ..."
