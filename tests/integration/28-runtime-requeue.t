#!/bin/bash
# A node of a training job dies (its slurmd and the job's processes there
# are killed): Slurm requeues the job (--dl-on-failure=requeue, the
# default), places it again without that node, and the runtime, started
# again with DL_RESTART_COUNT=1 and the same DL_CHECKPOINT_DIR, resumes
# from the last checkpoint and finishes with the uninterrupted run's
# losses.  It reports the steps lost and the seconds from its last step
# before the failure to its first after.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 9

work=$DLH_CLUSTER_DIR/work
rm -rf "$work"/28-*
id=$(sbatch --parsable -o "$work/28-run.txt" --open-mode=append \
	--dl-checkpoint-dir="$work/28-ckpt" \
	--dl-hetero=a100:2,ascend910b:2 --dl-model=llama2-7b -N2 \
	--ntasks-per-node=2 --wrap "
	n=\${SLURM_RESTART_COUNT:-0}
	cp \$DL_PLAN $work/28-plan-\$n.json
	echo \$DL_CHECKPOINT_DIR > $work/28-ckdir
	srun $RUNTIME --steps 10 --checkpoint-every 3 --resize-wait 300 \
		--out $work/28-out-\$n.json")
ok 'wait_state "$id" RUNNING' "job runs"
for i in $(seq 600); do
	[ "$(jq .step "$(cat "$work/28-ckdir" 2>/dev/null)/progress.json" 2>/dev/null)" -ge 4 ] 2>/dev/null && break
	sleep 0.2
done
victim=$(jq -r '[.ranks[] | select(.chip == "ascend910b") | .node_name][0]' \
	"$work/28-plan-0.json")
like "$victim" '^n[5-8]$' "the Ascend ranks run on $victim"

# the node dies: slurmd, and the job's tasks and slurmstepd there
t0=$(date +%s.%N)
node_die "$victim" "$id"
is "$(submit_wait "$id" 600)" COMPLETED "job requeued and completed"
is "$(job_field "$id" Restarts)" 1 "restarted once"
ok "! scontrol show hostnames '$(job_field "$id" NodeList)' | grep -qx '$victim'" \
	"placed again without $victim"
ok "same_as_single '$work/28-out-1.json' > '$work/28.cmp'" \
	"the resumed run's steps have the single process's losses"
while read -r l; do diag "$l"; done < "$work/28.cmp"
is "$(jq -r '.losses | keys | map(tonumber) | max' "$work/28-out-1.json")" 9 \
	"it trained to the last step"
ev=$(grep 'event requeue 1' "$work/28-run.txt")
like "$ev" 'event requeue 1: resumed at step [36], [0-9] step\(s\) lost, [0-9.]+ s from the event' \
	"the restarted rank 0 reports the requeue"
diag "$ev"
diag "from the node's death to the next completed step: $(event_seconds "$ev" "$t0") s (SlurmdTimeout=30)"

is "$(node_revive "$victim")" idle "$victim is back"
