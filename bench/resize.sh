#!/bin/bash
# Elastic shrink of a running --dl-hetero job on the one-machine test
# cluster: a 16-rank step (a100:16, two nodes) runs; the job is cut to
# one node with `scontrol update JobId= NumNodes=1`, and we time, from the
# request,
#   scontrol     slurmctld has resized the job (scontrol returns)
#   plan         the step's new plan file is written on the node left
#                (slurmd's log line "plan generation 1 ...")
#   signalled    the last task left has caught DL_RESIZE_SIGNAL, the new
#                plan already in place (tests/integration/resize-task.sh)
#
#   bench/resize.sh [BUILD_DIR] [ROUNDS]   (as root)
#
# Prints a Markdown table.  The test cluster's dlhetero.conf keeps the
# default ResizeCheckInterval=2.
set -euo pipefail
. "$(dirname "$0")/bench-env.sh" "${1:-}"
rounds=${2:-5}
cluster_up >/dev/null
work=$DLH_CLUSTER_DIR/work
task=$top/tests/integration/resize-task.sh

since() { printf '%.2f' "$(echo "$1 - $t0" | bc -l)"; }

echo "| round | nodes before -> after | scontrol s | plan s | signalled s | ranks after |"
echo "|---|---|---:|---:|---:|---:|"
for ((r = 1; r <= rounds; r++)); do
	out=$work/resize-$r.txt
	rm -f "$out"
	# one chip type: a running mixed step may not shrink (Slurm frees its
	# devices twice, doc/slurm-releases.md); 24.11 refuses to shrink a
	# job submitted with --ntasks-per-node
	id=$(sbatch --parsable -o /dev/null --dl-hetero=a100:16 -N2 -n16 --mincpus=8 \
		--wrap "srun -l $task 120 > $out")
	wait_state "$id" RUNNING 60
	until [ "$(grep -c ' start ' "$out" 2>/dev/null)" = 16 ]; do
		sleep 0.2
	done
	before=$(job_field "$id" NodeList)
	t0=$(date +%s.%N)
	scontrol update JobId="$id" NumNodes=1
	t_ctld=$(date +%s.%N)
	until [ "$(grep -c ' resized ' "$out")" -ge 8 ]; do sleep 0.1; done
	after=$(job_field "$id" NodeList)
	line=$(grep -h "\[$id.0\] dlhetero: job $id now on" \
		"$DLH_CLUSTER_DIR"/log/n*.log | head -n 1)
	t_plan=$(date -d "$(echo "$line" | sed 's/^\[\([^]]*\)\].*/\1/')" \
		+%s.%N)
	t_sig=$(grep ' resized ' "$out" | awk '{print $8}' | sort -n |
		tail -n 1)
	printf '| %d | %s -> %s | %s | %s | %s | %s |\n' "$r" "$before" \
		"$after" "$(since "$t_ctld")" "$(since "$t_plan")" \
		"$(since "$t_sig")" \
		"$(grep ' resized ' "$out" | head -n 1 | awk '{print $5}')"
	submit_wait "$id" 60 >/dev/null
done
