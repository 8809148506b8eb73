#!/bin/bash
# A plan is correct when training under it gives the single process's
# losses: the same model, seed and data, N steps, one process per rank
# (gloo) against one process holding the whole model.  fp32 tolerance
# (run_plan.py: |plan - single| <= 1e-5 + 1e-4 |single|): the distributed
# run adds the same terms in another order.  Plans as a job's nodes make
# them (dlhetero-plan --map), scaled to 8 sequences of 16 tokens.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/runtime/lib.sh"
plan 9

check() {	# NAME MODEL MAP STEPS GROUPS_REGEX
	make_plan "$work/$1.json" "$2" "$3"
	like "$(groups "$work/$1.json")" "$5" "$1: the planner's layout ($(groups "$work/$1.json"))"
	run_plan "$work/$1.out" "$work/$1.json" --steps "$4"
	ok $? "$1: all $4 steps ran on $(jq .world_size "$work/$1.json") ranks"
	ok "same_losses '$work/$1.out'" "$1: the single process's losses"
	show "$work/$1.out"
}

# 2 types: uneven layer split (12 + 20), TP 2 next to TP 1, DP 2
check two-types llama2-7b 'n1:a100:4;n5:ascend910b:2' 3 \
	'^a100 2/1/2/1 layers 12-32; ascend910b 1/1/2/1 layers 0-12$'
# 3 types, a 4-stage pipeline (a100 holds two stages), 16 + 7 + 9 layers
check three-types llama2-7b 'n1:a100:4;n5:ascend910b:2;n9:mlu590:2' 3 \
	'^a100 2/2/1/1 layers 0-16; ascend910b 2/1/1/1 layers 23-32; mlu590 2/1/1/1 layers 16-23$'
# MoE: top-2 routed experts over EP groups of 2, TP 4, DP 2, 16 ranks
check moe mixtral-8x7b 'n1:a100:8;n5:ascend910b:8' 2 \
	'^a100 4/1/2/2 layers 0-15; ascend910b 4/1/2/2 layers 15-32$'
