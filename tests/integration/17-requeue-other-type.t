#!/bin/bash
# An auto request that allows two chip types loses its node while every
# other node of its type is busy: the requeued job is placed on the other
# type it allowed and restarts there with a plan for that chip.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 10

work=$DLH_CLUSTER_DIR/work
rm -f "$work"/17-run-*.txt
# the other Ascend nodes are busy with an ordinary job
blocker=$(sbatch --parsable -o /dev/null -w n6,n7,n8 -N3 \
	--gres=accel:ascend910b:8 --wrap 'sleep 600')
ok 'wait_state "$blocker" RUNNING' "n[6-8] are busy"
# ascend910b is preferred (more sustained TFLOPS in the catalog)
id=$(sbatch --parsable -o /dev/null --dl-hetero=auto:8:ascend910b+mlu590 \
	-N1 --ntasks-per-node=8 --wrap "
	srun $TASK_ENV > $work/17-run-\${SLURM_RESTART_COUNT:-0}.txt
	[ \${SLURM_RESTART_COUNT:-0} -ge 1 ] || sleep 600")
ok 'wait_state "$id" RUNNING' "job runs"
wait_lines "$work/17-run-0.txt" $'\tSLURMD_NODENAME=' 8
first=$work/17-run-0.txt
is "$(tv "$first" 0 DL_CHIP_TYPE)@$(tv "$first" 0 SLURMD_NODENAME)" \
	"ascend910b@n5" "first run: on the free Ascend node n5"

bash "$DLH_CLUSTER_SH" kill-node n5 >/dev/null
for i in $(seq 240); do
	ranks_done "$work/17-run-1.txt" 8 &&
		[ "$(job_field "$id" JobState)" = COMPLETED ] && break
	sleep 0.5
done
is "$(job_field "$id" JobState)" COMPLETED "job restarted and completed"
second=$work/17-run-1.txt
is "$(tv "$second" 0 DL_RESTART_COUNT)" 1 "second run: DL_RESTART_COUNT=1"
is "$(tv "$second" 0 DL_CHIP_TYPE)" mlu590 "second run: on mlu590, the other type allowed"
like "$(tv "$second" 0 SLURMD_NODENAME)" '^n(9|10)$' "on an MLU node"
like "$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(p["world_size"], sorted({r["chip"] for r in p["ranks"]}))' "$(tv "$second" 0 DL_PLAN)" 2>&1)" \
	"^8 \['mlu590'\]$" "its plan: 8 ranks of mlu590"
like "$(job_comment "$id")" '^dlhetero mlu590:8\(n(9|10)\)$' "summary names mlu590"

scancel "$blocker"
is "$(node_revive n5)" idle "n5 is back"
