#!/bin/sh
# Installs one node of the exchange hub's external Artemis pair (docs/broker-ha.md, "Install"). The test
# harness (route-tests' ArtemisPair, run by BrokerFailoverTest and BrokerPairInstallTest) installs its pair
# with this same script, so the documented steps are the tested ones.
#
#   deployment/broker/install-node.sh ARTEMIS_HOME INSTANCE_DIR primary|backup [more 'artemis create' options]
#
# e.g. deployment/broker/install-node.sh /opt/apache-artemis-2.40.0 /var/lib/artemis-primary primary
#
# The accounts' passwords come from the environment, the same on both nodes:
#   HUB_BROKER_PASSWORD             account hub (the hub itself)
#   HUB_BROKER_NATIONAL_PASSWORD    account national (the national platform's consumer)
#   HUB_BROKER_PROVINCIAL_PASSWORD  account provincial (the provincial platform's consumer)
#
# What it does: `artemis create` makes the instance; broker.xml (of primary/ or backup/) and
# artemis-roles.properties are copied from beside this script; etc/artemis-users.properties is written with
# the three accounts, one per line, passwords hashed (`artemis mask --hash`), readable by its owner only,
# and checked. Ends with a non-zero exit and one line saying why when something is missing or wrong.
set -eu

fail() {
    echo "install-node.sh: $*" >&2
    exit 1
}

[ $# -ge 3 ] || fail "usage: install-node.sh ARTEMIS_HOME INSTANCE_DIR primary|backup [artemis create options]"
home=$1
instance=$2
node=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)

case "$node" in
    primary|backup) ;;
    *) fail "the third argument is '$node', not primary or backup" ;;
esac
[ -x "$home/bin/artemis" ] || fail "$home/bin/artemis is missing: ARTEMIS_HOME is the unpacked apache-artemis-2.40.0"
for variable in HUB_BROKER_PASSWORD HUB_BROKER_NATIONAL_PASSWORD HUB_BROKER_PROVINCIAL_PASSWORD; do
    eval "value=\${$variable:-}"
    [ -n "$value" ] || fail "$variable is not set: set the three accounts' passwords in the environment"
done

"$home/bin/artemis" create "$instance" \
    --user hub --password "$HUB_BROKER_PASSWORD" --role hub --require-login \
    --silent --no-web --nio "$@" \
    || fail "artemis create $instance failed (its output is above)"

cp "$here/$node/broker.xml" "$instance/etc/broker.xml"
cp "$here/artemis-roles.properties" "$instance/etc/artemis-roles.properties"

# The accounts file is written whole, not appended to: `artemis create` ends its line for hub without a
# newline, and an account appended there would be glued onto it (hub's password wrong, national unknown).
hash() {
    hashed=$("$home/bin/artemis" mask --hash "$2" | sed -n 's/^result: //p')
    [ -n "$hashed" ] || fail "artemis mask --hash gave no hash for account $1"
    printf '%s = ENC(%s)\n' "$1" "$hashed"
}
users="$instance/etc/artemis-users.properties"
umask 077
{
    echo "# The exchange hub's broker accounts, one per line: user = ENC(hashed password). Made by install-node.sh."
    hash hub "$HUB_BROKER_PASSWORD"
    hash national "$HUB_BROKER_NATIONAL_PASSWORD"
    hash provincial "$HUB_BROKER_PROVINCIAL_PASSWORD"
} > "$users.new"
mv "$users.new" "$users"
chmod 600 "$users"

# one line per account, each hashed, and nothing else
accounts=$(grep -v -e '^#' -e '^[[:space:]]*$' "$users" | sed -n 's/^\([a-z]*\) = ENC([0-9]*:[0-9A-F]*:[0-9A-F]*)$/\1/p' | tr '\n' ' ')
[ "$accounts" = "hub national provincial " ] \
    || fail "$users does not hold the accounts hub, national and provincial one per line (found: $accounts)"
[ "$(grep -c -v -e '^#' -e '^[[:space:]]*$' "$users")" -eq 3 ] || fail "$users holds lines other than the three accounts"

echo "installed the $node node in $instance: accounts hub, national, provincial in $users"
