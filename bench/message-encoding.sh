#!/bin/sh
# Bytes and time per chunk of the queue-message encodings (docs/queue-contract.md).
# Needs the routes module built: mvn -q -DskipTests package
#   bench/message-encoding.sh [records per chunk, default 500]
set -e
cd "$(dirname "$0")/.."
M2="${M2_REPO:-$HOME/.m2/repository}"
jar() { ls "$M2/$1"/*/"$2"-*.jar | grep -v -e sources -e javadoc | sort -V | tail -1; }
CP="routes/target/classes"
CP="$CP:$(jar org/apache/activemq/artemis-core-client artemis-core-client)"
CP="$CP:$(jar org/apache/activemq/artemis-commons artemis-commons)"
CP="$CP:$(jar io/netty/netty-buffer netty-buffer):$(jar io/netty/netty-common netty-common)"
CP="$CP:$(jar org/slf4j/slf4j-api slf4j-api)"
exec java -cp "$CP" bench/MessageEncodingBench.java "$@"
