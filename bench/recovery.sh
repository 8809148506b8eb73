#!/bin/bash
# Fault recovery of a --dl-hetero job on the one-machine test cluster:
# kill the slurmd of one of its nodes and time, from the kill,
#   detection     slurmctld marks the node DOWN (bounded by SlurmdTimeout)
#   reallocation  the requeued job holds its new nodes (RUNNING again)
#   launch        every task of the restarted job runs with its new plan
#
#   bench/recovery.sh [BUILD_DIR] [ROUNDS]   (as root)
#
# Prints a Markdown table.  The test cluster's SlurmdTimeout is 30 s.
set -euo pipefail
. "$(dirname "$0")/bench-env.sh" "${1:-}"
rounds=${2:-3}
cluster_up >/dev/null
work=$DLH_CLUSTER_DIR/work

now() { date +%s.%N; }
since() { printf '%.1f' "$(echo "$1 - $t0" | bc -l)"; }

echo "| round | killed | detection s | reallocation s | launch s | new nodes |"
echo "|---|---|---:|---:|---:|---|"
for ((r = 1; r <= rounds; r++)); do
	rm -f "$work"/rec-*.txt
	id=$(sbatch --parsable -o /dev/null --dl-hetero=a100:8,ascend910b:8 \
		-N2 --ntasks-per-node=8 --wrap "
		srun bash -c 'echo \$(date +%s.%N) \$DL_PLAN_HASH' \
			> $work/rec-\${SLURM_RESTART_COUNT:-0}.txt
		[ \${SLURM_RESTART_COUNT:-0} -ge 1 ] || sleep 600")
	wait_state "$id" RUNNING 60
	while [ "$(cat "$work/rec-0.txt" 2>/dev/null | wc -l)" -lt 16 ]; do
		sleep 0.2
	done
	victim=$(scontrol show hostnames "$(job_field "$id" NodeList)" | tail -n 1)
	t0=$(now)
	bash "$DLH_CLUSTER_SH" kill-node "$victim" >/dev/null
	until [[ $(scontrol show node "$victim") == *State=DOWN* ]]; do
		sleep 0.2
	done
	t_down=$(now)
	until [ "$(job_field "$id" Restarts)" -ge 1 ] &&
		[ "$(job_field "$id" JobState)" = RUNNING ]; do
		[ "$(job_field "$id" JobState)" = COMPLETED ] && break
		sleep 0.2
	done
	t_alloc=$(now)
	until [ "$(cat "$work/rec-1.txt" 2>/dev/null | wc -l)" -ge 16 ]; do
		sleep 0.2
	done
	t_launch=$(sort -n "$work/rec-1.txt" | tail -n 1 | cut -d' ' -f1)
	printf '| %d | %s | %s | %s | %s | %s |\n' "$r" "$victim" \
		"$(since "$t_down")" "$(since "$t_alloc")" "$(since "$t_launch")" \
		"$(job_field "$id" NodeList)"
	submit_wait "$id" 60 >/dev/null
	bash "$DLH_CLUSTER_SH" start-node "$victim" >/dev/null
	scontrol update nodename="$victim" state=resume 2>/dev/null || true
	until [ "$(sinfo -h -n "$victim" -o %T)" = idle ]; do sleep 0.5; done
done
