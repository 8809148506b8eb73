#!/bin/bash
# Training-level chaos on the one-machine test cluster: for DURATION_S
# seconds a training job of the reference runtime (contrib/jobs/
# runtime-hetero.sbatch, a100:2,ascend910b:2 on two nodes, checkpoint every
# step, --dl-on-failure=requeue) runs, and at random (EVERY_MIN..EVERY_MAX
# s apart) it grows by a part (dlhetero-grow JOB TYPE:2, TYPE one of
# ascend910b, mlu590), gives its newest part back (dlhetero-grow
# --shrink), or loses one of its own nodes (slurmd and the job's processes
# there killed, as a crash would; started again 20 s later): the peer
# watch sets it DOWN, the job is requeued without it and resumes from its
# checkpoint, its parts cancelled.  A job that finishes is checked and the
# next one starts.  Each event's line from the runtime gives the seconds from
# the event to the next completed training step and the steps lost.
# At the end, for every job: it COMPLETED, its losses are the single
# process's for every step (continuous: no step trained twice with other
# weights, none skipped), no event lost more steps than the checkpoint
# interval (1); and nothing is left allocated.
#
#   bench/chaos-training.sh [BUILD_DIR] [DURATION_S] [EVERY_MIN] [EVERY_MAX]
#
# DURATION_S defaults to 600, events 20..50 s apart.  CHAOS_SEED=N replays
# the choices.  Prints a Markdown table per event and per job; exit status
# 0 when every check passed, 1 otherwise.
set -uo pipefail
. "$(dirname "$0")/bench-env.sh" "${1:-}" || exit 64
duration=${2:-600} every_min=${3:-20} every_max=${4:-50}
seed=${CHAOS_SEED:-$((RANDOM * 32768 + RANDOM))}
RANDOM=$seed
echo "seed $seed (CHAOS_SEED=$seed $0 $build $duration $every_min $every_max replays the choices)"
# configured as the README's slurm.conf snippet says: Slurm's default
# timeouts, PrologFlags=Contain (the job's extern steps watch its nodes)
export DLH_SLURM_TIMEOUTS=${DLH_SLURM_TIMEOUTS:-default}
export DLH_SLURM_CONF_EXTRA=${DLH_SLURM_CONF_EXTRA:-"JobSubmitPlugins=dlhetero
PrologFlags=Contain"}
bash "$DLH_CLUSTER_SH" stop >/dev/null 2>&1
cluster_up >&2
work=$DLH_CLUSTER_DIR/work/chaos-training
rm -rf "$work" && mkdir -p "$work"
script=$top/contrib/jobs/runtime-hetero.sbatch
grow=$top/src/cli/dlhetero-grow
steps=${CHAOS_STEPS:-60}
fails=0 jobs=() events=()

start_job() {
	local n=${#jobs[@]}
	args="--steps $steps --checkpoint-every 1 --resize-wait 120 --timeout 180 --out $work/job$n.json"
	id=$(DLH_RUNTIME=$RUNTIME sbatch --parsable -o "$work/job$n.txt" \
		--open-mode=append \
		--dl-hetero=a100:2,ascend910b:2 --dl-model=llama2-7b -N2 -n4 \
		--dl-checkpoint-dir="$work/ckpt$n" "$script" $args)
	jobs+=("$id")
	echo "job $id started ($steps steps)" >&2
}

t0=$EPOCHSECONDS
start_job
next=$((EPOCHSECONDS + every_min + RANDOM % (every_max - every_min + 1)))
while [ $((EPOCHSECONDS - t0)) -lt "$duration" ]; do
	sleep 1
	id=${jobs[-1]}
	state=$(job_field "$id" JobState 2>/dev/null)
	case $state in
	RUNNING) ;;
	PENDING | CONFIGURING | COMPLETING | REQUEUE*) continue ;;
	*) start_job; continue ;;
	esac
	[ "$EPOCHSECONDS" -ge "$next" ] || continue
	next=$((EPOCHSECONDS + every_min + RANDOM % (every_max - every_min + 1)))
	parts=$(scontrol show job -o "$id" | grep -oE ' \| part [0-9]+ ' | wc -l)
	dice=$((RANDOM % 4))
	if [ "$dice" = 0 ]; then
		node=$(scontrol show hostnames "$(job_field "$id" NodeList)" |
			shuf -n1 --random-source=<(yes "$RANDOM"))
		what="kill $node"
		node_die "$node" "$id"
		p=requeue
		(sleep 20; node_revive "$node" >/dev/null) &
	elif [ "$parts" -gt 0 ] && [ "$dice" = 1 ] || [ "$parts" -ge 2 ]; then
		what=shrink
		p=$("$grow" --shrink "$id" 2>&1)
	else
		types=(ascend910b mlu590)
		what="grow ${types[RANDOM % 2]}:2"
		p=$(DLH_RUNTIME=$RUNTIME "$grow" "$id" "${what#grow }" \
			-o "$work/part-%j.txt" "$script" $args 2>&1)
	fi
	events+=("$id $EPOCHSECONDS $what $p")
	echo "t+$((EPOCHSECONDS - t0)) s: job $id: $what -> $p" >&2
done
# let the last job finish, then nothing may be left
for id in "${jobs[@]}"; do submit_wait "$id" 900 >/dev/null; done
wait # the nodes killed are back
sleep 5

echo
echo "| job | event | at step | seconds to the next step | steps lost |"
echo "|---|---|---:|---:|---:|"
for ((n = 0; n < ${#jobs[@]}; n++)); do
	grep -h 'event ' "$work/job$n.txt" | while read -r l; do
		printf '| %s | %s | %s | %s | %s |\n' "${jobs[n]}" \
			"$(sed -n 's/.*dlhetero_runtime: event \([^(:]*\)[(:].*/\1/p' <<<"$l")" \
			"$(sed -n 's/.*resumed at step \([0-9]*\).*/\1/p' <<<"$l")" \
			"$(sed -n 's/.* \([0-9.]*\) s from the event.*/\1/p' <<<"$l")" \
			"$(sed -n 's/.*, \([0-9]*\) step(s) lost.*/\1/p' <<<"$l")"
	done
done
echo
echo "| job | state | steps done (all runs) | events | most steps lost | losses = single process |"
echo "|---|---|---:|---:|---:|---|"
for ((n = 0; n < ${#jobs[@]}; n++)); do
	id=${jobs[n]}
	st=$(sacct -n -X -P -j "$id" -o State | head -n 1)
	ev=$(grep -c 'event ' "$work/job$n.txt")
	lost=$(sed -n 's/.*, \([0-9]*\) step(s) lost.*/\1/p' "$work/job$n.txt" | sort -n | tail -n 1)
	# every run's rank 0 logged its steps (a requeued run starts again
	# from the checkpoint): each step once at least, a step done twice
	# with the same loss, all of them the single process's
	merged=$work/job$n.merged.json
	if [ -s "$work/job$n.json" ] && /usr/bin/python3 - "$work/job$n.txt" \
		"$work/job$n.json" "$merged" "$steps" >"$work/job$n.merge" 2>&1 <<'PY' &&
import json, re, sys
log, out, merged, steps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
seen = {}
for line in open(log):
    m = re.match(r"dlhetero_runtime: step (\d+) loss ([0-9.]+)", line)
    if m:
        k, v = int(m.group(1)), float(m.group(2))
        if k in seen and abs(seen[k] - v) > 1e-5 + 1e-4 * abs(v):
            sys.exit("step %d done twice: loss %g, then %g" % (k, seen[k], v))
        seen[k] = v
missing = [k for k in range(steps) if k not in seen]
if missing:
    sys.exit("steps never done: %s" % missing)
doc = json.load(open(out))
doc["losses"] = {str(k): v for k, v in sorted(seen.items())}
json.dump(doc, open(merged, "w"))
PY
		same_as_single "$merged" >"$work/job$n.cmp" 2>&1; then
		same=yes
	else
		same=NO
	fi
	got=$(jq '.losses | length' "$merged" 2>/dev/null || echo 0)
	printf '| %s | %s | %s | %s | %s | %s |\n' "$id" "$st" "$got" "$ev" "${lost:-0}" "$same"
	[ "$st" = COMPLETED ] && [ "$same" = yes ] && [ "$got" = "$steps" ] &&
		[ "${lost:-0}" -le 1 ] || fails=$((fails + 1))
done
left=$(squeue -h -o %i | wc -l)
busy=$(sinfo -h -N -o '%N %T' | grep -vc ' idle$')
echo
echo "${#events[@]} events ($(printf '%s\n' "${events[@]}" | awk '{print $3}' |
	sort | uniq -c | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2}')), ${#jobs[@]} jobs; left allocated: $left jobs, $busy nodes not idle"
[ "$left" = 0 ] && [ "$busy" = 0 ] || fails=$((fails + 1))
[ "$fails" = 0 ]
