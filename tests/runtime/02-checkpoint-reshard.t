#!/bin/bash
# Checkpoints follow the plan: one file per layer with its full weights
# (TP shards gathered), written aside and renamed.  A run resumed from one
# under another plan - another chip mix, layer split, TP/DP and world
# size - continues with the uninterrupted run's losses.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/runtime/lib.sh"
plan 8

make_plan "$work/a.json" llama2-7b 'n1:a100:4;n5:ascend910b:2'
make_plan "$work/b.json" llama2-7b 'n1:a100:4;n5:ascend910b:2;n9:mlu590:2'
make_plan "$work/c.json" llama2-7b 'n1:a100:4'
diag "a: $(groups "$work/a.json")"
diag "b: $(groups "$work/b.json")"
diag "c: $(groups "$work/c.json")"

run_plan "$work/ab.out" "$work/a.json" "$work/b.json" --steps 2 4 \
	--keep "$work/ck-ab"
ok $? "2 types (6 ranks, DP 2) to step 2, then 3 types (8 ranks, PP 4) to 4"
ok 'same_losses "$work/ab.out"' "the uninterrupted run's losses"
show "$work/ab.out"
is "$(cat "$work/ck-ab/latest")" step-4 "latest names the last checkpoint"
is "$(ls "$work/ck-ab/step-2" | tr '\n' ' ')" \
	"embed.pt head.pt $(printf 'layer-%05d.pt ' $(seq 0 31))meta.json " \
	"a checkpoint: one file per layer, embedding, head, meta"
is "$(find "$work/ck-ab" -name '*.tmp*' | wc -l)" 0 "no file left half-written"
like "$(jq -c '[.step, .generation, .world_size, .config.num_layers]' "$work/ck-ab/step-2/meta.json")" \
	'^\[2,0,6,32\]$' "meta.json: step, generation, world size, the model"

run_plan "$work/ca.out" "$work/c.json" "$work/a.json" --steps 1 3
ok $? "TP 4 on one type to step 1, then the 2-type DP 2 plan to step 3"
ok 'same_losses "$work/ca.out"' "the uninterrupted run's losses"
show "$work/ca.out"
