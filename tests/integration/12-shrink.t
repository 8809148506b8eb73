#!/bin/bash
# A --dl-hetero job shrinks itself (scontrol update NumNodes=, Slurm 22.05's
# way): the job's node -> chip map and summary follow, and the next step is
# planned for the nodes that are left.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 7

work=$DLH_CLUSTER_DIR/work
out=$work/12-step.txt
rm -f "$out" "$work/12-go" "$work/12-shrunk"
# scontrol, run inside the job, writes slurm_job_<id>_resize.sh with the
# job's new SLURM_* values in its folder
id=$(sbatch --parsable -D "$work" -o "$work/12-batch.txt" \
	--dl-hetero=a100:8,ascend910b:8 --dl-model=llama2-7b -N2 -n16 --mincpus=8 \
	--wrap "
	while [ ! -e $work/12-go ]; do sleep 0.5; done
	scontrol update JobId=\$SLURM_JOB_ID NumNodes=1 && touch $work/12-shrunk
	. ./slurm_job_\${SLURM_JOB_ID}_resize.sh
	srun -n8 $TASK_ENV > $out")
ok 'wait_state "$id" RUNNING' "job runs"
like "$(job_comment "$id")" '^dlhetero a100:8\(n[0-9]+\) ascend910b:8\(n[0-9]+\)$' \
	"summary names both types"
touch "$work/12-go"
for i in $(seq 60); do [ -e "$work/12-shrunk" ] && break; sleep 0.5; done
ok "[ -e '$work/12-shrunk' ]" "the job shrank itself to one node"
is "$(submit_wait "$id" 60)" COMPLETED "job completes"
like "$(job_comment "$id")" '^dlhetero a100:8\(n[0-9]+\)$' \
	"summary follows the shrink ($(job_comment "$id"))"
like "$(scontrol show job -o "$id")" ' \| generation 1( |$)' \
	"its growth record counts the change: plan generation 1"
like "$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(p["world_size"], sorted({r["chip"] for r in p["ranks"]}))' "$(tv "$out" 0 DL_PLAN)" 2>&1)" \
	"^8 \['a100'\]$" "the next step's plan: 8 ranks, a100 only"
rm -f "$work/12-go" "$work/12-shrunk"
