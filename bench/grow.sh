#!/bin/bash
# Elastic growth of a running --dl-hetero job on the one-machine test
# cluster: an 8-rank step (a100:8, one node) runs; `dlhetero-grow JOB
# ascend910b:8` adds a part, and we time, from the request,
#   submitted   dlhetero-grow has the part's job id (sbatch returned)
#   linked      slurmctld has started the part and linked it (--wait
#               returns)
#   new ranks   the part's last task has started, holding the new plan
#               generation (its DL_PLAN, read at start)
#   old ranks   the job's last task has caught DL_RESIZE_SIGNAL with the
#               new generation in place (tests/integration/resize-task.sh)
#   all         every rank, old and new, holds the new generation
#
#   bench/grow.sh [BUILD_DIR] [ROUNDS]   (as root)
#
# Prints a Markdown table.  The test cluster's dlhetero.conf keeps the
# default ResizeCheckInterval=2.
set -euo pipefail
. "$(dirname "$0")/bench-env.sh" "${1:-}"
rounds=${2:-5}
cluster_up >/dev/null
work=$DLH_CLUSTER_DIR/work
task=$top/tests/integration/resize-task.sh
grow=$top/src/cli/dlhetero-grow
joined=$work/grow-join.sh
cat >"$joined" <<'JOIN'
#!/bin/bash
# a new rank: the generation and world of the plan it started with
echo "joined $RANK $EPOCHREALTIME $(python3 -c 'import json, os
p = json.load(open(os.environ["DL_PLAN"]))
print(p["generation"], p["world_size"])')"
sleep 10 # stays in the job until the old ranks have their signal
JOIN
chmod +x "$joined"

since() { printf '%.2f' "$(echo "$1 - $t0" | bc -l)"; }

echo "| round | ranks before -> after | submitted s | linked s | new ranks s | old ranks s | all s |"
echo "|---|---|---:|---:|---:|---:|---:|"
for ((r = 1; r <= rounds; r++)); do
	out=$work/grow-$r.txt part_out=$work/grow-$r-part.txt
	rm -f "$out" "$part_out"
	id=$(sbatch --parsable -o /dev/null --dl-hetero=a100:8 -N1 -n8 \
		--wrap "srun -l $task 120 > $out")
	wait_state "$id" RUNNING 60
	until [ "$(grep -c ' start ' "$out" 2>/dev/null)" = 8 ]; do
		sleep 0.2
	done
	sleep 2.5 # past the watch's first look at the job
	t0=$(date +%s.%N)
	part=$("$grow" "$id" ascend910b:8 -o "$part_out" --wrap "srun $joined")
	t_sub=$(date +%s.%N)
	until scontrol show job -o "$part" | grep -q " | part of $id"; do
		sleep 0.05
	done
	t_link=$(date +%s.%N)
	until [ "$(grep -c '^joined ' "$part_out" 2>/dev/null)" = 8 ] &&
		[ "$(grep -c ' resized ' "$out")" -ge 8 ]; do
		sleep 0.1
	done
	t_new=$(awk '/^joined /{print $3}' "$part_out" | sort -n | tail -n 1)
	t_old=$(grep ' resized ' "$out" | awk '{print $8}' | sort -n | tail -n 1)
	gens=$( (awk '/^joined /{print $4, $5}' "$part_out"
		grep ' resized ' "$out" | awk '{print $4, $5}') | sort -u | paste -sd,)
	t_all=$(printf '%s\n%s\n' "$t_new" "$t_old" | sort -n | tail -n 1)
	printf '| %d | 8 -> %s | %s | %s | %s | %s | %s |\n' "$r" \
		"$gens" "$(since "$t_sub")" "$(since "$t_link")" \
		"$(since "$t_new")" "$(since "$t_old")" "$(since "$t_all")"
	submit_wait "$id" 60 >/dev/null
	submit_wait "$part" 60 >/dev/null
done
