#!/bin/bash
# Ordinary-job throughput with dlhetero installed versus stock Slurm, on
# the one-machine test cluster: one job array of N tasks
# (`sbatch --array=1-N --wrap true`), from submission to the last task's
# end, on a fresh cluster per configuration and round, configurations in
# rotating order (each round starts with the next one):
#
#   stock     select/cons_tres, no job_submit plugin, no SPANK plugin, not
#             our plugins in PluginDir (gres accel without a plugin)
#   dlhetero  installed as the README says: select/cons_tres_dlhetero,
#             JobSubmitPlugins=dlhetero, the SPANK plugin, gres/accel
#   before    the same from an older build (OLD_BUILD_DIR, optional; given
#             PrologFlags=Alloc, which that design needed)
#
#   bench/array-throughput.sh [BUILD_DIR] [N] [ROUNDS] [OLD_BUILD_DIR]  (root)
#
# Prints a Markdown table of every run and the throughput ratios (sum of
# stock seconds / sum of the configuration's seconds).  Also the CPU time
# the whole machine spent during each run (/proc/stat): the daemons keep
# both cores busy, so a configuration that costs more per job shows there
# even when the wall time is lost in the machine's noise.
set -euo pipefail
. "$(dirname "$0")/bench-env.sh" "${1:-}"
n=${2:-500}
rounds=${3:-4}
old=${4:-}
[ -z "$old" ] || old=$(cd "$old" && pwd)
configs="stock dlhetero"
[ -z "$old" ] || configs="$configs before"

start_as() {	# CONFIG: a fresh cluster in that configuration
	case $1 in
	stock | dlhetero) bench_start "$1" ;;
	before) bench_start dlhetero "$old" PrologFlags=Alloc ;;
	esac
}

busy_ticks() {	# CPU time of the whole machine so far, in clock ticks
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

one_run() {	# CONFIG -> "seconds cpu-seconds"
	local t0 t1 id done_ok c0 c1
	start_as "$1"
	c0=$(busy_ticks)
	t0=$(date +%s.%N)
	id=$(sbatch --parsable --array=1-"$n" -o /dev/null --wrap true) ||
		{ echo "$1: sbatch failed" >&2; exit 1; }
	while [ "$(squeue -h -r -j "$id" 2>/dev/null | wc -l)" -gt 0 ]; do
		sleep 0.2
	done
	t1=$(date +%s.%N)
	c1=$(busy_ticks)
	# slurmdbd may lag behind slurmctld a little
	for _ in $(seq 50); do
		done_ok=$(sacct -X -n -j "$id" -o State 2>/dev/null |
			grep -c COMPLETED || true)
		[ "$done_ok" -lt "$n" ] || break
		sleep 0.2
	done
	[ "$done_ok" -ge "$n" ] ||
		echo "warning: $1: only $done_ok of $n array tasks completed" >&2
	echo "$(echo "$t1 - $t0" | bc -l) $(echo "($c1 - $c0) / $(getconf CLK_TCK)" | bc -l)"
}

echo "| round | configuration | array tasks | seconds | tasks/s | CPU s |"
echo "|---|---|---:|---:|---:|---:|"
declare -A sum cpu
for c in $configs; do sum[$c]=0 cpu[$c]=0; done
set -- $configs
for ((r = 1; r <= rounds; r++)); do
	for c in "$@"; do
		read -r s u < <(one_run "$c")
		printf '| %d | %s | %d | %.2f | %.1f | %.1f |\n' "$r" "$c" "$n" \
			"$s" "$(echo "$n / $s" | bc -l)" "$u"
		sum[$c]=$(echo "${sum[$c]} + $s" | bc -l)
		cpu[$c]=$(echo "${cpu[$c]} + $u" | bc -l)
	done
	set -- "${@:2}" "$1"	# rotate: the next round starts elsewhere
done
bash "$DLH_CLUSTER_SH" stop >/dev/null 2>&1 || true
echo
for c in $configs; do
	[ "$c" = stock ] && continue
	printf 'throughput %s / stock: %.3f (%d rounds, %.2f s vs %.2f s in all); CPU time %s / stock: %.3f\n' \
		"$c" "$(echo "${sum[stock]} / ${sum[$c]}" | bc -l)" "$rounds" \
		"${sum[$c]}" "${sum[stock]}" "$c" \
		"$(echo "${cpu[$c]} / ${cpu[stock]}" | bc -l)"
done
