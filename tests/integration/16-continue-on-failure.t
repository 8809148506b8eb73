#!/bin/bash
# --dl-on-failure=continue: a node of a running --dl-hetero job dies (its
# slurmd is killed); slurmctld takes it out of the job (Slurm's --no-kill),
# and the tasks left get the resize signal and a new plan for the nodes
# left, at the same DL_PLAN path, without a restart.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 9

work=$DLH_CLUSTER_DIR/work
out=$work/16-tasks.txt
rm -f "$out"
id=$(sbatch --parsable -o "$work/16-batch.txt" --dl-on-failure=continue \
	--dl-hetero=a100:8,ascend910b:8 --dl-model=llama2-7b -N2 \
	--ntasks-per-node=8 --wrap "
	srun -l $DLH_SRCDIR/tests/integration/resize-task.sh 100 > $out
	true")
ok 'wait_state "$id" RUNNING' "job runs"
wait_lines "$out" ' start ' 16
is "$(grep -c ' start ' "$out")" 16 "all 16 tasks run"
victim=$(grep ' start 8 ' "$out" | awk '{print $5}')
survivor=$(grep ' start 0 ' "$out" | awk '{print $5}')
bash "$DLH_CLUSTER_SH" kill-node "$victim" >/dev/null
t0=$(date +%s)
for i in $(seq 180); do
	[ "$(grep -c ' resized ' "$out")" -ge 8 ] && break
	sleep 0.5
done
diag "from the kill to the new plan in the tasks left: $(($(date +%s) - t0)) s (SlurmdTimeout=30)"
is "$(grep -c ' resized ' "$out")" 8 "the 8 tasks on $survivor got the signal"
is "$(grep ' resized ' "$out" | awk '{print $4, $5, $6, $7}' | sort -u)" \
	"1 8 a100 $survivor" "and read generation 1: 8 ranks of a100"
is "$(job_field "$id" NodeList)" "$survivor" "the job goes on, on $survivor only"
is "$(job_field "$id" Restarts)" 0 "without a restart"
like "$(job_comment "$id")" "^dlhetero a100:8\\($survivor\\)\$" \
	"its summary follows"
bash "$DLH_CLUSTER_SH" start-node "$victim" >/dev/null
is "$(submit_wait "$id" 150)" COMPLETED "job completes"
for i in $(seq 60); do
	[ "$(sinfo -h -n "$victim" -o %T)" = idle ] && break
	scontrol update nodename="$victim" state=resume 2>/dev/null
	sleep 1
done
is "$(sinfo -h -n "$victim" -o %T)" idle "$victim is back"
