#!/bin/bash
# Latency of one --dl-hetero job on the one-machine test cluster: seconds
# from `sbatch --dl-hetero=a100:16,ascend910b:16` to the last of its 32
# ranks (srun in the batch script, one per accelerator) running with its
# plan, the job alone on an idle cluster.  With OLD_BUILD_DIR, the same
# with an older build (PrologFlags=Alloc, which that design needed), the
# two alternating on a fresh cluster each per round.
#
#   bench/hetero-latency.sh [BUILD_DIR] [JOBS_PER_ROUND] [ROUNDS] [OLD_BUILD_DIR]
#
# Prints a Markdown table of every job and the median per build.
set -euo pipefail
. "$(dirname "$0")/bench-env.sh" "${1:-}"
jobs=${2:-5}
rounds=${3:-3}
old=${4:-}
[ -z "$old" ] || old=$(cd "$old" && pwd)
configs="now"
[ -z "$old" ] || configs="now before"
marks=$(mktemp -d /tmp/dlh-latency.XXXXXX)
chmod 1777 "$marks"
trap 'rm -rf "$marks"' EXIT

start_as() {	# now|before
	if [ "$1" = before ]; then
		bench_start dlhetero "$old" PrologFlags=Alloc
	else
		bench_start dlhetero
	fi
}

one_job() {	# -> seconds to the last rank, or "fail"
	local t0 id last n
	rm -f "$marks"/rank.*
	t0=$(date +%s.%N)
	id=$(sbatch --parsable -o /dev/null --dl-hetero=a100:16,ascend910b:16 \
		-N4 --ntasks-per-node=8 --wrap "srun bash -c '[ -n \"\$DL_PLAN\" ] && date +%s.%N > $marks/rank.\$SLURM_PROCID'")
	submit_wait "$id" 120 >/dev/null
	n=$(ls "$marks" | grep -c '^rank\.' || true)
	if [ "$n" != 32 ]; then
		echo fail
		return
	fi
	last=$(cat "$marks"/rank.* | sort -n | tail -n1)
	echo "$last - $t0" | bc -l
}

echo "| round | build | job | seconds to 32 ranks with a plan |"
echo "|---|---|---:|---:|"
declare -A all
set -- $configs
for ((r = 1; r <= rounds; r++)); do
	for c in "$@"; do
		start_as "$c"
		for ((j = 1; j <= jobs; j++)); do
			s=$(one_job)
			[ "$s" = fail ] || all[$c]="${all[$c]:-} $s"
			printf '| %d | %s | %d | %s |\n' "$r" "$c" "$j" \
				"$([ "$s" = fail ] && echo 'fail (not every rank had a plan)' || printf '%.2f' "$s")"
		done
	done
	set -- "${@:2}" "$1"
done
bash "$DLH_CLUSTER_SH" stop >/dev/null 2>&1 || true
echo
for c in $configs; do
	printf 'median %s: %.2f s (%d jobs)\n' "$c" \
		"$(printf '%s\n' ${all[$c]} | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')" \
		"$(printf '%s\n' ${all[$c]} | grep -c .)"
done
