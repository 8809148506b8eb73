#!/bin/bash
# A running job shrinks (scontrol update NumNodes=) while the runtime
# trains: the ranks on the node that leaves are killed by Slurm, the ranks
# left see their peers go, fall back to the last checkpoint, take their new
# ranks from the next plan generation at the same DL_PLAN when
# DL_RESIZE_SIGNAL comes, re-form their groups and finish with the
# uninterrupted run's losses.  One chip type: Slurm cannot shrink a job
# while a step holding two types runs (test 13).
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 8

work=$DLH_CLUSTER_DIR/work
rm -rf "$work"/27-*
# the job holds 8 + 8 (a100:16 on two nodes, as test 13); its step takes two
# of each node's (it is planned for its own share), so 4 ranks of TP 2
id=$(sbatch --parsable -o "$work/27-run.txt" --dl-hetero=a100:16 \
	--dl-checkpoint-dir="$work/27-ckpt" \
	--dl-model=llama2-7b -N2 -n16 --mincpus=8 --wrap "
	srun -N2 -n4 --ntasks-per-node=2 --gres=accel:2 $RUNTIME --steps 6 \
		--checkpoint-every 1 --resize-wait 120 --out $work/27-out.json &
	until [ \"\$(jq .step \$DL_CHECKPOINT_DIR/progress.json 2>/dev/null)\" -ge 2 ] 2>/dev/null; do
		sleep 0.1
	done
	date +%s.%N > $work/27-update-time
	scontrol update JobId=\$SLURM_JOB_ID NumNodes=1
	wait")
is "$(submit_wait "$id" 400)" COMPLETED "job $id completes"
ok "[ -s '$work/27-out.json' ]" "the runtime finished"
like "$(jq -c '[.generation, .world_size]' "$work/27-out.json" 2>&1)" '^\[1,2\]$' \
	"it ended in plan generation 1 with 2 ranks (was 4)"
like "$(runtime_layout "$work/27-out.json")" '^a100 2/1/1/1 layers 0-32, 2 ranks$' \
	"the new plan: one TP 2 replica on the node left"
ok "same_as_single '$work/27-out.json' > '$work/27.cmp'" \
	"steps 0-5 have the single process's losses"
while read -r l; do diag "$l"; done < "$work/27.cmp"
like "$(grep -c 'of generation 0: ' "$work/27-run.txt")" '^[12]$' \
	"the ranks left saw their peers go"
ev=$(grep 'event resize' "$work/27-run.txt")
like "$ev" 'event resize to generation 1 \(2 ranks\): resumed at step [0-9]+, [01] step\(s\) lost' \
	"the new rank 0 reports the event"
diag "$ev"
secs=$(event_seconds "$ev" "$(cat "$work/27-update-time")")
diag "from scontrol update to the next completed step: $secs s"
ok "[ \$(echo '$secs < 60' | bc) = 1 ]" "within a minute"
