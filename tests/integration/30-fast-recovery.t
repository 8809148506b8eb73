#!/bin/bash
# Recovery without waiting for Slurm's node timeout, on Slurm's default
# timeouts (SlurmdTimeout=300, cred_expire=120).  A node of a training job
# dies (its slurmd, and the job's processes there): the node before it in
# the job watches it (peer_watch.c) and sets it DOWN with the evidence as
# reason after DeadPeerChecks refused connections; slurmctld requeues the
# job, which may start again after RequeueHold (5 s), not cred_expire; the
# runtime resumes from its checkpoint with the single process's losses.  A
# node whose slurmd only stalls (SIGSTOP: its port still accepts) is never
# set DOWN.  Times: bench/recovery.sh.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

export DLH_SLURM_TIMEOUTS=default
cluster_up
plan 16

is "$(scontrol show config | sed -n 's/^SlurmdTimeout *= *//p')" "300 sec" \
	"the cluster runs Slurm's default SlurmdTimeout"
unlike_cred=$(scontrol show config | grep -c 'cred_expire')
is "$unlike_cred" 0 "and its default cred_expire (120 s)"

work=$DLH_CLUSTER_DIR/work
id=$(recovery_job 30)
ok 'wait_state "$id" RUNNING' "job runs"
recovery_trained 30 3
victim=$(jq -r '[.ranks[] | select(.chip == "ascend910b") | .node_name][0]' \
	"$work/30-plan-0.json")
recovery_checks 30 "$id" "$victim" 'n[0-9]+'

# --dl-on-failure=continue: the node leaves the job in seconds, and the
# tasks left get their new plan and DL_RESIZE_SIGNAL
out=$work/30-continue.txt
id=$(sbatch --parsable -o /dev/null --dl-on-failure=continue \
	--dl-hetero=a100:16 --dl-model=llama2-7b --ntasks-per-node=8 --wrap "
	srun -l $DLH_SRCDIR/tests/integration/resize-task.sh 200 > $out
	true")
wait_lines "$out" ' start ' 16
victim=$(grep ' start 8 ' "$out" | awk '{print $5}')
survivor=$(grep ' start 0 ' "$out" | awk '{print $5}')
t0=$(date +%s.%N)
node_die "$victim" "$id"
for i in $(seq 240); do
	[ "$(grep -c ' resized ' "$out")" -ge 8 ] && break
	sleep 0.5
done
last=$(grep ' resized ' "$out" | awk '{print $8}' | sort -n | tail -n 1)
is "$(grep ' resized ' "$out" | awk '{print $4, $5, $6, $7}' | sort -u)" \
	"1 8 a100 $survivor" \
	"continue: the 8 tasks on $survivor read generation 1 (8 ranks)"
diag "from the kill to the last task's signal: $(echo "$last - $t0" | bc) s"
is "$(job_field "$id" Restarts)" 0 "the job went on without a restart"
is "$(node_revive "$victim")" idle "$victim is back"
is "$(submit_wait "$id" 300)" COMPLETED "and completed"

# a stalled slurmd is slow, not dead: never set DOWN
id=$(sbatch --parsable -o /dev/null --dl-hetero=a100:16 -N2 -n16 \
	--mincpus=8 --wrap "srun sleep 120")
ok 'wait_state "$id" RUNNING' "a 2-node job runs"
stalled=$(scontrol show hostnames "$(job_field "$id" NodeList)" | tail -n 1)
pid=$(cat "$DLH_CLUSTER_DIR/run/slurmd-$stalled.pid")
kill -STOP "$pid"
sleep 16	# 8 checks of its neighbour: more than DeadPeerChecks=3
state=$(sinfo -h -n "$stalled" -o '%T %E')
kill -CONT "$pid"
like "$state" '^(allocated|mixed) none$' "$stalled stalled 16 s is not set DOWN ($state)"
is "$(job_field "$id" JobState)" RUNNING "its job runs on"
scancel "$id"
