#!/bin/bash
# --dl-on-failure=continue: a node of a running --dl-hetero job dies (its
# slurmd is killed); slurmctld takes it out of the job (Slurm's --no-kill)
# and the job goes on without a restart, its map and summary following.
# Its running step goes on too (SLURM_NO_KILL): the tasks left get the
# resize signal and a new plan at the same DL_PLAN path.  Only jobs of one
# chip type may continue: when a job loses a node, Slurm frees the devices
# of a running step that holds two types of one gres twice
# (doc/slurm-releases.md), so a mixed job is refused at submission.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 13

work=$DLH_CLUSTER_DIR/work

# one chip type: the running step goes on
out=$work/16-tasks.txt
rm -f "$out"
id=$(sbatch --parsable -o "$work/16-batch.txt" --dl-on-failure=continue \
	--dl-hetero=a100:16 --dl-model=llama2-7b --ntasks-per-node=8 --wrap "
	srun -l $DLH_SRCDIR/tests/integration/resize-task.sh 100 > $out
	true")
ok 'wait_state "$id" RUNNING' "a100:16 job runs"
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
is "$(node_revive "$victim")" idle "$victim is back"
is "$(submit_wait "$id" 150)" COMPLETED "job completes"

# two chip types: refused at submission (Slurm frees the devices of a
# mixed step twice when its job loses a node: slurmctld aborts)
msg=$(sbatch --dl-on-failure=continue --dl-hetero=a100:8,ascend910b:8 \
	--ntasks-per-node=8 --wrap true 2>&1)
rc=$?
ok "[ $rc -ne 0 ]" "a mixed --dl-on-failure=continue job is refused"
like "$msg" 'continue needs one chip type' "saying why ($msg)"
msg=$(sbatch --dl-on-failure=continue --dl-hetero=auto:16 --wrap true 2>&1)
rc=$?
ok "[ $rc -ne 0 ]" "so is bare auto (it may mix)"
ok 'scontrol ping | grep -q "is UP"' "slurmctld lives"
