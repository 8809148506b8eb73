#!/bin/bash
# A running --dl-hetero job grows (dlhetero-grow JOBID TYPE:N): the extra
# accelerators are a part, a job of its own that slurmctld places on other
# nodes and links to the job (both admin comments, in sacct); the job's
# running ranks and the part's new ones meet in the next plan generation,
# from the checkpoint, no step lost.  Then the part is given back
# (dlhetero-grow --shrink): the next generation leaves it out, its ranks
# end at a step boundary, the part completes, and the run finishes with the
# single process's losses.  Then: parts refused for another user's or a
# finished job; a job grows itself from inside; its parts are cancelled
# when it ends.
. "${DLH_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cluster_up
plan 29

work=$DLH_CLUSTER_DIR/work
grow=$DLH_SRCDIR/src/cli/dlhetero-grow
script=$DLH_SRCDIR/contrib/jobs/runtime-hetero.sbatch
rm -rf "$work"/31-*
args="--steps 14 --checkpoint-every 1 --resize-wait 120 --out $work/31-out.json"

at_step() {	# at_step N: wait until the run has done N steps (300 s at most)
	local end=$((SECONDS + 300))
	until [ "$(jq .step "$work/31-ckpt/progress.json" 2>/dev/null)" -ge "$1" ] 2>/dev/null; do
		[ "$SECONDS" -lt "$end" ] || { diag "no step $1 within 300 s"; return 1; }
		sleep 0.1
	done
}
id=$(DLH_RUNTIME=$RUNTIME sbatch --parsable -o "$work/31-main.txt" \
	--dl-hetero=a100:2 --dl-model=llama2-7b -N1 -n2 \
	--dl-checkpoint-dir="$work/31-ckpt" "$script" $args)
at_step 2
t_grow=$(date +%s.%N)
part=$(DLH_RUNTIME=$RUNTIME "$grow" --wait "$id" ascend910b:2 -o "$work/31-part.txt" \
	"$script" $args 2>&1)
like "$part" '^[0-9]+$' "dlhetero-grow $id ascend910b:2 submitted part $part"
end=$((SECONDS + 300))
until grep -q 'event resize' "$work/31-main.txt" 2>/dev/null || [ "$SECONDS" -ge "$end" ]; do
	sleep 0.2
done
at_step 5
t_shrink=$(date +%s.%N)
is "$("$grow" --shrink --grace 150 "$id" 2>&1)" "$part" "dlhetero-grow --shrink gives part $part back"
is "$(submit_wait "$part" 60)" COMPLETED "the part completed: its ranks left at a step boundary"
is "$(submit_wait "$id" 400)" COMPLETED "job $id completes" ||
	diag "$(tail -n 40 "$work/31-main.txt"; sacct -j "$id" -n -P -o JobID,State,ExitCode,NodeList)"
ok "[ -s '$work/31-out.json' ]" "the runtime finished"
like "$(jq -c '[.generation >= 2, .world_size]' "$work/31-out.json" 2>&1)" '^\[true,2\]$' \
	"it ended in a later plan generation with 2 ranks again"
ok "same_as_single '$work/31-out.json' > '$work/31.cmp'" \
	"steps 0-13 have the single process's losses"
while read -r l; do diag "$l"; done <"$work/31.cmp"
grep 'event resize' "$work/31-main.txt" >"$work/31-events"
like "$(sed -n 1p "$work/31-events")" \
	'event resize to generation [0-9]+ \(4 ranks\): resumed at step [0-9]+, 0 step\(s\) lost' \
	"grown: 2 ranks -> 4 over two chip types at a step boundary, no step lost"
like "$(sed -n 2p "$work/31-events")" \
	'event resize to generation [0-9]+ \(2 ranks\): resumed at step [0-9]+, 0 step\(s\) lost' \
	"shrunk: back to 2 ranks at a step boundary, no step lost"
like "$(grep -c 'is not in generation' "$work/31-part.txt")" '^2$' \
	"both ranks of the part saw they are not in the new generation"
while read -r l; do diag "$l"; done <"$work/31-events"
diag "from dlhetero-grow to the next completed step: $(event_seconds "$(sed -n 1p "$work/31-events")" "$t_grow") s"
diag "from dlhetero-grow --shrink to the next completed step: $(event_seconds "$(sed -n 2p "$work/31-events")" "$t_shrink") s"
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
# a job grows itself from inside (its batch script runs dlhetero-grow)
other=$(sbatch --parsable --dl-hetero=a100:16 -N2 -n16 --mincpus=8 -o "$work/31-inside.txt" \
	--wrap "$grow --wait \$SLURM_JOB_ID a100:2 --wrap 'sleep 300'; sleep 300")
wait_state "$other" RUNNING 60
end=$((SECONDS + 120))
until grep -qE '^[0-9]+$' "$work/31-inside.txt" 2>/dev/null || [ "$SECONDS" -ge "$end" ]; do
	sleep 0.2
done
p1=$(grep -E '^[0-9]+$' "$work/31-inside.txt")
like "$(scontrol show job -o "$p1")" " \| part of $other" \
	"a job grew itself from inside: part $p1 is linked to it"
# another user (nobody) may not grow it
like "$(cd /tmp && su -s /bin/sh nobody -c "sbatch --dl-hetero=a100:2 --dl-part-of=$other -n2 --wrap true" 2>&1)" \
	'no such job of yours' "another user's job cannot be grown"
p2=$("$grow" --wait "$other" mlu590:2 --wrap 'sleep 300')
like "$(scontrol show job "$other" | grep -o 'part [0-9]* ' | tr -d '\n')" \
	"part $p1 part $p2 " "the job's record names both parts, in order"
out=$(scontrol update JobId="$other" NumNodes=1 2>&1)
ok '[ $? -ne 0 ]' "a grown job does not shrink by scontrol while it has parts: $out"
like "$(grep -c "JobId=$other: update refused: the job has grown parts: give them back first" \
	"$DLH_CLUSTER_DIR/log/slurmctld.log")" '^[1-9]' "slurmctld says why"
is "$(job_field "$other" NumNodes)" 2 "the job keeps its 2 nodes"
# sleep does not end by itself: cancelled after the grace time
is "$("$grow" --shrink --grace 1 "$other" 2>/dev/null)" "$p2" "--shrink gives back the newest part"
wait_state "$p2" CANCELLED 30
like "$(scontrol show job "$other" | grep -o 'part [0-9]* ' | tr -d '\n')" \
	"^part $p1 \$" "the job's record names the part left"
scancel "$other"
wait_state "$p1" CANCELLED 30
is "$(squeue -h -u root -o %i | grep -cE "^($other|$p1|$p2)\$")" 0 \
	"nothing of the job is left allocated"

# placed near the job (topology.conf: leaf s1 = n[1-2],n[5-6], s2 =
# n[3-4],n[7-8]): with n[1-2] taken, a job lands under s2 and its part on
# s2's ascend910b nodes, not on n5, the first ascend910b node
blk=$(sbatch --parsable --gres=accel:a100:8 -N2 -w 'n[1-2]' --exclusive -o /dev/null --wrap 'sleep 300')
wait_state "$blk" RUNNING 60
near=$(sbatch --parsable --dl-hetero=a100:2 -N1 -n2 -o /dev/null --wrap 'sleep 300')
wait_state "$near" RUNNING 60
like "$(job_field "$near" NodeList)" '^n[34]$' "a job placed under leaf switch s2 ($(job_field "$near" NodeList))"
pn=$("$grow" --wait "$near" ascend910b:2 -o /dev/null --wrap 'sleep 300')
like "$(job_field "$pn" NodeList)" '^n[78]$' \
	"its part is placed under the same leaf switch ($(job_field "$pn" NodeList))"
scancel "$near" "$blk"
wait_state "$pn" CANCELLED 30
is "$(squeue -h -o %i | grep -cE "^($near|$pn|$blk)\$")" 0 "nothing left allocated"
