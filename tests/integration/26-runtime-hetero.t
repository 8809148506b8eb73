#!/bin/bash
# The plan runs: a --dl-hetero job over 2 and over 3 chip types starts the
# reference runtime on every task (one per accelerator); each rank reads
# its DL_PLAN, checks it against its RANK, WORLD_SIZE, node and chip, forms
# the plan's TP/PP/DP groups and trains its stage's layers.  The losses
# equal the single process's (fp32 tolerance, runtime/tests/run_plan.py).
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 8

work=$DLH_CLUSTER_DIR/work
check() {	# NAME JOB: the job's runtime output in $work/26-NAME.*
	is "$(submit_wait "$2" 400)" COMPLETED "$1: job $2 completes"
	ok "same_as_single '$work/26-$1.json' > '$work/26-$1.cmp'" \
		"$1: the single process's losses"
	while read -r l; do diag "$l"; done < "$work/26-$1.cmp"
}

# the job example of contrib/jobs: ranks placed from the plan
rm -rf "$work"/26-*
id=$(DLH_RUNTIME=$RUNTIME sbatch --parsable -o "$work/26-two-types.txt" \
	--dl-hetero=a100:2,ascend910b:2 --dl-model=llama2-7b -N2 -n4 \
	--dl-checkpoint-dir="$work/26-two-types.ckpt" \
	"$DLH_SRCDIR/contrib/jobs/runtime-hetero.sbatch" --steps 3 \
	--out "$work/26-two-types.json")
check two-types "$id"
like "$(runtime_layout "$work/26-two-types.json")" \
	'^a100 [12]/1/[12]/1 layers [0-9]+-[0-9]+; ascend910b [12]/1/[12]/1 layers [0-9]+-[0-9]+, 4 ranks$' \
	"two-types: one stage per type ($(runtime_layout "$work/26-two-types.json"))"
like "$(grep -c '^dlhetero_runtime: step [0-2] loss' "$work/26-two-types.txt")" '^3$' \
	"two-types: rank 0 logged 3 steps"

# one task per accelerator with --ntasks-per-node, each node's FlagScale
# YAML (DL_PLAN_FLAGSCALE) read by every task
id=$(sbatch --parsable -o "$work/26-three-types.txt" \
	--dl-hetero=a100:2,ascend910b:2,mlu590:2 --dl-model=llama2-7b -N3 \
	--ntasks-per-node=2 --dl-checkpoint-dir="$work/26-three-types.ckpt" \
	--wrap "
	srun $RUNTIME --steps 3 --out $work/26-three-types.json
	srun -l $DLH_SRCDIR/tests/integration/flagscale-task.sh \
		> $work/26-three-types.flagscale")
check three-types "$id"
like "$(runtime_layout "$work/26-three-types.json")" \
	'^(a100|ascend910b|mlu590) .*; .*; .*, 6 ranks$' \
	"three-types: three groups ($(runtime_layout "$work/26-three-types.json"))"
# each node's YAML names its own chip and the plan's layer split (layers
# per pipeline stage)
split=$(jq -c .layer_split "$work/26-three-types.json" | tr -d '[]')
like "$(cut -d' ' -f3- "$work/26-three-types.flagscale" | sort | uniq -c | tr -s ' ' | tr '\n' ';')" \
	"^ 2 a100 a100 \[$split\]; 2 ascend910b ascend910b \[$split\]; 2 mlu590 mlu590 \[$split\];\$" \
	"three-types: FlagScale's YAML on every node: its chip, layer split [$split]"
