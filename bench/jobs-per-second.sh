#!/bin/bash
# End-to-end throughput of ordinary jobs on the one-machine test cluster:
# N one-node jobs (`sbatch --wrap true`), from the first submission to the
# last completion, under stock select/cons_tres and under
# select/cons_tres_dlhetero, on a fresh cluster each, in the same run,
# in alternating order (use an even number of rounds).
#
#   bench/jobs-per-second.sh [BUILD_DIR] [N] [ROUNDS]   (as root)
#
# Prints a Markdown table; the ratio is ours / cons_tres.
set -euo pipefail
. "$(dirname "$0")/bench-env.sh" "${1:-}"
n=${2:-1000}
rounds=${3:-1}

one_run() {	# SELECT_TYPE -> seconds
	local t0 t1 i left
	bash "$DLH_CLUSTER_SH" stop >/dev/null 2>&1 || true
	DLH_SELECT_TYPE=$1 cluster_up >/dev/null
	t0=$(date +%s.%N)
	for ((i = 0; i < n; i++)); do
		sbatch -Q -N1 -n1 -o /dev/null --wrap true
	done
	while left=$(squeue -h -o %i | wc -l) && [ "$left" -gt 0 ]; do
		sleep 0.2
	done
	t1=$(date +%s.%N)
	# (sacct -s alone would look at "now" only)
	done_ok=$(sacct -X -n -a -S now-1days -o State | grep -c COMPLETED)
	[ "$done_ok" -ge "$n" ] || echo "warning: only $done_ok of $n jobs completed" >&2
	echo "$t1 - $t0" | bc -l
}

echo "| round | select plugin | jobs | seconds | jobs/s |"
echo "|---|---|---:|---:|---:|"
sum_stock=0 sum_ours=0
for ((r = 1; r <= rounds; r++)); do
	# alternate which plugin goes first: the second run of a round finds
	# a warmer machine and a fuller accounting database
	order="select/cons_tres select/cons_tres_dlhetero"
	[ $((r % 2)) = 1 ] || order="select/cons_tres_dlhetero select/cons_tres"
	for sel in $order; do
		s=$(one_run "$sel")
		printf '| %d | %s | %d | %.1f | %.1f |\n' "$r" "$sel" "$n" "$s" \
			"$(echo "$n / $s" | bc -l)"
		if [ "$sel" = select/cons_tres ]; then
			sum_stock=$(echo "$sum_stock + $s" | bc -l)
		else
			sum_ours=$(echo "$sum_ours + $s" | bc -l)
		fi
	done
done
bash "$DLH_CLUSTER_SH" stop >/dev/null 2>&1 || true
printf '\nratio (ours / cons_tres, jobs per second): %.3f\n' \
	"$(echo "$sum_stock / $sum_ours" | bc -l)"
