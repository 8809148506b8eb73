#!/bin/bash
# One rank per accelerator the usual way: --ntasks-per-node=8 and no -n or
# -N (placement decides the node count) gives 16 tasks with one device
# each for a100:8,ascend910b:8, not 8 tasks with two.  An explicit -n stays.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 8

work=$DLH_CLUSTER_DIR/work
out=$work/22-tasks.txt
read -r id state < <(run_job "$work/22-batch.txt" \
	--dl-hetero=a100:8,ascend910b:8 --ntasks-per-node=8 \
	--wrap "srun $TASK_ENV > $out")
is "$state" COMPLETED "job completes"
is "$(tasks "$out" | paste -sd' ')" "$(seq 0 15 | paste -sd' ')" "16 tasks, ranks 0-15"
is "$(job_field "$id" NumNodes)" 2 "on 2 nodes"
is "$(tasks "$out" | wc -l)" 16 "all 16 ranks ran"
is "$(grep -c $'\tWORLD_SIZE=16$' "$out")" 16 "each sees WORLD_SIZE=16"
devs=$(grep -E $'\t(CUDA|ASCEND_RT)_VISIBLE_DEVICES=' "$out" | cut -d= -f2 | sort -u)
is "$(printf '%s\n' "$devs" | grep -c ',')" 0 "each has one device ($(echo $devs))"

read -r id state < <(run_job "$work/22-batch2.txt" \
	--dl-hetero=a100:8,ascend910b:8 -n4 --ntasks-per-node=2 \
	--wrap true)
is "$state" COMPLETED "job with an explicit -n completes"
is "$(job_field "$id" NumTasks)" 4 "and keeps its 4 tasks"
