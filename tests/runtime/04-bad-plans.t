#!/bin/bash
# The runtime refuses a plan it cannot execute, with the reason, before it
# trains (a layer split with a hole, a TP group across stages, a plan for
# another rank or world); and the comparison with the single process fails
# when a plan's data split is wrong (two replicas on the same sequences).
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/runtime/lib.sh"
plan 9

make_plan "$work/p.json" llama2-7b 'n1:a100:4;n5:ascend910b:2'
export PYTHONPATH=$DLH_SRCDIR/runtime MASTER_ADDR=127.0.0.1 MASTER_PORT=1

runtime() {	# PLAN ENV...: the runtime's status and its message
	env "${@:2}" "$PY" -m dlhetero_runtime --plan "$1" --steps 1 2>&1
	echo "status $?"
}
edit() {	# OUT JQ: the plan changed by a jq filter
	jq "$2" "$work/p.json" > "$work/$1"
}

edit hole.json '.ranks |= map(if .stage == 0 then .last_layer = 11 else . end)'
like "$(runtime "$work/hole.json" RANK=0 WORLD_SIZE=6)" \
	'pipeline [0-9]+ stage 1 holds layers \[12, 32\), the next layer is 11.*status 2' \
	"a layer left out of every stage"
edit split.json '.ranks[0].last_layer = 31'
like "$(runtime "$work/split.json" RANK=0 WORLD_SIZE=6)" \
	'stage 1 of pipeline 0 has ranks with other layers.*status 2' \
	"one TP rank with other layers than its stage"
edit tp.json '.ranks[4].tp_group = .ranks[0].tp_group'
like "$(runtime "$work/tp.json" RANK=0 WORLD_SIZE=6)" \
	'TP group [0-9]+ spans stages.*status 2' "a TP group across two stages"
like "$(runtime "$work/p.json" RANK=0 WORLD_SIZE=8)" \
	'WORLD_SIZE=8, the plan has 6 ranks.*status 2' "another world size"
like "$(runtime "$work/p.json" RANK=0 WORLD_SIZE=6 SLURMD_NODENAME=n5)" \
	'rank 0 runs on n5, the plan puts it on n1.*status 2' "another node"
like "$(runtime "$work/p.json" RANK=4 WORLD_SIZE=6 DL_CHIP_TYPE=a100)" \
	'rank 4 has a a100, the plan gives it a ascend910b.*status 2' "another chip"
like "$(env -u DL_PLAN DL_PLAN_ERROR='map refused' "$PY" -m dlhetero_runtime --steps 1 2>&1; echo "status $?")" \
	'no plan: map refused.*status 2' "DL_PLAN_ERROR instead of a plan"

# both replicas of the a100 stage read the first replica's sequences
edit same-data.json '.ranks |= map(.replica = 0)'
run_plan "$work/same-data.out" "$work/same-data.json" --steps 2
is $? 1 "a wrong data split runs but does not match"
ok 'grep -q "^step 0: .* DIFFERS$" "$work/same-data.out"' \
	"step 0 differs from the single process"
