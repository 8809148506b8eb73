#!/bin/bash
# Events drive the runtime.  run_plan.py plays what Slurm does when a job
# shrinks: the ranks on the nodes that leave are killed, the next plan
# generation is written over DL_PLAN, and the ranks left get
# DL_RESIZE_SIGNAL.  The survivors fall back to the last checkpoint (a peer
# died mid-step), re-form their groups from the new generation and go on
# with the uninterrupted run's losses.  When every rank is still there at
# the signal, all finish the step, checkpoint, and no step is lost.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/runtime/lib.sh"
plan 9

make_plan "$work/two-nodes.json" llama2-7b 'n[1-2]:a100:2'
make_plan "$work/one-node.json" llama2-7b 'n1:a100:2'
diag "before: $(groups "$work/two-nodes.json"), after: $(groups "$work/one-node.json")"
run_plan "$work/shrink.out" "$work/two-nodes.json" \
	--resize-to "$work/one-node.json" --at 2 --steps 4
ok $? "4 ranks (TP 2, DP 2) lose node n2 after step 2 and finish on 2"
ok 'same_losses "$work/shrink.out"' "the uninterrupted run's losses"
show "$work/shrink.out"
like "$(grep -c 'of generation 0: .*Connection closed' "$work/shrink.out")" '^[12]$' \
	"the ranks left saw their peers go"
like "$(grep 'event resize' "$work/shrink.out")" \
	'event resize to generation 1 \(2 ranks\): resumed at step [12], [01] step\(s\) lost, [0-9.]+ s from the event to step [23] completed' \
	"the new rank 0 says what the resize cost"
is "$(grep -c '^dlhetero_runtime: step 3 ' "$work/shrink.out")" 1 \
	"the last step ran once, on the new world"

make_plan "$work/mixed.json" llama2-7b 'n1:a100:4;n5:ascend910b:2'
make_plan "$work/a100.json" llama2-7b 'n1:a100:4'
run_plan "$work/graceful.out" "$work/mixed.json" \
	--resize-to "$work/a100.json" --at 1 --graceful --steps 3
ok $? "2 types to one, every rank alive at the signal"
ok 'same_losses "$work/graceful.out"' "the uninterrupted run's losses"
show "$work/graceful.out"
like "$(grep 'event resize' "$work/graceful.out")" \
	'resumed at step [12], 0 step\(s\) lost' \
	"all ranks switched at one step, after a checkpoint: nothing lost"
is "$(grep -c 'n5/[01] is not in generation 1: done' "$work/graceful.out")" 2 \
	"the two ranks on the node that left ended"
