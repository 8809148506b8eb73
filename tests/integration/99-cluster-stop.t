#!/bin/bash
# Stops the test cluster started by the other tests; no daemon may survive.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

plan 3

: "${DLH_CLUSTER_DIR:=/tmp/dlh-cluster-$(id -u)}"
export DLH_CLUSTER_DIR

pids=$(cat "$DLH_CLUSTER_DIR"/pids/*.pid 2>/dev/null | tr '\n' ' ')
diag "pids before stop: ${pids:-none}"

out=$(flock -w 300 "$DLH_CLUSTER_DIR.lock" bash "$DLH_CLUSTER_SH" stop 2>&1)
rc=$?
diag "$out"
is "$rc" 0 "cluster.sh stop succeeds"

left=
for p in $pids; do
	kill -0 "$p" 2>/dev/null && left="$left $p"
done
is "${left# }" "" "no daemon from $DLH_CLUSTER_DIR/pids is alive" ||
	diag "$(ps -o pid,comm,args -p "${left# }" 2>/dev/null)"

out=$(bash "$DLH_CLUSTER_SH" stop 2>&1)
is "$?" 0 "a second stop is a no-op" || diag "$out"
