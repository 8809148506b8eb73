#!/bin/bash
# A running --dl-hetero job grows (dlhetero-grow JOBID TYPE:N): the extra
# accelerators are a part, a job of its own that slurmctld places on other
# nodes and links to the job (both admin comments, in sacct); the job's
# running ranks and the part's new ones meet in the next plan generation,
# resume from the checkpoint and finish with the single process's losses.
# Then: a part refused for another user's or a finished job; the part is
# cancelled when the job ends; --shrink gives a part back.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 20

work=$DLH_CLUSTER_DIR/work
grow=$DLH_SRCDIR/src/cli/dlhetero-grow
script=$DLH_SRCDIR/contrib/jobs/runtime-hetero.sbatch
rm -rf "$work"/31-*
args="--steps 7 --checkpoint-every 1 --resize-wait 120 --out $work/31-out.json"

id=$(DLH_RUNTIME=$RUNTIME sbatch --parsable -o "$work/31-main.txt" \
	--dl-hetero=a100:2 --dl-model=llama2-7b -N1 -n2 \
	--dl-checkpoint-dir="$work/31-ckpt" "$script" $args)
until [ "$(jq .step "$work/31-ckpt/progress.json" 2>/dev/null)" -ge 2 ] 2>/dev/null; do
	sleep 0.1
done
date +%s.%N >"$work/31-grow-time"
part=$(DLH_RUNTIME=$RUNTIME "$grow" --wait "$id" ascend910b:2 "$script" $args 2>&1)
like "$part" '^[0-9]+$' "dlhetero-grow $id ascend910b:2 submitted part $part"
is "$(submit_wait "$id" 400)" COMPLETED "job $id completes"
like "$(submit_wait "$part" 60)" "^(COMPLETED|CANCELLED)$" \
	"part $part ends with it (its last ranks may still be exiting: cancelled)"
ok "[ -s '$work/31-out.json' ]" "the runtime finished"
like "$(jq -c '[.generation >= 1, .world_size]' "$work/31-out.json" 2>&1)" '^\[true,4\]$' \
	"it ended in a later plan generation with 4 ranks (was 2)"
like "$(runtime_layout "$work/31-out.json")" 'a100 .*ascend910b .*4 ranks$' \
	"the grown plan spans both types ($(runtime_layout "$work/31-out.json"))"
ok "same_as_single '$work/31-out.json' > '$work/31.cmp'" \
	"steps 0-6 have the single process's losses"
while read -r l; do diag "$l"; done <"$work/31.cmp"
ev=$(grep 'event resize' "$work/31-main.txt")
like "$ev" 'event resize to generation [0-9]+ \(4 ranks\): resumed at step [0-9]+, 0 step\(s\) lost' \
	"the ranks switched at a step boundary, no step lost"
diag "$ev"
secs=$(event_seconds "$ev" "$(cat "$work/31-grow-time")")
diag "from dlhetero-grow to the next completed step: $secs s"
like "$(sacct -n -X -P -j "$part" -o AdminComment 2>&1)" "part of $id\$" \
	"sacct: the part names the job it extends"
like "$(sacct -n -X -P -j "$part" -o AllocTRES 2>&1)" 'gres/accel:ascend910b=2' \
	"sacct: the part's accelerators are accounted"
like "$(sacct -n -X -P -j "$id" -o AdminComment 2>&1)" 'generation [0-9]+ \| map ' \
	"sacct: the job's comment keeps its growth record"
node_main=$(sacct -n -X -P -j "$id" -o NodeList)
node_part=$(sacct -n -X -P -j "$part" -o NodeList)
isnt "$node_part" "$node_main" "the part runs on other nodes ($node_part, job on $node_main)"

# refused: not a job id, a finished job, another user's job
like "$("$grow" "$id" a100:2 /bin/true 2>&1)" 'not running' \
	"a finished job cannot grow"
like "$(sbatch --dl-hetero=a100:2 --dl-part-of="$id" -n2 --wrap true 2>&1)" \
	'only a running --dl-hetero job' "sbatch --dl-part-of a finished job is refused"
like "$(sbatch --dl-hetero=a100:2 --dl-part-of=x1 -n2 --wrap true 2>&1)" \
	'dl-part-of' "a bad --dl-part-of is refused"
other=$(sbatch --parsable --dl-hetero=a100:2 -N1 -n2 --wrap 'sleep 300')
wait_state "$other" RUNNING 60
# another user (nobody) may not grow it
like "$(cd /tmp && su -s /bin/sh nobody -c "sbatch --dl-hetero=a100:2 --dl-part-of=$other -n2 --wrap true" 2>&1)" \
	'no such job of yours' "another user's job cannot be grown"

# the part is cancelled when its job ends; --shrink gives a part back
p1=$("$grow" --wait "$other" a100:2 --wrap 'sleep 300')
p2=$("$grow" --wait "$other" mlu590:2 --wrap 'sleep 300')
like "$(scontrol show job "$other" | grep -o 'part [0-9]* ' | tr -d '\n')" \
	"part $p1 part $p2 " "the job's record names both parts, in order"
is "$("$grow" --shrink "$other")" "$p2" "--shrink gives back the newest part"
wait_state "$p2" CANCELLED 30
like "$(scontrol show job "$other" | grep -o 'part [0-9]* ' | tr -d '\n')" \
	"^part $p1 \$" "the job's record names the part left"
scancel "$other"
wait_state "$p1" CANCELLED 30
is "$(squeue -h -u root -o %i | grep -cE "^($other|$p1|$p2)\$")" 0 \
	"nothing of the job is left allocated"
