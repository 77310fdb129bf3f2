# Shared by the bench scripts (sourced, not run): a free TCP port on loopback, a timestamped line on stderr, and a
# run folder with a fresh database name beside it.

# a TCP port free on 127.0.0.1 now
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# a line on stderr with the UTC time
say() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# new_run PREFIX: STAMP (UTC), RUN=$WORK/run-$STAMP (made), HUBDIR=$RUN/data, and the name DB (PREFIX_<time>) of a
# database to create beside $ADMIN's, DB_URL its URL
new_run() {
  STAMP=$(date -u +%Y%m%dT%H%M%SZ)
  RUN=$WORK/run-$STAMP
  HUBDIR=$RUN/data
  DB=$1_$(date -u +%Y%m%d%H%M%S)
  DB_URL=${ADMIN%/*}/$DB
  mkdir -p "$RUN"
}
