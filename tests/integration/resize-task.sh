#!/bin/bash
# A task of an elastic job, run by 13-resize.t and bench/resize.sh: says it
# started, then waits for the resize signal (DL_RESIZE_SIGNAL) and, when it
# comes, prints what the plan file at the same DL_PLAN path says now:
#   start RANK SIGNAL NODE
#   resized RANK GENERATION WORLD_SIZE CHIPS NODE SIGNAL_TIME
# (SIGNAL_TIME: when the trap ran, seconds since the epoch)
# Exits when signalled, or after $1 seconds (default 120).
show_plan() {
	python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
print(p["generation"], p["world_size"],
      "+".join(sorted({r["chip"] for r in p["ranks"]})))' "$DL_PLAN"
}
signalled=0
trap 'signalled=$EPOCHREALTIME' "${DL_RESIZE_SIGNAL:-WINCH}"
echo "start $RANK ${DL_RESIZE_SIGNAL:-none} $SLURMD_NODENAME"
end=$((SECONDS + ${1:-120}))
while [ $signalled = 0 ] && [ $SECONDS -lt $end ]; do
	sleep 0.1
done
[ $signalled != 0 ] || exit 1
echo "resized $RANK $(show_plan) $SLURMD_NODENAME $signalled"
