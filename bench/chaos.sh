#!/bin/bash
# Chaos on a fresh one-machine test cluster: for DURATION_S seconds the
# queue is kept at JOBS_AT_ONCE mixed-chip --dl-hetero jobs (two and three
# chip types, --dl-on-failure=requeue, 20-90 s sleeps, 5 s once requeued)
# while slurmd processes are killed (SIGKILL) at random intervals (15-45 s
# apart, at most 2 down at once) and started again 5-90 s later: some kills
# are noticed by slurmctld (SlurmdTimeout=30: node DOWN, its jobs
# requeued), some are not, and a job only outlives the detection if it
# sleeps long enough.  Then every killed slurmd is started, every job
# waited for, and the end state checked (tests/integration/chaos-lib.sh,
# the checks of tests/integration/15-chaos.t): no job lost (each ended
# COMPLETED, at once or after requeues), sacct agrees with scontrol (final
# state, one NODE_FAIL/REQUEUED record per requeue), every admin comment
# names the job's chip types, counts and nodes, every run held its
# accelerators, slurmctld is the process it was and logged no fatal error
# or crash, every node is idle with nothing allocated.
#
#   bench/chaos.sh [BUILD_DIR] [DURATION_S] [JOBS_AT_ONCE]   (as root)
#
# DURATION_S defaults to 600, JOBS_AT_ONCE to 8.  CHAOS_SEED=N replays a
# run (the seed is printed first); CHAOS_SLEEP_MIN, CHAOS_SLEEP_MAX,
# CHAOS_RESUME change the jobs' sleeps, CHAOS_DISJOINT=1 keeps clear of a
# Slurm 22.05 requeue bug (tests/integration/chaos-lib.sh).  Prints a
# Markdown table; exit status 1 when a job was lost or slurmctld died or
# was restarted, 2 when only other checks failed, 0 when all passed.
set -uo pipefail
. "$(dirname "$0")/bench-env.sh" "${1:-}" || {
	echo "usage: $0 [BUILD_DIR] [DURATION_S] [JOBS_AT_ONCE]" >&2
	exit 64
}
duration=${2:-600}
at_once=${3:-8}
seed=${CHAOS_SEED:-$((RANDOM * 32768 + RANDOM))}
: "${CHAOS_SLEEP_MIN:=20}" "${CHAOS_SLEEP_MAX:=90}"
. "$top/tests/integration/chaos-lib.sh"

echo "seed $seed (CHAOS_SEED=$seed $0 $build $duration $at_once replays it)"
# a fresh cluster: empty queue, empty accounting, job ids from 1
bash "$DLH_CLUSTER_SH" stop >/dev/null 2>&1
cluster_up >&2	# its "Bail out!" says why it could not start

chaos_init "$seed"
chaos_plan_random 10 $((duration - 10)) 15 45 5 90
chaos_plan_print
t0=$EPOCHSECONDS
while [ $((EPOCHSECONDS - t0)) -lt "$duration" ]; do
	chaos_tick
	chaos_feed "$at_once"
	sleep 1
done
# the last jobs may have just started; a requeue takes up to ~60 s more
chaos_finish $((CHAOS_SLEEP_MAX + 300))
chaos_check
rc=$?
# 1: what must never happen; 2: the other checks
if [ "$CHAOS_LOST" -gt 0 ] || [ -n "$CHAOS_BAD_CTLD" ]; then
	rc=1
elif [ $rc -ne 0 ]; then
	rc=2
fi
echo
echo "$duration s of chaos, $at_once jobs at once, seed $seed, $((EPOCHSECONDS - t0)) s in all:"
echo
chaos_table
if [ $rc -ne 0 ]; then
	echo
	echo "FAILED:"
	chaos_problems | sed 's/^/  /'
fi
if [ -n "$CHAOS_NOTES" ]; then
	echo
	echo "dlhetero errors in the daemons' logs (count, message):"
	echo "$CHAOS_NOTES" | sed 's/^/  /'
fi
echo
echo "events and sacct records: $CHAOS_DIR/report.txt"
echo "logs: $DLH_CLUSTER_DIR/log (kept until the next start)"
bash "$DLH_CLUSTER_SH" stop >/dev/null 2>&1
exit $rc
