#!/bin/bash
# What a long pending queue of --dl-hetero jobs costs slurmctld's
# schedulers, against the same number of ordinary gres jobs: on the test
# cluster (select/cons_tres_dlhetero), a blocker job takes every
# accelerator, N jobs are queued behind it (mixed explicit and auto
# --dl-hetero requests; or --gres=accel[:TYPE]:N), sdiag is reset and read
# after SECS seconds: main scheduler and backfill cycle times (mean, max,
# in microseconds, as slurmctld measures them).  The two queues alternate
# which goes first in each round.
#
#   bench/pending-queue.sh [BUILD_DIR] [N] [ROUNDS] [SECS]   (as root)
#
# Prints a Markdown table and the ratios dlhetero / ordinary.
set -euo pipefail
. "$(dirname "$0")/bench-env.sh" "${1:-}"
n=${2:-1000}
rounds=${3:-3}
secs=${4:-60}

hetero_req=(--dl-hetero=a100:4,ascend910b:4 --dl-hetero=auto:8
	--dl-hetero=ascend910b:8,mlu590:8 --dl-hetero=auto:16:a100+mlu590
	--dl-hetero=a100:16,ascend910b:16,mlu590:8 --dl-hetero=auto:4)
ordinary_req=(--gres=accel:a100:4 --gres=accel:8 --gres=accel:ascend910b:8
	--gres=accel:mlu590:8 --gres=accel:4 --gres=accel:a100:8)

sdiag_field() {	# SECTION-REGEX FIELD: first FIELD after the section
	sdiag | awk -v s="$1" -v f="$2" '
		$0 ~ s { on = 1 }
		on && index($0, f ":") { sub(".*" f ":[ \t]*", ""); print $1 + 0; exit }'
}

one_queue() {	# hetero|ordinary -> "main_mean main_max bf_mean bf_max cycles"
	local kind=$1 i k req
	scancel --state=PENDING >/dev/null 2>&1 || true
	for ((i = 0; i < n; i++)); do
		k=$((i % 6))
		if [ "$kind" = hetero ]; then
			req=${hetero_req[k]}
		else
			req=${ordinary_req[k]}
		fi
		sbatch -Q -n1 -o /dev/null "$req" --wrap true || true
	done
	sdiag -r >/dev/null
	sleep "$secs"
	echo "$(sdiag_field '^Main schedule' 'Mean cycle') $(sdiag_field '^Main schedule' 'Max cycle') $(sdiag_field '^Backfilling' 'Mean cycle') $(sdiag_field '^Backfilling' 'Max cycle') $(sdiag_field '^Backfilling' 'Total cycles')"
	scancel --state=PENDING >/dev/null 2>&1 || true
}

bash "$DLH_CLUSTER_SH" stop >/dev/null 2>&1 || true
cluster_up >/dev/null
# every accelerator busy: the queue stays pending (reason Resources)
blocker=$(sbatch --parsable -N10 --ntasks-per-node=1 --gres=accel:8 \
	-o /dev/null --wrap "sleep 100000")
wait_state "$blocker" RUNNING 60

echo "| round | queue | jobs | main mean us | main max us | backfill mean us | backfill max us | backfill cycles |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
declare -A sum
for k in hetero_mm hetero_bm ordinary_mm ordinary_bm; do sum[$k]=0; done
for ((r = 1; r <= rounds; r++)); do
	order="ordinary hetero"
	[ $((r % 2)) = 1 ] || order="hetero ordinary"
	for kind in $order; do
		read -r mm mx bm bx bc < <(one_queue "$kind")
		printf '| %d | %s | %d | %d | %d | %d | %d | %d |\n' \
			"$r" "$kind" "$n" "$mm" "$mx" "$bm" "$bx" "$bc"
		sum[${kind}_mm]=$((sum[${kind}_mm] + mm))
		sum[${kind}_bm]=$((sum[${kind}_bm] + bm))
	done
done
scancel "$blocker" >/dev/null 2>&1 || true
bash "$DLH_CLUSTER_SH" stop >/dev/null 2>&1 || true
printf '\nratio dlhetero / ordinary, mean cycle: main %.2f, backfill %.2f\n' \
	"$(echo "${sum[hetero_mm]} / (${sum[ordinary_mm]} + 0.001)" | bc -l)" \
	"$(echo "${sum[hetero_bm]} / (${sum[ordinary_bm]} + 0.001)" | bc -l)"
