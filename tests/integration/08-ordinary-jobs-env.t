#!/bin/bash
# Jobs without --dl-hetero: accelerator jobs get their chip's variables and
# nothing of the rank/plan kind; jobs without accelerators get no DL_ at all.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 8

out=$DLH_CLUSTER_DIR/work/08-env.txt
read -r id state < <(run_job "$out" -N1 -n2 -w n5 --gres=accel:ascend910b:2 \
	--wrap "TASK_TAG=batch $TASK_ENV; srun $TASK_ENV")
is "$state" COMPLETED "ordinary accelerator job completes"
is "$(tv "$out" batch DL_CHIP_TYPE)" ascend910b "batch script: DL_CHIP_TYPE"
is "$(tv "$out" 1 ASCEND_RT_VISIBLE_DEVICES)" "0,1" "task: its devices"
ok '! grep -qE $'"'"'\t(RANK|WORLD_SIZE|LOCAL_RANK|NODE_RANK|MASTER_ADDR|MASTER_PORT|DL_PLAN|DL_PLAN_HASH|DL_TRANSPORT)='"'"' "$out"' \
	"no rank, rendezvous or plan variable"

read -r id state < <(run_job "$out" -N2 -n2 \
	--wrap "TASK_TAG=batch $TASK_ENV; srun $TASK_ENV")
is "$state" COMPLETED "job without accelerators completes"
ok '! grep -q $'"'"'\tDL_'"'"' "$out"' "no DL_ variable at all"
ok '! grep -qE $'"'"'\t(RANK|MASTER_ADDR)='"'"' "$out"' "no rank variable"
is "$(grep -c $'\tSLURMD_NODENAME=' "$out")" 3 "the tasks did run (batch + 2)"
