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
rm -rf "$work"/30-*
id=$(sbatch --parsable -o "$work/30-run.txt" --open-mode=append \
	--dl-checkpoint-dir="$work/30-ckpt" --dl-hetero=a100:2,ascend910b:2 \
	--dl-model=llama2-7b -N2 --ntasks-per-node=2 --wrap "
	n=\${SLURM_RESTART_COUNT:-0}
	cp \$DL_PLAN $work/30-plan-\$n.json
	srun $RUNTIME --steps 8 --checkpoint-every 2 --resize-wait 300 \
		--out $work/30-out-\$n.json")
ok 'wait_state "$id" RUNNING' "job runs"
for i in $(seq 600); do
	[ "$(jq .step "$work/30-ckpt/progress.json" 2>/dev/null)" -ge 3 ] 2>/dev/null && break
	sleep 0.2
done
victim=$(jq -r '[.ranks[] | select(.chip == "ascend910b") | .node_name][0]' \
	"$work/30-plan-0.json")
t0=$(date +%s.%N)
node_die "$victim" "$id"
for i in $(seq 120); do
	[[ $(scontrol show node "$victim") == *State=DOWN* ]] && break
	sleep 0.5
done
t_down=$(date +%s.%N)
like "$(sinfo -h -n "$victim" -o '%T %E')" \
	"^down\\*? dlhetero: slurmd unreachable from n[0-9]+, 3 checks in [0-9]+ s \\(Connection refused\\), job $id\$" \
	"$victim is set DOWN by its neighbour's watch, with the evidence"
diag "from the kill to DOWN: $(echo "$t_down - $t0" | bc) s"
is "$(submit_wait "$id" 300)" COMPLETED "the job was requeued and completed"
ok "! scontrol show hostnames '$(job_field "$id" NodeList)' | grep -qx '$victim'" \
	"placed again without $victim"
ok "same_as_single '$work/30-out-1.json' > '$work/30.cmp'" \
	"the resumed run has the single process's losses"
resumed=$(sed -n 's/.*resumed from .* at \([0-9.]*\)$/\1/p' "$work/30-run.txt" | tail -n 1)
secs=$(echo "$resumed - $t0" | bc)
diag "from the kill to every rank running again: $secs s"
ev=$(grep 'event requeue 1' "$work/30-run.txt")
diag "$ev"
diag "from the kill to the next completed step: $(event_seconds "$ev" "$t0") s"
# Slurm alone would take SlurmdTimeout (300 s) to notice and cred_expire
# (120 s) to start the job again; the figures belong in bench/recovery.sh
ok "[ -n '$resumed' ] && [ \$(echo '$secs < 150' | bc) = 1 ]" \
	"running again well before Slurm would have noticed"
is "$(node_revive "$victim")" idle "$victim is back"

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
