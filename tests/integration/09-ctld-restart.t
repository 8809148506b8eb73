#!/bin/bash
# slurmctld restarts while a --dl-hetero job runs: the job, its gres and its
# node -> chip map survive, and it is accounted per type.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 10

out=$DLH_CLUSTER_DIR/work/09-batch.txt
rm -f "$out"
id=$(sbatch --parsable -o "$out" --dl-hetero=a100:8,mlu590:8 -N2 \
	--ntasks-per-node=8 --wrap "sleep 12; srun $TASK_ENV")
ok 'wait_state "$id" RUNNING' "job runs"
gres=$(job_field "$id" JOB_GRES)
comment=$(job_comment "$id")
msg=$(bash "$DLH_CLUSTER_SH" restart-ctld 2>&1)
ok $? "slurmctld restarted" || diag "$msg"
is "$(job_field "$id" JobState)" RUNNING "job still running after the restart"
is "$(job_field "$id" JOB_GRES)" "$gres" "same JOB_GRES ($gres)"
like "$comment" '^dlhetero a100:8\(n[0-9]+\) mlu590:8\(n(9|10)\)$' "placement summary before the restart"
is "$(job_comment "$id")" "$comment" "same placement summary"
is "$(submit_wait "$id" 90)" COMPLETED "job completes"
is "$(grep $'\tDL_PLAN_HASH=' "$out" | cut -f2 | sort -u | wc -l)" 1 \
	"its step after the restart got one plan for all 16 ranks"
is "$(grep -c $'\tDL_PLAN_HASH=' "$out")" 16 "16 ranks have it"
tres=$(sacct_field "$id" AllocTRES)
like "$tres" 'gres/accel:a100=8,.*gres/accel:mlu590=8' "sacct per type after the restart"
